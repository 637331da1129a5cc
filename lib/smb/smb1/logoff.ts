/**
 * SMB_COM_LOGOFF_ANDX (0x74), [MS-CIFS] 2.2.4.54: WordCount 2 (the AndX
 * block only) and ByteCount 0 both ways; the UID in the header names the
 * session. No fields.
 * @module
 */
import { type CommandContext, expectWordCount } from "./context.ts";

export function decodeLogoff(ctx: CommandContext): void {
  expectWordCount(ctx, 2);
}
