/**
 * SMB_COM_CLOSE (0x04), [MS-CIFS] 2.2.4.5.
 *
 * Request (WordCount 3): FID u16, LastTimeModified (UTIME u32).
 *   -> `fid`, `lastWriteTime` (ISO, null when not set)
 * Response: WordCount 0, no fields.
 *
 * SMB_COM_FLUSH (0x05), [MS-CIFS] 2.2.4.6: request WordCount 1, FID u16
 * (0xFFFF: every file of the process) -> `fid`; response WordCount 0.
 * @module
 */
import { type CommandContext, expectWordCount, wordCursor } from "./context.ts";
import { utime } from "./values.ts";

export function decodeCloseRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 3)) return;
  const w = wordCursor(ctx);
  ctx.cmd.fields.fid = w.u16();
  ctx.cmd.fields.lastWriteTime = utime(w.u32());
}

export function decodeCloseResponse(ctx: CommandContext): void {
  expectWordCount(ctx, 0);
}

export function decodeFlushRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 1)) return;
  ctx.cmd.fields.fid = wordCursor(ctx).u16();
}
