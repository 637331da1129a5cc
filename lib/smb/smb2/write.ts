/**
 * WRITE. [MS-SMB2] 2.2.21 (request), 2.2.22 (response)
 *
 * Request fields: `dataOffset`, `dataLength`, `offset` (decimal string),
 * `fileId`, `channel`, `channelName`, `remainingBytes`,
 * `writeChannelInfoLength`, `flags`, `flagNames`; the data is located by
 * `data` (offset from this message's header), never copied.
 * Response fields: `count`, `remaining`.
 * @module
 */
import type { Smb2Body } from "./body.ts";
import { channelName } from "./read.ts";
import { flagNames } from "./wire.ts";

/** Request Flags. [MS-SMB2] 2.2.21 */
export const WriteFlags = {
  WRITEFLAG_WRITE_THROUGH: 0x0000_0001,
  WRITEFLAG_WRITE_UNBUFFERED: 0x0000_0002,
} as const;

/** [MS-SMB2] 2.2.21: StructureSize 49. */
export function parseWriteRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(49);
  const dataOffset = c.u16(), dataLength = c.u32();
  f.dataOffset = dataOffset;
  f.dataLength = dataLength;
  const offset = b.u64Number();
  f.offset = offset;
  b.out.record = { kind: "write_request", offset, length: dataLength };
  b.fileId();
  const channel = c.u32();
  f.channel = channel;
  f.channelName = channelName(channel);
  f.remainingBytes = c.u32();
  c.skip(2); // WriteChannelInfoOffset
  f.writeChannelInfoLength = c.u16();
  const flags = c.u32();
  f.flags = flags;
  f.flagNames = flagNames(flags, WriteFlags);
  const data = b.location(dataOffset, dataLength, "write data");
  if (data !== undefined) b.out.data = data;
}

/** [MS-SMB2] 2.2.22: StructureSize 17, Reserved (2), Count, Remaining, channel info (2+2). */
export function parseWriteResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(17);
  c.skip(2);
  f.count = c.u32();
  f.remaining = c.u32();
}
