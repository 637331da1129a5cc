/**
 * Hostile captures that make a decoder keep state far larger than the bytes
 * that asked for it (found by a review of every store in lib/):
 * - SMB2 SESSION_SETUP answers under ever new SessionIds on one connection;
 * - DCE/RPC requests fragmented into one-byte stubs;
 * - one-byte SMB2 WRITEs at descending offsets (each held ahead of a hole);
 * - Kerberos messages on port 88 sent one byte per segment;
 * - DCE/RPC calls never answered, on many associations;
 * - opens on many SMB2 sessions, each session at its own cap.
 * Each is built field by field ([MS-SMB2] 2.2.6, 2.2.21; [C706] 12.6;
 * RFC 4120 7.2.2).
 * @module
 */
import { PcapBuilder, TcpConversation } from "./pcap.ts";
import { nbss, SMB2_WRITE, smb2Header } from "./smb.ts";

const SMB2_SESSION_SETUP = 0x01;
const CLIENT = 0x0a000001, SERVER = 0x0a000002; // 10.0.0.1, 10.0.0.2
const T0 = 1_700_000_000;

/** The parts, one after another, in one array. */
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

/** A successful SESSION_SETUP response (StructureSize 9, no security buffer). [MS-SMB2] 2.2.6 */
export function smb2SessionSetupResponse(messageId: number, sessionId: number): Uint8Array {
  const b = new Uint8Array(72);
  b.set(smb2Header({ command: SMB2_SESSION_SETUP, messageId, response: true, sessionId }));
  const v = new DataView(b.buffer);
  v.setUint16(64, 9, true); // StructureSize
  v.setUint16(68, 72, true); // SecurityBufferOffset
  return b;
}

/**
 * One SMB2 connection on which the server answers `sessions` SESSION_SETUPs
 * with STATUS_SUCCESS, each under a new SessionId (1, 2, ...), twenty to a
 * segment, with no request and no login: each makes a session.
 */
export function sessionFlood(sessions: number): Uint8Array {
  const pcap = new PcapBuilder();
  const c = new TcpConversation(pcap, CLIENT, 40004, SERVER, 445, T0);
  c.handshake();
  for (let first = 1; first <= sessions; first += 20) {
    const ids = Array.from({ length: Math.min(20, sessions - first + 1) }, (_, k) => first + k);
    c.send(false, concat(ids.map((id) => nbss(smb2SessionSetupResponse(id, id)))));
  }
  c.close();
  return pcap.bytes();
}

/** svcctl's interface UUID and NDR 2.0's, in NDR byte order. */
const SVCCTL = [
  0x81,
  0xbb,
  0x7a,
  0x36,
  0x44,
  0x98,
  0xf1,
  0x35,
  0xad,
  0x32,
  0x98,
  0xf0,
  0x38,
  0x00,
  0x10,
  0x03,
];
const NDR = [
  0x04,
  0x5d,
  0x88,
  0x8a,
  0xeb,
  0x1c,
  0xc9,
  0x11,
  0x9f,
  0xe8,
  0x08,
  0x00,
  0x2b,
  0x10,
  0x48,
  0x60,
];

/** A connection-oriented PDU: 16-byte header (little-endian data representation), then `body`. */
function rpcPdu(ptype: number, flags: number, callId: number, body: number[]): Uint8Array {
  const b = new Uint8Array(16 + body.length);
  const v = new DataView(b.buffer);
  b.set([5, 0, ptype, flags, 0x10, 0, 0, 0]);
  v.setUint16(8, b.length, true); // frag_length
  v.setUint32(12, callId, true);
  b.set(body, 16);
  return b;
}

const le16 = (n: number) => [n & 0xff, n >>> 8];

/** A bind offering svcctl 2.0 with NDR, and its bind_ack from port 135. */
function svcctlBind(): { bind: Uint8Array; bindAck: Uint8Array } {
  const bind = rpcPdu(11, 3, 1, [
    ...le16(4280),
    ...le16(4280),
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0, // max frags, assoc group, 1 context
    ...le16(0),
    1,
    0,
    ...SVCCTL,
    ...le16(2),
    ...le16(0),
    ...NDR,
    2,
    0,
    0,
    0,
  ]);
  const bindAck = rpcPdu(12, 3, 1, [
    ...le16(4280),
    ...le16(4280),
    1,
    0,
    0,
    0,
    ...le16(4),
    0x31,
    0x33,
    0x35,
    0, // port "135"
    1,
    0,
    0,
    0,
    ...le16(0),
    ...le16(0),
    ...NDR,
    2,
    0,
    0,
    0,
  ]);
  return { bind, bindAck };
}

/**
 * `connections` TCP connections to port 135, each binding svcctl and then
 * sending one ROpenSCManagerW request as `fragments` fragments of a one-byte
 * stub, the last never sent: every fragment's byte is kept for the
 * arguments until the call completes.
 */
