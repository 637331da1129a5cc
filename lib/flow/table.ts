/**
 * The connection table: TCP connections and UDP conversations keyed by
 * 5-tuple, oriented client -> server, reassembled per direction, timed out by
 * capture time, and capped in number.
 * @module
 */
import { be32 } from "../bytes/cursor.ts";
import type { Frame } from "../capture/frame.ts";
import type {
  ConnectionEvent,
  ConnectionState,
  DecodeEvent,
  DirectionStats,
  Endpoint,
} from "../events.ts";
import type { IpPacket } from "../net/packet.ts";
import { readTcpHeader, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from "../net/tcp.ts";
import { readUdpHeader, type UdpDatagram } from "../net/udp.ts";
import type { Limits } from "../options.ts";
import type { Reporter } from "../report.ts";
import {
  Connection,
  ip6Addresses,
  ipv4Text,
  newDirectionStats,
  type Orientation,
} from "./connection.ts";
import { EmbryoFlag, Embryos } from "./embryos.ts";
import type { ObserverFactory } from "./observer.ts";
import { serverSideByPort } from "./ports.ts";
import { LruList } from "./lru.ts";
import { type HalfSink, TcpHalf } from "./tcp_half.ts";

/**
 * Capture seconds a closed connection stays in the table so that its final
 * ACKs and retransmissions are counted with it rather than opening a new one.
 * A new SYN on the same 5-tuple ends the wait at once. After an RST, each
 * segment of the peer that continues its stream in sequence starts the wait
 * again: a peer that never saw the reset may go on answering for longer.
 */
const CLOSE_LINGER_SECONDS = 5;

/**
 * Closed conversations waiting out the linger at once, at most; past it the
 * one that waited longest is retired at once. Capture time moves the linger
 * on: where it stands still (a capture written with one timestamp) or jumped
 * ahead once (a record from the future), no sweep runs, and every closed
 * conversation would wait, with all its analyzers' state, until
 * `maxConnections` evicted it. The corpus and the dense bench capture never
 * have more than 250 waiting.
 */
const MAX_LINGERING = 8192;

/** Capture seconds between idle sweeps. */
const SWEEP_INTERVAL = 1;

/**
 * Told where the events that follow belong in capture order, for a sharded
 * decode (lib/shard/): several decoders each emit their share, and a merger
 * interleaves them as one decoder would have.
 */
export interface FlowOrder {
  /**
   * The events that follow come from retiring one connection in an idle
   * sweep or at the end. `phase`: 0 lingering after its close, 1 idle TCP,
   * 2 idle UDP, 3 idle TCP that never carried anything, 4 still open at the
   * end. `position` orders it within its phase as this table does: its
   * place in the linger queue, its last frame (the idle lists run from the
   * least recently active), its first frame (the end closes in order of id).
   */
  retiring(phase: number, position: readonly number[]): void;
  /** The events that follow belong to the packet being handled. */
  packet(): void;
}

/** Conversation tracking for one decode. */
export class FlowTable {
  /** TCP connections and UDP conversations created so far. */
  tcpConnections = 0;
  udpConversations = 0;
  readonly #tcp = new Map<string, Connection>();
  readonly #udp = new Map<string, Connection>();
  /** Open conversations from least to most recently active, per transport (their timeouts differ). */
  readonly #tcpLru = new LruList<Connection>();
  readonly #udpLru = new LruList<Connection>();
  /** IPv4 TCP connections that have carried nothing yet, as rows (see embryos.ts). */
  readonly #embryos = new Embryos();
  /**
   * Closed TCP connections waiting out the linger, oldest first; `order` is
   * the entry's place in that queue as a sharded decode compares it
   * ({@link FlowOrder}): [close frame, 1], or [sweep frame, 0, ...previous] when queued again.
   */
  #lingering: { conn: Connection; until: number; order: number[] }[] = [];
  #lingerHead = 0;
  #nextId = 0;
  #now = -Infinity;
  #nextSweep = -Infinity;
  /** Frame of the packet or tick that runs the sweep (linger queue positions). */
  #sweepFrame = 0;
  readonly #budget: OutOfOrderBudget;
  /**
   * A direct-mapped cache of IPv4 conversations by a hash of their 5-tuple,
   * in front of the string-keyed tables: building the key string was the
   * largest cost per packet. A miss or a stale entry falls back to the table.
   */
  readonly #cache: (Connection | undefined)[] = new Array(CACHE_SIZE).fill(undefined);
  readonly #seg: TcpSegment = {
    srcPort: 0,
    dstPort: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    payload: new Uint8Array(0),
    payloadLength: 0,
  };
  readonly #dgram: UdpDatagram = {
    srcPort: 0,
    dstPort: 0,
    payload: new Uint8Array(0),
    payloadLength: 0,
  };

  constructor(
    readonly limits: Limits,
    readonly reporter: Reporter,
    readonly out: DecodeEvent[],
    readonly observe?: ObserverFactory,
    readonly order?: FlowOrder,
  ) {
    this.#budget = { total: 0, max: limits.maxTotalOutOfOrderBytes, reporter, observe };
  }

  /** One IP datagram from the network layer. */
  packet(p: IpPacket): void {
    if (this.tick(p.frame.ts, p.frame.index)) this.order?.packet();
    if (p.protocol === 6) this.#tcpPacket(p);
    else if (p.protocol === 17) this.#udpPacket(p);
  }

  /**
   * The capture time of a packet, this table's or one that another decoder
   * handles (a sharded decode), so idle connections time out exactly as when
   * every packet comes here. Returns whether it ran an idle sweep.
   */
  tick(ts: number, frame: number): boolean {
    if (ts <= this.#now) return false;
    this.#now = ts;
    if (ts < this.#nextSweep) return false;
    this.#sweepFrame = frame;
    this.#sweep(ts);
    return true;
  }

  /** Close every connection still open, in order of id. */
  end(): void {
    this.#expireLingering(Infinity);
    const e = this.#embryos;
    const open: [number, Connection | number][] = [];
    for (const conn of this.#tcp.values()) open.push([conn.id, conn]);
    for (const conn of this.#udp.values()) open.push([conn.id, conn]);
    for (const row of e.rows()) open.push([e.id[row]!, row]);
    open.sort((a, b) => a[0] - b[0]);
    this.#tcp.clear();
    this.#udp.clear();
    for (const [, conn] of open) {
      this.order?.retiring(4, [typeof conn === "number" ? e.firstFrame[conn]! : conn.firstFrame]);
      if (typeof conn === "number") this.#retireEmbryo(conn, "capture_end");
      else this.#finish(conn, conn.state === "open" ? "capture_end" : conn.state, undefined);
    }
  }

  #tcpPacket(p: IpPacket): void {
    const seg = this.#seg;
    const problem = readTcpHeader(p.payload, p.payloadLength, seg);
    if (problem !== undefined) {
      const kind = p.payload.length < p.payloadLength ? "truncated" : "malformed";
      this.reporter.anomaly("tcp", kind, problem, p.frame.index, p.frame.ts);
      return;
    }
    const flags = seg.flags;
    let conn = this.#cached(p, seg.srcPort, seg.dstPort, this.#tcp);
    // Until it carries something, an IPv4 connection is a row of the embryo table.
    const quiet = p.version === 4 && seg.payloadLength === 0 &&
      (flags & (TCP_FIN | TCP_RST)) === 0;
    if (conn === undefined && p.version === 4) {
      const src = be32(p.src, 0) | 0, dst = be32(p.dst, 0) | 0;
      const row = this.#embryos.find(src, dst, seg.srcPort, seg.dstPort);
      if (row >= 0) {
        const fromClient = src === this.#embryos.clientIp[row] &&
          seg.srcPort === this.#embryos.ports[row]! >>> 16;
        if (this.#embryoStartsAnew(row, fromClient, flags, seg.seq, p.frame.ts)) {
          this.#retireEmbryo(row, "timeout");
        } else if (quiet) return this.#embryoPacket(row, fromClient, p.frame);
        else conn = this.#promote(row);
      }
    }
    conn ??= this.#lookup(p, seg.srcPort, seg.dstPort, this.#tcp);
    if (conn === undefined && quiet) return this.#createEmbryo(p);
    let fromClient = conn !== undefined && this.#isFromClient(conn, p.src, seg.srcPort);
    if (conn !== undefined && this.#startsAnew(conn, fromClient, flags, seg.seq, p.frame.ts)) {
      this.#retire(conn, p.frame);
      conn = undefined;
    }
    if (conn === undefined) {
      conn = this.#create(p, seg.srcPort, seg.dstPort, "tcp", flags);
      fromClient = this.#isFromClient(conn, p.src, seg.srcPort);
    }
    this.#seen(conn, p.frame);
    if (fromClient) conn.clientPackets++;
    else conn.serverPackets++;
    if (seg.payloadLength > 0) {
      const more = conn.active();
      (fromClient ? more.clientStats : more.serverStats).payloadBytes += seg.payloadLength;
    }
    // After an RST, only its peer's data still in flight is delivered (a server's answer
    // crossing the client's reset); the side that reset has nothing more to say.
    if (
      conn.state !== "open" && conn.state !== "closed_fin" &&
      !(conn.state === "closed_rst" && conn.resetByClient !== fromClient)
    ) return;
    let halves = conn.halves;
    if (halves === undefined && (seg.payloadLength > 0 || (flags & TCP_FIN) !== 0)) {
      halves = this.#makeHalves(conn, p.frame);
    }
    if (halves === undefined) {
      // Nothing to reassemble yet (a handshake, a bare ACK, a flood of SYNs): keep only the
      // numbers the halves will need.
      if (flags & TCP_SYN) {
        if (fromClient) conn.clientIsn = seg.seq | 0;
        else conn.serverIsn = seg.seq | 0;
      }
      if (flags & TCP_ACK) {
        if (fromClient) conn.clientAck = seg.ack | 0;
        else conn.serverAck = seg.ack | 0;
      }
    } else {
      const half = halves[fromClient ? 0 : 1];
      if (flags & TCP_ACK) halves[fromClient ? 1 : 0].acknowledged(seg.ack);
      const before = half.next;
      half.segment(
        seg.seq,
        (flags & TCP_SYN) !== 0,
        (flags & TCP_FIN) !== 0,
        seg.payload,
        seg.payloadLength,
        p.frame,
      );
      // The peer of an RST moved its stream on (in-sequence bytes, not a retransmission or a
      // segment out of order): it is still talking on this connection, so keep it a while longer.
      if (conn.state === "closed_rst" && half.next !== before) {
        conn.lingerUntil = p.frame.ts + CLOSE_LINGER_SECONDS;
      }
    }
    if (flags & TCP_RST) {
      if (conn.state !== "closed_rst") {
        conn.resetByClient = fromClient;
        this.#close(conn, "closed_rst", p.frame);
      }
    } else if (
      conn.state === "open" && halves !== undefined && halves[0].finSeq !== undefined &&
      halves[1].finSeq !== undefined
    ) {
      this.#close(conn, "closed_fin", p.frame);
    }
  }

  #udpPacket(p: IpPacket): void {
    const d = this.#dgram;
    const problem = readUdpHeader(p.payload, p.payloadLength, p.version, d);
    if (problem !== undefined) {
      const kind = p.payload.length < Math.min(p.payloadLength, 8) ? "truncated" : "malformed";
      this.reporter.anomaly("udp", kind, problem, p.frame.index, p.frame.ts);
      return;
    }
    let conn = this.#lookup(p, d.srcPort, d.dstPort, this.#udp);
    if (conn !== undefined && p.frame.ts - conn.lastTs > this.limits.udpIdleTimeout) {
      this.#retire(conn, p.frame);
      conn = undefined;
    }
    conn ??= this.#create(p, d.srcPort, d.dstPort, "udp", 0);
    this.#seen(conn, p.frame);
    const fromClient = this.#isFromClient(conn, p.src, d.srcPort);
    if (fromClient) conn.clientPackets++;
    else conn.serverPackets++;
    const more = conn.active();
    (fromClient ? more.clientStats : more.serverStats).payloadBytes += d.payloadLength;
    observerOf(conn, this.observe)?.datagram?.(fromClient, d.payload, p.frame);
  }

  /** Whether a packet on an existing connection's 5-tuple begins a new connection instead. */
  #startsAnew(conn: Connection, fromClient: boolean, flags: number, seq: number, ts: number) {
    if (ts - conn.lastTs > this.limits.tcpIdleTimeout) return true;
    if ((flags & (TCP_SYN | TCP_ACK)) !== TCP_SYN) return false;
    if (conn.state !== "open") return true; // a fresh SYN after FIN/RST: port reuse
    // The same ISN is a retransmitted SYN; a new one is a new attempt (as tshark counts streams).
    const isn = conn.halves !== undefined
      ? conn.halves[fromClient ? 0 : 1].isn
      : fromClient
      ? conn.clientIsn
      : conn.serverIsn;
    return isn !== undefined && (isn | 0) !== (seq | 0);
  }

  /** A connection's halves, at its first data or FIN: told the SYNs and ACKs seen before. */
  #makeHalves(conn: Connection, frame: Frame): [TcpHalf, TcpHalf] {
    const max = this.limits.maxOutOfOrderBytes, more = conn.active();
    const client = new TcpHalf(more.clientStats, new DirectionSink(conn, true, this.#budget), max);
    const server = new TcpHalf(more.serverStats, new DirectionSink(conn, false, this.#budget), max);
    if (conn.clientIsn !== undefined) {
      client.segment(conn.clientIsn >>> 0, true, false, EMPTY, 0, frame);
    }
    if (conn.serverIsn !== undefined) {
      server.segment(conn.serverIsn >>> 0, true, false, EMPTY, 0, frame);
    }
    if (conn.clientAck !== undefined) server.acknowledged(conn.clientAck >>> 0);
    if (conn.serverAck !== undefined) client.acknowledged(conn.serverAck >>> 0);
    conn.clientIsn =
      conn.serverIsn =
      conn.clientAck =
      conn.serverAck =
        undefined;
    return more.halves = [client, server];
  }

  #lookup(
    p: IpPacket,
    srcPort: number,
    dstPort: number,
    table: Map<string, Connection>,
  ): Connection | undefined {
    const hit = this.#cached(p, srcPort, dstPort, table);
    if (hit !== undefined) return hit;
    const conn = table.get(flowKey(p, srcPort, dstPort));
    if (conn !== undefined && p.version === 4) {
      this.#cache[cacheSlot(be32(p.src, 0) | 0, be32(p.dst, 0) | 0, srcPort, dstPort)] = conn;
    }
    return conn;
  }

  /** An IPv4 conversation from the lookup cache, if there. */
  #cached(
    p: IpPacket,
    srcPort: number,
    dstPort: number,
    table: Map<string, Connection>,
  ): Connection | undefined {
    if (p.version !== 4) return undefined;
    const a = be32(p.src, 0) | 0, b = be32(p.dst, 0) | 0;
    const hit = this.#cache[cacheSlot(a, b, srcPort, dstPort)];
    if (
      hit !== undefined && !hit.retired && this.#tableOf(hit) === table &&
      ((a === hit.clientIp4 && srcPort === hit.clientPort && b === hit.serverIp4 &&
        dstPort === hit.serverPort) ||
        (b === hit.clientIp4 && dstPort === hit.clientPort && a === hit.serverIp4 &&
          srcPort === hit.serverPort))
    ) return hit;
    return undefined;
  }

  #tableOf(conn: Connection): Map<string, Connection> {
    return conn.transport === "tcp" ? this.#tcp : this.#udp;
  }

  #isFromClient(conn: Connection, src: Uint8Array, srcPort: number): boolean {
    if (srcPort !== conn.clientPort) return false;
    if (conn.ip6 === undefined) return src.length === 4 && (be32(src, 0) | 0) === conn.clientIp4;
    const words = conn.ip6.clientWords;
    if (words.length * 4 !== src.length) return false;
    for (let i = 0; i < words.length; i++) if (be32(src, i * 4) !== words[i]) return false;
    return true;
  }

  #create(
    p: IpPacket,
    srcPort: number,
    dstPort: number,
    transport: "tcp" | "udp",
    flags: number,
  ): Connection {
    const table = transport === "tcp" ? this.#tcp : this.#udp;
    this.#makeRoom(p.frame);
    const { srcIsClient, orientation } = orient(transport, flags, srcPort, dstPort);
    const clientAddr = srcIsClient ? p.src : p.dst;
    const serverAddr = srcIsClient ? p.dst : p.src;
    const clientPort = srcIsClient ? srcPort : dstPort,
      serverPort = srcIsClient ? dstPort : srcPort;
    const key = flowKey(p, srcPort, dstPort);
    const v4 = p.version === 4;
    const conn = new Connection(
      this.#nextId++,
      key,
      transport,
      orientation,
      v4 ? be32(clientAddr, 0) | 0 : 0,
      v4 ? be32(serverAddr, 0) | 0 : 0,
      v4 ? undefined : ip6Addresses(clientAddr, serverAddr),
      clientPort,
      serverPort,
      p.frame.ts,
      p.frame.index,
    );
    if (transport === "tcp") this.tcpConnections++;
    else this.udpConversations++;
    table.set(key, conn);
    if (v4) this.#cache[cacheSlot(conn.clientIp4, conn.serverIp4, clientPort, serverPort)] = conn;
    if (this.limits.connectionOpenEvents) this.out.push(connectionEvent(conn, "open"));
    return conn;
  }

  /** Closed connections still lingering count too: they hold memory until they go. */
  #makeRoom(frame: Frame): void {
    const size = this.#tcp.size + this.#udp.size + this.#embryos.size;
    if (size >= this.limits.maxConnections) this.#evictOldest(frame);
  }

  /** A new IPv4 TCP connection whose first packet carries nothing: a row, not an object. */
  #createEmbryo(p: IpPacket): void {
    const seg = this.#seg, e = this.#embryos;
    this.#makeRoom(p.frame);
    const { srcIsClient, orientation } = orient("tcp", seg.flags, seg.srcPort, seg.dstPort);
    const src = be32(p.src, 0) | 0, dst = be32(p.dst, 0) | 0;
    const row = srcIsClient
      ? e.add(src, dst, seg.srcPort, seg.dstPort)
      : e.add(dst, src, seg.dstPort, seg.srcPort);
    e.id[row] = this.#nextId++;
    e.firstFrame[row] = e.lastFrame[row] = p.frame.index;
    e.start[row] = e.lastTs[row] = p.frame.ts;
    e.flags[row] = ORIENTATIONS.indexOf(orientation);
    this.tcpConnections++;
    if (this.limits.connectionOpenEvents) {
      this.out.push(connectionEvent(this.#embryoView(row, "open"), "open"));
    }
    this.#embryoPacket(row, srcIsClient, p.frame, false);
  }

  /** A packet that carries nothing on an embryo: counted, its SYN's or ACK's number kept. */
  #embryoPacket(row: number, fromClient: boolean, frame: Frame, seen = true): void {
    const seg = this.#seg, e = this.#embryos;
    if (seen) {
      if (frame.ts > e.lastTs[row]!) e.lastTs[row] = frame.ts;
      e.lastFrame[row] = frame.index;
      e.touch(row);
    }
    if (fromClient) e.clientPackets[row]!++;
    else e.serverPackets[row]!++;
    if (seg.flags & TCP_SYN) {
      (fromClient ? e.clientIsn : e.serverIsn)[row] = seg.seq | 0;
      e.flags[row]! |= fromClient ? EmbryoFlag.CLIENT_ISN : EmbryoFlag.SERVER_ISN;
    }
    if (seg.flags & TCP_ACK) {
      (fromClient ? e.clientAck : e.serverAck)[row] = seg.ack | 0;
      e.flags[row]! |= fromClient ? EmbryoFlag.CLIENT_ACK : EmbryoFlag.SERVER_ACK;
    }
  }

  /** {@link #startsAnew} for an embryo: idle past the timeout, or a SYN with another ISN. */
  #embryoStartsAnew(row: number, fromClient: boolean, flags: number, seq: number, ts: number) {
    const e = this.#embryos;
    if (ts - e.lastTs[row]! > this.limits.tcpIdleTimeout) return true;
    if ((flags & (TCP_SYN | TCP_ACK)) !== TCP_SYN) return false;
    const known = e.flags[row]! & (fromClient ? EmbryoFlag.CLIENT_ISN : EmbryoFlag.SERVER_ISN);
    return known !== 0 && (fromClient ? e.clientIsn : e.serverIsn)[row] !== (seq | 0);
  }

  /** An embryo carries something now: it becomes a connection object, with the same id. */
  #promote(row: number): Connection {
    const e = this.#embryos, ports = e.ports[row]!, f = e.flags[row]!;
    const client = e.clientIp[row]!, server = e.serverIp[row]!;
    const key = ipv4FlowKey(client, ports >>> 16, server, ports & 0xffff);
    const conn = new Connection(
      e.id[row]!,
      key,
      "tcp",
      ORIENTATIONS[f & EmbryoFlag.ORIENTATION]!,
      e.clientIp[row]!,
      e.serverIp[row]!,
      undefined,
      ports >>> 16,
      ports & 0xffff,
      e.start[row]!,
      e.firstFrame[row]!,
    );
    conn.lastTs = e.lastTs[row]!;
    conn.lastFrame = e.lastFrame[row]!;
    conn.clientPackets = e.clientPackets[row]!;
    conn.serverPackets = e.serverPackets[row]!;
    if (f & EmbryoFlag.CLIENT_ISN) conn.clientIsn = e.clientIsn[row]!;
    if (f & EmbryoFlag.SERVER_ISN) conn.serverIsn = e.serverIsn[row]!;
    if (f & EmbryoFlag.CLIENT_ACK) conn.clientAck = e.clientAck[row]!;
    if (f & EmbryoFlag.SERVER_ACK) conn.serverAck = e.serverAck[row]!;
    e.remove(row);
    this.#tcp.set(key, conn);
    this.#cache[cacheSlot(conn.clientIp4, conn.serverIp4, conn.clientPort, conn.serverPort)] = conn;
    return conn;
  }

  /** An embryo leaves the table: its close event. */
  #retireEmbryo(row: number, state: ConnectionState): void {
    this.out.push(connectionEvent(this.#embryoView(row, state), "close"));
    this.#embryos.remove(row);
  }

  /** What the events of an embryo say, as a connection would. */
  #embryoView(row: number, state: ConnectionState): ConnectionView {
    const e = this.#embryos, ports = e.ports[row]!;
    const orientation = ORIENTATIONS[e.flags[row]! & EmbryoFlag.ORIENTATION]!;
    const packets = [e.clientPackets[row]!, e.serverPackets[row]!];
    return {
      id: e.id[row]!,
      transport: "tcp",
      client: { ip: ipv4Text(e.clientIp[row]!), port: ports >>> 16 },
      server: { ip: ipv4Text(e.serverIp[row]!), port: ports & 0xffff },
      orientation,
      handshake: orientation === "syn",
      start: e.start[row]!,
      firstFrame: e.firstFrame[row]!,
      lastTs: e.lastTs[row]!,
      lastFrame: e.lastFrame[row]!,
      state,
      stats: (client) => {
        const stats = newDirectionStats();
        stats.packets = packets[client ? 0 : 1]!;
        return stats;
      },
    };
  }

  #seen(conn: Connection, frame: Frame): void {
    if (frame.ts > conn.lastTs) conn.lastTs = frame.ts;
    conn.lastFrame = frame.index;
    if (conn.state === "open") (conn.transport === "tcp" ? this.#tcpLru : this.#udpLru).touch(conn);
  }

  /** A connection ended (FIN both ways or RST): linger, then emit its close event. */
  #close(conn: Connection, state: ConnectionState, frame: Frame): void {
    conn.state = state;
    conn.lingerUntil = frame.ts + CLOSE_LINGER_SECONDS;
    this.#tcpLru.remove(conn); // it now waits in the linger queue instead
    this.#lingering.push({ conn, until: conn.lingerUntil, order: [frame.index, 1] });
    if (this.#lingering.length - this.#lingerHead > MAX_LINGERING) this.#boundLingering(frame);
  }

  /** Retire the closed conversations that waited longest, down to {@link MAX_LINGERING}. */
  #boundLingering(frame: Frame): void {
    while (this.#lingering.length - this.#lingerHead > MAX_LINGERING) {
      const conn = this.#oldestLingering(); // skips the entries of those already retired
      if (conn === undefined || this.#lingering.length - this.#lingerHead <= MAX_LINGERING) break;
      this.#lingerHead++;
      this.reporter.limit(
        "flow",
        "maxLingering",
        `more than ${MAX_LINGERING} closed conversations waiting out their linger (capture time ` +
          "standing still?); the longest-waiting retired at once",
        frame.index,
        frame.ts,
        conn,
      );
      this.#retire(conn, frame);
    }
    this.#compactLingering();
  }

  /** Drop the entries before the queue's head once they are most of it. */
  #compactLingering(): void {
    if (this.#lingerHead > 1024 && this.#lingerHead * 2 > this.#lingering.length) {
      this.#lingering = this.#lingering.slice(this.#lingerHead);
      this.#lingerHead = 0;
    }
  }

  /** Remove a connection from the table now and emit its close event. */
  #retire(conn: Connection, frame: Frame | undefined): void {
    const table = this.#tableOf(conn);
    if (table.get(conn.key) === conn) table.delete(conn.key);
    this.#finish(conn, conn.state === "open" ? "timeout" : conn.state, frame);
  }

  #finish(conn: Connection, state: ConnectionState, frame: Frame | undefined): void {
    conn.retired = true;
    conn.lruOwner?.remove(conn);
    if (!conn.ipv6) {
      // A retired connection left in the lookup cache would stay alive until its slot is reused.
      const slot = cacheSlot(conn.clientIp4, conn.serverIp4, conn.clientPort, conn.serverPort);
      if (this.#cache[slot] === conn) this.#cache[slot] = undefined;
    }
    // What the observers do with the last bytes is theirs: a fault there ends this connection only,
    // and the observer is still closed (it releases decode-wide state the connection held).
    const more = conn.more;
    let failure: unknown;
    if (more?.halves !== undefined) {
      for (const half of more.halves) {
        try {
          half.flush(frame);
        } catch (e) {
          failure ??= e;
        } finally {
          this.#budget.total -= half.bufferedCost; // what a flush that failed still held
        }
      }
    }
    conn.state = state;
    try {
      // What a connection's end cuts short cites its last packet.
      more?.observer?.close({ frame: conn.lastFrame, ts: conn.lastTs });
    } catch (e) {
      failure ??= e;
    }
    if (failure !== undefined) {
      this.reporter.anomaly(
        "flow",
        "bug",
        `closing connection ${conn.id} failed: ${failure}`,
        frame?.index ?? conn.lastFrame,
        frame?.ts ?? conn.lastTs,
        conn,
      );
    }
    if (more !== undefined) {
      more.halves = undefined;
      more.observer = undefined;
    }
    conn.state = state;
    this.out.push(connectionEvent(conn, "close"));
  }

  #sweep(now: number): void {
    this.#nextSweep = now + SWEEP_INTERVAL;
    this.#expireLingering(now);
    this.#expireIdle(this.#tcpLru, now - this.limits.tcpIdleTimeout, 1);
    this.#expireIdle(this.#udpLru, now - this.limits.udpIdleTimeout, 2);
    const e = this.#embryos, before = now - this.limits.tcpIdleTimeout;
    while (e.oldest >= 0 && e.lastTs[e.oldest]! < before) {
      this.order?.retiring(3, [e.lastFrame[e.oldest]!]);
      this.#retireEmbryo(e.oldest, "timeout");
    }
  }

  #expireLingering(now: number): void {
    const queue = this.#lingering;
    while (this.#lingerHead < queue.length && queue[this.#lingerHead]!.until <= now) {
      const { conn, order } = queue[this.#lingerHead++]!;
      if (this.#tableOf(conn).get(conn.key) !== conn) continue;
      // Its wait was pushed on: queue it again (at most one linger late among its neighbours).
      if (conn.lingerUntil > now) {
        const again = this.order === undefined ? order : [this.#sweepFrame, 0, ...order];
        queue.push({ conn, until: conn.lingerUntil, order: again });
      } else {
        this.order?.retiring(0, order);
        this.#retire(conn, undefined);
      }
    }
    this.#compactLingering();
  }

  #expireIdle(lru: LruList<Connection>, before: number, phase: number): void {
    for (let conn = lru.oldest; conn !== undefined && conn.lastTs < before; conn = lru.oldest) {
      this.order?.retiring(phase, [conn.lastFrame]);
      this.#retire(conn, undefined);
    }
  }

  #evictOldest(frame: Frame): void {
    const tcp = this.#tcpLru.oldest, udp = this.#udpLru.oldest;
    const victim = this.#oldestLingering() ??
      (tcp === undefined ? udp : udp === undefined || tcp.lastTs <= udp.lastTs ? tcp : udp);
    const e = this.#embryos, row = e.oldest;
    const detail =
      `more than ${this.limits.maxConnections} open conversations; the least recently active closed as evicted`;
    if (
      row >= 0 &&
      (victim === undefined || (victim.state === "open" && e.lastTs[row]! < victim.lastTs))
    ) {
      const view = this.#embryoView(row, "evicted");
      this.reporter.limit("flow", "maxConnections", detail, frame.index, frame.ts, view);
      this.out.push(connectionEvent(view, "close"));
      e.remove(row);
      return;
    }
    if (victim === undefined) return;
    this.reporter.limit("flow", "maxConnections", detail, frame.index, frame.ts, victim);
    const table = this.#tableOf(victim);
    table.delete(victim.key);
    this.#finish(victim, victim.state === "open" ? "evicted" : victim.state, frame);
  }

  /** The closed connection that has lingered longest and is still in the table. */
  #oldestLingering(): Connection | undefined {
    const queue = this.#lingering;
    while (this.#lingerHead < queue.length) {
      const { conn } = queue[this.#lingerHead]!;
      if (!conn.retired) return conn;
      this.#lingerHead++;
    }
    return undefined;
  }
}

