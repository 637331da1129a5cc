/**
 * A Zeek `dce_rpc.log`-compatible view of `rpc` call events: Zeek's field
 * names and types, one record per call, and its tab-separated log format,
 * so that scripts written for Zeek's log read ours. One of the logs of
 * `--zeek DIR` (zeek/logs.ts); `--format zeek-dce-rpc` prints it alone.
 * @module
 */
import type { DecodeEvent, RpcEvent } from "../events.ts";
import {
  type ZeekLogSpec,
  zeekTsvFooter,
  zeekTsvHeader,
  zeekTsvLine,
  type ZeekType,
} from "./zeek/format.ts";
import { zeekUid } from "./zeek/conn.ts";

/** One `dce_rpc.log` record, with Zeek's field names. */
export type ZeekDceRpcRecord = {
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
  /** Interface name as Zeek spells it (`epmapper`, `netlogon`); the UUID when it has none. */
  endpoint: string | null;
  /** Operation name as Zeek spells it (`DRSBind`, not `IDL_DRSBind`); `opnumN` when it has none. */
  operation: string | null;
};

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
const TYPES: ZeekType[] = [
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

/** `dce_rpc.log` as a log of `--zeek DIR`: its path and typed columns. */
export const ZEEK_DCE_RPC: ZeekLogSpec = {
  path: "dce_rpc",
  fields: ZEEK_DCE_RPC_FIELDS.map((name, i) => [name, TYPES[i]!] as const),
};

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
 * if (lines[6] !== "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\trtt\tnamed_pipe\tendpoint\toperation") {
 *   throw new Error(lines[6]);
 * }
 * if (!lines.slice(8).every((l) => l.split("\t").length === 10)) throw new Error("a short line");
 * ```
 */
export function zeekDceRpcRecord(e: DecodeEvent): ZeekDceRpcRecord | undefined {
  if (e.type !== "rpc" || e.action !== "call") return undefined;
  return {
    ts: e.evidence.ts,
    uid: zeekUid(e.evidence.connection ?? 0),
    "id.orig_h": e.client.ip,
    "id.orig_p": e.client.port,
    "id.resp_h": e.server.ip,
    "id.resp_p": e.server.port,
    rtt: e.responseTime ?? null,
    named_pipe: namedPipe(e),
    endpoint: zeekEndpoint(e.interfaceName) ?? e.interface ?? null,
    operation: zeekOperation(e.operation) ??
      (e.opnum === undefined ? null : `opnum${e.opnum}`),
  };
}

/**
 * Interface names Zeek spells differently from the specifications' IDL
 * (ours): a pipeline written against Zeek's logs looks for Zeek's.
 */
const ZEEK_ENDPOINTS: Readonly<Record<string, string>> = {
  epm: "epmapper",
  logon: "netlogon",
};

function zeekEndpoint(name: string | undefined): string | undefined {
  return name === undefined ? undefined : ZEEK_ENDPOINTS[name] ?? name;
}

/** Zeek drops the `IDL_` prefix of [MS-DRSR]'s operation names (`IDL_DRSBind` is its `DRSBind`). */
function zeekOperation(name: string | undefined): string | undefined {
  return name?.startsWith("IDL_") ? name.slice(4) : name;
}

function namedPipe(e: RpcEvent): string | null {
  if (e.secondaryAddress !== undefined && e.secondaryAddress !== "") return e.secondaryAddress;
  return e.pipe ?? null;
}

/** The header lines of a `dce_rpc.log` opened at `ts`. */
export function zeekDceRpcHeader(ts: Date): string[] {
  return zeekTsvHeader(ZEEK_DCE_RPC, ts);
}

/** The closing line. */
export function zeekDceRpcFooter(ts: Date): string {
  return zeekTsvFooter(ts);
}

/** One record as a tab-separated line (Zeek's escaping: `\\PIPE\\lsass` for `\PIPE\lsass`). */
export function zeekDceRpcLine(r: ZeekDceRpcRecord): string {
  return zeekTsvLine(ZEEK_DCE_RPC, r);
}
