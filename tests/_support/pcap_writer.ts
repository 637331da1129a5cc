/**
 * Test-only: writes small pcap files of IPv4/TCP segments, for cases no real
 * capture can show (floods, caps). Real captures stay the rule elsewhere.
 */

/** One TCP segment to write. */
export interface Segment {
  fromClient: boolean;
  flags: number;
  payload?: Uint8Array;
}

const SYN = 0x02, ACK = 0x10, PSH = 0x08;

/** A pcap (Ethernet) of one TCP connection 10.0.0.1:40000 → 10.0.0.2:445, seq/ack numbered in order. */
export function tcpConnection(segments: Segment[], serverPort = 445): Uint8Array {
  const frames: Uint8Array[] = [];
  let seqC = 1000, seqS = 5000;
  for (const s of segments) {
    const payload = s.payload ?? new Uint8Array(0);
    const f = new Uint8Array(54 + payload.length);
    const v = new DataView(f.buffer);
    v.setUint16(12, 0x0800);
    v.setUint8(14, 0x45);
    v.setUint16(16, 40 + payload.length);
    v.setUint8(22, 64);
    v.setUint8(23, 6);
    v.setUint32(26, s.fromClient ? 0x0a000001 : 0x0a000002);
    v.setUint32(30, s.fromClient ? 0x0a000002 : 0x0a000001);
    v.setUint16(34, s.fromClient ? 40000 : serverPort);
    v.setUint16(36, s.fromClient ? serverPort : 40000);
    v.setUint32(38, s.fromClient ? seqC : seqS);
    v.setUint32(42, s.fromClient ? seqS : seqC);
    v.setUint8(46, 0x50);
    v.setUint8(47, s.flags);
    f.set(payload, 54);
    const advance = payload.length + (s.flags & SYN ? 1 : 0);
    if (s.fromClient) seqC += advance;
    else seqS += advance;
    frames.push(f);
  }
  const out = new Uint8Array(24 + frames.reduce((n, f) => n + 16 + f.length, 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 262144, true);
  v.setUint32(20, 1, true);
  let at = 24;
  frames.forEach((f, i) => {
    v.setUint32(at, 1_700_000_000, true);
    v.setUint32(at + 4, i, true);
    v.setUint32(at + 8, f.length, true);
    v.setUint32(at + 12, f.length, true);
    out.set(f, at + 16);
    at += 16 + f.length;
  });
  return out;
}

/** The handshake that opens a connection. */
export const HANDSHAKE: Segment[] = [
  { fromClient: true, flags: SYN },
  { fromClient: false, flags: SYN | ACK },
  { fromClient: true, flags: ACK },
];

/** A data segment. */
export function data(fromClient: boolean, payload: Uint8Array): Segment {
  return { fromClient, flags: PSH | ACK, payload };
}
