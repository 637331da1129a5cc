/**
 * Caps on every store that grows with the input, and other decoder options.
 * Hitting a cap drops the oldest state and emits one `anomaly` of kind
 * `limit` (then counts further hits in the summary), never ends the decode.
 * @module
 */

/**
 * Caps and switches of a {@link Decoder}; every field has a default. They
 * may be given flat (`{ maxConnections: 10 }`) or grouped (`{ limits: {...},
 * smb: {...} }`, see {@link DecoderOptions}).
 */
export interface LimitOptions {
  /** Open connections (TCP and UDP) tracked at once. Past this the least recently active is closed with state `evicted`. @default {100000} */
  maxConnections?: number;
  /** Out-of-order TCP payload bytes buffered per direction, each held segment counted 256 bytes more (what holding it costs). Past this the hole before the buffered data is declared a gap. @default {1048576} */
  maxOutOfOrderBytes?: number;
  /** Out-of-order TCP payload bytes buffered across all connections, counted the same way. Past this the largest buffer is flushed as a gap. @default {67108864} */
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
  /** Bytes of one encrypted SMB3 message (TRANSFORM) kept for decryption when keys are given (`keys`); it decrypts only whole. @default {16777216} */
  maxEncryptedMessageBytes?: number;
  /** Bytes held for SMB messages and SMB1 transactions not yet complete, over all connections. A message that would pass it is decoded from the bytes it has, a transaction is dropped, each with a `limit` anomaly. @default {67108864} */
  maxTotalSmbMessageBytes?: number;
  /** SMB requests awaiting their response, per connection. Past this the oldest is dropped (reported as unanswered) and one `limit` anomaly is emitted. @default {1000} */
  maxPendingRequests?: number;
  /** Those requests over all connections together. Past this the connection waiting on the most drops its oldest quarter (reported as unanswered). @default {50000} */
  maxTotalPendingRequests?: number;
  /** Session, tree and open-file names remembered per connection (each). Past this the oldest is forgotten. @default {10000} */
  maxSmbStateEntries?: number;
  /** Those entries over all SMB1 connections and SMB2 sessions together. Past this the map that would pass it forgets its oldest. @default {100000} */
  maxTotalSmbStateEntries?: number;
  /** Bytes scanned for an SMB header in a connection picked up mid-stream before giving up on it. @default {65536} */
  smbProbeBytes?: number;
  /** SMB2 sessions remembered decode-wide (by server and SessionId, shared by multichannel connections). Past this the older half is forgotten. @default {10000} */
  maxSmbSessions?: number;
  /** Emit a `file` event for every open of a file, pipe or directory (needs `decodeSmb`). @default {true} */
  fileEvents?: boolean;
  /** Compute MD5, SHA-1 and SHA-256 of every file whose content was seen whole. @default {true} */
  fileHashes?: boolean;
  /** Opens followed at once for `file` events. Past this the oldest is reported with state `evicted`. @default {100000} */
  maxTrackedFiles?: number;
  /** Separate byte ranges remembered per file. Past this its coverage is no longer followed (no hashes, no missing ranges). @default {4096} */
  maxFileRanges?: number;
  /** Bytes of one file held because they arrived ahead of a hole. Past this its hashing stops, and the event says why. @default {16777216} */
  maxFileBufferBytes?: number;
  /** Bytes held that way across all files. Past this hashing stops for the file that would exceed it. @default {67108864} */
  maxTotalFileBufferBytes?: number;
  /** Files being hashed at once (a file's digesters are made at its first bytes and spent at its end). Past this a file's hashing does not start, and its event says why. @default {10000} */
  maxHashingFiles?: number;
  /** Bytes an SMB2 compressed message may decompress to per compressed byte, weighed per connection and per capture, each past its first 16 MiB. A message that would pass it is not decompressed. @default {32} */
  maxDecompressionRatio?: number;
  /** Bytes SMB2 decompression may produce in the whole capture. Past this no message is decompressed. @default {4294967296} */
  maxTotalDecompressedBytes?: number;
  /** Decode DCE/RPC on SMB named pipes, on TCP (port 135, ports learned from the endpoint mapper, any port by content) and on UDP: `rpc` events and RPC-level logins (needs `decodeSmb` for pipes). @default {true} */
  decodeDcerpc?: boolean;
  /** Decode the arguments and results of the operations smbscope knows (needs `decodeDcerpc`). @default {true} */
  rpcArguments?: boolean;
  /** DCE/RPC calls in flight per association (pipe open or TCP connection). Past this the oldest is reported without response. @default {256} */
  maxRpcCalls?: number;
  /** DCE/RPC calls in flight over all associations and UDP conversations together. Past this the oldest quarter are reported without response. @default {20000} */
  maxTotalRpcCalls?: number;
  /** Stub bytes of one call kept for argument decoding. Past this its arguments are not decoded, and the event says why. @default {1048576} */
  maxRpcStubBytes?: number;
  /** Stub bytes kept that way across all calls. Past this the call that would exceed it is not decoded. @default {67108864} */
  maxTotalRpcStubBytes?: number;
  /** DCE/RPC associations followed at once (pipe opens and TCP connections). Past this the oldest is ended. @default {10000} */
  maxRpcAssociations?: number;
  /** Server addresses learned from endpoint-mapper answers, decode-wide. Past this the older half is forgotten. @default {10000} */
  maxRpcEndpoints?: number;
  /** Run the detection rules (`alert` events); which ones and their thresholds: the `detect` group. @default {true} */
  alerts?: boolean;
}

