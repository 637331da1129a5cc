/**
 * A Zeek `dce_rpc.log`-compatible view of `rpc` call events: Zeek's field
 * names and types, one record per call, and its tab-separated log format,
 * so that scripts written for Zeek's log read ours.
 * @module
 */
import type { DecodeEvent, RpcEvent } from "../events.ts";

/** One `dce_rpc.log` record, with Zeek's field names. */
export interface ZeekDceRpcRecord {
  /** Time of the request, seconds since the epoch. */
  ts: number;
  /** The connection, `C` and smbscope's connection id (Zeek's are random). */
  uid: string;
  /** Client address. */
  "id.orig_h": string;
  /** Client port. */
  "id.orig_p": number;
  /** Server address. */
  "id.resp_h": string;
  /** Server port. */
  "id.resp_p": number;
  /** Seconds from request to answer; null when none came. */
  rtt: number | null;
  /**
   * As Zeek fills it: the secondary address of the bind answer (`\PIPE\lsass`,
   * or a port number over TCP), else the pipe's name; null when neither is known.
   */
  named_pipe: string | null;
  /** Interface name; the UUID when it has none. */
  endpoint: string | null;
  /** Operation name; `opnumN` when it has none. */
  operation: string | null;
}

/** Zeek's columns, in its order. */
export const ZEEK_DCE_RPC_FIELDS = [
  "ts",
  "uid",
  "id.orig_h",
  "id.orig_p",
  "id.resp_h",
  "id.resp_p",
  "rtt",
  "named_pipe",
  "endpoint",
  "operation",
] as const;
const TYPES = [
  "time",
  "string",
  "addr",
  "port",
  "addr",
  "port",
  "interval",
  "string",
  "string",
  "string",
];

/**
 * The record of a call event; undefined for binds and other events.
 *
 * @example A dce_rpc.log from a capture
 * ```ts
 * import { Decoder, zeekDceRpcHeader, zeekDceRpcLine, zeekDceRpcRecord } from "@smbscope/smbscope";
 * const d = new Decoder();
 * const events = [...d.push(Deno.readFileSync("fixtures/dcerpc/rpc_smb2.pcap")), ...d.end()];
 * const lines = [...zeekDceRpcHeader(new Date())];
 * for (const e of events) {
 *   const r = zeekDceRpcRecord(e);
 *   if (r) lines.push(zeekDceRpcLine(r));
 * }
 * ```
 */
export function zeekDceRpcRecord(e: DecodeEvent): ZeekDceRpcRecord | undefined {
  if (e.type !== "rpc" || e.action !== "call") return undefined;
  return {
    ts: e.evidence.ts,
    uid: `C${e.evidence.connection ?? 0}`,
    "id.orig_h": e.client.ip,
    "id.orig_p": e.client.port,
    "id.resp_h": e.server.ip,
    "id.resp_p": e.server.port,
    rtt: e.responseTime ?? null,
    named_pipe: namedPipe(e),
    endpoint: e.interfaceName ?? e.interface ?? null,
    operation: e.operation ?? (e.opnum === undefined ? null : `opnum${e.opnum}`),
  };
}

function namedPipe(e: RpcEvent): string | null {
  if (e.secondaryAddress !== undefined && e.secondaryAddress !== "") return e.secondaryAddress;
  return e.pipe ?? null;
}

/** Zeek's escaping of a string field: the separator and other control characters as `\xNN`. */
function field(v: string | number | null): string {
  if (v === null) return "-";
  if (typeof v === "number") return String(v);
  if (v === "") return "(empty)";
  let s = "";
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    s += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return s;
}

/** The header lines of a `dce_rpc.log` opened at `ts`. */
export function zeekDceRpcHeader(ts: Date): string[] {
  return [
    "#separator \\x09",
    "#set_separator\t,",
    "#empty_field\t(empty)",
    "#unset_field\t-",
    "#path\tdce_rpc",
    `#open\t${zeekTime(ts)}`,
    `#fields\t${ZEEK_DCE_RPC_FIELDS.join("\t")}`,
    `#types\t${TYPES.join("\t")}`,
  ];
}

/** The closing line. */
export function zeekDceRpcFooter(ts: Date): string {
  return `#close\t${zeekTime(ts)}`;
}

/** One record as a tab-separated line. */
export function zeekDceRpcLine(r: ZeekDceRpcRecord): string {
  return [
    r.ts.toFixed(6),
    r.uid,
    r["id.orig_h"],
    r["id.orig_p"],
    r["id.resp_h"],
    r["id.resp_p"],
    r.rtt === null ? null : r.rtt.toFixed(6),
    r.named_pipe,
    r.endpoint,
    r.operation,
  ].map(field).join("\t");
}

function zeekTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${
    p(d.getUTCHours())
  }-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}
