/**
 * SMB_COM_READ_ANDX (0x2E), [MS-CIFS] 2.2.4.42 and [MS-SMB] 2.2.4.2.
 *
 * Request (WordCount 10, or 12 with OffsetHigh): AndX block, FID u16,
 * Offset u32, MaxCountOfBytesToReturn u16, MinCountOfBytesToReturn u16,
 * Timeout_or_MaxCountHigh u32, Remaining u16, [OffsetHigh u32].
 * Timeout_or_MaxCountHigh is a 32-bit Timeout for named pipes and, for files,
 * MaxCountHigh (its low 16 bits: the high 16 bits of the count; 0xFFFF means
 * ignore it) followed by 16 reserved bits. The parser cannot tell a pipe from
 * a file, so `length` applies the file reading; the analyzer, which knows the
 * FID, can use `maxCount` for pipes.
 *   -> `fid`, `offset` (64-bit, decimal string), `maxCount`, `minCount`,
 *   `timeout` (the raw 32-bit field), `maxCountHigh`, `length` (maxCount +
 *   maxCountHigh << 16), `remaining`
 *
 * Response (WordCount 12): AndX block, Available u16, DataCompactionMode u16,
 * Reserved u16, DataLength u16, DataOffset u16, DataLengthHigh u16 ([MS-SMB]
 * 2.2.4.2.2; Reserved in [MS-CIFS]), Reserved[4 words]; Bytes: Pad, Data.
 *   -> `available`, `dataCompactionMode`, `dataLength` (DataLength +
 *   DataLengthHigh << 16), `dataOffset`; the data as `data` (location).
 * @module
 */
import { type CommandContext, expectWordCount, locate, wordCursor } from "./context.ts";

export function decodeReadAndxRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 10, 12)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  f.fid = w.u16();
  const low = w.u32();
  const maxCount = w.u16();
  f.maxCount = maxCount;
  f.minCount = w.u16();
  const timeout = w.u32();
  f.timeout = timeout;
  const high16 = timeout & 0xffff;
  f.maxCountHigh = high16;
  f.length = high16 === 0xffff ? maxCount : high16 * 0x10000 + maxCount;
  f.remaining = w.u16();
  const high = ctx.cmd.wordCount === 12 ? w.u32() : 0;
  f.offset = high * 0x1_0000_0000 + low; // a number, exact up to 2^53
}

export function decodeReadAndxResponse(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 12)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  f.available = w.u16();
  f.dataCompactionMode = w.u16();
  w.skip(2);
  const low = w.u16();
  const dataOffset = w.u16();
  const high = w.u16();
  const dataLength = high * 0x10000 + low;
  f.dataLength = dataLength;
  f.dataOffset = dataOffset;
  ctx.cmd.data = locate(ctx, "Data", dataOffset, dataLength);
}