/** Out-of-order bytes held across all connections, against their cap. */
interface OutOfOrderBudget {
  total: number;
  readonly max: number;
  readonly reporter: Reporter;
  /** The table's observer factory (the directions make a connection's observer at its first byte). */
  readonly observe: ObserverFactory | undefined;
}

/**
 * A connection's observer, asked of the factory at its first payload: the
 * analyzers of a conversation that never carries a byte (a SYN flood, a
 * port scan) are never made.
 */
function observerOf(conn: Connection, factory: ObserverFactory | undefined) {
  const more = conn.active();
  if (!more.observed) {
    more.observed = true;
    more.observer = factory?.(conn);
  }
  return more.observer;
}

/** Where one direction of a connection sends what its reassembly produces. */
class DirectionSink implements HalfSink {
  constructor(
    readonly conn: Connection,
    readonly fromClient: boolean,
    readonly budget: OutOfOrderBudget,
  ) {}

  deliver(bytes: Uint8Array, frame: Frame): void {
    observerOf(this.conn, this.budget.observe)?.data(this.fromClient, bytes, frame);
  }

  gap(length: number, seq: number, frame: Frame | undefined, reason: string): void {
    const conn = this.conn;
    const dir = this.fromClient ? "client\u2192server" : "server\u2192client";
    this.budget.reporter.anomaly(
      "tcp",
      "gap",
      `${length} bytes missing from the ${dir} stream at seq ${seq} (${reason})`,
      frame?.index ?? conn.lastFrame,
      frame?.ts ?? conn.lastTs,
      conn,
    );
    conn.observer?.gap(this.fromClient, length, frame);
  }

