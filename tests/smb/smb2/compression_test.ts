/**
 * COMPRESSION_TRANSFORM_HEADER ([MS-SMB2] 2.2.42) and the [MS-XCA]
 * decompressors, on the worked examples of [MS-XCA] section 3 and on
 * compressed messages built around a real WRITE request from
 * fixtures/smb/smb3_11.pcap; and the SMBGhost (CVE-2020-0796) pattern, whose
 * sizes must be refused before anything is allocated.
 */
import * as assert from "node:assert/strict";
import { FIXTURES, parseCapture, readCapture } from "./_capture.ts";
import { parseSmb2 } from "../../../lib/smb/smb2/parse.ts";
import {
  LAZY_PREFIX,
  MAX_DECOMPRESSED_SIZE,
  readCompression,
} from "../../../lib/smb/smb2/compression.ts";
import { decompressLz77 } from "../../../lib/smb/smb2/xca_lz77.ts";
import { decompressLznt1 } from "../../../lib/smb/smb2/xca_lznt1.ts";
import { decompressLz77Huffman } from "../../../lib/smb/smb2/xca_lz77_huffman.ts";
import type { ParseProblem } from "../../../lib/smb/types.ts";
import { concat } from "../../_support/bytes.ts";

const bytes = (hex: string) => new Uint8Array(hex.trim().split(/\s+/).map((h) => parseInt(h, 16)));
const ascii = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";
const ABC_300 = "abc".repeat(100);

/** [MS-XCA] 3.1: the alphabet as 26 literals (flags 0x0000003f), and "abc" × 100 as 3 literals and one match. */
const LZ77_ALPHABET = bytes(
  "3f 00 00 00 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79 7a",
);
const LZ77_ABC_300 = bytes("ff ff ff 1f 61 62 63 17 00 0f ff 26 01");

/** [MS-XCA] 3.2: the alphabet in LZ77+Huffman, a 256-byte table of code lengths then the bit stream. */
function huffmanAlphabet(): Uint8Array {
  const b = new Uint8Array(256 + 20);
  b.set([0x50, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x45, 0x44, 0x04], 48);
  b[128] = 0x04; // the end-of-file symbol 256
  b.set(bytes("d8 52 3e d7 94 11 5b e9 19 5f f9 d6 7c df 8d 04 00 00 00 00"), 256);
  return b;
}

/** [MS-XCA] 3.3: 142 bytes of ANSI text with its NUL, compressed by LZNT1 into one 59-byte chunk. */
const LZNT1_TEXT =
  "F# F# G A A G F# E D D E F# F# E E F# F# G A A G F# E D D E F# E D D E E F# D E " +
  "F# G F# D E F# G F# E D E A F# F# G A A G F# E D D E F# E D D\0";
const LZNT1_CHUNK = bytes(`
  38 b0 88 46 23 20 00 20 47 20 41 00 10 a2 47 01 a0 45 20 44 00 08 45 01
  50 79 00 c0 45 20 05 24 13 88 05 b4 02 4a 44 ef 03 58 02 8c 09 16 01 48
  45 00 be 00 9e 00 04 01 18 90 00`);

Deno.test("decompressLz77 decodes the [MS-XCA] 3.1 examples", () => {
  const out = new Uint8Array(26);
  assert.equal(decompressLz77(LZ77_ALPHABET, out), 26);
  assert.equal(text(out), ALPHABET);
  const abc = new Uint8Array(300);
  assert.equal(decompressLz77(LZ77_ABC_300, abc), 300);
  assert.equal(text(abc), ABC_300);
});

Deno.test("decompressLz77Huffman decodes the [MS-XCA] 3.2 example", () => {
  const out = new Uint8Array(26);
  assert.equal(decompressLz77Huffman(huffmanAlphabet(), out), 26);
  assert.equal(text(out), ALPHABET);
});

Deno.test("decompressLznt1 decodes the [MS-XCA] 3.3 example", () => {
  assert.equal(LZNT1_TEXT.length, 142);
  const out = new Uint8Array(142);
  assert.equal(decompressLznt1(LZNT1_CHUNK, out), 142);
  assert.equal(text(out), LZNT1_TEXT);
});

Deno.test("the decompressors never write past the declared size nor read before the output", () => {
  // "abc" × 100 into 299 bytes: the match would overrun.
  assert.match(String(decompressLz77(LZ77_ABC_300, new Uint8Array(299))), /exceeds the declared/);
  assert.match(String(decompressLznt1(LZNT1_CHUNK, new Uint8Array(100))), /exceeds/);
  // A match first, before any output: offset 1 reaches before the start.
  assert.match(String(decompressLz77(bytes("00 00 00 80 00 00"), new Uint8Array(8))), /before/);
  // A Huffman table whose lengths over-fill the code space.
  const bad = new Uint8Array(260).fill(0x11);
  assert.match(String(decompressLz77Huffman(bad, new Uint8Array(8))), /overflow/);
  // Truncated input ends early, short of the declared size (the caller reports it).
  assert.equal(decompressLz77(LZ77_ALPHABET.subarray(0, 10), new Uint8Array(26)), 6);
});

