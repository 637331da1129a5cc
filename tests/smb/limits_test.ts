/**
 * SMB caps on hostile streams: a flood of requests never answered, and a
 * message longer than the cap. Built segment by segment (tests/_support),
 * since no real capture holds them; the SMB2 ECHO bytes follow [MS-SMB2]
 * 2.2.1 and 2.2.28.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type SummaryEvent } from "../../mod.ts";
import { data, HANDSHAKE, tcpConnection } from "../_support/pcap_writer.ts";

/** NBSS header + a 64-byte SMB2 header for command `command` + `body`. */
function smb2(command: number, messageId: number, body: Uint8Array): Uint8Array {
  const msg = new Uint8Array(4 + 64 + body.length);
  const v = new DataView(msg.buffer);
  v.setUint32(0, 64 + body.length); // NBSS: type 0, 24-bit length
  msg.set([0xfe, 0x53, 0x4d, 0x42], 4);
  v.setUint16(8, 64, true); // StructureSize
  v.setUint16(16, command, true);
  v.setUint32(28, messageId, true);
  msg.set(body, 68);
  return msg;
}

const ECHO = 0x0d;
const echoBody = () => Uint8Array.of(4, 0, 0, 0); // StructureSize 4, Reserved

function decode(bytes: Uint8Array, options = {}): DecodeEvent[] {
  const d = new Decoder(options);
  return [...d.push(bytes), ...d.end()];
}

Deno.test("SMB2 requests never answered are capped by maxPendingRequests and all reported", () => {
  const segments = [...HANDSHAKE];
  for (let id = 0; id < 200; id++) segments.push(data(true, smb2(ECHO, id, echoBody())));
  const events = decode(tcpConnection(segments), { maxPendingRequests: 40 });
  const summary = events.at(-1) as SummaryEvent;
  assert.equal(events.filter((e) => e.type === "smb").length, 200);
  assert.equal(summary.anomalyCounts["smb2.unanswered"], 200);
  assert.ok(summary.limitsHit.some((l) => l.limit === "maxPendingRequests"));
});

Deno.test("an SMB message over maxSmbMessageBytes is decoded from its start, with one limit anomaly", () => {
  // An ECHO padded to 5000 bytes: the header decodes, the rest is skipped.
  const body = new Uint8Array(5000);
  body.set(echoBody());
  const big = smb2(ECHO, 1, body);
  const segments = [...HANDSHAKE];
  for (let at = 0; at < big.length; at += 1400) {
    segments.push(data(true, big.subarray(at, at + 1400)));
  }
  segments.push(data(true, smb2(ECHO, 2, echoBody())));
  const events = decode(tcpConnection(segments), { maxSmbMessageBytes: 1024 });
  const echoes = events.filter((e) => e.type === "smb" && e.command === "ECHO");
  assert.deepEqual(echoes.map((e) => e.type === "smb" && e.messageId), ["1", "2"]);
  const limits = events.filter((e) => e.type === "anomaly" && e.kind === "limit");
  assert.equal(limits.length, 1);
  assert.match(limits[0]!.type === "anomaly" ? limits[0]!.detail : "", /maxSmbMessageBytes/);
});

Deno.test("an NBSS length of 16 MB on port 445 never allocates it: garbage resynchronises", () => {
  const lie = Uint8Array.of(0x00, 0xff, 0xff, 0xff, 0x41, 0x41, 0x41, 0x41);
  const segments = [...HANDSHAKE, data(true, lie), data(true, smb2(ECHO, 7, echoBody()))];
  const events = decode(tcpConnection(segments));
  assert.deepEqual(
    events.filter((e) => e.type === "smb").map((e) => e.type === "smb" && e.messageId),
    ["7"],
  );
  assert.ok(
    events.some((e) => e.type === "anomaly" && e.layer === "nbss" && e.kind === "malformed"),
  );
});
