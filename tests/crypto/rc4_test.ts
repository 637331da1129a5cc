import * as assert from "node:assert/strict";
import { rc4 } from "../../lib/crypto/rc4.ts";
import { hex, unhex } from "./_hex.ts";

Deno.test("rc4 keystream matches RFC 6229 section 2 (40-bit and 128-bit keys)", () => {
  const stream40 = rc4(unhex("0102030405"), new Uint8Array(4112));
  assert.equal(hex(stream40.subarray(0, 16)), "b2396305f03dc027ccc3524a0a1118a8");
  assert.equal(hex(stream40.subarray(16, 32)), "6982944f18fc82d589c403a47a0d0919");
  assert.equal(hex(stream40.subarray(240, 256)), "28cb1132c96ce286421dcaadb8b69eae");
  assert.equal(hex(stream40.subarray(4096, 4112)), "ff25b58995996707e51fbdf08b34d875");
  const stream128 = rc4(unhex("0102030405060708090a0b0c0d0e0f10"), new Uint8Array(32));
  assert.equal(hex(stream128.subarray(0, 16)), "9ac7cc9a609d1ef7b2932899cde41b97");
  assert.equal(hex(stream128.subarray(16, 32)), "5248c4959014126a6e8a84f11d1a9e1c");
});

Deno.test("rc4 is its own inverse and leaves its input alone", () => {
  const key = unhex("55555555555555555555555555555555");
  const data = new Uint8Array(40).map((_, i) => i);
  const sealed = rc4(key, data);
  assert.deepEqual(rc4(key, sealed), data);
  assert.equal(data[39], 39);
});

Deno.test("rc4 rejects an empty key", () => {
  assert.throws(() => rc4(new Uint8Array(0), new Uint8Array(1)), RangeError);
});