  capReached(held: number): void {
    const conn = this.conn;
    this.budget.reporter.limit(
      "tcp",
      "maxOutOfOrderBytes",
      `${held} out-of-order bytes held for one direction; the hole before them is declared a gap`,
      conn.lastFrame,
      conn.lastTs,
      conn,
    );
  }

  reserve(extra: number): string | undefined {
    const budget = this.budget;
    if (budget.total + extra > budget.max) {
      budget.reporter.limit(
        "tcp",
        "maxTotalOutOfOrderBytes",
        `out-of-order bytes across all connections passed ${budget.max}; holes declared gaps`,
        this.conn.lastFrame,
        this.conn.lastTs,
        this.conn,
      );
      return "maxTotalOutOfOrderBytes";
    }
    budget.total += extra;
    return undefined;
  }

  release(bytes: number): void {
    this.budget.total -= bytes;
  }
}

/** Entries in the IPv4 lookup cache (a power of two). */
const CACHE_SIZE = 1 << 13;
const EMPTY = new Uint8Array(0);

/** A cache slot for an IPv4 5-tuple, the same for both directions. */
function cacheSlot(a: number, b: number, portA: number, portB: number): number {
  // Sums and xors are symmetric in the two ends; the multiplications spread the bits.
  const ports = Math.imul(portA + portB + ((portA ^ portB) << 16), 0x85ebca6b);
  return Math.imul(((a + b) | 0) ^ (a ^ b) << 5 ^ ports, 0x9e3779b1) >>> 19;
}