export function rpcFragmentFlood(fragments: number, connections = 1): Uint8Array {
  const pcap = new PcapBuilder();
  const { bind, bindAck } = svcctlBind();
  // alloc_hint, context 0, opnum 15 (ROpenSCManagerW), one stub byte.
  const fragment = (flags: number) => rpcPdu(0, flags, 2, [1, 0, 0, 0, 0, 0, 15, 0, 0x41]);
  const first = fragment(1), middle = fragment(0);
  const perSegment = 64;
  const run = concat(new Array(perSegment).fill(middle));
  for (let c = 0; c < connections; c++) {
    const conv = new TcpConversation(pcap, CLIENT, 41000 + c, SERVER, 135, T0 + c, 65_000);
    conv.handshake();
    conv.send(true, bind);
    conv.send(false, bindAck);
    conv.send(true, first);
    for (let sent = 1; sent < fragments; sent += perSegment) {
      const n = Math.min(perSegment, fragments - sent);
      conv.send(true, n === perSegment ? run : run.subarray(0, n * middle.length));
    }
  }
  return pcap.bytes();
}

/** A WRITE request of one byte (0x41) at `offset` to FileId `fileId` of session `sessionId`. [MS-SMB2] 2.2.21 */
export function smb2OneByteWrite(
  messageId: number,
  sessionId: number,
  fileId: number,
  offset: number,
): Uint8Array {
  const b = new Uint8Array(113);
  b[112] = 0x41;
  b.set(smb2Header({ command: SMB2_WRITE, messageId, sessionId, treeId: 1 }));
  const v = new DataView(b.buffer);
  v.setUint16(64, 49, true); // StructureSize
  v.setUint16(66, 112, true); // DataOffset
  v.setUint32(68, 1, true); // Length
  v.setUint32(72, offset, true); // Offset (low word)
  v.setUint32(80, fileId, true); // FileId.Persistent
  v.setUint32(88, fileId, true); // FileId.Volatile
  return b;
}

/**
 * One SMB2 connection writing `writes` one-byte WRITEs to one file at
 * offsets `writes`, `writes - 1`, ... 1, forty to a segment, offset 0 never:
 * every byte waits ahead of the hole at 0.
 */
export function descendingWrites(writes: number): Uint8Array {
  const pcap = new PcapBuilder();
  const c = new TcpConversation(pcap, CLIENT, 40005, SERVER, 445, T0);
  c.handshake();
  const write = (offset: number) => nbss(smb2OneByteWrite(offset, 1, 7, offset));
  for (let top = writes; top >= 1; top -= 40) {
    const offsets = Array.from({ length: Math.min(40, top) }, (_, k) => top - k);
    c.send(true, concat(offsets.map(write)));
  }
  c.close();
  return pcap.bytes();
}

/**
 * `connections` TCP connections to port 88, each sending `messages` Kerberos
 * messages of 64 000 bytes (a length prefix and filler, RFC 4120 7.2.2) one
 * byte per segment.
 */
export function kerberosDribble(messages: number, connections = 1): Uint8Array {
  const pcap = new PcapBuilder();
  const body = 64_000;
  const message = new Uint8Array(4 + body).fill(0x30, 4);
  new DataView(message.buffer).setUint32(0, body);
  for (let c = 0; c < connections; c++) {
    const conv = new TcpConversation(pcap, CLIENT, 42000 + c, SERVER, 88, T0 + c, 1);
    conv.handshake();
    for (let m = 0; m < messages; m++) conv.send(true, message);
    conv.close();
  }
  return pcap.bytes();
}

/**
 * `connections` TCP connections to port 135, each binding svcctl and sending
 * `calls` ROpenSCManagerW requests (one fragment, a one-byte stub) that are
 * never answered: every call waits for its response until the connection
 * ends (the capture's end: the connections are never closed).
 */
export function rpcCallFlood(connections: number, calls: number): Uint8Array {
  const pcap = new PcapBuilder();
  const { bind, bindAck } = svcctlBind();
  for (let c = 0; c < connections; c++) {
    const conv = new TcpConversation(pcap, CLIENT + c, 43000, SERVER, 135, T0 + c, 65_000);
    conv.handshake();
    conv.send(true, bind);
    conv.send(false, bindAck);
    const requests = Array.from(
      { length: calls },
      (_, k) => rpcPdu(0, 3, k + 2, [1, 0, 0, 0, 0, 0, 15, 0, 0x41]),
    );
    conv.send(true, concat(requests));
  }
  return pcap.bytes();
}

/**
 * One SMB2 connection writing one byte to each of `filesEach` FileIds in
 * each of `sessions` sessions, forty WRITEs to a segment, never closing
 * any: every WRITE to an unknown FileId is an open its session remembers.
 */
export function opensAcrossSessions(sessions: number, filesEach: number): Uint8Array {
  const pcap = new PcapBuilder();
  const c = new TcpConversation(pcap, CLIENT, 40006, SERVER, 445, T0);
  c.handshake();
  let messageId = 0, batch: Uint8Array[] = [];
  for (let s = 1; s <= sessions; s++) {
    for (let f = 1; f <= filesEach; f++) {
      batch.push(nbss(smb2OneByteWrite(++messageId, s, f, 0)));
      if (batch.length === 40) {
        c.send(true, concat(batch));
        batch = [];
      }
    }
  }
  if (batch.length > 0) c.send(true, concat(batch));
  c.close();
  return pcap.bytes();
}
