/**
 * TRANSFORM messages against Microsoft's published examples (Microsoft Open
 * Specifications blog: "Encryption in SMB 3.0: A protocol perspective",
 * 2012-10-05, AES-128-CCM; "SMB 3.1.1 Encryption in Windows 10", 2015-09-09,
 * AES-128-GCM), as transcribed in emc-isilon/pike
 * pike/test/test_smb3_encryption_vector.py; keys from smb3_keys_test.ts.
 */
import * as assert from "node:assert/strict";
import {
  decryptTransform,
  encryptTransform,
  type Smb3Cipher,
} from "../../lib/crypto/smb3_transform.ts";
import { hex, unhex } from "./_hex.ts";
import { loadCiphers } from "../../lib/crypto/aes.ts";

await loadCiphers(); // AES loads on demand (lib/crypto/aes.ts)

// SMB 3.0: SessionKey B4546771B515F766A86735532DD6C4F0, SessionId 0x8e40014000011.
const KEY_30_C2S = unhex("261B72350558F2E9DCF613070383EDBF");
const KEY_30_S2C = unhex("8FE2B57EC34D2DB5B1A9727F526BBDB5");
// A WRITE request of "Smb3 encryption testing".
const WRITE_30 = "FE534D4240000100000000000900400008000000000000000400000000000000" +
  "FFFE0000010000001100001400E4080000000000000000000000000000000000" +
  "3100700017000000000000000000000015010000390000020100000039020000" +
  "00000000000000007000000000000000536D623320656E6372797074696F6E20" +
  "74657374696E67";
const SEALED_WRITE_30 = "FD534D4281A286535415445DAE393921E44FA42E66E69A111892584FB5ED524A" +
  "744DA3EE87000000000001001100001400E4080025C8FEE16605A437832D1CD5" +
  "2DA9F4645333482A175FE5384563F45FCDAFAEF38BC62BA4D5C62897996625A4" +
  "4C29BE5658DE2E6117585779E7B59FFD971278D08580D7FA899E410E910EABF5" +
  "AA1DB43050B33B49182637759AC15D84BFCDF5B6B238993C0F4CF4D6012023F6" +
  "C627297075D84B7803912D0A9639634453595EF3E33FFE4E7AC2AB";
// The server's WRITE response.
const SEALED_RESPONSE_30 = "FD534D42A6015530A18F6D9AFFE22AFAE8E66484860000000000000011000014" +
  "00E4080050000000000001001100001400E40800DBF46435C5F14169293CE079" +
  "E344479BF670227E49873F458672C3098DAC467DD5809F369D67409166515787" +
  "1483E01F7BECD02064EAC3E235F913668BBC2F097980D4B378F1993EFF6E60D1" +
  "77309E5B";
const RESPONSE_30 = "FE534D4240000100000000000900210009000000000000000400000000000000" +
  "FFFE0000010000001100001400E4080000000000000000000000000000000000" +
  "11000000170000000000000000000000";

// SMB 3.1.1, AES-128-GCM: SessionKey 419FDDF34C1E001909D362AE7FB6AF79, SessionId 0x100000000025.
const KEY_311_C2S = unhex("A2F5E80E5D59103034F32E52F698E5EC");
const KEY_311_S2C = unhex("748C50868C90F302962A5C35F5F9A8BF");
const WRITE_311 =
  "FE534D4240000100000000000900010008000000000000000500000000000000FFFE000001000000" +
  "25000000001000000000000000000000000000000000000031007000170000000000000000000000" +
  "0600000004000000010000000400000000000000000000007000000000000000536D623320656E63" +
  "72797074696F6E2074657374696E67";
const SEALED_WRITE_311 =
  "FD534D42BD73D97D2BC9001BCAFAC0FDFF5FEEBCC7D6822D269CAF48904C664C0000000087000000" +
  "0000010025000000001000006ECDD2A7AFC7B47763057A041B8FD4DAFFE990B70C9E09D36C084E02" +
  "D14EF247F8BDE38ACF6256F8B1D3B56F77FBDEB312FEA5E92CBCC1ED8FB2EBBFAA75E49A4A394BB4" +
  "4576545567C24D4C014D47C9FBDFDAFD2C4F9B72F8D256452620A299F48E29E53D6B61D1C13A19E9" +
  "1AF013F00D17E3ABC2FC3D36C8C1B6B93973253852DBD442E46EE8";
const SEALED_RESPONSE_311 =
  "FD534D42ACBE1CB7ED343ADF1725EF144D90D4B0E06831DD2E8EB7B4000000000000000050000000" +
  "00000100250000000010000026BBBF949983A6C1C796559D0F2C510CB651D1F7B6AC8DED32A2A0B8" +
  "F2D793A815C6F6B848D69767A215841A42D400AE6DDB5F0B44173A014973321FDD7950DA6179159B" +
  "82E03C9E18A050FF0EA1C967";
const RESPONSE_311 =
  "FE534D4240000100000000000900010001000000000000000500000000000000FFFE000001000000" +
  "25000000001000000000000000000000000000000000000011000000170000000000000000000000";

Deno.test("encryptTransform reproduces Microsoft's SMB 3.0 AES-128-CCM example", () => {
  const sealed = encryptTransform(
    "AES-128-CCM",
    KEY_30_C2S,
    unhex(WRITE_30),
    unhex("66E69A111892584FB5ED524A744DA3EE"), // all 16 bytes go on the wire; CCM uses 11
    0x8e40014000011n,
  );
  assert.equal(hex(sealed), hex(unhex(SEALED_WRITE_30)));
});

