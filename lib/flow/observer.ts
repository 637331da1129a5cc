/**
 * How upper layers (NetBIOS/SMB, DCE/RPC) and embedders receive reassembled
 * TCP streams.
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { Endpoint } from "../events.ts";

/** What an observer is told about a new conversation. */
export interface ConnectionInfo {
  /** The id its `connection` events carry. */
  readonly id: number;
  /** Transport protocol. */
  readonly transport: "tcp" | "udp";
  /** The side that opened it. */
  readonly client: Endpoint;
  /** The side that accepted it. */
  readonly server: Endpoint;
  /** Frame number of its first packet. */
  readonly firstFrame: number;
  /** Capture time of its first packet. */
  readonly start: number;
  /** Whether it began with a handshake we saw (false: picked up mid-stream). */
  readonly handshake: boolean;
}

/** A connection's last packet: the evidence for what its end cuts short. */
export interface ConnectionEnd {
  /** Frame number. */
  readonly frame: number;
  /** Capture time. */
  readonly ts: number;
}

/**
 * Receives one TCP connection's reassembled byte streams, each byte once and
 * in order, or one UDP conversation's datagrams. Views passed to `data` and
 * `datagram` are valid only during the call: copy what you keep.
 */
export interface StreamObserver {
  /** In-order bytes; `fromClient` tells the direction; `frame` is the segment's frame. */
  data(fromClient: boolean, bytes: Uint8Array, frame: Frame): void;
  /** `length` bytes are missing from that direction's stream at this point. */
  gap(fromClient: boolean, length: number, frame: Frame | undefined): void;
  /** UDP only: one datagram's payload (as captured); `fromClient` tells the direction. */
  datagram?(fromClient: boolean, payload: Uint8Array, frame: Frame): void;
  /**
   * The connection ended; no more calls follow. `last` is its last packet's
   * frame and time, for what is reported about the end (a message cut short).
   */
  close(last?: ConnectionEnd): void;
}

/** Decides, once per conversation at its first payload byte, whether to observe it. */
export type ObserverFactory = (connection: ConnectionInfo) => StreamObserver | undefined;
