/**
 * SMB_COM_OPEN_ANDX (0x2D), [MS-CIFS] 2.2.4.41 and [MS-SMB] 2.2.4.1.
 *
 * Request (WordCount 15): AndX block, Flags u16, AccessMode u16,
 * SearchAttrs u16, FileAttrs u16, CreationTime (UTIME u32), OpenMode u16,
 * AllocationSize u32, Timeout u32, Reserved u32; Bytes: FileName (SMB_STRING).
 *   -> `flags`, `accessMode`, `searchAttributes`, `fileAttributes`,
 *   `creationTime`, `openMode`, `allocationSize`, `timeout`, `fileName`
 *
 * Response (WordCount 15, or 19 in the [MS-SMB] extended form): AndX block,
 * FID u16, FileAttrs u16, LastWriteTime (UTIME u32), FileDataSize u32,
 * AccessRights u16, ResourceType u16, NMPipeStatus u16, OpenResults u16,
 * then Reserved[3] words, or ServerFID u32, Reserved u16,
 * MaximalAccessRights u32, GuestMaximalAccessRights u32.
 *   -> `fid`, `fileAttributes`, `lastWriteTime`, `endOfFile` (FileDataSize),
 *   `accessRights`, `fileType`, `deviceState`, `openResults`, `openAction`
 *   (1 opened, 2 created, 3 truncated), `oplockGranted`; extended:
 *   `serverFid`, `maximalAccess`, `guestMaximalAccess`
 * @module
 */
import {
  byteCursor,
  type CommandContext,
  expectWordCount,
  readString,
  wordCursor,
} from "./context.ts";
import { utime } from "./values.ts";

export function decodeOpenAndxRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 15)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  f.flags = w.u16();
  f.accessMode = w.u16();
  f.searchAttributes = w.u16();
  f.fileAttributes = w.u16();
  f.creationTime = utime(w.u32());
  f.openMode = w.u16();
  f.allocationSize = w.u32();
  f.timeout = w.u32();
  f.fileName = readString(ctx, byteCursor(ctx));
}

export function decodeOpenAndxResponse(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 15, 19)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  f.fid = w.u16();
  f.fileAttributes = w.u16();
  f.lastWriteTime = utime(w.u32());
  f.endOfFile = w.u32();
  f.accessRights = w.u16();
  f.fileType = w.u16();
  f.deviceState = w.u16();
  const results = w.u16();
  f.openResults = results;
  f.openAction = results & 0x0003;
  f.oplockGranted = (results & 0x8000) !== 0;
  if (ctx.cmd.wordCount === 19) {
    f.serverFid = w.u32();
    w.skip(2);
    f.maximalAccess = w.u32();
    f.guestMaximalAccess = w.u32();
  }
}
