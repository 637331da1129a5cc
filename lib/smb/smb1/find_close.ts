/**
 * SMB_COM_FIND_CLOSE2 (0x34), [MS-CIFS] 2.2.4.48: request WordCount 1,
 * SearchHandle u16 (the SID of a FIND_FIRST2) -> `sid`; response WordCount 0.
 * @module
 */
import { type CommandContext, expectWordCount, wordCursor } from "./context.ts";

export function decodeFindClose2Request(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 1)) return;
  ctx.cmd.fields.sid = wordCursor(ctx).u16();
}
