/**
 * READ. [MS-SMB2] 2.2.19 (request), 2.2.20 (response)
 *
 * Request fields: `padding`, `flags`, `flagNames`, `length`, `offset`
 * (decimal string), `fileId`, `minimumCount`, `channel`, `channelName`,
 * `remainingBytes`, `readChannelInfoLength`.
 * Response fields: `dataOffset`, `dataLength`, `dataRemaining`, `flags`; the
 * data is located by `data` (offset from this message's header), never copied.
 * @module
 */
import type { Smb2Body } from "./body.ts";
import { enumLookup, flagNames } from "./wire.ts";

/** Request Flags. [MS-SMB2] 2.2.19 */
export const ReadFlags = {
  READFLAG_READ_UNBUFFERED: 0x01,
  READFLAG_REQUEST_COMPRESSED: 0x02,
} as const;

/** Channel (READ and WRITE). [MS-SMB2] 2.2.19 */
export const Channel = {
  NONE: 0x0000_0000,
  RDMA_V1: 0x0000_0001,
  RDMA_V1_INVALIDATE: 0x0000_0002,
  RDMA_TRANSFORM: 0x0000_0003,
} as const;
export const channelName: (v: number) => string = enumLookup(Channel, 8);

/** [MS-SMB2] 2.2.19: StructureSize 49. */
export function parseReadRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(49);
  f.padding = c.u8();
  const flags = c.u8();
  f.flags = flags;
  f.flagNames = flagNames(flags, ReadFlags);
  const length = c.u32(), offset = b.u64Number();
  f.length = length;
  f.offset = offset;
  b.out.record = { kind: "read_request", offset, length };
  b.fileId();
  f.minimumCount = c.u32();
  const channel = c.u32();
  f.channel = channel;
  f.channelName = channelName(channel);
  f.remainingBytes = c.u32();
  c.skip(2); // ReadChannelInfoOffset
  f.readChannelInfoLength = c.u16();
}

/** [MS-SMB2] 2.2.20: StructureSize 17, DataOffset (1), Reserved (1), DataLength, DataRemaining, Flags. */
export function parseReadResponse(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(17);
  const dataOffset = c.u8();
  c.skip(1);
  const dataLength = c.u32();
  f.dataOffset = dataOffset;
  f.dataLength = dataLength;
  const data = b.location(dataOffset, dataLength, "read data");
  if (data !== undefined) b.out.data = data;
  f.dataRemaining = c.u32();
  f.flags = c.u32();
}
