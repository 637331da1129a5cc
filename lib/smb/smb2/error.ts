/**
 * The ERROR response. [MS-SMB2] 2.2.2, 2.2.2.1 (error contexts), 2.2.2.2
 * (ErrorData formats: symbolic link error, buffer-too-small)
 *
 * A response is an ERROR body when its status is not success, its
 * StructureSize is 9, and the status is not one of those [MS-SMB2] 3.3.4.4
 * does not count as failures, which come with the command's own body:
 * STATUS_MORE_PROCESSING_REQUIRED on SESSION_SETUP, STATUS_BUFFER_OVERFLOW on
 * QUERY_INFO, READ and IOCTL, STATUS_INVALID_PARAMETER on IOCTL (copychunk
 * limits) and STATUS_NOTIFY_ENUM_DIR on CHANGE_NOTIFY. SESSION_SETUP,
 * QUERY_INFO, QUERY_DIRECTORY and CHANGE_NOTIFY responses have StructureSize
 * 9 of their own, so the size alone cannot tell. STATUS_PENDING interim
 * responses are ERROR bodies.
 *
 * Fields: `errorContextCount`, `byteCount`, and by status or context:
 * `errorContexts` ({`errorId`, `errorIdName`, `errorDataLength`}),
 * `requiredBufferLength` (STATUS_BUFFER_TOO_SMALL), or for
 * STATUS_STOPPED_ON_SYMLINK `symlinkFlags`, `absolute`, `unparsedPathLength`,
 * `substituteName`, `printName`.
 * @module
 */
import type { JsonValue } from "../json.ts";
import type { Smb2Body } from "./body.ts";
import { Smb2Command } from "./commands.ts";
import { align8, Cursor, enumLookup, utf16 } from "./wire.ts";

export const STATUS_SUCCESS = 0x0000_0000;
export const STATUS_PENDING = 0x0000_0103;
export const STATUS_MORE_PROCESSING_REQUIRED = 0xc000_0016;
export const STATUS_BUFFER_TOO_SMALL = 0xc000_0023;
export const STATUS_STOPPED_ON_SYMLINK = 0x8000_002d;
export const STATUS_BUFFER_OVERFLOW = 0x8000_0005;
export const STATUS_INVALID_PARAMETER = 0xc000_000d;
export const STATUS_NOTIFY_ENUM_DIR = 0x0000_010c;

/** Statuses that are not failures for a command: its own body follows. [MS-SMB2] 3.3.4.4 */
const NOT_FAILURES: ReadonlyMap<number, readonly number[]> = new Map([
  [Smb2Command.SESSION_SETUP, [STATUS_MORE_PROCESSING_REQUIRED]],
  [Smb2Command.QUERY_INFO, [STATUS_BUFFER_OVERFLOW]],
  [Smb2Command.READ, [STATUS_BUFFER_OVERFLOW]],
  [Smb2Command.IOCTL, [STATUS_BUFFER_OVERFLOW, STATUS_INVALID_PARAMETER]],
  [Smb2Command.CHANGE_NOTIFY, [STATUS_NOTIFY_ENUM_DIR]],
]);

const ERROR_STRUCTURE_SIZE = 9;

/** ErrorId of an error context. [MS-SMB2] 2.2.2.1 */
export const ErrorId = {
  SMB2_ERROR_ID_DEFAULT: 0x0000_0000,
  SMB2_ERROR_ID_SHARE_REDIRECT: 0x7264_5253,
} as const;
const errorIdName = enumLookup(ErrorId, 8);

/** Error contexts listed per response. */
const MAX_ERROR_CONTEXTS = 16;

/** Whether a response body (its first two bytes are StructureSize) is an ERROR response. */
export function isErrorResponse(command: number, status: number, body: Uint8Array): boolean {
  if (status === STATUS_SUCCESS || body.length < 2) return false;
  if ((body[0]! | (body[1]! << 8)) !== ERROR_STRUCTURE_SIZE) return false;
  return !(NOT_FAILURES.get(command)?.includes(status) ?? false);
}

/** Symbolic Link Error Response. [MS-SMB2] 2.2.2.2.1 */
function symlink(data: Uint8Array, f: { [key: string]: JsonValue }): void {
  const c = new Cursor(data);
  c.skip(8); // SymLinkLength, SymLinkErrorTag
  c.skip(4); // ReparseTag
  c.skip(2); // ReparseDataLength
  f.unparsedPathLength = c.u16();
  const subOffset = c.u16(), subLength = c.u16();
  const printOffset = c.u16(), printLength = c.u16();
  const flags = c.u32();
  f.symlinkFlags = flags;
  f.absolute = (flags & 1) === 0; // SYMLINK_FLAG_RELATIVE is 1
  const path = data.subarray(c.pos);
  const p = new Cursor(path);
  p.seek(subOffset);
  f.substituteName = utf16(p.take(subLength));
  p.seek(printOffset);
  f.printName = utf16(p.take(printLength));
}

/** Reads the ERROR body: StructureSize 9, ErrorContextCount (1), Reserved (1), ByteCount (4), ErrorData. */
export function parseErrorResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  c.skip(2); // StructureSize, checked by isErrorResponse
  const contextCount = c.u8();
  c.skip(1);
  const byteCount = c.u32();
  f.errorContextCount = contextCount;
  f.byteCount = byteCount;
  if (byteCount === 0) return;
  const data = b.region(64 + 8, byteCount, "error data");
  if (data === undefined) return;
  const status = b.header.status;
  if (contextCount > 0) {
    const list: JsonValue[] = [];
    f.errorContexts = list;
    let at = 0;
    for (let i = 0; i < Math.min(contextCount, MAX_ERROR_CONTEXTS); i++) {
      const ok = b.guard(`error context ${i + 1}`, () => {
        const e = new Cursor(data.subarray(at));
        const length = e.u32(), id = e.u32();
        e.skip(length);
        list.push({ errorId: id, errorIdName: errorIdName(id), errorDataLength: length });
        at = align8(at + 8 + length);
      });
      if (!ok) return;
    }
    return;
  }
  if (status === STATUS_BUFFER_TOO_SMALL && data.length >= 4) {
    f.requiredBufferLength = new Cursor(data).u32();
  } else if (status === STATUS_STOPPED_ON_SYMLINK) {
    b.guard("symbolic link error response", () => symlink(data, f));
  }
}