/** A real WRITE request (fixtures/smb/smb3_11.pcap frame 133): header and body, 112 bytes, DataLength patched. */
async function writeRequestHead(dataLength: number): Promise<Uint8Array> {
  const parsed = parseCapture(await readCapture(new URL("smb3_11.pcap", FIXTURES)));
  const write = parsed.find((p) => p.frame === 133)!;
  assert.equal(write.packet.messages[0]!.name, "WRITE");
  const head = write.body.slice(0, 112);
  new DataView(head.buffer).setUint32(64 + 4, dataLength, true);
  return head;
}

function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

/** ProtocolId, OriginalCompressedSegmentSize, CompressionAlgorithm, Flags 0, Offset. */
function unchained(size: number, algorithm: number, offset: number, rest: Uint8Array): Uint8Array {
  return new Uint8Array([
    0xfc,
    0x53,
    0x4d,
    0x42,
    ...le32(size),
    algorithm,
    0,
    0,
    0,
    ...le32(offset),
    ...rest,
  ]);
}

for (
  const [name, algorithm, compressed, data] of [
    ["LZ77", 2, LZ77_ABC_300, ABC_300],
    ["LZNT1", 1, LZNT1_CHUNK, LZNT1_TEXT],
    ["LZ77+Huffman", 3, huffmanAlphabet(), ALPHABET],
  ] as const
) {
  Deno.test(`parseSmb2 decompresses an unchained ${name} message and parses the WRITE inside`, async () => {
    const head = await writeRequestHead(data.length);
    const packet = parseSmb2(unchained(data.length, algorithm, 112, concat(head, compressed)));
    assert.deepEqual(packet.problems, []);
    const c = packet.compression!;
    assert.deepEqual(
      [c.kind, c.algorithm, c.chained, c.offset, c.originalCompressedSegmentSize],
      ["compression", name, false, 112, data.length],
    );
    assert.equal(c.decompressed!.length, 112 + data.length);
    const write = packet.messages[0]!;
    assert.equal(write.name, "WRITE");
    assert.deepEqual(write.data, { offset: 112, length: data.length });
    const payload = c.decompressed!.subarray(write.data!.offset, write.data!.offset + data.length);
    assert.equal(text(payload), data);
  });
}

/** A chained payload header: CompressionAlgorithm, Flags, Length (and OriginalPayloadSize in `rest`). */
function payload(algorithm: number, first: boolean, body: number[] | Uint8Array): Uint8Array {
  return new Uint8Array([algorithm, 0, first ? 1 : 0, 0, ...le32(body.length), ...body]);
}

Deno.test("parseSmb2 joins chained NONE, Pattern_V1 and LZ77 payloads into one message", async () => {
  const head = await writeRequestHead(300 + 50 + 26);
  const msg = concat(
    new Uint8Array([0xfc, 0x53, 0x4d, 0x42, ...le32(112 + 300 + 50 + 26)]),
    payload(0, true, head), // NONE: the header and body as they are
    payload(2, false, [...le32(300), ...LZ77_ABC_300]), // LZ77 with OriginalPayloadSize
    payload(4, false, [0x7a, 0, 0, 0, ...le32(50)]), // Pattern_V1: "z" × 50
    payload(2, false, [...le32(26), ...LZ77_ALPHABET]),
  );
  const packet = parseSmb2(msg);
  assert.deepEqual(packet.problems, []);
  const c = packet.compression!;
  assert.deepEqual([c.chained, c.algorithm, c.offset], [true, "NONE", 112]);
  const write = packet.messages[0]!;
  assert.deepEqual(write.data, { offset: 112, length: 376 });
  assert.equal(
    text(c.decompressed!.subarray(112)),
    ABC_300 + "z".repeat(50) + ALPHABET,
  );
});