/**
 * Canonical 5-tuple key, the same for both directions: the two ends, lower
 * first, as 16-bit code units (address words, then port). One flat string of
 * 6 units (IPv4) or 18 (IPv6), built at once: a key per live connection is
 * the table's largest memory after the connection itself.
 */
function flowKey(p: IpPacket, srcPort: number, dstPort: number): string {
  const s = p.src, d = p.dst;
  if (s.length === 4) return ipv4FlowKey(be32(s, 0), srcPort, be32(d, 0), dstPort);
  let order = 0;
  for (let i = 0; i < s.length && order === 0; i++) order = s[i]! - d[i]!;
  if (order === 0) order = srcPort - dstPort;
  const a = order <= 0 ? s : d, b = order <= 0 ? d : s;
  const units: number[] = [];
  for (let i = 0; i < a.length; i += 2) units.push((a[i]! << 8) | a[i + 1]!);
  units.push(order <= 0 ? srcPort : dstPort);
  for (let i = 0; i < b.length; i += 2) units.push((b[i]! << 8) | b[i + 1]!);
  units.push(order <= 0 ? dstPort : srcPort);
  return String.fromCharCode(...units);
}

/** {@link flowKey} of an IPv4 conversation from its numbers (signed or not). */
function ipv4FlowKey(a: number, pa: number, b: number, pb: number): string {
  const ua = a >>> 0, ub = b >>> 0;
  if (ua > ub || (ua === ub && pa > pb)) return ipv4FlowKey(b, pb, a, pa);
  return String.fromCharCode(ua >>> 16, ua & 0xffff, pa, ub >>> 16, ub & 0xffff, pb);
}

