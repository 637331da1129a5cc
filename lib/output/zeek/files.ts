/**
 * Zeek's `files.log` from `file` events whose content crossed the wire.
 * @module
 */
import type { FileEvent } from "../../events.ts";
import { ZEEK_CONN_ID_FIELDS, type ZeekLogSpec, type ZeekRecord } from "./format.ts";
import { zeekUid } from "./conn.ts";
import { hasContent, zeekFuid } from "./smb_files.ts";
import { isLocalAddress } from "./local_nets.ts";

/** `files.log`'s columns, as Zeek 7 writes them. */
export const ZEEK_FILES: ZeekLogSpec = {
  path: "files",
  fields: [
    ["ts", "time"],
    ["fuid", "string"],
    ["uid", "string"],
    ...ZEEK_CONN_ID_FIELDS,
    ["source", "string"],
    ["depth", "count"],
    ["analyzers", "set[string]"],
    ["mime_type", "string"],
    ["filename", "string"],
    ["duration", "interval"],
    ["local_orig", "bool"],
    ["is_orig", "bool"],
    ["seen_bytes", "count"],
    ["total_bytes", "count"],
    ["missing_bytes", "count"],
    ["overflow_bytes", "count"],
    ["timedout", "bool"],
    ["parent_fuid", "string"],
    ["md5", "string"],
    ["sha1", "string"],
    ["sha256", "string"],
    ["extracted", "string"],
    ["extracted_cutoff", "bool"],
    ["extracted_size", "count"],
  ],
};

/**
 * The record of a disk file whose data was read or written; undefined for
 * others. `is_orig` is true when the client wrote it (an upload); `duration`
 * runs from the open to the close; `local_orig` says whether the side the
 * data came from is in private address space; `total_bytes` is the size when known;
 * `analyzers` names the digests computed. MIME types are not sniffed.
 */
export function zeekFilesRecord(e: FileEvent): ZeekRecord | undefined {
  if (!hasContent(e)) return undefined;
  const start = e.opened?.ts ?? e.evidence.ts;
  return {
    ts: start,
    fuid: zeekFuid(e),
    uid: zeekUid(e.evidence.connection ?? 0),
    "id.orig_h": e.client.ip,
    "id.orig_p": e.client.port,
    "id.resp_h": e.server.ip,
    "id.resp_p": e.server.port,
    source: "SMB",
    depth: 0,
    analyzers: e.hashes === undefined ? [] : ["MD5", "SHA1", "SHA256"],
    filename: e.path === "" ? undefined : e.path,
    duration: e.closed === undefined ? undefined : e.closed.ts - start,
    local_orig: isLocalAddress(e.bytesWritten > 0 ? e.client.ip : e.server.ip),
    is_orig: e.bytesWritten > 0,
    seen_bytes: e.bytesSeen,
    total_bytes: e.size,
    missing_bytes: e.size === undefined ? 0 : Math.max(0, e.size - e.bytesSeen),
    overflow_bytes: 0,
    timedout: false,
    md5: e.hashes?.md5,
    sha1: e.hashes?.sha1,
    sha256: e.hashes?.sha256,
  };
}
