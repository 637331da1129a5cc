/**
 * Writing hostile captures: Ethernet/IPv4 frames (TCP segments, UDP
 * datagrams, IP fragments) and the pcap file around them. Used by the scripts
 * that make fixtures/hostile/, by the resource tests, the resource benchmark
 * and the fuzzer; never by lib/.
 * @module
 */

/** Fields of one IPv4 TCP segment. */
export interface TcpFields {
  src: number;
  dst: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload?: Uint8Array;
}

/** TCP flag bits. */
export const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

/** One Ethernet frame of an IPv4 TCP segment (checksums left zero: nothing here checks them). */
export function tcpFrame(t: TcpFields): Uint8Array {
  const payload = t.payload ?? new Uint8Array(0);
  const f = new Uint8Array(54 + payload.length);
  const v = new DataView(f.buffer);
  v.setUint16(12, 0x0800);
  ipv4Header(v, 14, 20 + 20 + payload.length, 6, t.src, t.dst, 0, 0);
  v.setUint16(34, t.srcPort);
  v.setUint16(36, t.dstPort);
  v.setUint32(38, t.seq >>> 0);
  v.setUint32(42, t.ack >>> 0);
  v.setUint8(46, 0x50);
  v.setUint8(47, t.flags);
  v.setUint16(48, 65535);
  f.set(payload, 54);
  return f;
}

/**
 * One Ethernet frame of an IPv4 fragment: `data` at byte `offset` (a
 * multiple of 8) of datagram `id`, `more` when fragments follow.
 */
export function fragmentFrame(
  src: number,
  dst: number,
  protocol: number,
  id: number,
  offset: number,
  more: boolean,
  data: Uint8Array,
): Uint8Array {
  const f = new Uint8Array(34 + data.length);
  const v = new DataView(f.buffer);
  v.setUint16(12, 0x0800);
  ipv4Header(v, 14, 20 + data.length, protocol, src, dst, id, (more ? 0x2000 : 0) | (offset >> 3));
  f.set(data, 34);
  return f;
}

function ipv4Header(
  v: DataView,
  at: number,
  total: number,
  protocol: number,
  src: number,
  dst: number,
  id: number,
  fragment: number,
): void {
  v.setUint8(at, 0x45);
  v.setUint16(at + 2, total);
  v.setUint16(at + 4, id);
  v.setUint16(at + 6, fragment);
  v.setUint8(at + 8, 64);
  v.setUint8(at + 9, protocol);
  v.setUint32(at + 12, src >>> 0);
  v.setUint32(at + 16, dst >>> 0);
}

/** A little-endian microsecond pcap (Ethernet), built frame by frame. */
export class PcapBuilder {
  readonly #parts: Uint8Array[] = [];
  #length = 24;
  /** Frames added so far (the next frame's number is this plus one). */
  frames = 0;

  /** Adds a frame at capture time `ts` (seconds); returns its 1-based frame number. */
  add(frame: Uint8Array, ts: number): number {
    const record = pcapRecord(frame, ts);
    this.#parts.push(record);
    this.#length += record.length;
    return ++this.frames;
  }

  /** The file so far. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    out.set(pcapHeader());
    let at = 24;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** The 24-byte header of a little-endian microsecond pcap of Ethernet frames. */
export function pcapHeader(): Uint8Array {
  const h = new Uint8Array(24);
  const v = new DataView(h.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 262144, true);
  v.setUint32(20, 1, true);
  return h;
}

/** The parts of a generated capture, one after another, in one array. */
export function joinParts(parts: Iterable<Uint8Array>): Uint8Array {
  const list = [...parts];
  const out = new Uint8Array(list.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of list) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One pcap record (header and frame) at time `ts`. */
export function pcapRecord(frame: Uint8Array, ts: number): Uint8Array {
  const out = new Uint8Array(16 + frame.length);
  const v = new DataView(out.buffer);
  const seconds = Math.floor(ts);
  v.setUint32(0, seconds, true);
  v.setUint32(4, Math.round((ts - seconds) * 1e6), true);
  v.setUint32(8, frame.length, true);
  v.setUint32(12, frame.length, true);
  out.set(frame, 16);
  return out;
}

/**
 * One TCP connection written into a {@link PcapBuilder}: the handshake, then
 * data each way in segments of at most `mss` bytes, numbered in order.
 */
export class TcpConversation {
  #seq: [number, number] = [1000, 5000];
  ts: number;

  constructor(
    readonly pcap: PcapBuilder,
    readonly client: number,
    readonly clientPort: number,
    readonly server: number,
    readonly serverPort: number,
    start = 1_700_000_000,
    readonly mss = 1460,
  ) {
    this.ts = start;
  }

  /** SYN, SYN-ACK, ACK. */
  handshake(): void {
    this.#segment(true, SYN);
    this.#segment(false, SYN | ACK);
    this.#segment(true, ACK);
  }

  /** Sends `bytes` one way; returns the frame numbers of its segments. */
  send(fromClient: boolean, bytes: Uint8Array): number[] {
    const frames: number[] = [];
    for (let at = 0; at < bytes.length; at += this.mss) {
      frames.push(this.#segment(fromClient, PSH | ACK, bytes.subarray(at, at + this.mss)));
    }
    return frames;
  }

  /** FIN each way. */
  close(): void {
    this.#segment(true, FIN | ACK);
    this.#segment(false, FIN | ACK);
  }

  #segment(fromClient: boolean, flags: number, payload?: Uint8Array): number {
    const me = fromClient ? 0 : 1, peer = fromClient ? 1 : 0;
    const frame = tcpFrame({
      src: fromClient ? this.client : this.server,
      dst: fromClient ? this.server : this.client,
      srcPort: fromClient ? this.clientPort : this.serverPort,
      dstPort: fromClient ? this.serverPort : this.clientPort,
      seq: this.#seq[me],
      ack: this.#seq[peer],
      flags,
      ...(payload === undefined ? {} : { payload }),
    });
    this.#seq[me] = (this.#seq[me] + (payload?.length ?? 0) + (flags & (SYN | FIN) ? 1 : 0)) >>>
      0;
    this.ts += 0.0001;
    return this.pcap.add(frame, this.ts);
  }
}
