/**
 * A compressed message inside an encrypted one: fixtures/smb/smb3_encrypted
 * (SMB 3.1.1, AES-128-GCM) replayed as one synthetic connection in which the
 * client's encrypted WRITE of secret_put.bin is decrypted (with the
 * client-to-server key smbclient logged itself, from the fixture's expected
 * file), wrapped in a chained COMPRESSION_TRANSFORM_HEADER (one NONE payload,
 * as [MS-SMB2] 2.2.42.2 allows) and encrypted again. Decoded with the
 * password, the file still carries the script's own digest.
 */
import assert from "node:assert/strict";
import { decode, type DecodeEvent, type FileEvent } from "../../../mod.ts";
import { decryptTransform, encryptTransform } from "../../../lib/crypto/smb3_transform.ts";
import { data, HANDSHAKE, tcpConnection } from "../../_support/pcap_writer.ts";
import { nbssMessages } from "./_capture.ts";
import { loadCiphers } from "../../../lib/crypto/aes.ts";

await loadCiphers(); // AES loads on demand (lib/crypto/aes.ts)

const FIXTURE = new URL("../../../fixtures/smb/smb3_encrypted.pcap", import.meta.url);
const expected = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../../fixtures/smb/smb3_encrypted.expected.json", import.meta.url),
  ),
);
const clientToServer = hex(expected.sessionKeys[0].serverInKey);
const written = expected.files.find((f: { name: string }) => f.name === "secret_put.bin");

function hex(s: string): Uint8Array {
  return new Uint8Array(s.match(/../g)!.map((b) => parseInt(b, 16)));
}
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

function nbss(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out.set([0, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]);
  out.set(body, 4);
  return out;
}

Deno.test("a compressed message inside an encrypted one decodes like the plain one", async () => {
  let rewrapped = 0;
  const segments = [...HANDSHAKE];
  for (const m of nbssMessages(await Deno.readFile(FIXTURE))) {
    let body = m.body;
    const plain = m.fromClient && body[0] === 0xfd
      ? decryptTransform("AES-128-GCM", clientToServer, body)
      : undefined;
    // The WRITE request (command 9) carrying the file's bytes.
    if (plain !== undefined && plain[12] === 9 && plain.length > 1000) {
      const compressed = new Uint8Array([
        0xfc,
        0x53,
        0x4d,
        0x42,
        ...le32(plain.length), // chained: OriginalCompressedSegmentSize
        0,
        0,
        1,
        0,
        ...le32(plain.length), // payload header: NONE, FLAG_CHAINED, Length
        ...plain,
      ]);
      const sessionId = new DataView(body.buffer, body.byteOffset).getBigUint64(44, true);
      body = encryptTransform(
        "AES-128-GCM",
        clientToServer,
        compressed,
        body.subarray(20, 32),
        sessionId,
      );
      rewrapped++;
    }
    segments.push(data(m.fromClient, nbss(body)));
  }
  assert.equal(rewrapped, 1);
  const events: DecodeEvent[] = [];
  const keys = { passwords: ["alice:Fixture-Pass-2024"] };
  for await (const e of decode(tcpConnection(segments), { keys })) events.push(e);
  assert.deepEqual(events.filter((e) => e.type === "anomaly"), []);
  const writes = events.filter((e): e is FileEvent =>
    e.type === "file" && e.path === "secret_put.bin" && e.actions.includes("write")
  );
  assert.equal(writes.length, 1);
  assert.equal(writes[0]!.size, written.size);
  assert.equal(writes[0]!.hashes?.sha256, written.sha256);
});
