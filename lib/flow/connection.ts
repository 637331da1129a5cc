/**
 * One conversation in the connection table, kept small: a SYN flood fills
 * the table with connections that never carry a byte, and each costs what its
 * object costs (100 000 by default, and a million more evicted through the old
 * generation). What only a conversation that carries data needs (reassembly,
 * byte counters, its observer, its endpoints as objects) waits in `more`,
 * made at its first payload; flags share one number; addresses are numbers
 * and their text is made when asked.
 * @module
 */
import type { ConnectionState, DirectionStats, Endpoint } from "../events.ts";
import { formatIp } from "../net/address.ts";
import type { ConnectionInfo, StreamObserver } from "./observer.ts";
import type { TcpHalf } from "./tcp_half.ts";
import type { LruItem, LruList } from "./lru.ts";

/** Fresh zeroed counters for one direction. */
export function newDirectionStats(): DirectionStats {
  return {
    packets: 0,
    payloadBytes: 0,
    streamBytes: 0,
    gapBytes: 0,
    gaps: 0,
    retransmittedBytes: 0,
  };
}

/** How the side that opened a conversation was decided. */
export type Orientation = "syn" | "port" | "first_packet";

const ORIENTATIONS: readonly Orientation[] = ["syn", "port", "first_packet"];

// The bits of `Connection.#bits`.
const UDP = 1, ORIENTATION_SHIFT = 1, ORIENTATION_MASK = 3 << 1, RETIRED = 1 << 3;
const RESET_SHIFT = 4, RESET_MASK = 3 << 4;

/** What a conversation that carries data needs besides. */
export interface ConnectionMore {
  /** TCP only: [client->server, server->client] reassembly, made at the first data or FIN. */
  halves: [TcpHalf, TcpHalf] | undefined;
  /** Counters of each direction (`packets` is kept on the connection). */
  readonly clientStats: DirectionStats;
  readonly serverStats: DirectionStats;
  /** Its observer, made at its first payload. */
  observer: StreamObserver | undefined;
  /** Whether the observer factory was asked (it may have declined). */
  observed: boolean;
  /** The endpoints, made once for a conversation whose events are many. */
  client: Endpoint | undefined;
  server: Endpoint | undefined;
}

/** IPv6 addresses of a conversation (IPv4 ones are numbers on the connection). */
export interface Ip6Addresses {
  /** The client address as big-endian 32-bit words, to tell directions apart. */
  readonly clientWords: readonly number[];
  readonly client: string;
  readonly server: string;
}

/** Live state of one TCP or UDP conversation. */
export class Connection implements ConnectionInfo, LruItem<Connection> {
  /** Transport, orientation, retired, who reset it. */
  #bits: number;
  state: ConnectionState = "open";
  lastTs: number;
  lastFrame: number;
  /** Place in its table's least-recently-active list. */
  lruPrev: Connection | undefined = undefined;
  lruNext: Connection | undefined = undefined;
  lruOwner: LruList<Connection> | undefined = undefined;
  /** Closed: capture time its linger ends (pushed on while the peer of an RST keeps its stream going). */
  lingerUntil = 0;
  /** Packets each way (the rest of the counters are in `more`). */
  clientPackets = 0;
  serverPackets = 0;
  /**
   * Before the halves exist: the sequence numbers of each side's SYN and the
   * last acknowledgement each side sent, as signed 32-bit numbers (stored
   * small); undefined when not seen.
   */
  clientIsn: number | undefined = undefined;
  serverIsn: number | undefined = undefined;
  clientAck: number | undefined = undefined;
  serverAck: number | undefined = undefined;
  /** What a conversation that carries data needs; undefined until then. */
  more: ConnectionMore | undefined = undefined;

  /**
   * @param id the id its events carry
   * @param key table key (canonical 5-tuple)
   * @param clientIp4 IPv4 client address as a signed 32-bit number (0 for IPv6)
   * @param serverIp4 likewise the server's
   * @param ip6 the IPv6 addresses, or undefined for IPv4
   */
  constructor(
    readonly id: number,
    readonly key: string,
    transport: "tcp" | "udp",
    orientation: Orientation,
    readonly clientIp4: number,
    readonly serverIp4: number,
    readonly ip6: Ip6Addresses | undefined,
    readonly clientPort: number,
    readonly serverPort: number,
    readonly start: number,
    readonly firstFrame: number,
  ) {
    this.#bits = (transport === "udp" ? UDP : 0) |
      (ORIENTATIONS.indexOf(orientation) << ORIENTATION_SHIFT);
    this.lastTs = start;
    this.lastFrame = firstFrame;
  }

