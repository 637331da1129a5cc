/**
 * SMB_COM_TREE_DISCONNECT (0x71), [MS-CIFS] 2.2.4.51: WordCount 0 and
 * ByteCount 0 both ways; the TID in the header names the tree. No fields.
 * @module
 */
import { type CommandContext, expectWordCount } from "./context.ts";

export function decodeTreeDisconnect(ctx: CommandContext): void {
  expectWordCount(ctx, 0);
}
