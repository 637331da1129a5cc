/**
 * Test-only: a small classic-pcap reader for the crypto tests, independent of
 * the decoder under test: Ethernet, IPv4, TCP to or from port 445, each
 * direction's bytes joined in sequence order (retransmitted bytes dropped; a
 * gap fails the test), cut into NetBIOS session messages. Enough for clean
 * captures such as our fixtures and zeek/smb3.pcap.
 */
import * as assert from "node:assert/strict";
import { le32 } from "../../lib/bytes/cursor.ts";

/** One NetBIOS session message (an SMB1, SMB2 or TRANSFORM message, or a compound). */
export interface NbssMessage {
  /** The frame (from 1) holding the message's last byte, as tshark reports it. */
  frame: number;
  /** Whether the client sent it (to port 445). */
  toServer: boolean;
  bytes: Uint8Array;
}

interface Direction {
  toServer: boolean;
  nextSeq: number | undefined;
  buffer: number[];
  /** Frame numbers by buffer position, to tell where each message ended. */
  frames: number[];
}

/** Every NetBIOS session message of the capture's port-445 TCP streams, in capture order. */
export function nbssMessages(pcap: Uint8Array): NbssMessage[] {
  const magic = le32(pcap, 0);
  assert.ok(magic === 0xa1b2c3d4 || magic === 0xa1b23c4d, "little-endian pcap");
  assert.equal(le32(pcap, 20), 1, "Ethernet");
  const directions = new Map<string, Direction>();
  const out: NbssMessage[] = [];
  for (let at = 24, frame = 1; at + 16 <= pcap.length; frame++) {
    const length = le32(pcap, at + 8);
    const bytes = pcap.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    if (bytes[12] !== 0x08 || bytes[13] !== 0x00 || bytes[23] !== 6) continue; // IPv4, TCP
    const ip = bytes.subarray(14);
    const ipLength = (ip[2]! << 8) | ip[3]!;
    const tcp = ip.subarray((ip[0]! & 0x0f) * 4, ipLength);
    const srcPort = (tcp[0]! << 8) | tcp[1]!, dstPort = (tcp[2]! << 8) | tcp[3]!;
    if (srcPort !== 445 && dstPort !== 445) continue;
    const seq = ((tcp[4]! << 24) | (tcp[5]! << 16) | (tcp[6]! << 8) | tcp[7]!) >>> 0;
    const syn = (tcp[13]! & 0x02) !== 0;
    const payload = tcp.subarray((tcp[12]! >> 4) * 4);
    const key = `${Array.from(ip.subarray(12, 20)).join(".")}:${srcPort}:${dstPort}`;
    let d = directions.get(key);
    if (d === undefined) {
      d = { toServer: dstPort === 445, nextSeq: undefined, buffer: [], frames: [] };
      directions.set(key, d);
    }
    if (syn) {
      d.nextSeq = (seq + 1) >>> 0;
      continue;
    }
    if (payload.length === 0) continue;
    d.nextSeq ??= seq;
    const skip = (d.nextSeq - seq) | 0; // bytes already seen (a retransmission)
    assert.ok(skip >= 0, `frame ${frame}: a gap in the TCP stream`);
    if (skip >= payload.length) continue;
    for (const b of payload.subarray(skip)) {
      d.buffer.push(b);
      d.frames.push(frame);
    }
    d.nextSeq = (seq + payload.length) >>> 0;
    // Cut whole NetBIOS session messages off the front.
    while (d.buffer.length >= 4) {
      const size = ((d.buffer[1]! & 1) << 16) | (d.buffer[2]! << 8) | d.buffer[3]!;
      if (d.buffer.length < 4 + size) break;
      const type = d.buffer[0];
      const message = Uint8Array.from(d.buffer.slice(4, 4 + size));
      const last = d.frames[3 + size]!;
      d.buffer.splice(0, 4 + size);
      d.frames.splice(0, 4 + size);
      if (type === 0x00) out.push({ frame: last, toServer: d.toServer, bytes: message });
    }
  }
  return out;
}

/** The SMB2 messages of a compound, each through its padded NextCommand length. */
export function smb2Messages(compound: Uint8Array): Uint8Array[] {
  const messages: Uint8Array[] = [];
  let rest = compound;
  while (rest.length >= 64) {
    const next = le32(rest, 20);
    if (next === 0 || next > rest.length) {
      messages.push(rest);
      break;
    }
    messages.push(rest.subarray(0, next));
    rest = rest.subarray(next);
  }
  return messages;
}
