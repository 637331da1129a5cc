/**
 * SMB_COM_NT_CREATE_ANDX (0xA2), [MS-CIFS] 2.2.4.64 and [MS-SMB] 2.2.4.9.
 *
 * Request (WordCount 24): AndX block, Reserved u8, NameLength u16, Flags u32,
 * RootDirectoryFID u32, DesiredAccess u32, AllocationSize u64,
 * ExtFileAttributes u32, ShareAccess u32, CreateDisposition u32,
 * CreateOptions u32, ImpersonationLevel u32, SecurityFlags u8; Bytes: Pad,
 * FileName (SMB_STRING).
 *   -> `flags`, `rootDirectoryFid`, `desiredAccess`, `allocationSize` (decimal
 *   string), `fileAttributes`, `shareAccess`, `createDisposition`,
 *   `createDispositionName`, `createOptions`, `impersonationLevel`,
 *   `securityFlags`, `fileName`
 *
 * Response (WordCount 34): AndX block, OpLockLevel u8, FID u16, CreateAction
 * u32, CreationTime, LastAccessTime, LastWriteTime, LastChangeTime (FILETIME),
 * ExtFileAttributes u32, AllocationSize u64, EndOfFile u64, ResourceType u16,
 * NMPipeStatus u16, Directory u8. The [MS-SMB] extended response says
 * WordCount 42 but carries 50 words (VolumeGUID[16], FileId u64,
 * MaximalAccessRights u32, GuestMaximalAccessRights u32 follow), and its
 * ByteCount comes after all 50: the parser sizes its block accordingly.
 *   -> `oplockLevel`, `fid`, `createAction`, `createActionName`,
 *   `creationTime`, `lastAccessTime`, `lastWriteTime`, `changeTime` (ISO or
 *   null), `fileAttributes`, `allocationSize`, `endOfFile` (decimal strings),
 *   `fileType` (ResourceType), `deviceState` (NMPipeStatus), `directory`;
 *   extended: `volumeGuid` (hex), `fileId` (decimal string), `maximalAccess`,
 *   `guestMaximalAccess`
 * @module
 */
import { toHex } from "../../bytes/cursor.ts";
import type { Cursor } from "../../bytes/cursor.ts";
import type { Fields } from "../json.ts";
import {
  byteCursor,
  type CommandContext,
  expectWordCount,
  readString,
  wordCursor,
} from "./context.ts";
import { createActionName, createDispositionName } from "./commands.ts";
import { readFiletime, readU64Number, readU64String } from "./values.ts";

/** WordCount of the [MS-SMB] extended response, and the words it really carries. */
export const EXTENDED_RESPONSE_WORD_COUNT = 42;
export const EXTENDED_RESPONSE_WORDS = 50;

export function decodeNtCreateRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 24)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  w.skip(1);
  f.nameLength = w.u16();
  f.flags = w.u32();
  f.rootDirectoryFid = w.u32();
  f.desiredAccess = w.u32();
  f.allocationSize = readU64Number(w);
  f.fileAttributes = w.u32();
  f.shareAccess = w.u32();
  const disposition = w.u32();
  f.createDisposition = disposition;
  f.createDispositionName = createDispositionName(disposition);
  f.createOptions = w.u32();
  f.impersonationLevel = w.u32();
  f.securityFlags = w.u8();
  f.fileName = readString(ctx, byteCursor(ctx));
}

/**
 * The create result fields shared with NT_TRANSACT_CREATE, from CreateAction
 * to Directory; NT_TRANSACT_CREATE has an EAErrorOffset u32 after CreateAction.
 */
export function readCreateResult(c: Cursor, f: Fields, eaErrorOffset = false): void {
  const action = c.u32();
  f.createAction = action;
  f.createActionName = createActionName(action);
  if (eaErrorOffset) f.eaErrorOffset = c.u32();
  f.creationTime = readFiletime(c);
  f.lastAccessTime = readFiletime(c);
  f.lastWriteTime = readFiletime(c);
  f.changeTime = readFiletime(c);
  f.fileAttributes = c.u32();
  f.allocationSize = readU64Number(c);
  f.endOfFile = readU64Number(c);
  f.fileType = c.u16();
  f.deviceState = c.u16();
  f.directory = c.u8() !== 0;
}

export function decodeNtCreateResponse(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 34, EXTENDED_RESPONSE_WORD_COUNT)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  f.oplockLevel = w.u8();
  f.fid = w.u16();
  readCreateResult(w, f);
  if (ctx.cmd.wordCount === EXTENDED_RESPONSE_WORD_COUNT) {
    f.volumeGuid = toHex(w.take(16));
    f.fileId = readU64String(w);
    f.maximalAccess = w.u32();
    f.guestMaximalAccess = w.u32();
  }
}
