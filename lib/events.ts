/**
 * The one event union every layer emits and every front end consumes.
 * Events are plain JSON-safe objects: no bigint, no Date, no raw bytes.
 * @module
 */

/** Where an event's evidence lies in the capture. */
export interface Evidence {
  /** Capture frame numbers (1-based, as Wireshark counts them). */
  frames: number[];
  /** Capture time of the first frame, seconds since the Unix epoch. */
  ts: number;
  /** Connection id, when the event concerns one connection. */
  connection?: number;
}

/** The decoding layer an anomaly was found in. */
export type Layer = "capture" | "link" | "ip" | "tcp" | "udp" | "flow";

/**
 * What went wrong. The first four are Wireshark's outcomes (cut short by the
 * snap length; malformed; bytes missing from a reassembly; a decoder bug),
 * `loop` and `limit` are Zeek's weirds for loops and discarded state,
 * `unsupported` is a well-formed thing we do not decode, and `unrecognized`
 * means the input is not a capture at all (decoding stops).
 */
export type AnomalyKind =
  | "truncated"
  | "malformed"
  | "gap"
  | "bug"
  | "loop"
  | "limit"
  | "unsupported"
  | "unrecognized";

/** Something in the input that could not be decoded as it should. */
export interface AnomalyEvent {
  /** Discriminant. */
  type: "anomaly";
  /** The layer that found it. */
  layer: Layer;
  /** What kind of fault. */
  kind: AnomalyKind;
  /** One sentence for a person: what was wrong and what was skipped. */
  detail: string;
  /** Where in the capture. */
  evidence: Evidence;
}

/** One end of a conversation. */
export interface Endpoint {
  /** Dotted IPv4 or RFC 5952 IPv6 text. */
  ip: string;
  /** TCP or UDP port. */
  port: number;
}

/** Counters for one direction of a conversation. */
export interface DirectionStats {
  /** Packets sent in this direction. */
  packets: number;
  /** Transport payload bytes as the headers declare them, retransmissions included (tshark's sum of `tcp.len`/`udp.length - 8`). */
  payloadBytes: number;
  /** TCP only: bytes delivered in order to the stream, each byte once. */
  streamBytes: number;
  /** TCP only: bytes that never arrived (capture loss or snap length), skipped as gaps. */
  gapBytes: number;
  /** TCP only: number of separate gaps. */
  gaps: number;
  /** TCP only: payload bytes seen again (retransmissions and overlaps). */
  retransmittedBytes: number;
}

/** How a TCP connection's state ended up. */
export type ConnectionState =
  | "open"
  | "closed_fin"
  | "closed_rst"
  | "timeout"
  | "evicted"
  | "capture_end";

/** A TCP or UDP conversation opening or closing. */
export interface ConnectionEvent {
  /** Discriminant. */
  type: "connection";
  /** `open` when first seen; `close` when it ended, timed out, was evicted, or the capture ended. */
  action: "open" | "close";
  /** Conversation id, in order of first packet (0-based, like tshark's `tcp.stream`). */
  id: number;
  /** Transport protocol. */
  transport: "tcp" | "udp";
  /** The side that opened it (SYN sender), or the likelier one by port. */
  client: Endpoint;
  /** The side that accepted it. */
  server: Endpoint;
  /** How client and server were told apart: `syn` from the handshake, `port` by a known service port, `first_packet` by who spoke first. */
  orientation: "syn" | "port" | "first_packet";
  /** Whether the three-way handshake was seen (false: picked up mid-stream). */
  handshake: boolean;
  /** Capture time of the first packet. */
  start: number;
  /** Frame number of the first packet. */
  firstFrame: number;
  /** Present on `close`: frame number of the last packet. */
  lastFrame?: number;
  /** Present on `close`. */
  end?: number;
  /** Present on `close`. */
  state?: ConnectionState;
  /** Present on `close`: client-to-server counters. */
  clientStats?: DirectionStats;
  /** Present on `close`: server-to-client counters. */
  serverStats?: DirectionStats;
  /** Open: the first frame; close: the last frame. */
  evidence: Evidence;
}

/** A limit that was reached during the decode, with how often. */
export interface LimitHit {
  /** The option name of the cap, e.g. `maxConnections`. */
  limit: string;
  /** How many times it was reached. */
  count: number;
}

/** The last event of every decode. */
export interface SummaryEvent {
  /** Discriminant. */
  type: "summary";
  /** `pcap`, `pcapng`, or `unknown` when the input was not recognised. */
  format: string;
  /** Whether the input was gzip-compressed. */
  gzip: boolean;
  /** Capture bytes read (after inflating). */
  bytes: number;
  /** Frames (packets) read. */
  frames: number;
  /** Capture time of the first and last frame (0 when there were none). */
  firstTs: number;
  /** Capture time of the last frame. */
  lastTs: number;
  /** Link types seen, by name. */
  linkTypes: string[];
  /** IP datagrams decoded (a reassembled datagram counts once; tunnelled ones are counted at the innermost layer). */
  ipPackets: number;
  /** Frames that carried an IP fragment. */
  ipFragments: number;
  /** TCP connections seen (each reuse of a 5-tuple counts again). */
  tcpConnections: number;
  /** UDP conversations seen (a 5-tuple quiet past `udpIdleTimeout` counts again). */
  udpConversations: number;
  /** Frames whose link or network layer we could not decode or do not carry IP. */
  nonIpFrames: number;
  /** Anomalies found, including those past `maxAnomaliesPerKind` that were only counted. */
  anomalies: number;
  /** Anomalies by layer and kind, e.g. `{"tcp.gap": 3}`. */
  anomalyCounts: Record<string, number>;
  /** Caps reached, by option name. */
  limitsHit: LimitHit[];
  /** Whether the decode stopped early (input unrecognised, or a caller's budget). */
  truncated: boolean;
}

/**
 * Every event smbscope emits. Switch on `type`.
 *
 * @example Counting connections
 * ```ts
 * import type { DecodeEvent } from "@smbscope/smbscope";
 * const events: DecodeEvent[] = [];
 * const opened = events.filter((e) => e.type === "connection" && e.action === "open").length;
 * ```
 */
export type DecodeEvent = ConnectionEvent | AnomalyEvent | SummaryEvent;

/** Where layers append their events: one array per decoder, drained after each push. */
export type EventSink = DecodeEvent[];
