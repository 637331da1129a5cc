/**
 * A message whose segment was cut by the snap length still yields its header
 * fields, with a `truncated` anomaly, instead of being dropped as a gap. The
 * capture is fixtures/smb/smb3_11.pcap with one record shortened the way a
 * small snap length shortens it (captured length < original length).
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../../lib/decoder.ts";
import type { DecodeEvent, SmbEvent } from "../../lib/events.ts";

const CAPTURE = new URL("../../fixtures/smb/smb3_11.pcap", import.meta.url);

/** The pcap (little-endian, µs) with frame `n`'s record cut to `caplen` bytes. */
function cutFrame(pcap: Uint8Array, n: number, caplen: number): Uint8Array {
  const view = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  assert.equal(view.getUint32(0, true), 0xa1b2c3d4, "a little-endian µs pcap");
  let at = 24;
  for (let i = 1; i < n; i++) at += 16 + view.getUint32(at + 8, true);
  const incl = view.getUint32(at + 8, true);
  assert.ok(caplen < incl);
  const out = new Uint8Array(pcap.length - (incl - caplen));
  out.set(pcap.subarray(0, at + 16 + caplen));
  out.set(pcap.subarray(at + 16 + incl), at + 16 + caplen);
  new DataView(out.buffer).setUint32(at + 8, caplen, true);
  return out;
}

function decode(bytes: Uint8Array): DecodeEvent[] {
  const d = new Decoder();
  return [...d.push(bytes), ...d.end()];
}

Deno.test("snap length: a cut SMB2 CREATE response still yields its header and fields", () => {
  const original = decode(Deno.readFileSync(CAPTURE));
  const smb = (events: DecodeEvent[], frame: number) =>
    events.filter((e): e is SmbEvent => e.type === "smb" && e.evidence.frames.includes(frame));
  // Frame 35: the CREATE response for smb3_11_put.bin (FILE_CREATED), one segment.
  const [whole] = smb(original, 35);
  assert.equal(whole?.command, "CREATE");
  assert.equal(whole.fields.createActionName, "FILE_CREATED");
  // Ethernet 14 + IPv4 20 + TCP 32 + NBSS 4 + SMB2 header 64 + the first 40 body bytes.
  const cut = decode(cutFrame(Deno.readFileSync(CAPTURE), 35, 14 + 20 + 32 + 4 + 64 + 40));
  const [partial] = smb(cut, 35);
  assert.ok(partial !== undefined, "the cut response is still an smb event");
  assert.equal(partial.command, "CREATE");
  assert.equal(partial.response, true);
  assert.equal(partial.messageId, whole.messageId);
  assert.equal(partial.sessionId, whole.sessionId);
  assert.equal(partial.statusName, "STATUS_SUCCESS");
  assert.equal(partial.fields.createActionName, "FILE_CREATED");
  assert.equal(partial.file, "smb3_11_put.bin");
  const truncated = cut.filter((e) =>
    e.type === "anomaly" && e.kind === "truncated" && e.evidence.frames.includes(35)
  );
  assert.equal(truncated.length, 1);
  assert.equal(truncated[0]!.type === "anomaly" && truncated[0]!.code, "nbss_truncated");
  // Everything after it decodes as before.
  const after = (events: DecodeEvent[]) =>
    events.filter((e) => e.type === "smb" && e.evidence.frames[0]! > 35).length;
  assert.equal(after(cut), after(original));
});