Deno.test("readCompression reports what it cannot or will not decompress", async () => {
  const head = await writeRequestHead(300);
  const problems = (msg: Uint8Array, cap?: number) => {
    const out: ParseProblem[] = [];
    const c = readCompression(msg, out, cap);
    return { c, out: out.map((p) => `${p.kind}: ${p.detail}`) };
  };
  // LZ4 is named but not implemented.
  const lz4 = problems(unchained(300, 5, 112, concat(head, new Uint8Array(20))));
  assert.deepEqual(lz4.out, [
    "unsupported: SMB2 COMPRESSION_TRANSFORM_HEADER: LZ4 decompression not implemented",
  ]);
  assert.equal(lz4.c!.decompressed, undefined);
  // An unknown algorithm likewise.
  assert.match(problems(unchained(300, 9, 112, head)).out[0]!, /^unsupported: .*UNKNOWN_0x0009/);
  // Data that decompresses to less than declared.
  assert.match(
    problems(unchained(301, 2, 112, concat(head, LZ77_ABC_300))).out[0]!,
    /^malformed: .*LZ77 gave 300 of the declared 301 bytes/,
  );
  // Pattern_V1 whose Repetitions disagree with the space left.
  const chained = concat(
    new Uint8Array([0xfc, 0x53, 0x4d, 0x42, ...le32(112 + 10)]),
    payload(0, true, head),
    payload(4, false, [0x41, 0, 0, 0, ...le32(11)]),
  );
  assert.match(problems(chained).out[0]!, /^malformed: .*runs past OriginalCompressedSegmentSize/);
  // Offset beyond the message.
  assert.match(problems(unchained(300, 2, 5000, head)).out[0]!, /Offset 5000 runs past/);
  // A size over the caller's cap.
  assert.match(
    problems(unchained(300, 2, 112, concat(head, LZ77_ABC_300)), 256).out[0]!,
    /^malformed: .*412 exceeds the 256-byte cap; not decompressed/,
  );
  // A header cut short.
  assert.match(problems(new Uint8Array([0xfc, 0x53, 0x4d, 0x42, 1])).out[0]!, /^truncated/);
});

/** Runs `fn` while recording the largest Uint8Array allocated by length. */
function largestAllocation(fn: () => void): number {
  const Real = globalThis.Uint8Array;
  let largest = 0;
  globalThis.Uint8Array = new Proxy(Real, {
    construct(target, args, newTarget) {
      if (typeof args[0] === "number") largest = Math.max(largest, args[0]);
      return Reflect.construct(target, args, newTarget);
    },
  });
  try {
    fn();
  } finally {
    globalThis.Uint8Array = Real;
  }
  return largest;
}

Deno.test("parseSmb2 refuses the SMBGhost (CVE-2020-0796) sizes before allocating", async () => {
  const head = await writeRequestHead(300);
  // The exploit's shape: OriginalCompressedSegmentSize 0xFFFFFFFF with a small Offset,
  // so Offset + size wraps around 32 bits.
  const ghost = unchained(0xffff_ffff, 1, 0x10, concat(head, LZNT1_CHUNK));
  let packet = parseSmb2(ghost);
  const largest = largestAllocation(() => {
    packet = parseSmb2(ghost);
  });
  assert.ok(largest < 4096, `allocated ${largest} bytes`);
  assert.equal(packet.compression!.decompressed, undefined);
  assert.deepEqual(packet.messages, []);
  assert.equal(packet.problems.length, 1);
  assert.equal(packet.problems[0]!.kind, "malformed");
  assert.equal(packet.problems[0]!.code, "smb2_compression_size_overflow");
  assert.match(
    packet.problems[0]!.detail,
    /overflows 32 bits \(the SMBGhost CVE-2020-0796 pattern\)/,
  );
  // 4 GB without the wrap, chained, and just over the global cap: refused the same way.
  for (
    const msg of [
      unchained(0xffff_ffff, 2, 0, LZ77_ABC_300),
      concat(
        new Uint8Array([0xfc, 0x53, 0x4d, 0x42, ...le32(0xffff_fff0)]),
        payload(4, true, [0, 0, 0, 0, ...le32(0xffff_fff0)]),
      ),
      unchained(
        MAX_DECOMPRESSED_SIZE + 1,
        4,
        0,
        new Uint8Array([0x41, 0, 0, 0, ...le32(MAX_DECOMPRESSED_SIZE + 1)]),
      ),
    ]
  ) {
    const size = largestAllocation(() => {
      packet = parseSmb2(msg);
    });
    assert.ok(size < 4096, `allocated ${size} bytes`);
    assert.match(packet.problems[0]!.detail, /cap|overflows/);
    assert.equal(packet.compression!.decompressed, undefined);
  }
});

Deno.test("parseSmb2 bounds a Pattern_V1 expansion by the declared size and the cap", () => {
  // 1 MiB of "A" declared and delivered: allowed, exactly that large.
  const mib = 1 << 20;
  const ok = concat(
    new Uint8Array([0xfc, 0x53, 0x4d, 0x42, ...le32(mib)]),
    payload(4, true, [0x41, 0, 0, 0, ...le32(mib)]),
  );
  let packet = parseSmb2(ok);
  // The allocation probe sees this one (so its silence above means something).
  assert.equal(largestAllocation(() => packet = parseSmb2(ok)), mib);
  assert.equal(packet.compression!.decompressed!.length, mib);
  // Not an SMB2 message inside: reported, not parsed.
  assert.equal(packet.problems.length, 1);
  assert.match(packet.problems[0]!.detail, /does not start with 0xFE 'SMB'/);
  assert.equal(ascii("A")[0], packet.compression!.decompressed![mib - 1]);
});

