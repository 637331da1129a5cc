/**
 * SMB_COM_ECHO (0x2B), [MS-CIFS] 2.2.4.39.
 *
 * Request (WordCount 1): EchoCount u16; Bytes: data to echo.
 *   -> `echoCount`, `dataLength`
 * Response (WordCount 1, one per echo): SequenceNumber u16; Bytes: the data.
 *   -> `sequenceNumber`, `dataLength`
 * @module
 */
import { type CommandContext, expectWordCount, wordCursor } from "./context.ts";

export function decodeEchoRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 1)) return;
  ctx.cmd.fields.echoCount = wordCursor(ctx).u16();
  ctx.cmd.fields.dataLength = ctx.bytes.length;
}

export function decodeEchoResponse(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 1)) return;
  ctx.cmd.fields.sequenceNumber = wordCursor(ctx).u16();
  ctx.cmd.fields.dataLength = ctx.bytes.length;
}
