/**
 * Zeek's `smb_mapping.log` (one line per tree connect) from `tree` events.
 * @module
 */
import type { TreeEvent } from "../../events.ts";
import { ZEEK_CONN_ID_FIELDS, type ZeekLogSpec, type ZeekRecord } from "./format.ts";
import { zeekUid } from "./conn.ts";

/** `smb_mapping.log`'s columns. */
export const ZEEK_SMB_MAPPING: ZeekLogSpec = {
  path: "smb_mapping",
  fields: [
    ["ts", "time"],
    ["uid", "string"],
    ...ZEEK_CONN_ID_FIELDS,
    ["path", "string"],
    ["service", "string"],
    ["native_file_system", "string"],
    ["share_type", "string"],
  ],
};

/** What an SMB1 TREE_CONNECT_ANDX response adds ([MS-CIFS] 2.2.4.55.2): absent in SMB2. */
export interface TreeService {
  /** `A:`, `IPC`, `LPT1:`, `COMM`. */
  service?: string | undefined;
  /** `NTFS`, `FAT`... */
  nativeFileSystem?: string | undefined;
}

/** The record of a successful tree connect; undefined for disconnects and refusals. */
export function zeekSmbMappingRecord(e: TreeEvent, smb1: TreeService = {}): ZeekRecord | undefined {
  if (e.action !== "connect" || e.success === false) return undefined;
  return {
    ts: e.evidence.ts,
    uid: zeekUid(e.evidence.connection ?? 0),
    "id.orig_h": e.client.ip,
    "id.orig_p": e.client.port,
    "id.resp_h": e.server.ip,
    "id.resp_p": e.server.port,
    path: e.path,
    service: smb1.service,
    native_file_system: smb1.nativeFileSystem,
    share_type: e.shareType,
  };
}
