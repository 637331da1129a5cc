/**
 * A server's answer that crosses the client's RST (sent before the reset
 * reached it) is still decoded; what the resetting side sends afterwards is
 * not. Built from real traffic: the SMB2 NEGOTIATE request and response of
 * fixtures/smb/smb3_11.pcap (frames 4 and 6), replayed with a client RST
 * between them.
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
