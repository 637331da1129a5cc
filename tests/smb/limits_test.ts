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

/** NBSS header + an SMB1 ECHO ([MS-CIFS] 2.2.4.39) with the given ids. */
function smb1Echo(reply: boolean, mid: number, pid: number, uid: number, tid: number): Uint8Array {
  const msg = new Uint8Array(4 + 32 + 3 + 2 + 1);
  const v = new DataView(msg.buffer);
  v.setUint32(0, msg.length - 4);
  msg.set([0xff, 0x53, 0x4d, 0x42, 0x2b], 4); // protocol id, ECHO
  msg[4 + 9] = reply ? 0x80 : 0x00; // Flags: reply
  v.setUint16(4 + 10, 0xc001, true); // Flags2: unicode, NT status, long names
  v.setUint16(4 + 24, tid, true);
  v.setUint16(4 + 26, pid, true);
  v.setUint16(4 + 28, uid, true);
  v.setUint16(4 + 30, mid, true);
  msg[4 + 32] = 1; // WordCount
  v.setUint16(4 + 33, 1, true); // EchoCount / SequenceNumber
  v.setUint16(4 + 35, 1, true); // ByteCount
  return msg;
}

Deno.test("SMB1 responses pair by MID, PID, UID and TID, not MID alone", () => {
  // Two requests share MID 5 and PID 1 on different trees; the answers come back crossed.
  const segments = [
    ...HANDSHAKE,
    data(true, smb1Echo(false, 5, 1, 100, 1)), // frame 4
    data(true, smb1Echo(false, 5, 1, 100, 2)), // frame 5
    data(false, smb1Echo(true, 5, 1, 100, 2)), // frame 6
    data(false, smb1Echo(true, 5, 1, 100, 1)), // frame 7
  ];
  const responses = decode(tcpConnection(segments)).filter((e) => e.type === "smb" && e.response);
  assert.deepEqual(
    responses.map((e) => e.type === "smb" && [e.treeId, e.request?.frames]),
    [[2, [5]], [1, [4]]],
  );
});
