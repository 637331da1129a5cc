/**
 * Every event type as a table: its columns, their types and how each is read
 * from an event, for columnar outputs (`decode --parquet DIR`: one file per
 * type). Scalars get typed columns; lists and objects (decoded fields, RPC
 * arguments, a file's missing ranges) are JSON text columns. Columns are
 * snake_case, as SQL engines prefer.
 * @module
 */
import type { DecodeEvent, EventType, JsonValue } from "../events.ts";

/** A column's type: Parquet's physical and logical types as DuckDB, ClickHouse and Spark read them. */
export type ColumnType = "STRING" | "INT32" | "INT64" | "DOUBLE" | "BOOLEAN" | "TIMESTAMP" | "JSON";

/** A value as a column holds it: `TIMESTAMP` is seconds since the epoch; `JSON` any JSON value. */
export type CellValue = string | number | boolean | JsonValue | null | undefined;

/** One column of an event type's table. */
export interface Column {
  /** snake_case name. */
  readonly name: string;
  readonly type: ColumnType;
  /** Its value for one event (`undefined` or `null`: no value). */
  readonly get: (e: DecodeEvent) => CellValue;
}

// deno-lint-ignore no-explicit-any -- one getter shape reads every event type's fields
type AnyEvent = any;

/** A column reading `path` (dots for nested fields) of the event. */
function col(name: string, type: ColumnType, path: string): Column {
  // An empty path is the whole event.
  const parts = path === "" ? [] : path.split(".");
  return {
    name,
    type,
    get: (e) => {
      let v: AnyEvent = e;
      for (const p of parts) v = v?.[p];
      return v;
    },
  };
}

/** Where and when: every event about a connection starts with these. */
const WHERE: Column[] = [
  col("seq", "INT64", "seq"),
  col("ts", "TIMESTAMP", "evidence.ts"),
  {
    name: "frame",
    type: "INT64",
    get: (e) => e.type === "summary" ? undefined : e.evidence.frames[0],
  },
  col("frames", "JSON", "evidence.frames"),
  col("connection", "INT32", "evidence.connection"),
  col("client_ip", "STRING", "client.ip"),
  col("client_port", "INT32", "client.port"),
  col("server_ip", "STRING", "server.ip"),
  col("server_port", "INT32", "server.port"),
];

const direction = (prefix: string, from: string): Column[] => [
  col(`${prefix}_packets`, "INT64", `${from}.packets`),
  col(`${prefix}_payload_bytes`, "INT64", `${from}.payloadBytes`),
  col(`${prefix}_stream_bytes`, "INT64", `${from}.streamBytes`),
  col(`${prefix}_gap_bytes`, "INT64", `${from}.gapBytes`),
  col(`${prefix}_gaps`, "INT64", `${from}.gaps`),
  col(`${prefix}_retransmitted_bytes`, "INT64", `${from}.retransmittedBytes`),
];

