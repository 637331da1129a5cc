/**
 * Zeek's `conn.log` from `connection` close events.
 * @module
 */
import type { ConnectionEvent } from "../../events.ts";
import { ZEEK_CONN_ID_FIELDS, type ZeekLogSpec, type ZeekRecord } from "./format.ts";
import { isLocalAddress } from "./local_nets.ts";

/** `conn.log`'s columns as Zeek 7 writes them. */
export const ZEEK_CONN: ZeekLogSpec = {
  path: "conn",
  fields: [
    ["ts", "time"],
    ["uid", "string"],
    ...ZEEK_CONN_ID_FIELDS,
    ["proto", "enum"],
    ["service", "string"],
    ["duration", "interval"],
    ["orig_bytes", "count"],
    ["resp_bytes", "count"],
    ["conn_state", "string"],
    ["local_orig", "bool"],
    ["local_resp", "bool"],
    ["missed_bytes", "count"],
    ["history", "string"],
    ["orig_pkts", "count"],
    ["orig_ip_bytes", "count"],
    ["resp_pkts", "count"],
    ["resp_ip_bytes", "count"],
    ["tunnel_parents", "set[string]"],
    ["ip_proto", "count"],
  ],
};

/** The `uid` of a connection: `C` and its id (Zeek's are random; ours are stable across runs). */
export const zeekUid = (connection: number): string => `C${connection}`;

/**
 * Zeek's `conn_state` from what the flow table knows: SF (opened and closed
 * with FINs), RSTO/RSTR (reset by the originator/responder after the
 * handshake), REJ (the responder reset a SYN), S0 (a SYN and no answer), S1
 * (opened, not closed when the capture ended), OTH (no SYN seen: picked up
 * mid-stream). UDP: SF with traffic both ways, S0 without. The half-closed
 * states (S2, S3, SH...) are not told apart.
 */
export function zeekConnState(e: ConnectionEvent): string {
  const answered = (e.serverStats?.packets ?? 0) > 0;
  if (e.transport === "udp") return answered ? "SF" : "S0";
  if (e.handshake) {
    if (e.state === "closed_fin") return "SF";
    if (e.state === "closed_rst") return e.resetBy === "server" ? "RSTR" : "RSTO";
    return "S1";
  }
  if (e.orientation === "syn") {
    if (e.state === "closed_rst" && e.resetBy === "server") return "REJ";
    if (!answered) return "S0";
  }
  return "OTH";
}

/**
 * The record of a connection's close event (`ts` its start). `services` are
 * Zeek's names of the analyzers that found their protocol on it (`smb`,
 * `dce_rpc`, `ntlm`, `krb`, `netbios-ssn`). Bytes are the sequence space
 * each side covered (delivered plus missed), as Zeek counts them; IP bytes
 * and `history` are not known (unset).
 */
export function zeekConnRecord(e: ConnectionEvent, services: readonly string[]): ZeekRecord {
  const c = e.clientStats, s = e.serverStats;
  const bytes = (d: typeof c) =>
    d === undefined
      ? undefined
      : e.transport === "tcp"
      ? d.streamBytes + d.gapBytes
      : d.payloadBytes;
  return {
    ts: e.start,
    uid: zeekUid(e.id),
    "id.orig_h": e.client.ip,
    "id.orig_p": e.client.port,
    "id.resp_h": e.server.ip,
    "id.resp_p": e.server.port,
    proto: e.transport,
    service: services.length ? services.join(",") : undefined,
    duration: e.end === undefined ? undefined : e.end - e.start,
    orig_bytes: bytes(c),
    resp_bytes: bytes(s),
    conn_state: zeekConnState(e),
    local_orig: isLocalAddress(e.client.ip),
    local_resp: isLocalAddress(e.server.ip),
    missed_bytes: (c?.gapBytes ?? 0) + (s?.gapBytes ?? 0),
    orig_pkts: c?.packets,
    resp_pkts: s?.packets,
    ip_proto: e.transport === "tcp" ? 6 : 17,
  };
}