Deno.test("decryptTransform opens Microsoft's SMB 3.0 AES-128-CCM examples, both directions", () => {
  assert.equal(
    hex(decryptTransform("AES-128-CCM", KEY_30_S2C, unhex(SEALED_RESPONSE_30))!),
    hex(unhex(RESPONSE_30)),
  );
  assert.equal(
    hex(decryptTransform("AES-128-CCM", KEY_30_C2S, unhex(SEALED_WRITE_30))!),
    hex(unhex(WRITE_30)),
  );
  // The other direction's key does not open it.
  assert.equal(decryptTransform("AES-128-CCM", KEY_30_C2S, unhex(SEALED_RESPONSE_30)), undefined);
});

Deno.test("encryptTransform reproduces Microsoft's SMB 3.1.1 AES-128-GCM example", () => {
  const sealed = encryptTransform(
    "AES-128-GCM",
    KEY_311_C2S,
    unhex(WRITE_311),
    unhex("C7D6822D269CAF48904C664C"),
    0x100000000025n,
  );
  assert.equal(hex(sealed), hex(unhex(SEALED_WRITE_311)));
});

Deno.test("decryptTransform opens Microsoft's SMB 3.1.1 AES-128-GCM examples", () => {
  assert.equal(
    hex(decryptTransform("AES-128-GCM", KEY_311_S2C, unhex(SEALED_RESPONSE_311))!),
    hex(unhex(RESPONSE_311)),
  );
  assert.equal(
    hex(decryptTransform("AES-128-GCM", KEY_311_C2S, unhex(SEALED_WRITE_311))!),
    hex(unhex(WRITE_311)),
  );
});

const CIPHERS: Smb3Cipher[] = ["AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"];

Deno.test("encryptTransform then decryptTransform round-trips for all four ciphers", () => {
  const plaintext = new Uint8Array(1_000).map((_, i) => (i * 7 + 3) & 0xff);
  plaintext.set([0xfe, 0x53, 0x4d, 0x42]);
  for (const cipher of CIPHERS) {
    const key = new Uint8Array(cipher.startsWith("AES-256") ? 32 : 16).map((_, i) => i * 5);
    const nonce = unhex("0102030405060708090a0b0c");
    const sealed = encryptTransform(cipher, key, plaintext, nonce, 0x000048009400003dn);
    assert.equal(hex(sealed.subarray(44, 52)), "3d00009400480000", "SessionId little-endian");
    assert.equal(sealed.length, 52 + plaintext.length);
    assert.deepEqual(decryptTransform(cipher, key, sealed), plaintext, cipher);
    // Bytes after OriginalMessageSize (e.g. from a longer read) do not matter.
    const padded = new Uint8Array(sealed.length + 5);
    padded.set(sealed);
    assert.deepEqual(decryptTransform(cipher, key, padded), plaintext, `${cipher} padded`);
  }
});

Deno.test("decryptTransform returns undefined for any flipped byte, never throwing", () => {
  for (const cipher of CIPHERS) {
    const key = new Uint8Array(cipher.startsWith("AES-256") ? 32 : 16).fill(9);
    const sealed = encryptTransform(
      cipher,
      key,
      new Uint8Array(100).fill(1),
      new Uint8Array(16),
      7n,
    );
    // Every header byte from the Signature on is authenticated (ProtocolId is checked separately),
    // except the unused tail of the Nonce field: CCM uses 11 of its 16 bytes, GCM 12.
    const unused = cipher.endsWith("CCM") ? [31, 32, 33, 34, 35] : [32, 33, 34, 35];
    for (let at = 0; at < sealed.length; at++) {
      if (unused.includes(at)) continue;
      const copy = sealed.slice();
      copy[at]! ^= 0x20;
      assert.equal(decryptTransform(cipher, key, copy), undefined, `${cipher} byte ${at}`);
    }
  }
});

Deno.test("decryptTransform returns undefined for short, truncated or oversized messages", () => {
  const key = new Uint8Array(16);
  const sealed = encryptTransform("AES-128-GCM", key, new Uint8Array(64), new Uint8Array(12), 1n);
  for (const n of [0, 4, 51, 52, 60, sealed.length - 1]) {
    assert.equal(
      decryptTransform("AES-128-GCM", key, sealed.subarray(0, n)),
      undefined,
      `${n} bytes`,
    );
  }
  const huge = sealed.slice();
  new DataView(huge.buffer).setUint32(36, 0xffffffff, true); // OriginalMessageSize
  assert.equal(decryptTransform("AES-128-GCM", key, huge), undefined);
  assert.equal(decryptTransform("AES-128-CCM", key, huge), undefined);
});

Deno.test("decryptTransform and encryptTransform reject a key of the wrong size (caller misuse)", () => {
  assert.throws(
    () => decryptTransform("AES-256-GCM", new Uint8Array(16), new Uint8Array(60)),
    RangeError,
  );
  assert.throws(
    () =>
      encryptTransform(
        "AES-128-CCM",
        new Uint8Array(32),
        new Uint8Array(1),
        new Uint8Array(11),
        1n,
      ),
    RangeError,
  );
});