/** The grouped form of the caps and switches (see `DecoderOptions`). */
export interface GroupedLimitOptions {
  /** Caps on stores that grow with the input (any {@link LimitOptions} field). */
  limits?: LimitOptions;
  /** SMB switches: `decode` (= `decodeSmb`), `probeBytes` (= `smbProbeBytes`). */
  smb?: { decode?: boolean; probeBytes?: number };
  /**
   * File switches and caps: `events` (= `fileEvents`), `hashes` (= `fileHashes`),
   * `maxTracked` (= `maxTrackedFiles`), `maxRanges`, `maxBufferBytes`,
   * `maxTotalBufferBytes`, `maxHashing` (= `maxHashingFiles`); `sink`, where carved content goes, and `hasher`, what digests it
   * (both typed in `DecoderOptions`).
   */
  files?: {
    events?: boolean;
    hashes?: boolean;
    maxTracked?: number;
    maxRanges?: number;
    maxBufferBytes?: number;
    maxTotalBufferBytes?: number;
    maxHashing?: number;
    sink?: unknown;
    hasher?: unknown;
  };
  /**
   * DCE/RPC switches and caps: `decode` (= `decodeDcerpc`), `arguments` (= `rpcArguments`),
   * `maxCalls` (= `maxRpcCalls`), `maxTotalCalls`, `maxStubBytes`, `maxTotalStubBytes`, `maxAssociations`,
   * `maxEndpoints`.
   */
  /**
   * Detection: `enabled` (= `alerts`); and, checked when the decoder is made, `rules` (only these
   * rule ids), `disable` (not these), `thresholds` (`{ "<rule id>.<option>": number }`).
   */
  detect?: {
    enabled?: boolean;
    rules?: readonly string[];
    disable?: readonly string[];
    thresholds?: Readonly<Record<string, number>>;
  };
  /** DCE/RPC switches and caps (above). */
  dcerpc?: {
    decode?: boolean;
    arguments?: boolean;
    maxCalls?: number;
    maxTotalCalls?: number;
    maxStubBytes?: number;
    maxTotalStubBytes?: number;
    maxAssociations?: number;
    maxEndpoints?: number;
  };
}

/** Options with every default filled in. */
export type Limits = Required<LimitOptions>;

