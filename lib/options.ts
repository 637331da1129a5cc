/**
 * Caps on every store that grows with the input, and other decoder options.
 * Hitting a cap drops the oldest state and emits one `anomaly` of kind
 * `limit` (then counts further hits in the summary), never ends the decode.
 * @module
 */

/** Options of a {@link Decoder}; every field has a default. */
export interface DecoderOptions {
  /** Open connections (TCP and UDP) tracked at once. Past this the least recently active is closed with state `evicted`. @default {100000} */
  maxConnections?: number;
  /** Out-of-order TCP payload bytes buffered per direction. Past this the hole before the buffered data is declared a gap. @default {1048576} */
  maxOutOfOrderBytes?: number;
  /** Out-of-order TCP payload bytes buffered across all connections. Past this the largest buffer is flushed as a gap. @default {67108864} */
  maxTotalOutOfOrderBytes?: number;
  /** IP datagrams being reassembled from fragments at once. Past this the oldest is dropped. @default {1024} */
  maxFragmentedDatagrams?: number;
  /** Bytes held for IP fragment reassembly in total. Past this the oldest datagram is dropped. @default {16777216} */
  maxFragmentBytes?: number;
  /** Seconds of capture time after which an incomplete fragmented datagram is dropped. @default {30} */
  fragmentTimeout?: number;
  /** Seconds of capture time without a packet after which a TCP connection is closed with state `timeout`. @default {3600} */
  tcpIdleTimeout?: number;
  /** Seconds of capture time without a packet after which a UDP conversation is closed. @default {120} */
  udpIdleTimeout?: number;
  /** Largest capture record (pcap record or pcapng block) accepted; a header asking for more is malformed. @default {16777216} */
  maxRecordBytes?: number;
  /** Anomaly events emitted per layer and kind before the rest are only counted in the summary. @default {1000} */
  maxAnomaliesPerKind?: number;
  /** Emit a `connection` event when a conversation opens as well as when it closes. @default {true} */
  connectionOpenEvents?: boolean;
  /** Decode SMB (and the NTLM logins in it) on TCP connections; false leaves conversations only. @default {true} */
  decodeSmb?: boolean;
  /** Bytes of one SMB message kept for decoding. Bulk READ/WRITE data is never kept; any other message longer than this is decoded from its first bytes only, with an anomaly. @default {2097152} */
  maxSmbMessageBytes?: number;
  /** SMB requests awaiting their response, per connection. Past this the oldest is dropped (reported as unanswered) and one `limit` anomaly is emitted. @default {1000} */
  maxPendingRequests?: number;
  /** Session, tree and open-file names remembered per connection (each). Past this the oldest is forgotten. @default {10000} */
  maxSmbStateEntries?: number;
  /** Bytes scanned for an SMB header in a connection picked up mid-stream before giving up on it. @default {65536} */
  smbProbeBytes?: number;
}

/** Options with every default filled in. */
export type Limits = Required<DecoderOptions>;

/** The defaults, one place. */
export const DEFAULT_LIMITS: Readonly<Required<DecoderOptions>> = Object.freeze({
  maxConnections: 100_000,
  maxOutOfOrderBytes: 1 << 20,
  maxTotalOutOfOrderBytes: 64 << 20,
  maxFragmentedDatagrams: 1024,
  maxFragmentBytes: 16 << 20,
  fragmentTimeout: 30,
  tcpIdleTimeout: 3600,
  udpIdleTimeout: 120,
  maxRecordBytes: 16 << 20,
  maxAnomaliesPerKind: 1000,
  connectionOpenEvents: true,
  decodeSmb: true,
  maxSmbMessageBytes: 2 << 20,
  maxPendingRequests: 1000,
  maxSmbStateEntries: 10_000,
  smbProbeBytes: 64 << 10,
});

/** Fill in defaults; throws `RangeError` for a misuse such as a negative cap. */
export function limitsFrom(options: DecoderOptions = {}): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) {
      throw new TypeError(`Cannot create decoder: unknown option ${key}`);
    }
    const expected = typeof DEFAULT_LIMITS[key as keyof Limits];
    if (typeof value !== expected || (expected === "number" && !(value >= 0))) {
      throw new RangeError(
        `Cannot create decoder: option ${key} must be a non-negative ${expected}`,
      );
    }
    (limits as Record<string, unknown>)[key] = value;
  }
  return limits;
}
