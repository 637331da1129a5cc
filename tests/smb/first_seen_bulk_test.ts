/**
 * READ/WRITE data of an open first met in use (the capture began after the
 * open) is followed whatever the message's size: messages past the first 256
 * bytes deliver their data through the framer's bulk path, which had no SMB1
 * session yet on a connection whose first message was one, and no open for
 * an unknown FID.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type FileEvent } from "../../mod.ts";
import { PcapBuilder, TcpConversation } from "../../tools/hostile/pcap.ts";
import { nbss, smb1WriteAndx } from "../../tools/hostile/smb.ts";

function files(writes: [fid: number, bytes: number][]): FileEvent[] {
  const pcap = new PcapBuilder();
  const c = new TcpConversation(pcap, 0x0a000101, 40000, 0x0a000002, 445, 1_700_000_000);
  c.handshake();
  writes.forEach(([fid, bytes], i) =>
    c.send(true, nbss(smb1WriteAndx(i + 1, fid, 0, new Uint8Array(bytes).fill(0x41 + i))))
  );
  c.close();
  const d = new Decoder();
  const events: DecodeEvent[] = [...d.push(pcap.bytes()), ...d.end()];
  return events.filter((e): e is FileEvent => e.type === "file");
}

Deno.test("SMB1: a large WRITE_ANDX as a connection's first message is followed", () => {
  for (const size of [100, 256, 300, 5000]) {
    const [file, ...rest] = files([[9, size]]);
    assert.deepEqual(rest, []);
    assert.equal(file?.handle, "9", `${size} bytes`);
    assert.equal(file?.openSeen, false);
    assert.equal(file?.bytesWritten, size, `${size} bytes`);
  }
});

Deno.test("SMB1: a large WRITE_ANDX to a FID not seen before is followed", () => {
  const seen = files([[1, 10], [2, 5000]]).map((f) => [f.handle, f.bytesWritten]);
  assert.deepEqual(seen, [["1", 10], ["2", 5000]]);
});
