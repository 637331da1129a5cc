/**
 * zeek/smb3.pcap (Wireshark wiki "smb3-aes-128-ccm"): an SMB 3.0 session to
 * an encrypted share whose session key was published with it (CATALOG.md:
 * "session id 3d00009400480000, key 28f2847263c83dc00621f742dd3f2e7b", the
 * SessionId's eight wire bytes). The keys come from smb3Keys("3.0"); every
 * TRANSFORM message must decrypt to the SMB2 message tshark shows in its
 * decrypted oracle (zeek/oracle/smb3.pcap.decrypted.tsv), and the signed
 * plaintext messages must verify with AES-CMAC. The capture is read by the
 * small reader in _pcap.ts, not by the decoder.
 */
import * as assert from "node:assert/strict";
import { le16, le32 } from "../../lib/bytes/cursor.ts";
import { verifySmb2Signature } from "../../lib/crypto/smb2_signing.ts";
import { smb3Keys } from "../../lib/crypto/smb3_keys.ts";
import { decryptTransform } from "../../lib/crypto/smb3_transform.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";
import { hex, unhex } from "./_hex.ts";
import { nbssMessages } from "./_pcap.ts";
import { loadCiphers } from "../../lib/crypto/aes.ts";

await loadCiphers(); // AES loads on demand (lib/crypto/aes.ts)

if (!corpusPresent) {
  console.log("smb3.pcap decryption: skipped: ../shared/pcaps/public is not here");
}

/** The capture's NetBIOS messages, each in one frame (as in this capture). */
function smbFrames(pcap: Uint8Array): { number: number; toServer: boolean; message: Uint8Array }[] {
  return nbssMessages(pcap).map((m) => ({
    number: m.frame,
    toServer: m.toServer,
    message: m.bytes,
  }));
}

/** The oracle's rows by frame number, as column name → value. */
function oracle(tsv: string): Map<number, Record<string, string>> {
  const [header, ...rows] = tsv.trimEnd().split("\n").map((line) => line.split("\t"));
  const byFrame = new Map<number, Record<string, string>>();
  for (const row of rows) {
    const record = Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ""]));
    byFrame.set(Number(record["frame.number"]), record);
  }
  return byFrame;
}

const SESSION_KEY = unhex("28f2847263c83dc00621f742dd3f2e7b");

Deno.test({
  name: "smb3.pcap: every TRANSFORM message decrypts to the SMB2 message tshark's oracle shows",
  ignore: !corpusPresent,
  fn() {
    const frames = smbFrames(Deno.readFileSync(new URL("zeek/smb3.pcap", corpus)));
    const rows = oracle(
      Deno.readTextFileSync(new URL("zeek/oracle/smb3.pcap.decrypted.tsv", corpus)),
    );
    const keys = smb3Keys(SESSION_KEY, "3.0", undefined, 128);
    const encrypted = frames.filter((f) => f.message[0] === 0xfd);
    assert.equal(encrypted.length, 44, "CATALOG.md: 44 TRANSFORM PDUs");
    for (const { number, toServer, message } of encrypted) {
      assert.equal(hex(message.subarray(44, 52)), "3d00009400480000", `frame ${number} SessionId`);
      const key = toServer ? keys.encryptionKey : keys.decryptionKey;
      const plain = decryptTransform("AES-128-CCM", key, message);
      assert.ok(plain !== undefined, `frame ${number} decrypts`);
      assert.equal(hex(plain.subarray(0, 4)), "fe534d42", `frame ${number} is SMB2`);
      assert.equal(plain.length, le32(message, 36), `frame ${number} OriginalMessageSize`);
      const row = rows.get(number)!;
      assert.equal(String(le16(plain, 12)), row["smb2.cmd"], `frame ${number} command`);
      assert.equal(String(le32(plain, 24)), row["smb2.msg_id"], `frame ${number} MessageId`);
      assert.equal(String(plain[16]! & 1), row["smb2.flags.response"], `frame ${number} response`);
      // The other direction's key must not open it.
      const wrong = toServer ? keys.decryptionKey : keys.encryptionKey;
      assert.equal(decryptTransform("AES-128-CCM", wrong, message), undefined);
    }
  },
});

Deno.test({
  name: "smb3.pcap: the signed plaintext messages verify with the AES-CMAC signing key",
  ignore: !corpusPresent,
  fn() {
    const frames = smbFrames(Deno.readFileSync(new URL("zeek/smb3.pcap", corpus)));
    const { signingKey } = smb3Keys(SESSION_KEY, "3.0", undefined, 128);
    // tshark -e smb2.flags.signature marks exactly these frames as signed.
    const signed = frames.filter((f) => f.message[0] === 0xfe && (f.message[16]! & 0x08) !== 0);
    assert.deepEqual(signed.map((f) => f.number), [6, 7, 8, 23, 24]);
    for (const { number, message } of signed) {
      assert.ok(verifySmb2Signature("AES-CMAC", signingKey, message), `frame ${number}`);
      const altered = message.slice();
      altered[altered.length - 1]! ^= 1;
      assert.equal(verifySmb2Signature("AES-CMAC", signingKey, altered), false, `frame ${number}`);
      assert.equal(verifySmb2Signature("HMAC-SHA256", signingKey, message), false);
    }
  },
});
