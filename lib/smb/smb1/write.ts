/**
 * SMB_COM_WRITE_ANDX (0x2F), [MS-CIFS] 2.2.4.43 and [MS-SMB] 2.2.4.3.
 *
 * Request (WordCount 12, or 14 with OffsetHigh): AndX block, FID u16,
 * Offset u32, Timeout u32, WriteMode u16, Remaining u16, DataLengthHigh u16
 * ([MS-SMB]; Reserved in [MS-CIFS]), DataLength u16, DataOffset u16,
 * [OffsetHigh u32]; Bytes: Pad, Data. DataOffset counts from the header and
 * may point anywhere (padding between ByteCount and the data is legal).
 *   -> `fid`, `offset` (64-bit, decimal string), `timeout`, `writeMode`,
 *   `remaining`, `dataLengthHigh`, `dataLength` (DataLength +
 *   DataLengthHigh << 16), `dataOffset`; the data as `data` (location).
 *
 * Response (WordCount 6): AndX block, Count u16, Available u16, CountHigh u16
 * ([MS-SMB] 2.2.4.3.2), Reserved u16.
 *   -> `count` (Count + CountHigh << 16), `available`
 * @module
 */
import { type CommandContext, expectWordCount, locate, wordCursor } from "./context.ts";

export function decodeWriteAndxRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 12, 14)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  f.fid = w.u16();
  const low = w.u32();
  f.timeout = w.u32();
  f.writeMode = w.u16();
  f.remaining = w.u16();
  const lengthHigh = w.u16();
  f.dataLengthHigh = lengthHigh;
  const length = lengthHigh * 0x10000 + w.u16();
  const dataOffset = w.u16();
  const high = ctx.cmd.wordCount === 14 ? w.u32() : 0;
  f.offset = high * 0x1_0000_0000 + low; // a number, exact up to 2^53
  f.dataLength = length;
  f.dataOffset = dataOffset;
  ctx.cmd.data = locate(ctx, "Data", dataOffset, length);
}

export function decodeWriteAndxResponse(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 6)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  const low = w.u16();
  f.available = w.u16();
  f.count = w.u16() * 0x10000 + low;
}
