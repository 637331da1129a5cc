/**
 * SMB2 signatures. AES-CMAC is checked on real messages in smb3_pcap_test.ts
 * and the library's CMAC against RFC 4493 in noble_aes_test.ts; here
 * HMAC-SHA256 and AES-GMAC are checked against node:crypto (the independent
 * reference), with the GMAC nonce built as [MS-SMB2] 3.1.4.1 words it.
 */
import * as assert from "node:assert/strict";
import { createCipheriv, createHmac } from "node:crypto";
import {
  signSmb2,
  type Smb2SigningAlgorithm,
  verifySmb2Signature,
} from "../../lib/crypto/smb2_signing.ts";
import { hex } from "./_hex.ts";
import { loadCiphers } from "../../lib/crypto/aes.ts";

await loadCiphers(); // AES loads on demand (lib/crypto/aes.ts)

/** An SMB2 header (+ body) with the given command, flags and MessageId, and junk in its Signature field. */
function smb2Message(
  command: number,
  flags: number,
  messageId: number,
  bodyLength = 24,
): Uint8Array {
  const m = new Uint8Array(64 + bodyLength).map((_, i) => (i * 29 + 1) & 0xff);
  const v = new DataView(m.buffer);
  m.set([0xfe, 0x53, 0x4d, 0x42]);
  v.setUint16(4, 64, true);
  v.setUint16(12, command, true);
  v.setUint32(16, flags | 0x8, true); // SMB2_FLAGS_SIGNED
  v.setUint32(20, 0, true); // NextCommand
  v.setBigUint64(24, BigInt(messageId), true);
  return m;
}

function zeroedSignature(message: Uint8Array): Uint8Array {
  const copy = message.slice();
  copy.fill(0, 48, 64);
  return copy;
}

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

Deno.test("signSmb2 HMAC-SHA256 is the first 16 bytes of HMAC-SHA256 over the zeroed message", () => {
  const message = smb2Message(0x0005, 0, 9);
  const reference = createHmac("sha256", KEY).update(zeroedSignature(message)).digest();
  assert.equal(hex(signSmb2("HMAC-SHA256", KEY, message)), hex(reference.subarray(0, 16)));
});

Deno.test("signSmb2 AES-GMAC uses MessageId ‖ role and CANCEL bits as its nonce ([MS-SMB2] 3.1.4.1)", () => {
  const cases: [string, number, number, number][] = [
    // name, command, flags, the nonce's ninth byte
    ["client request", 0x0008, 0x0, 0],
    ["server response", 0x0008, 0x1, 1], // SMB2_FLAGS_SERVER_TO_REDIR
    ["CANCEL request", 0x000c, 0x2, 2], // async CANCEL (SMB2_FLAGS_ASYNC_COMMAND)
  ];
  for (const [name, command, flags, roleByte] of cases) {
    const message = smb2Message(command, flags, 0x0102030405);
    const nonce = new Uint8Array(12);
    nonce.set([0x05, 0x04, 0x03, 0x02, 0x01, 0, 0, 0, roleByte, 0, 0, 0]);
    const gcm = createCipheriv("aes-128-gcm", KEY, nonce);
    gcm.setAAD(zeroedSignature(message));
    gcm.final();
    assert.equal(hex(signSmb2("AES-GMAC", KEY, message)), hex(gcm.getAuthTag()), name);
  }
});

Deno.test("verifySmb2Signature accepts what signSmb2 makes, on views, and leaves the input alone", () => {
  for (const alg of ["HMAC-SHA256", "AES-CMAC", "AES-GMAC"] as Smb2SigningAlgorithm[]) {
    // The second message of a compound, seen through a view at an odd offset.
    const compound = new Uint8Array(3 + 88 + 100);
    const message = compound.subarray(3 + 88);
    message.set(smb2Message(0x0006, 0x1, 77, 36));
    message.set(signSmb2(alg, KEY, message), 48);
    const before = message.slice();
    assert.ok(verifySmb2Signature(alg, KEY, message), alg);
    assert.deepEqual(message, before, `${alg}: input unchanged`);
    for (const at of [0, 12, 47, 48, 63, 64, message.length - 1]) {
      const altered = message.slice();
      altered[at]! ^= 0x10;
      assert.equal(verifySmb2Signature(alg, KEY, altered), false, `${alg} byte ${at}`);
    }
    assert.equal(verifySmb2Signature(alg, KEY.map((b) => b ^ 1), message), false, `${alg} key`);
  }
});

Deno.test("verifySmb2Signature is false for a message shorter than its header; signSmb2 throws", () => {
  assert.equal(verifySmb2Signature("AES-CMAC", KEY, new Uint8Array(63)), false);
  assert.throws(() => signSmb2("AES-CMAC", KEY, new Uint8Array(10)), RangeError);
});
