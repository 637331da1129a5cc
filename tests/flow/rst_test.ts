/**
 * A server's answer that crosses the client's RST (sent before the reset
 * reached it) is still decoded; what the resetting side sends afterwards is
 * not. Built from real traffic: the SMB2 NEGOTIATE request and response of
 * fixtures/smb/smb3_11.pcap (frames 4 and 6), replayed with a client RST
 * between them. A peer that goes on in sequence keeps the connection past the
 * close linger (5 capture seconds), each in-sequence segment starting it again.
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../../lib/decoder.ts";
import type { DecodeEvent, SmbEvent } from "../../lib/events.ts";
import { data, HANDSHAKE, tcpConnection } from "../_support/pcap_writer.ts";
import { nbssMessages } from "../_support/smb_messages.ts";

const RST = 0x04, ACK = 0x10;
const m = nbssMessages(new URL("../../fixtures/smb/smb3_11.pcap", import.meta.url));

function decode(bytes: Uint8Array): DecodeEvent[] {
  const d = new Decoder();
  return [...d.push(bytes), ...d.end()];
}

Deno.test("rst: a server response after the client's RST is still decoded", () => {
  const request = m.message(4), response = m.message(6);
  const events = decode(tcpConnection([
    ...HANDSHAKE,
    data(true, request), // frame 4
    { fromClient: true, flags: RST | ACK }, // frame 5
    data(false, response), // frame 6
    data(true, m.message(8)), // frame 7: the client after its own reset: not decoded
  ]));
  const smb = events.filter((e): e is SmbEvent => e.type === "smb");
  assert.deepEqual(smb.map((e) => [e.command, e.response, e.evidence.frames]), [
    ["NEGOTIATE", false, [4]],
    ["NEGOTIATE", true, [6]],
  ]);
  assert.equal(smb[1]!.fields.dialect, "3.1.1");
  assert.deepEqual(smb[1]!.request?.frames, [4]);
  const close = events.find((e) => e.type === "connection" && e.action === "close");
  assert.equal(close?.type === "connection" && close.state, "closed_rst");
});

/** The pcap with its records dated `seconds[i]` capture seconds after the first. */
function dated(pcap: Uint8Array, seconds: number[]): Uint8Array {
  const out = pcap.slice();
  const v = new DataView(out.buffer);
  for (let at = 24, i = 0; at < out.length; i++) {
    v.setUint32(at, v.getUint32(at, true) + seconds[i]!, true);
    at += 16 + v.getUint32(at + 8, true);
  }
  return out;
}

/** The NEGOTIATE exchange with a client RST at second 0 and the response cut in two. */
function lateResponse(firstAt: number, secondAt: number): DecodeEvent[] {
  const response = m.message(6);
  const cut = 100;
  return decode(dated(
    tcpConnection([
      ...HANDSHAKE,
      data(true, m.message(4)), // frame 4
      { fromClient: true, flags: RST | ACK }, // frame 5
      data(false, response.subarray(0, cut)), // frame 6
      data(false, response.subarray(cut)), // frame 7
    ]),
    [0, 0, 0, 0, 0, firstAt, secondAt],
  ));
}

Deno.test("rst: a server response that goes on in sequence after the client's RST, past the linger, is decoded on the same connection", () => {
  // Frame 6 comes 4 s after the reset, frame 7 8 s after it (4 s after frame 6): within a
  // linger started again by frame 6, though 3 s past the one the RST started.
  const events = lateResponse(4, 8);
  const smb = events.filter((e): e is SmbEvent => e.type === "smb");
  assert.deepEqual(smb.map((e) => [e.command, e.response, e.evidence.frames]), [
    ["NEGOTIATE", false, [4]],
    ["NEGOTIATE", true, [6, 7]],
  ]);
  assert.equal(smb[1]!.fields.dialect, "3.1.1");
  assert.deepEqual(smb[1]!.request?.frames, [4]);
  const closes = events.filter((e) => e.type === "connection" && e.action === "close");
  assert.equal(closes.length, 1);
  const close = closes[0]!;
  assert.ok(close.type === "connection");
  assert.deepEqual([close.state, close.lastFrame, close.serverStats?.streamBytes], [
    "closed_rst",
    7,
    m.message(6).length,
  ]);
});

Deno.test("rst: server data after the linger with nothing between starts a new connection", () => {
  // Frame 6 comes 6 s after the reset: the connection was closed at 5 s; frames 6 and 7 are a
  // mid-stream pickup whose SMB2 response is decoded unpaired, as before this change.
  const events = lateResponse(6, 6);
  const closes = events.filter((e) => e.type === "connection" && e.action === "close");
  assert.deepEqual(
    closes.map((e) => e.type === "connection" && [e.state, e.firstFrame, e.lastFrame]),
    [["closed_rst", 1, 5], ["capture_end", 6, 7]],
  );
  const response = events.find((e): e is SmbEvent => e.type === "smb" && e.response);
  assert.equal(response?.request, undefined);
});
