/** The shard hash: values computed independently (Python FNV-1a, shown in each test). */
import * as assert from "node:assert/strict";
import { Decoder, parseShard, shardOf } from "../../mod.ts";
import { pairHash } from "../../lib/shard/hash.ts";

const v4 = (...b: number[]) => new Uint8Array(b);

Deno.test("pairHash is FNV-1a of the smaller address then the larger, then Murmur3's finaliser", () => {
  // Python: h = 0x811c9dc5; for b in bytes: h = ((h ^ b) * 0x01000193) & 0xffffffff (FNV-1a
  // 0x17fe6360 for 0a000001 0a000002); then h ^= h >> 16; h = h * 0x85ebca6b; h ^= h >> 13;
  // h = h * 0xc2b2ae35; h ^= h >> 16 (each & 0xffffffff).
  assert.equal(pairHash(v4(10, 0, 0, 1), v4(10, 0, 0, 2)), 0x2f95e7e0);
  assert.equal(pairHash(v4(10, 0, 0, 2), v4(10, 0, 0, 1)), 0x2f95e7e0);
  // 10.0.0.1 sorts before 192.168.1.10: 0xeaaa0946, 0 of 3.
  assert.equal(pairHash(v4(192, 168, 1, 10), v4(10, 0, 0, 1)), 0xeaaa0946);
  assert.equal(shardOf(v4(192, 168, 1, 10), v4(10, 0, 0, 1), 3), 0);
  const a = new Uint8Array(16), b = new Uint8Array(16);
  a.set([0x20, 0x01, 0x0d, 0xb8]), b.set([0x20, 0x01, 0x0d, 0xb8]);
  a[15] = 1, b[15] = 2;
  // 2001:db8::1 and 2001:db8::2: 0xf86e0d5c, shard 0 of 4.
  assert.equal(pairHash(b, a), 0xf86e0d5c);
  assert.equal(shardOf(a, b, 4), 0);
});

Deno.test("parseShard reads i/N, 0-based", () => {
  assert.deepEqual(parseShard("0/1"), { index: 0, count: 1 });
  assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
  for (const bad of ["3/3", "1/0", "-1/2", "a/b", "1/2/3", "", "1 / 2"]) {
    assert.equal(parseShard(bad), undefined, bad);
  }
});

Deno.test("Decoder refuses a bad shard option", () => {
  assert.throws(() => new Decoder({ shard: { index: 2, count: 2 } }), {
    name: "RangeError",
    message: "Cannot create decoder: option shard.index must be an integer from 0 to 1",
  });
  assert.throws(() => new Decoder({ shard: { index: 0, count: 0 } }), RangeError);
  assert.throws(() => new Decoder({ shard: { index: 0.5, count: 2 } }), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new Decoder({ shard: "0/2" as any }), TypeError);
});

Deno.test("copies of one host pair with both addresses shifted alike spread over the shards", () => {
  // bench/build_capture.ts shifts both addresses' middle octets by the copy number: plain FNV-1a
  // put every copy in one shard of two (its low bit is the parity of the bytes' low bits).
  const halves = [0, 0];
  for (let copy = 0; copy < 64; copy++) {
    halves[shardOf(v4(10, copy, 0, 1), v4(10, copy, 0, 2), 2)]!++;
  }
  assert.ok(halves[0]! > 16 && halves[1]! > 16, `${halves}`);
});
