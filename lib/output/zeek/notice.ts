/**
 * Zeek's `notice.log` from `alert` events.
 * @module
 */
import type { AlertEvent } from "../../events.ts";
import { ZEEK_CONN_ID_FIELDS, type ZeekLogSpec, type ZeekRecord } from "./format.ts";
import { zeekUid } from "./conn.ts";

/** `notice.log`'s columns, as Zeek 6 and 7 write them. */
export const ZEEK_NOTICE: ZeekLogSpec = {
  path: "notice",
  fields: [
    ["ts", "time"],
    ["uid", "string"],
    ...ZEEK_CONN_ID_FIELDS,
    ["fuid", "string"],
    ["file_mime_type", "string"],
    ["file_desc", "string"],
    ["proto", "enum"],
    ["note", "enum"],
    ["msg", "string"],
    ["sub", "string"],
    ["src", "addr"],
    ["dst", "addr"],
    ["p", "port"],
    ["n", "count"],
    ["peer_descr", "string"],
    ["actions", "set[enum]"],
    ["email_dest", "set[string]"],
    ["suppress_for", "interval"],
    ["remote_location.country_code", "string"],
    ["remote_location.region", "string"],
    ["remote_location.city", "string"],
    ["remote_location.latitude", "double"],
    ["remote_location.longitude", "double"],
  ],
};

/** The `note` of a rule: `SMBScope::` and its id as a Zeek identifier (`ms17-010` -> `ms17_010`). */
export const zeekNote = (rule: string): string =>
  `SMBScope::${rule.replace(/[^A-Za-z0-9_]/g, "_")}`;

/**
 * The record of an alert: `msg` its message, `sub` its severity, title and
 * ATT&CK technique, `src`/`dst`/`p` the client, server and server port when
 * it concerns them. `proto` is the connection's transport when known.
 */
export function zeekNoticeRecord(e: AlertEvent, proto?: "tcp" | "udp"): ZeekRecord {
  const conn = e.evidence.connection;
  return {
    ts: e.evidence.ts,
    uid: conn === undefined ? undefined : zeekUid(conn),
    "id.orig_h": conn === undefined ? undefined : e.client?.ip,
    "id.orig_p": conn === undefined ? undefined : e.client?.port,
    "id.resp_h": conn === undefined ? undefined : e.server?.ip,
    "id.resp_p": conn === undefined ? undefined : e.server?.port,
    proto: conn === undefined ? undefined : proto ?? "tcp",
    note: zeekNote(e.rule),
    msg: e.message,
    sub: `${e.severity}: ${e.title} (${e.technique} ${e.techniqueName})`,
    src: e.client?.ip,
    dst: e.server?.ip,
    p: e.server?.port,
    actions: ["Notice::ACTION_LOG"],
    email_dest: [],
  };
}
