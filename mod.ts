/**
 * smbscope decodes packet captures (pcap, pcapng, gzip-compressed either)
 * into a stream of typed events: TCP and UDP conversations with reassembled
 * byte streams today; SMB, NTLM, file, DCE/RPC and alert events are added to
 * the same union as their decoders land.
 *
 * Three ways in, one core:
 * 1. {@link decode} takes a `ReadableStream`, a `Uint8Array` or an async
 *    iterable of chunks and yields events.
 * 2. {@link DecodeStream} is the same as a Web Streams transform (bytes in,
 *    batches of events out).
 * 3. {@link Decoder} is the synchronous push/end core for embedders.
 *
 * Malformed input never throws: it becomes `anomaly` events, and the last
 * event is always a `summary`.
 *
 * @example Summarising a capture
 * ```ts
 * import { decode } from "@smbscope/smbscope";
 * const file = await Deno.open("fixtures/smb/smb3_11.pcap");
 * for await (const event of decode(file.readable)) {
 *   if (event.type === "summary") console.log(event.frames, "frames,", event.tcpConnections, "TCP");
 * }
 * ```
 * @module
 */
export { Decoder, type DecoderHooks, type DecoderOptions } from "./lib/decoder.ts";
export type { EventWatcher } from "./lib/registry.ts";
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