Deno.test("the decompressors fill a shorter output with the prefix of the whole, then stop", () => {
  const cases = [
    ["LZ77", (out: Uint8Array, size: number) => decompressLz77(LZ77_ABC_300, out, size), ABC_300],
    [
      "LZNT1",
      (out: Uint8Array, size: number) => decompressLznt1(LZNT1_CHUNK, out, size),
      LZNT1_TEXT,
    ],
    [
      "LZ77+Huffman",
      (out: Uint8Array, size: number) => decompressLz77Huffman(huffmanAlphabet(), out, size),
      ALPHABET,
    ],
  ] as const;
  for (const [name, run, whole] of cases) {
    for (const n of [1, 2, 4, 5, 13, whole.length - 1]) {
      const out = new Uint8Array(n);
      assert.equal(run(out, whole.length), n, `${name} prefix ${n}`);
      assert.equal(text(out), whole.slice(0, n), `${name} prefix ${n}`);
    }
  }
  // The declared size still bounds the stream: a prefix of a size the data overruns is refused.
  assert.match(
    String(decompressLz77(LZ77_ABC_300, new Uint8Array(10), 299)),
    /exceeds the declared/,
  );
});

/** A gate that allows up to `budget` bytes and records what it was asked. */
function gate(wantsBulk: boolean, budget = Infinity) {
  const asked: [number, number][] = [];
  return {
    asked,
    wantsBulk,
    grant(produced: number, consumed: number) {
      asked.push([produced, consumed]);
      if (produced > budget) return false;
      budget -= produced;
      return true;
    },
  };
}

Deno.test("parseSmb2 asks its gate before decompressing, and a refusal leaves the message undecompressed", async () => {
  const head = await writeRequestHead(300);
  const msg = unchained(300, 2, 112, concat(head, LZ77_ABC_300));
  const yes = gate(true);
  assert.equal(parseSmb2(msg, undefined, yes).compression!.decompressed!.length, 412);
  assert.deepEqual(yes.asked, [[412, msg.length]]);
  const no = gate(true, 100);
  const refused = parseSmb2(msg, undefined, no);
  assert.deepEqual(no.asked, [[412, msg.length]]);
  assert.equal(refused.compression!.decompressed, undefined);
  assert.deepEqual(refused.messages, []);
  assert.deepEqual(refused.problems, []); // the gate reports its own refusal
});

Deno.test("parseSmb2 decompresses a WRITE nobody wants the data of only as far as its headers", async () => {
  // 1 MiB of "z" after a real WRITE request's 112 bytes, as one chained Pattern_V1 payload.
  const mib = 1 << 20;
  const head = await writeRequestHead(mib);
  const msg = concat(
    new Uint8Array([0xfc, 0x53, 0x4d, 0x42, ...le32(112 + mib)]),
    payload(0, true, head),
    payload(4, false, [0x7a, 0, 0, 0, ...le32(mib)]),
  );
  const lazy = gate(false);
  let packet = parseSmb2(msg, undefined, lazy);
  assert.ok(
    largestAllocation(() => packet = parseSmb2(msg, undefined, gate(false))) <= LAZY_PREFIX,
  );
  assert.deepEqual(lazy.asked, [[LAZY_PREFIX, msg.length]]);
  assert.equal(packet.compression!.partial, true);
  assert.equal(packet.compression!.decompressed!.length, LAZY_PREFIX);
  assert.deepEqual(packet.problems, []); // its data running past the prefix is expected
  const write = packet.messages[0]!;
  assert.equal(write.name, "WRITE");
  assert.deepEqual(write.data, { offset: 112, length: mib });
  assert.equal(text(packet.compression!.decompressed!.subarray(112, 120)), "zzzzzzzz");
  // Wanted, or not a READ/WRITE: decompressed whole (the prefix tried first when unwanted).
  const eager = gate(true);
  assert.equal(parseSmb2(msg, undefined, eager).compression!.decompressed!.length, 112 + mib);
  assert.deepEqual(eager.asked, [[112 + mib, msg.length]]);
  const echo = head.slice();
  echo[12] = 0x0d; // the same bytes as an ECHO: not bulk
  const notBulk = gate(false);
  const whole = parseSmb2(
    concat(
      new Uint8Array([0xfc, 0x53, 0x4d, 0x42, ...le32(112 + mib)]),
      payload(0, true, echo),
      payload(4, false, [0x7a, 0, 0, 0, ...le32(mib)]),
    ),
    undefined,
    notBulk,
  );
  assert.equal(whole.compression!.decompressed!.length, 112 + mib);
  assert.deepEqual(notBulk.asked.map(([p]) => p), [LAZY_PREFIX, 112 + mib]);
});
