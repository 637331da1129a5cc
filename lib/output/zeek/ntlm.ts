/**
 * Zeek's `ntlm.log` from `ntlm` events.
 * @module
 */
import type { NtlmEvent } from "../../events.ts";
import { ZEEK_CONN_ID_FIELDS, type ZeekLogSpec, type ZeekRecord } from "./format.ts";
import { zeekUid } from "./conn.ts";

/** `ntlm.log`'s columns. */
export const ZEEK_NTLM: ZeekLogSpec = {
  path: "ntlm",
  fields: [
    ["ts", "time"],
    ["uid", "string"],
    ...ZEEK_CONN_ID_FIELDS,
    ["username", "string"],
    ["hostname", "string"],
    ["domainname", "string"],
    ["server_nb_computer_name", "string"],
    ["server_dns_computer_name", "string"],
    ["server_tree_name", "string"],
    ["success", "bool"],
  ],
};

const set = (s: string | undefined) => (s === undefined || s === "" ? undefined : s);

/**
 * The record of an NTLM authentication. Empty names (anonymous logins) are
 * unset, as in Zeek; `server_tree_name` (the DNS tree name of the target
 * info) is not kept by the decoder and stays unset.
 */
export function zeekNtlmRecord(e: NtlmEvent): ZeekRecord {
  return {
    ts: e.evidence.ts,
    uid: zeekUid(e.evidence.connection ?? 0),
    "id.orig_h": e.client.ip,
    "id.orig_p": e.client.port,
    "id.resp_h": e.server.ip,
    "id.resp_p": e.server.port,
    username: set(e.user),
    hostname: set(e.workstation),
    domainname: set(e.domain),
    server_nb_computer_name: set(e.serverNbComputerName),
    server_dns_computer_name: set(e.serverDnsComputerName),
    success: e.success,
  };
}