/** What a connection event is made from: a {@link Connection}, or an embryo's view. */
interface ConnectionView {
  readonly id: number;
  readonly transport: "tcp" | "udp";
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly orientation: Orientation;
  readonly handshake: boolean;
  readonly start: number;
  readonly firstFrame: number;
  readonly lastTs: number;
  readonly lastFrame: number;
  readonly state: ConnectionState;
  /** Who sent the RST that ended it, when one did (connections that carried nothing have none). */
  readonly resetByClient?: boolean | undefined;
  stats(client: boolean): DirectionStats;
}

const ORIENTATIONS: readonly Orientation[] = ["syn", "port", "first_packet"];

/** Which side of a new conversation opened it, and how that was decided. */
function orient(
  transport: "tcp" | "udp",
  flags: number,
  srcPort: number,
  dstPort: number,
): { srcIsClient: boolean; orientation: Orientation } {
  const synAck = flags & (TCP_SYN | TCP_ACK);
  if (transport === "tcp" && synAck === TCP_SYN) return { srcIsClient: true, orientation: "syn" };
  if (transport === "tcp" && synAck === (TCP_SYN | TCP_ACK)) {
    return { srcIsClient: false, orientation: "syn" };
  }
  const side = serverSideByPort(srcPort, dstPort);
  return { srcIsClient: side !== 0, orientation: side === -1 ? "first_packet" : "port" };
}

