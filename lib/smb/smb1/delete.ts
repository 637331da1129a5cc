/**
 * Commands that name one file or directory in an SMB_STRING after a
 * BufferFormat byte (0x04):
 * - SMB_COM_DELETE (0x06), [MS-CIFS] 2.2.4.7: request WordCount 1
 *   (SearchAttributes u16); Bytes: BufferFormat, FileName.
 * - SMB_COM_CREATE_DIRECTORY (0x00), DELETE_DIRECTORY (0x01) and
 *   CHECK_DIRECTORY (0x10), [MS-CIFS] 2.2.4.1, 2.2.4.2, 2.2.4.17: request
 *   WordCount 0; Bytes: BufferFormat, DirectoryName.
 * - SMB_COM_QUERY_INFORMATION (0x08), [MS-CIFS] 2.2.4.9: request WordCount 0;
 *   Bytes: BufferFormat, FileName.
 *   -> `searchAttributes` (DELETE), `fileName`
 * Their responses carry no fields (WordCount 0), except QUERY_INFORMATION's
 * (WordCount 10): FileAttributes u16, LastWriteTime (UTIME), FileSize u32,
 * Reserved[5] words -> `fileAttributes`, `lastWriteTime`, `endOfFile`.
 * @module
 */
import type { Cursor } from "../../bytes/cursor.ts";
import { utime } from "./values.ts";
import {
  byteCursor,
  type CommandContext,
  expectWordCount,
  problem,
  readString,
  wordCursor,
} from "./context.ts";

/** BufferFormat of an SMB_STRING path, [MS-CIFS] 2.2.1.1. */
export const BUFFER_FORMAT_STRING = 0x04;

/** Reads BufferFormat 0x04 and the string after it; adds a problem and returns undefined for another format. */
export function readFormattedString(ctx: CommandContext, c: Cursor): string | undefined {
  const format = c.u8();
  if (format !== BUFFER_FORMAT_STRING) {
    problem(ctx, "malformed", `BufferFormat 0x${format.toString(16)}, expected 0x04`);
    return undefined;
  }
  return readString(ctx, c);
}

export function decodeDeleteRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 1)) return;
  ctx.cmd.fields.searchAttributes = wordCursor(ctx).u16();
  const name = readFormattedString(ctx, byteCursor(ctx));
  if (name !== undefined) ctx.cmd.fields.fileName = name;
}

export function decodePathRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 0)) return;
  const name = readFormattedString(ctx, byteCursor(ctx));
  if (name !== undefined) ctx.cmd.fields.fileName = name;
}

export function decodeNoFieldsResponse(ctx: CommandContext): void {
  expectWordCount(ctx, 0);
}

export function decodeQueryInformationResponse(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 10)) return;
  const w = wordCursor(ctx);
  ctx.cmd.fields.fileAttributes = w.u16();
  ctx.cmd.fields.lastWriteTime = utime(w.u32());
  ctx.cmd.fields.endOfFile = w.u32();
}
