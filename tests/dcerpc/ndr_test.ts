import * as assert from "node:assert/strict";
import { MAX_KEPT_ITEMS, NdrError, NdrReader } from "../../lib/dcerpc/ndr.ts";

/** Little-endian bytes from a list of [width, value] fields and raw byte arrays. */
function le(...parts: ([1 | 2 | 4 | 8, number] | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (
      p.length === 2 && [1, 2, 4, 8].includes(p[0] as number) && typeof p[1] === "number" &&
      !Array.isArray(p[0])
    ) {
      const [w, v] = p as [number, number];
      for (let i = 0; i < w; i++) {
        out.push(i < 4 ? (v >>> (8 * i)) & 0xff : Math.floor(v / 2 ** (8 * i)) & 0xff);
      }
    } else out.push(...(p as number[]));
  }
  return new Uint8Array(out);
}
const units = (s: string) => [...s].flatMap((c) => [c.charCodeAt(0), 0]);

Deno.test("a [unique] wide string pointer: referent id, counts, characters without the NUL", () => {
  const r = new NdrReader(le([4, 0x20000], [4, 4], [4, 0], [4, 4], units("svc\0"), [4, 7]));
  assert.equal(r.pointer(), 0x20000);
  assert.equal(r.wstring(), "svc");
  assert.equal(r.u32(), 7); // aligned past the 8 string bytes
});

Deno.test("a null pointer has no pointee", () => {
  const r = new NdrReader(le([4, 0], [4, 9]));
  assert.equal(r.pointer(), 0);
  assert.equal(r.u32(), 9);
});

Deno.test("RPC_UNICODE_STRINGs in a structure: flat parts first, then the buffers in order", () => {
  const r = new NdrReader(
    le(
      [2, 4],
      [2, 4],
      [4, 0x20000], // "ab"
      [2, 0],
      [2, 0],
      [4, 0], // null buffer
      [2, 2],
      [2, 4],
      [4, 0x20004], // "c" (length cuts the NUL)
      [4, 2],
      [4, 0],
      [4, 2],
      units("ab"),
      [4, 2],
      [4, 0],
      [4, 2],
      units("c\0"),
    ),
  );
  const got: string[] = [];
  r.unicodeString((s) => got.push(`1:${s}`));
  r.unicodeString((s) => got.push(`2:${s}`));
  r.unicodeString((s) => got.push(`3:${s}`));
  assert.deepEqual(got, []);
  r.flush();
  assert.deepEqual(got, ["1:ab", "3:c"]);
  assert.equal(r.remaining, 0);
});

Deno.test("a SID: conformance, revision, count, authority, sub-authorities", () => {
  const r = new NdrReader(
    le([4, 4], [1, 1], [1, 4], [0, 0, 0, 0, 0, 5], [4, 21], [4, 1], [4, 2], [4, 500]),
  );
  assert.equal(r.sid(), "S-1-5-21-1-2-500");
});

Deno.test("hostile counts and lengths are errors, not allocations", () => {
  assert.throws(
    () => new NdrReader(le([4, 0xffffffff], [4, 0], [4, 0xffffffff])).wstring(),
    NdrError,
  );
  assert.throws(() => new NdrReader(le([4, 2], [4, 0], [4, 3], units("abc"))).wstring(), NdrError);
  assert.throws(() => new NdrReader(le([4, 1])).array(0x7fffffff, 4, (i) => i), NdrError);
  assert.throws(() => new NdrReader(le([4, 3], [1, 1], [1, 2])).sid(), NdrError);
  assert.throws(() => new NdrReader(new Uint8Array(2)).u32(), NdrError);
});

Deno.test("arrays keep the first items and read past the rest", () => {
  const n = MAX_KEPT_ITEMS + 4;
  const r = new NdrReader(new Uint8Array(4 * n + 4));
  const items = r.array(n, 4, () => r.u32());
  assert.equal(items.length, MAX_KEPT_ITEMS);
  assert.equal(r.cut, 1);
  assert.equal(r.remaining, 4);
});

Deno.test("pointer chains deeper than the cap stop with an error (a cycle cannot hang)", () => {
  const r = new NdrReader(new Uint8Array(4096).fill(1));
  const link = (): void => {
    if (r.pointer() !== 0) r.defer(link);
  };
  link();
  assert.throws(() => r.flush(), /nest deeper/);
});

Deno.test("NDR64: 8-byte pointers and counts, aligned to 8", () => {
  const r = new NdrReader(le([4, 7], [4, 0], [8, 0x20000], [8, 2], [8, 0], [8, 2], units("x\0")), {
    ndr64: true,
  });
  assert.equal(r.u32(), 7);
  assert.equal(r.pointer(), 1);
  assert.equal(r.wstring(), "x");
});

Deno.test("big-endian data representation", () => {
  const r = new NdrReader(new Uint8Array([0, 0, 1, 2]), { littleEndian: false });
  assert.equal(r.u32(), 0x102);
});
