import { deepEqual, equal } from "node:assert/strict";
import { latin1, utf16le } from "../../lib/bytes/text.ts";
import { filetimeIso } from "../../lib/bytes/wire_values.ts";
import { jsonCopy } from "../../lib/smb/json.ts";

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

Deno.test("utf16le agrees with TextDecoder on names full of surrogates, halves and pairs", () => {
  const decoder = new TextDecoder("utf-16le", { ignoreBOM: true });
  const random = lcg(7);
  for (let t = 0; t < 20000; t++) {
    const units = Math.floor(random() * (t % 500 === 0 ? 9000 : 24));
    const b = new Uint8Array(units * 2 + (t & 1)); // odd lengths too: the last byte is dropped
    for (let i = 0; i + 1 < b.length; i += 2) {
      const r = random();
      const u = r < 0.25
        ? 0xd800 + Math.floor(random() * 0x400)
        : r < 0.5
        ? 0xdc00 + Math.floor(random() * 0x400)
        : Math.floor(random() * 0x10000);
      b[i] = u & 0xff;
      b[i + 1] = u >> 8;
    }
    equal(utf16le(b), decoder.decode(b.subarray(0, b.length & ~1)));
  }
});

Deno.test("utf16le keeps a leading byte-order mark, as it is part of the name", () => {
  equal(utf16le(new Uint8Array([0xff, 0xfe, 0x41, 0x00])), "\ufeffA");
  equal(utf16le(new Uint8Array([0x3d, 0xd8, 0x00, 0xde])), "\u{1f600}");
  equal(utf16le(new Uint8Array([0x3d, 0xd8])), "\ufffd");
});

Deno.test("latin1 maps each byte to one code point", () => {
  const b = Uint8Array.from({ length: 10000 }, (_, i) => i & 0xff);
  equal(latin1(b), Array.from(b, (c) => String.fromCharCode(c)).join(""));
});

Deno.test("filetimeIso agrees with Date arithmetic from 1601 to year 30828", () => {
  const reference = (ft: bigint) => {
    const seconds = ft / 10_000_000n - 11_644_473_600n;
    const iso = new Date(Number(seconds) * 1000).toISOString();
    return `${iso.slice(0, -5)}.${String(ft % 10_000_000n).padStart(7, "0")}Z`;
  };
  const random = lcg(11);
  const cases = [1n, 116_444_736_000_000_000n, 2_650_467_743_999_999_999n, 0x7fff_ffff_ffff_ffffn];
  for (let i = 0; i < 50000; i++) {
    cases.push(
      BigInt(Math.floor(random() * 2 ** 31)) * 2n ** 32n + BigInt(Math.floor(random() * 2 ** 32)),
    );
  }
  for (const ft of cases) {
    equal(filetimeIso(Number(ft & 0xffff_ffffn), Number(ft >> 32n)), reference(ft));
  }
  // The last FILETIME before the "do not change" bit, in the expanded year form.
  equal(filetimeIso(0xffff_ffff, 0x7fff_ffff), "+030828-09-14T02:48:05.4775807Z");
});

Deno.test("jsonCopy copies as a JSON round trip would", () => {
  const samples: unknown[] = [
    {
      a: 1,
      b: undefined,
      c: [1, undefined, "x", { d: NaN, e: Infinity, f: null }],
      g: { h: true },
    },
    [],
    "s",
    3,
    null,
    { n: { m: [[]] } },
  ];
  for (const s of samples) deepEqual(jsonCopy(s), JSON.parse(JSON.stringify(s)));
  const original = { list: [1, 2] };
  const copy = jsonCopy(original) as { list: number[] };
  copy.list.push(3);
  deepEqual(original.list, [1, 2]);
});
