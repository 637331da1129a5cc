/**
 * The library modes used as they are (AES-GCM, AES-CMAC from @noble/ciphers),
 * pinned against their published vectors so that a version bump that changed
 * them would show here.
 */
import * as assert from "node:assert/strict";
import { cmac, gcm } from "npm:@noble/ciphers@2.4.0/aes.js";
import { hex, unhex } from "./_hex.ts";

Deno.test("@noble/ciphers cmac matches RFC 4493 section 4 examples 1-4", () => {
  const key = unhex("2b7e151628aed2a6abf7158809cf4f3c");
  const message = unhex(
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51" +
      "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710",
  );
  const macs = [0, 16, 40, 64].map((n) => hex(cmac(message.subarray(0, n), key)));
  assert.deepEqual(macs, [
    "bb1d6929e95937287fa37d129b756746",
    "070a16b46b4d4144f79bdd9dd04a287c",
    "dfa66747de9ae63030ca32611497c827",
    "51f0bebf7e3b9d92fc49741779363cfe",
  ]);
});

Deno.test("@noble/ciphers gcm matches McGrew & Viega's GCM test cases 1, 2, 4 and 16", () => {
  // "The Galois/Counter Mode of Operation (GCM)", revised 2005, Appendix B.
  const zero = new Uint8Array(16), iv0 = new Uint8Array(12);
  assert.equal(hex(gcm(zero, iv0).encrypt(new Uint8Array(0))), "58e2fccefa7e3061367f1d57a4e7455a");
  assert.equal(
    hex(gcm(zero, iv0).encrypt(new Uint8Array(16))),
    "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf",
  );
  const plaintext = unhex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" +
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
  );
  const aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const iv = unhex("cafebabefacedbaddecaf888");
  const key128 = unhex("feffe9928665731c6d6a8f9467308308");
  assert.equal(
    hex(gcm(key128, iv, aad).encrypt(plaintext)),
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e" +
      "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091" +
      "5bc94fbc3221a5db94fae95ae7121a47",
  );
  const key256 = unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  assert.equal(
    hex(gcm(key256, iv, aad).encrypt(plaintext)),
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa" +
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662" +
      "76fc6ece0f4e1768cddf8853bb2d551b",
  );
});