  get transport(): "tcp" | "udp" {
    return this.#bits & UDP ? "udp" : "tcp";
  }

  get orientation(): Orientation {
    return ORIENTATIONS[(this.#bits & ORIENTATION_MASK) >> ORIENTATION_SHIFT]!;
  }

  /** Seen from its SYN or SYN-ACK: the handshake, not a mid-stream pickup. */
  get handshake(): boolean {
    return (this.#bits & ORIENTATION_MASK) === 0;
  }

  get ipv6(): boolean {
    return this.ip6 !== undefined;
  }

  /** Set once it left the table, so stale cache entries are ignored. */
  get retired(): boolean {
    return (this.#bits & RETIRED) !== 0;
  }
  set retired(value: boolean) {
    this.#bits = value ? this.#bits | RETIRED : this.#bits & ~RETIRED;
  }

  /** TCP: which side sent the RST that closed it (its peer's data in flight is still delivered). */
  get resetByClient(): boolean | undefined {
    const r = (this.#bits & RESET_MASK) >> RESET_SHIFT;
    return r === 0 ? undefined : r === 2;
  }
  set resetByClient(value: boolean | undefined) {
    const r = value === undefined ? 0 : value ? 2 : 1;
    this.#bits = (this.#bits & ~RESET_MASK) | (r << RESET_SHIFT);
  }

  /** The side that opened it; the same object for every event once the conversation carries data. */
  get client(): Endpoint {
    const more = this.more;
    if (more !== undefined) return more.client ??= this.#endpoint(true);
    return this.#endpoint(true);
  }

  /** The side that accepted it. */
  get server(): Endpoint {
    const more = this.more;
    if (more !== undefined) return more.server ??= this.#endpoint(false);
    return this.#endpoint(false);
  }

  /** TCP reassembly, once made. */
  get halves(): [TcpHalf, TcpHalf] | undefined {
    return this.more?.halves;
  }

  /** Its observer, made at its first payload (a SYN flood's connections never get one). */
  get observer(): StreamObserver | undefined {
    return this.more?.observer;
  }

  /** What a conversation that carries data needs, made now if not yet. */
  active(): ConnectionMore {
    return this.more ??= {
      halves: undefined,
      clientStats: newDirectionStats(),
      serverStats: newDirectionStats(),
      observer: undefined,
      observed: false,
      client: undefined,
      server: undefined,
    };
  }

  /** One direction's counters as an event carries them (a copy). */
  stats(client: boolean): DirectionStats {
    const s = this.more === undefined
      ? newDirectionStats()
      : { ...(client ? this.more.clientStats : this.more.serverStats) };
    s.packets = client ? this.clientPackets : this.serverPackets;
    return s;
  }

  #endpoint(client: boolean): Endpoint {
    const ip6 = this.ip6;
    const ip = ip6 !== undefined
      ? client ? ip6.client : ip6.server
      : ipv4Text(client ? this.clientIp4 : this.serverIp4);
    return { ip, port: client ? this.clientPort : this.serverPort };
  }
}

/** IPv4 addresses as text, by number: the conversations of one host share one string. */
let ipv4Texts = new Map<number, string>();
const IPV4_TEXTS = 4096;
const ipv4Bytes = new Uint8Array(4);

/** An IPv4 address (a 32-bit number, signed or not) as dotted text. */
export function ipv4Text(n: number): string {
  let text = ipv4Texts.get(n | 0);
  if (text === undefined) {
    if (ipv4Texts.size >= IPV4_TEXTS) ipv4Texts = new Map();
    new DataView(ipv4Bytes.buffer).setInt32(0, n | 0);
    ipv4Texts.set(n | 0, text = formatIp(ipv4Bytes));
  }
  return text;
}

/** IPv6 addresses of a conversation, from its client and server address bytes. */
export function ip6Addresses(client: Uint8Array, server: Uint8Array): Ip6Addresses {
  const words: number[] = [];
  for (let i = 0; i + 4 <= client.length; i += 4) {
    words.push(
      ((client[i]! << 24) | (client[i + 1]! << 16) | (client[i + 2]! << 8) | client[i + 3]!) >>> 0,
    );
  }
  return { clientWords: words, client: formatIp(client), server: formatIp(server) };
}