/** The columns of each event type, in the order of EVENT_TYPES. */
export const EVENT_COLUMNS: { readonly [T in EventType]: readonly Column[] } = {
  connection: [
    ...WHERE,
    col("action", "STRING", "action"),
    col("id", "INT32", "id"),
    col("transport", "STRING", "transport"),
    col("orientation", "STRING", "orientation"),
    col("handshake", "BOOLEAN", "handshake"),
    col("start", "TIMESTAMP", "start"),
    col("end", "TIMESTAMP", "end"),
    col("first_frame", "INT64", "firstFrame"),
    col("last_frame", "INT64", "lastFrame"),
    col("state", "STRING", "state"),
    col("reset_by", "STRING", "resetBy"),
    ...direction("client", "clientStats"),
    ...direction("server", "serverStats"),
  ],
  smb: [
    ...WHERE,
    col("version", "INT32", "version"),
    col("dialect", "STRING", "dialect"),
    col("command", "STRING", "command"),
    col("command_code", "INT32", "commandCode"),
    col("response", "BOOLEAN", "response"),
    col("status", "INT64", "status"),
    col("status_name", "STRING", "statusName"),
    col("dos_error", "STRING", "dosError"),
    col("message_id", "STRING", "messageId"),
    col("session_id", "STRING", "sessionId"),
    col("tree_id", "INT64", "treeId"),
    col("process_id", "INT64", "processId"),
    col("async_id", "STRING", "asyncId"),
    col("chain_index", "INT32", "chainIndex"),
    col("user", "STRING", "user"),
    col("anonymous", "BOOLEAN", "anonymous"),
    col("share", "STRING", "share"),
    col("file", "STRING", "file"),
    col("response_time", "DOUBLE", "responseTime"),
    col("request_frames", "JSON", "request.frames"),
    col("stream_offset", "INT64", "evidence.streamOffset"),
    col("from_client", "BOOLEAN", "evidence.fromClient"),
    col("fields", "JSON", "fields"),
    col("header", "JSON", "header"),
  ],
  ntlm: [
    ...WHERE,
    col("protocol", "STRING", "protocol"),
    col("anonymous", "BOOLEAN", "anonymous"),
    col("mechanism", "STRING", "mechanism"),
    col("ntlm_version", "STRING", "ntlmVersion"),
    col("user", "STRING", "user"),
    col("domain", "STRING", "domain"),
    col("workstation", "STRING", "workstation"),
    col("success", "BOOLEAN", "success"),
    col("status", "INT64", "status"),
    col("status_name", "STRING", "statusName"),
    col("guest", "BOOLEAN", "guest"),
    col("session_id", "STRING", "sessionId"),
    col("server_challenge", "STRING", "serverChallenge"),
    col("server_nb_computer_name", "STRING", "serverNbComputerName"),
    col("server_nb_domain_name", "STRING", "serverNbDomainName"),
    col("server_dns_computer_name", "STRING", "serverDnsComputerName"),
    col("server_dns_domain_name", "STRING", "serverDnsDomainName"),
    col("lm_response_length", "INT32", "lmResponseLength"),
    col("nt_response_length", "INT32", "ntResponseLength"),
    col("flags", "JSON", "flags"),
    col("mic", "BOOLEAN", "mic"),
    col("session_key_present", "BOOLEAN", "sessionKeyPresent"),
    col("client_version", "STRING", "clientVersion"),
  ],
  kerberos: [
    ...WHERE,
    col("protocol", "STRING", "protocol"),
    col("realm", "STRING", "realm"),
    col("service", "STRING", "service"),
    col("ticket_etype", "INT32", "ticketEtype"),
    col("ticket_etype_name", "STRING", "ticketEtypeName"),
    col("mutual_required", "BOOLEAN", "mutualRequired"),
    col("client_principal", "STRING", "clientPrincipal"),
    col("client_realm", "STRING", "clientRealm"),
    col("success", "BOOLEAN", "success"),
    col("status", "INT64", "status"),
    col("status_name", "STRING", "statusName"),
    col("session_id", "STRING", "sessionId"),
  ],
  tree: [
    ...WHERE,
    col("action", "STRING", "action"),
    col("smb_version", "INT32", "smbVersion"),
    col("path", "STRING", "path"),
    col("share_type", "STRING", "shareType"),
    col("tree_id", "INT64", "treeId"),
    col("success", "BOOLEAN", "success"),
    col("status", "INT64", "status"),
    col("status_name", "STRING", "statusName"),
    col("user", "STRING", "user"),
    col("anonymous", "BOOLEAN", "anonymous"),
  ],
  nbss: [
    ...WHERE,
    col("action", "STRING", "action"),
    col("called_name", "STRING", "calledName"),
    col("calling_name", "STRING", "callingName"),
    col("error_code", "INT32", "errorCode"),
  ],
  file: [
    ...WHERE,
    col("smb_version", "INT32", "smbVersion"),
    col("dialect", "STRING", "dialect"),
    col("session_id", "STRING", "sessionId"),
    col("handle", "STRING", "handle"),
    col("user", "STRING", "user"),
    col("anonymous", "BOOLEAN", "anonymous"),
    col("share", "STRING", "share"),
    col("path", "STRING", "path"),
    col("pipe", "BOOLEAN", "pipe"),
    col("directory", "BOOLEAN", "directory"),
    col("open_seen", "BOOLEAN", "openSeen"),
    col("create_action", "STRING", "createAction"),
    col("opened_ts", "TIMESTAMP", "opened.ts"),
    col("closed_ts", "TIMESTAMP", "closed.ts"),
    col("state", "STRING", "state"),
    col("actions", "JSON", "actions"),
    col("renamed_to", "STRING", "renamedTo"),
    col("deleted", "BOOLEAN", "deleted"),
    col("reads", "INT64", "reads"),
    col("bytes_read", "INT64", "bytesRead"),
    col("writes", "INT64", "writes"),
    col("bytes_written", "INT64", "bytesWritten"),
    col("size", "INT64", "size"),
    col("bytes_seen", "INT64", "bytesSeen"),
    col("complete", "BOOLEAN", "complete"),
    col("missing", "JSON", "missing"),
    col("md5", "STRING", "hashes.md5"),
    col("sha1", "STRING", "hashes.sha1"),
    col("sha256", "STRING", "hashes.sha256"),
    col("hash_note", "STRING", "hashNote"),
  ],
  transcript: [
    ...WHERE,
    col("session_id", "STRING", "sessionId"),
    col("user", "STRING", "user"),
    col("tool", "STRING", "tool"),
    col("service", "STRING", "service"),
    col("pipes", "JSON", "pipes"),
    col("start", "TIMESTAMP", "start"),
    col("end", "TIMESTAMP", "end"),
    col("ended", "STRING", "ended"),
    col("stdin_bytes", "INT64", "bytes.stdin"),
    col("stdout_bytes", "INT64", "bytes.stdout"),
    col("stderr_bytes", "INT64", "bytes.stderr"),
    col("control_bytes", "INT64", "bytes.control"),
    col("encrypted", "BOOLEAN", "encrypted"),
    col("entries", "JSON", "entries"),
  ],
  rpc: [
    ...WHERE,
    col("action", "STRING", "action"),
    col("transport", "STRING", "transport"),
    col("session_id", "STRING", "sessionId"),
    col("user", "STRING", "user"),
    col("anonymous", "BOOLEAN", "anonymous"),
    col("share", "STRING", "share"),
    col("pipe", "STRING", "pipe"),
    col("context_id", "INT32", "contextId"),
    col("interface", "STRING", "interface"),
    col("interface_version", "STRING", "interfaceVersion"),
    col("interface_name", "STRING", "interfaceName"),
    col("call_id", "INT64", "callId"),
    col("opnum", "INT32", "opnum"),
    col("operation", "STRING", "operation"),
    col("auth_type", "STRING", "authType"),
    col("auth_level", "STRING", "authLevel"),
    col("encrypted", "BOOLEAN", "encrypted"),
    col("outcome", "STRING", "outcome"),
    col("status", "INT64", "status"),
    col("status_name", "STRING", "statusName"),
    col("success", "BOOLEAN", "success"),
    col("request_stub_bytes", "INT64", "requestStubBytes"),
    col("response_stub_bytes", "INT64", "responseStubBytes"),
    col("response_time", "DOUBLE", "responseTime"),
    col("contexts", "JSON", "contexts"),
    col("arguments", "JSON", "arguments"),
    col("results", "JSON", "results"),
    col("arguments_note", "STRING", "argumentsNote"),
  ],
  alert: [
    ...WHERE,
    col("rule", "STRING", "rule"),
    col("title", "STRING", "title"),
    col("severity", "STRING", "severity"),
    col("technique", "STRING", "technique"),
    col("technique_name", "STRING", "techniqueName"),
    col("message", "STRING", "message"),
    col("user", "STRING", "user"),
    col("values", "JSON", "values"),
    col("events", "JSON", "events"),
  ],
  anomaly: [
    ...WHERE,
    col("layer", "STRING", "layer"),
    col("kind", "STRING", "kind"),
    col("code", "STRING", "code"),
    col("detail", "STRING", "detail"),
  ],
  summary: [
    col("seq", "INT64", "seq"),
    col("format", "STRING", "format"),
    col("gzip", "BOOLEAN", "gzip"),
    col("bytes", "INT64", "bytes"),
    col("frames", "INT64", "frames"),
    col("first_ts", "TIMESTAMP", "firstTs"),
    col("last_ts", "TIMESTAMP", "lastTs"),
    col("ip_packets", "INT64", "ipPackets"),
    col("tcp_connections", "INT64", "tcpConnections"),
    col("udp_conversations", "INT64", "udpConversations"),
    col("anomalies", "INT64", "anomalies"),
    col("smb_messages", "INT64", "smb.messages"),
    col("smb_error_responses", "INT64", "smb.errorResponses"),
    col("rpc_calls", "INT64", "rpc.calls"),
    col("alerts", "INT64", "alerts.count"),
    col("truncated", "BOOLEAN", "truncated"),
    col("summary", "JSON", ""),
  ],
};
