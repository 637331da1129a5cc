/**
 * SMB_COM_RENAME (0x07), [MS-CIFS] 2.2.4.8, and SMB_COM_NT_RENAME (0xA5),
 * [MS-CIFS] 2.2.4.66.
 *
 * RENAME request (WordCount 1): SearchAttributes u16; Bytes: BufferFormat1
 * 0x04, OldFileName, BufferFormat2 0x04, NewFileName (SMB_STRINGs).
 * NT_RENAME request (WordCount 4): SearchAttributes u16, InformationLevel u16
 * (0x0103 hard link, 0x0104 rename, 0x0105 move), Reserved u32; Bytes as RENAME.
 *   -> `searchAttributes`, `infoLevel`, `infoLevelName` (NT_RENAME),
 *   `fileName`, `newFileName`
 * Responses: WordCount 0, no fields.
 * @module
 */
import { byteCursor, type CommandContext, expectWordCount, wordCursor } from "./context.ts";
import { ntRenameLevelName } from "./commands.ts";
import { readFormattedString } from "./delete.ts";

function readNames(ctx: CommandContext): void {
  const b = byteCursor(ctx);
  const oldName = readFormattedString(ctx, b);
  if (oldName === undefined) return;
  ctx.cmd.fields.fileName = oldName;
  const newName = readFormattedString(ctx, b);
  if (newName !== undefined) ctx.cmd.fields.newFileName = newName;
}

export function decodeRenameRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 1)) return;
  ctx.cmd.fields.searchAttributes = wordCursor(ctx).u16();
  readNames(ctx);
}

export function decodeNtRenameRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 4)) return;
  const w = wordCursor(ctx);
  ctx.cmd.fields.searchAttributes = w.u16();
  const level = w.u16();
  ctx.cmd.fields.infoLevel = level;
  ctx.cmd.fields.infoLevelName = ntRenameLevelName(level);
  readNames(ctx);
}