/** The defaults, one place. */
export const DEFAULT_LIMITS: Readonly<Required<LimitOptions>> = Object.freeze({
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
  maxEncryptedMessageBytes: 16 << 20,
  maxTotalSmbMessageBytes: 64 << 20,
  maxPendingRequests: 1000,
  maxTotalPendingRequests: 50_000,
  maxSmbStateEntries: 10_000,
  maxTotalSmbStateEntries: 100_000,
  smbProbeBytes: 64 << 10,
  maxSmbSessions: 10_000,
  maxDecompressionRatio: 32,
  maxTotalDecompressedBytes: 4 * 1024 ** 3,
  fileEvents: true,
  fileHashes: true,
  maxTrackedFiles: 100_000,
  maxFileRanges: 4096,
  maxFileBufferBytes: 16 << 20,
  maxTotalFileBufferBytes: 64 << 20,
  maxHashingFiles: 10_000,
  decodeDcerpc: true,
  rpcArguments: true,
  maxRpcCalls: 256,
  maxTotalRpcCalls: 20_000,
  maxRpcStubBytes: 1 << 20,
  maxTotalRpcStubBytes: 64 << 20,
  maxRpcAssociations: 10_000,
  maxRpcEndpoints: 10_000,
  alerts: true,
});

/** Options of a decoder that are not caps or switches (checked where they are used). */
const NOT_LIMITS: ReadonlySet<string> = new Set(["consumers", "watchers", "keys", "shard"]);

/** Groups of the options and how their members map to flat names. */
const GROUP_NAMES: Readonly<Record<string, Readonly<Record<string, keyof Limits>>>> = {
  smb: { decode: "decodeSmb", probeBytes: "smbProbeBytes" },
  files: {
    events: "fileEvents",
    hashes: "fileHashes",
    maxTracked: "maxTrackedFiles",
    maxRanges: "maxFileRanges",
    maxBufferBytes: "maxFileBufferBytes",
    maxTotalBufferBytes: "maxTotalFileBufferBytes",
    maxHashing: "maxHashingFiles",
  },
  detect: { enabled: "alerts" },
  dcerpc: {
    decode: "decodeDcerpc",
    arguments: "rpcArguments",
    maxCalls: "maxRpcCalls",
    maxTotalCalls: "maxTotalRpcCalls",
    maxStubBytes: "maxRpcStubBytes",
    maxTotalStubBytes: "maxTotalRpcStubBytes",
    maxAssociations: "maxRpcAssociations",
    maxEndpoints: "maxRpcEndpoints",
  },
};

/** Members of the groups that are not caps or switches (checked where they are used). */
const GROUP_VALUES: ReadonlySet<string> = new Set([
  "files.sink",
  "files.hasher",
  "detect.rules",
  "detect.disable",
  "detect.thresholds",
]);

/** Fill in defaults; throws `RangeError` for a misuse such as a negative cap. */
export function limitsFrom(options: LimitOptions & GroupedLimitOptions = {}): Limits {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (NOT_LIMITS.has(key)) continue;
    if (key === "limits" || key in GROUP_NAMES) {
      if (value === undefined) continue;
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new TypeError(`Cannot create decoder: option ${key} must be an object`);
      }
      for (const [member, v] of Object.entries(value)) {
        if (GROUP_VALUES.has(`${key}.${member}`)) continue;
        const name = key === "limits" ? member : GROUP_NAMES[key]![member];
        if (name === undefined || (key === "limits" && !(member in DEFAULT_LIMITS))) {
          throw new TypeError(`Cannot create decoder: unknown option ${key}.${member}`);
        }
        flat[name] = v;
      }
      continue;
    }
    flat[key] = value;
  }
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(flat)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) {
      throw new TypeError(`Cannot create decoder: unknown option ${key}`);
    }
    const expected = typeof DEFAULT_LIMITS[key as keyof Limits];
    if (typeof value !== expected || (expected === "number" && !((value as number) >= 0))) {
      throw new RangeError(
        `Cannot create decoder: option ${key} must be a ${
          expected === "number" ? "non-negative number" : expected
        }`,
      );
    }
    (limits as Record<string, unknown>)[key] = value;
  }
  return limits;
}
