import * as assert from "node:assert/strict";
import { aesCcmOpen, aesCcmSeal } from "../../lib/crypto/aes_ccm.ts";
import { hex, unhex } from "./_hex.ts";
import { loadCiphers } from "../../lib/crypto/aes.ts";

await loadCiphers(); // AES loads on demand (lib/crypto/aes.ts)

interface CcmVector {
  source: string;
  key: string;
  nonce: string;
  aad: string;
  plaintext: string;
  ciphertext: string;
  tag: string;
}

const SP800_38C_KEY = "404142434445464748494a4b4c4d4e4f";
const VECTORS: CcmVector[] = [
  {
    source: "NIST SP 800-38C Appendix C.1 (Example 1)",
    key: SP800_38C_KEY,
    nonce: "10111213141516",
    aad: "0001020304050607",
    plaintext: "20212223",
    ciphertext: "7162015b",
    tag: "4dac255d",
  },
  {
    source: "NIST SP 800-38C Appendix C.2 (Example 2)",
    key: SP800_38C_KEY,
    nonce: "1011121314151617",
    aad: "000102030405060708090a0b0c0d0e0f",
    plaintext: "202122232425262728292a2b2c2d2e2f",
    ciphertext: "d2a1f0e051ea5f62081a7792073d593d",
    tag: "1fc64fbfaccd",
  },
  {
    source: "NIST SP 800-38C Appendix C.3 (Example 3)",
    key: SP800_38C_KEY,
    nonce: "101112131415161718191a1b",
    aad: "000102030405060708090a0b0c0d0e0f10111213",
    plaintext: "202122232425262728292a2b2c2d2e2f3031323334353637",
    ciphertext: "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5",
    tag: "484392fbc1b09951",
  },
  {
    source: "RFC 3610 section 8, Packet Vector #1",
    key: "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
    nonce: "00000003020100a0a1a2a3a4a5",
    aad: "0001020304050607",
    plaintext: "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
    ciphertext: "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384",
    tag: "17e8d12cfdf926e0",
  },
];

Deno.test("aesCcmSeal matches NIST SP 800-38C Appendix C and RFC 3610", () => {
  for (const v of VECTORS) {
    const plaintext = unhex(v.plaintext);
    const sealed = aesCcmSeal(
      unhex(v.key),
      unhex(v.nonce),
      unhex(v.aad),
      plaintext,
      v.tag.length / 2,
    );
    assert.equal(hex(sealed.ciphertext), v.ciphertext, v.source);
    assert.equal(hex(sealed.tag), v.tag, v.source);
    assert.equal(hex(plaintext), v.plaintext, `${v.source}: input untouched`);
  }
});

Deno.test("aesCcmOpen recovers the vectors' plaintext and refuses any flipped bit", () => {
  for (const v of VECTORS) {
    const [key, nonce, aad, ct, tag] = [v.key, v.nonce, v.aad, v.ciphertext, v.tag].map(unhex) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    assert.equal(hex(aesCcmOpen(key, nonce, aad, ct, tag)!), v.plaintext, v.source);
    for (const part of [aad, ct, tag, nonce]) {
      part[0]! ^= 1;
      assert.equal(aesCcmOpen(key, nonce, aad, ct, tag), undefined, v.source);
      part[0]! ^= 1;
    }
  }
});

Deno.test("aesCcmSeal and aesCcmOpen round-trip unaligned views, long AAD and odd lengths", () => {
  const key = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const backing = new Uint8Array(70_200).map((_, i) => (i * 13) & 0xff);
  const aad = backing.subarray(3, 65_300 + 3); // over 2^16 - 2^8: the six-byte length encoding
  const plaintext = backing.subarray(5, 5 + 4_099);
  const nonce = backing.subarray(1, 12);
  const { ciphertext, tag } = aesCcmSeal(key, nonce, aad, plaintext);
  assert.deepEqual(aesCcmOpen(key, nonce, aad, ciphertext, tag), plaintext);
  assert.deepEqual(aesCcmOpen(key, nonce, new Uint8Array(0), ciphertext, tag), undefined);
  const empty = aesCcmSeal(key, nonce, new Uint8Array(0), new Uint8Array(0));
  assert.deepEqual(
    aesCcmOpen(key, nonce, new Uint8Array(0), empty.ciphertext, empty.tag),
    new Uint8Array(0),
  );
});

Deno.test("aesCcmSeal rejects nonce and tag lengths CCM does not define", () => {
  const key = new Uint8Array(16);
  assert.throws(() => aesCcmSeal(key, new Uint8Array(6), key, key), RangeError);
  assert.throws(() => aesCcmSeal(key, new Uint8Array(14), key, key), RangeError);
  assert.throws(() => aesCcmSeal(key, new Uint8Array(11), key, key, 5), RangeError);
});
