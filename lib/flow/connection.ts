/**
 * One conversation in the connection table.
 * @module
 */
import type { ConnectionState, DirectionStats } from "../events.ts";
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

/** Live state of one TCP or UDP conversation. */
export interface Connection extends ConnectionInfo, LruItem<Connection> {
  /** Table key (canonical 5-tuple). */
  readonly key: string;
  /** Client address as big-endian 32-bit words (1 for IPv4, 4 for IPv6), to tell directions apart. */
  readonly clientWords: readonly number[];
  readonly clientPort: number;
  readonly serverPort: number;
  /** IPv4 client and server addresses as numbers (-1 for IPv6), for the lookup cache. */
  readonly clientIp4: number;
  readonly serverIp4: number;
  /** Set once it left the table, so stale cache entries are ignored. */
  retired: boolean;
  readonly orientation: "syn" | "port" | "first_packet";
  handshake: boolean;
  lastTs: number;
  lastFrame: number;
  /** Place in its table's least-recently-active list. */
  lruPrev: Connection | undefined;
  lruNext: Connection | undefined;
  lruOwner: LruList<Connection> | undefined;
  state: ConnectionState;
  /** TCP: which side sent the RST that closed it (its peer's data in flight is still delivered). */
  resetByClient: boolean | undefined;
  /** Closed: capture time its linger ends (pushed on while the peer of an RST keeps its stream going). */
  lingerUntil: number;
  readonly clientStats: DirectionStats;
  readonly serverStats: DirectionStats;
  /** TCP only: [client→server, server→client] reassembly. */
  halves: [TcpHalf, TcpHalf] | undefined;
  /** Its observer, made at its first payload (a SYN flood's connections never get one). */
  observer: StreamObserver | undefined;
  /** Whether the observer factory was asked (it may have declined). */
  observed: boolean;
}