/**
 * A connection's open or close event, made whole at once, `seq` included (the
 * decoder numbers it; a property added later would cost every event an
 * out-of-object property store). The keys are in the order they always had.
 */
function connectionEvent(conn: ConnectionView, action: "open" | "close"): ConnectionEvent {
  if (action === "open") {
    return {
      type: "connection",
      action,
      id: conn.id,
      transport: conn.transport,
      client: conn.client,
      server: conn.server,
      orientation: conn.orientation,
      handshake: conn.handshake,
      start: conn.start,
      firstFrame: conn.firstFrame,
      evidence: { frames: [conn.firstFrame], ts: conn.start, connection: conn.id },
      seq: 0,
    };
  }
  const event: ConnectionEvent = {
    type: "connection",
    action,
    id: conn.id,
    transport: conn.transport,
    client: conn.client,
    server: conn.server,
    orientation: conn.orientation,
    handshake: conn.handshake,
    start: conn.start,
    firstFrame: conn.firstFrame,
    evidence: { frames: [conn.lastFrame], ts: conn.lastTs, connection: conn.id },
    end: conn.lastTs,
    lastFrame: conn.lastFrame,
    state: conn.state,
    clientStats: conn.stats(true),
    serverStats: conn.stats(false),
    seq: 0,
  };
  // Only connections that were reset (a few) carry who did it.
  if (conn.resetByClient !== undefined) event.resetBy = conn.resetByClient ? "client" : "server";
  return event;
}
