/**
 * smbscope decodes packet captures (pcap, pcapng, gzip-compressed either)
 * into one stream of typed events (see {@link DecodeEvent}): TCP and UDP
 * conversations, SMB1/SMB2/SMB3 messages, NTLM and Kerberos logins, tree
 * connects, NetBIOS, one event per file open (actions, coverage, hashes),
 * remote-execution transcripts, DCE/RPC calls and binds with decoded
 * arguments, alerts of the detection rules, anomalies, and a summary.
 *
 * Three ways in, one core:
 * 1. {@link decode} takes a `ReadableStream`, a `Uint8Array` or an async
 *    iterable of chunks and yields events.
 * 2. {@link DecodeStream} is the same as a Web Streams transform (bytes in,
 *    batches of events out).
 * 3. {@link Decoder} is the synchronous push/end core for embedders.
 *
 * And ways out, each fed the events in order: {@link formatEventText} and
 * {@link TextStream} (text for a person), {@link ZeekLogs} (Zeek's conn,
 * smb_mapping, smb_files, ntlm, dce_rpc, files and notice logs),
 * {@link EveRecords} (Suricata-style EVE records), {@link EventSelection}
 * (conversations by host, port, or SMB only).
 *
 * Malformed input never throws: it becomes `anomaly` events, and the last
 * event is always a `summary`. Only Web APIs are used (and pinned npm
 * hashing and cipher packages), so this module runs in Deno, at the edge and
 * in a browser; by URL it needs `--allow-import=<host>` (see the README).
 *
 * @example Summarising a capture
 * ```ts
 * import { decode } from "@smbscope/smbscope";
 * import * as assert from "node:assert/strict";
 * const file = await Deno.open("fixtures/smb/smb3_11.pcap");
 * const logins: string[] = [];
 * let frames = 0;
 * for await (const event of decode(file.readable)) {
 *   if (event.type === "ntlm") logins.push(`${event.domain}\\${event.user}`);
 *   if (event.type === "summary") frames = event.frames;
 * }
 * // capinfos: 387 packets; the fixture's script logged in as WORKGROUP\alice.
 * assert.equal(frames, 387);
 * assert.deepEqual(logins, ["WORKGROUP\\alice"]);
 * ```
 * @module
 */
export { Decoder, type DecoderHooks, type DecoderOptions } from "./lib/decoder.ts";
export { ciphersLoaded, loadCiphers } from "./lib/crypto/aes.ts";
export type { EventWatcher } from "./lib/registry.ts";
export type {
  KeyOptions,
  KeySource,
  NtHashCredential,
  PasswordCredential,
  SessionKeyCredential,
} from "./lib/auth/keyring.ts";
export type {
  CloseFact,
  DataFact,
  IoConsumer,
  IoEvidence,
  LostFact,
  OpenFact,
  OpenFile,
  PathFact,
  SetInfoFact,
  SmbIoFact,
  TransceiveFact,
} from "./lib/smb/io.ts";
export type { ContentSink } from "./lib/files/sink.ts";
export type {
  FileDigester,
  FileDigesterFactory,
  FileHashes,
  FileHint,
} from "./lib/crypto/hashes.ts";
export { ExtractionNames, normalisePath, safeComponent } from "./lib/files/path.ts";
export type {
  ConnectionEnd,
  ConnectionInfo,
  ObserverFactory,
  StreamObserver,
} from "./lib/flow/observer.ts";
export type { Frame } from "./lib/capture/frame.ts";
export { type CaptureInput, decode, DecodeStream, gunzipIfNeeded } from "./lib/stream.ts";
export type { GunzipEvents } from "./lib/stream.ts";
export {
  DEFAULT_LIMITS,
  type GroupedLimitOptions,
  type LimitOptions,
  type Limits,
} from "./lib/options.ts";
export { EVENT_TYPES } from "./lib/events.ts";
export {
  INTERIM_STATUSES,
  isErrorResponse,
  isErrorStatus,
  type StatusOf,
} from "./lib/smb/error_status.ts";
export type {
  Addressed,
  AlertEvent,
  AlertSeverity,
  AnomalyEvent,
  AnomalyKind,
  ConnectionEvent,
  ConnectionState,
  DecodeEvent,
  DirectionStats,
  Endpoint,
  EventType,
  Evidence,
  FileAction,
  FileEvent,
  FileState,
  JsonValue,
  KerberosEvent,
  Layer,
  LimitHit,
  NbssEvent,
  NtlmEvent,
  RpcContext,
  RpcEvent,
  RpcSummary,
  SmbEvent,
  SmbSummary,
  SummaryEvent,
  TranscriptEncoding,
  TranscriptEnd,
  TranscriptEntry,
  TranscriptEvent,
  TranscriptStream,
  TranscriptTool,
  TreeEvent,
  UserSummary,
} from "./lib/events.ts";
export {
  accountText,
  count,
  formatEventText,
  formatSummaryText,
  formatTimeOfDay,
  type TextOptions,
} from "./lib/output/text.ts";
export { TextStream } from "./lib/output/text_stream.ts";
export { type EveRecord, EveRecords } from "./lib/output/eve/records.ts";
export {
  ZEEK_DCE_RPC,
  ZEEK_DCE_RPC_FIELDS,
  zeekDceRpcFooter,
  zeekDceRpcHeader,
  zeekDceRpcLine,
  type ZeekDceRpcRecord,
  zeekDceRpcRecord,
} from "./lib/output/zeek_dce_rpc.ts";
export { ZEEK_LOGS, type ZeekLine, ZeekLogs } from "./lib/output/zeek/logs.ts";
export {
  zeekJsonLine,
  type ZeekLogSpec,
  type ZeekRecord,
  zeekTsvFooter,
  zeekTsvHeader,
  zeekTsvLine,
  type ZeekType,
  type ZeekValue,
} from "./lib/output/zeek/format.ts";
export { EventSelection, parseHosts, parsePorts, type SelectOptions } from "./lib/output/select.ts";
export { type InputProblem, InputWatch } from "./lib/output/input_problem.ts";
export { chosenRules, type DetectOptions } from "./lib/detect/engine.ts";
export type {
  AlertInput,
  Rule,
  RuleContext,
  RuleInstance,
  RuleOption,
  RuleState,
} from "./lib/detect/rule.ts";
export { RULES } from "./lib/detect/rules/mod.ts";
export {
  interfaceByUuid,
  interfaceName,
  operationName,
  RPC_NAMES_SOURCE,
  type RpcInterfaceEntry,
} from "./lib/dcerpc/names.ts";
export {
  parseShard,
  PER_SHARD_LIMITS,
  type ShardEvent,
  type ShardItem,
  type ShardKey,
  shardOf,
  type ShardOption,
  type ShardProgress,
} from "./lib/shard/mod.ts";
export { ShardMerger } from "./lib/shard_merger.ts";
