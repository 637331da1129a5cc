/**
 * CHANGE_NOTIFY. [MS-SMB2] 2.2.35 (request), 2.2.36 (response);
 * FILE_NOTIFY_INFORMATION [MS-FSCC] 2.7.1
 *
 * Request fields: `flags`, `flagNames` (WATCH_TREE), `outputBufferLength`,
 * `fileId`, `completionFilter`, `completionFilterNames`.
 * Response fields: `outputBufferOffset`, `outputBufferLength`, `changes`
 * (each `action`, `actionName`, `fileName`; at most `MAX_NOTIFY_ENTRIES`) and
 * `names` (the changed names in order).
 * @module
 */
import type { JsonValue } from "../json.ts";
import type { Smb2Body } from "./body.ts";
import { Cursor, enumLookup, flagNames, utf16 } from "./wire.ts";

/** Entries read from one response. */
export const MAX_NOTIFY_ENTRIES = 1024;

/** Flags. [MS-SMB2] 2.2.35 */
export const ChangeNotifyFlags = { SMB2_WATCH_TREE: 0x0001 } as const;

/** CompletionFilter. [MS-SMB2] 2.2.35 */
export const CompletionFilter = {
  FILE_NOTIFY_CHANGE_FILE_NAME: 0x0000_0001,
  FILE_NOTIFY_CHANGE_DIR_NAME: 0x0000_0002,
  FILE_NOTIFY_CHANGE_ATTRIBUTES: 0x0000_0004,
  FILE_NOTIFY_CHANGE_SIZE: 0x0000_0008,
  FILE_NOTIFY_CHANGE_LAST_WRITE: 0x0000_0010,
  FILE_NOTIFY_CHANGE_LAST_ACCESS: 0x0000_0020,
  FILE_NOTIFY_CHANGE_CREATION: 0x0000_0040,
  FILE_NOTIFY_CHANGE_EA: 0x0000_0080,
  FILE_NOTIFY_CHANGE_SECURITY: 0x0000_0100,
  FILE_NOTIFY_CHANGE_STREAM_NAME: 0x0000_0200,
  FILE_NOTIFY_CHANGE_STREAM_SIZE: 0x0000_0400,
  FILE_NOTIFY_CHANGE_STREAM_WRITE: 0x0000_0800,
} as const;

/** FILE_NOTIFY_INFORMATION Action. [MS-FSCC] 2.7.1 */
export const NotifyAction = {
  FILE_ACTION_ADDED: 0x0000_0001,
  FILE_ACTION_REMOVED: 0x0000_0002,
  FILE_ACTION_MODIFIED: 0x0000_0003,
  FILE_ACTION_RENAMED_OLD_NAME: 0x0000_0004,
  FILE_ACTION_RENAMED_NEW_NAME: 0x0000_0005,
  FILE_ACTION_ADDED_STREAM: 0x0000_0006,
  FILE_ACTION_REMOVED_STREAM: 0x0000_0007,
  FILE_ACTION_MODIFIED_STREAM: 0x0000_0008,
  FILE_ACTION_REMOVED_BY_DELETE: 0x0000_0009,
  FILE_ACTION_ID_NOT_TUNNELLED: 0x0000_000a,
  FILE_ACTION_TUNNELLED_ID_COLLISION: 0x0000_000b,
} as const;
const notifyActionName = enumLookup(NotifyAction, 8);

/** [MS-SMB2] 2.2.35: StructureSize 32. */
export function parseChangeNotifyRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(32);
  const flags = c.u16();
  f.flags = flags;
  f.flagNames = flagNames(flags, ChangeNotifyFlags);
  f.outputBufferLength = c.u32();
  b.fileId();
  const filter = c.u32();
  f.completionFilter = filter;
  f.completionFilterNames = flagNames(filter, CompletionFilter);
}

/** [MS-SMB2] 2.2.36: StructureSize 9, OutputBufferOffset (2), OutputBufferLength (4). */
export function parseChangeNotifyResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(9);
  const offset = c.u16(), length = c.u32();
  f.outputBufferOffset = offset;
  f.outputBufferLength = length;
  const output = b.region(offset, length, "output buffer");
  if (output === undefined || output.length === 0) return;
  const changes: JsonValue[] = [], names: string[] = [];
  f.changes = changes;
  f.names = names;
  let at = 0;
  for (;;) {
    if (changes.length === MAX_NOTIFY_ENTRIES) {
      b.problem("malformed", `more than ${MAX_NOTIFY_ENTRIES} notify entries; the rest skipped`);
      return;
    }
    let next = 0;
    const ok = b.guard(`notify entry ${changes.length + 1}`, () => {
      const e = new Cursor(output.subarray(at));
      next = e.u32();
      const action = e.u32();
      const fileName = utf16(e.take(e.u32()));
      changes.push({ action, actionName: notifyActionName(action), fileName });
      names.push(fileName);
    });
    if (!ok || next === 0) return;
    if (next < 12) {
      b.problem("loop", `notify entry ${changes.length} NextEntryOffset ${next} does not advance`);
      return;
    }
    at += next;
    if (at >= output.length) {
      b.problem(
        "malformed",
        `notify entry ${changes.length} NextEntryOffset runs past the output buffer`,
      );
      return;
    }
  }
}
