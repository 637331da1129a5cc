/**
 * Zeek's `smb_files.log`: one line per thing done to a disk file or
 * directory: its open (from the CREATE response), then renames and deletes
 * (from its `file` event), as Zeek logs them by default.
 * @module
 */
import type { Addressed, FileAction, FileEvent } from "../../events.ts";
import { ZEEK_CONN_ID_FIELDS, type ZeekLogSpec, type ZeekRecord } from "./format.ts";
import { zeekUid } from "./conn.ts";

/** `smb_files.log`'s columns. */
export const ZEEK_SMB_FILES: ZeekLogSpec = {
  path: "smb_files",
  fields: [
    ["ts", "time"],
    ["uid", "string"],
    ...ZEEK_CONN_ID_FIELDS,
    ["fuid", "string"],
    ["action", "enum"],
    ["path", "string"],
    ["name", "string"],
    ["size", "count"],
    ["prev_name", "string"],
    ["times.modified", "time"],
    ["times.accessed", "time"],
    ["times.created", "time"],
    ["times.changed", "time"],
  ],
};

/** What the CREATE (or NT_CREATE_ANDX) response said of the file it opened. */
export interface OpenedFile {
  /** Time of the open. */
  ts: number;
  /** Share path, when the tree connect was seen. */
  share?: string | undefined;
  /** Path in the share (`dir\file.txt`; empty for the share itself). */
  path: string;
  /** End of file at the open. */
  size?: number | undefined;
  /** Last write, seconds since the epoch. */
  modified?: number | undefined;
  /** Last access. */
  accessed?: number | undefined;
  /** Creation. */
  created?: number | undefined;
  /** Last change (metadata). */
  changed?: number | undefined;
}

/** Zeek's `SMB::Action` for each of our actions (truncation is a set-info of the end of file). */
const ACTIONS: Record<FileAction, string> = {
  read: "SMB::FILE_READ",
  write: "SMB::FILE_WRITE",
  rename: "SMB::FILE_RENAME",
  delete: "SMB::FILE_DELETE",
  set_info: "SMB::FILE_SET_ATTRIBUTE",
  truncate: "SMB::FILE_SET_ATTRIBUTE",
};

/**
 * The actions Zeek logs by default (`SMB::logged_file_actions`; print jobs
 * aside): opens, renames and deletes. Reads and writes are in `files.log`.
 */
export const ZEEK_LOGGED_FILE_ACTIONS: ReadonlySet<string> = new Set([
  "SMB::FILE_OPEN",
  "SMB::FILE_RENAME",
  "SMB::FILE_DELETE",
]);

/** Zeek's `fuid` of a file with content (the same in `files.log`). */
export function zeekFuid(e: FileEvent): string {
  return `F${e.evidence.connection ?? 0}x${e.seq ?? e.evidence.frames[0] ?? 0}`;
}

/** Whether a file event's content went over the wire (what makes a `files.log` entry). */
export function hasContent(e: FileEvent): boolean {
  return e.pipe !== true && e.bytesRead + e.bytesWritten > 0;
}

/** `name` as Zeek writes it: the path in the share, `<share_root>` for the share itself. */
const zeekName = (path: string) => (path === "" ? "<share_root>" : path);

/**
 * The `SMB::FILE_OPEN` line of a disk file or directory, written when the
 * open's response comes (as Zeek does): `size` and the times are the
 * response's.
 */
export function zeekSmbFileOpenRecord(
  conn: Addressed & { connection: number },
  opened: OpenedFile,
): ZeekRecord {
  return {
    ts: opened.ts,
    uid: zeekUid(conn.connection),
    "id.orig_h": conn.client.ip,
    "id.orig_p": conn.client.port,
    "id.resp_h": conn.server.ip,
    "id.resp_p": conn.server.port,
    action: "SMB::FILE_OPEN",
    path: opened.share,
    name: zeekName(opened.path),
    size: opened.size,
    "times.modified": opened.modified,
    "times.accessed": opened.accessed,
    "times.created": opened.created,
    "times.changed": opened.changed,
  };
}

/**
 * The lines of one open's actions, written when the open ends: one per kind
 * of action among `logged` in the order first seen (a rename's line has the
 * new name and `prev_name`). Pipes are left out, as Zeek logs them in
 * `dce_rpc.log`. `opened` (its open's line, when seen) gives the size and times.
 */
export function zeekSmbFileActionRecords(
  e: FileEvent,
  opened: OpenedFile | undefined,
  logged: ReadonlySet<string> = ZEEK_LOGGED_FILE_ACTIONS,
): ZeekRecord[] {
  if (e.pipe === true) return [];
  const base = zeekSmbFileOpenRecord({ ...e, connection: e.evidence.connection ?? 0 }, {
    ...opened,
    ts: opened?.ts ?? e.opened?.ts ?? e.evidence.ts,
    share: e.share ?? opened?.share,
    path: e.path,
    size: opened?.size ?? e.size,
  });
  const fuid = hasContent(e) ? zeekFuid(e) : undefined;
  const lines: ZeekRecord[] = [];
  const done = new Set<string>();
  for (const a of e.actions) {
    const action = ACTIONS[a];
    if (done.has(action) || !logged.has(action)) continue;
    done.add(action);
    const line: ZeekRecord = { ...base, action };
    if (a === "read" || a === "write") line.fuid = fuid;
    if (a === "rename" && e.renamedTo !== undefined) {
      line.name = e.renamedTo;
      line.prev_name = base.name;
    }
    lines.push(line);
  }
  return lines;
}
