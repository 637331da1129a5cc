/**
 * The 64-byte SMB2 packet header, sync and async forms. [MS-SMB2] 2.2.1
 *
 * ```
 * 0  ProtocolId (0xFE 'SMB')   4  StructureSize (64)   6  CreditCharge
 * 8  Status | ChannelSequence (2) + Reserved (2)       12 Command
 * 14 CreditRequest/CreditResponse                      16 Flags
 * 20 NextCommand               24 MessageId (8)
 * 32 sync: Reserved/ProcessId (4), TreeId (4) | async: AsyncId (8)
 * 40 SessionId (8)             48 Signature (16)
 * ```
 * @module
 */
import { Cursor, toHex, TRUNCATED } from "../../bytes/cursor.ts";
import type { Smb2Header } from "./types.ts";
import { flagNames, readU64 } from "./wire.ts";

/** Size of the header; StructureSize must say so. */
export const SMB2_HEADER_SIZE = 64;

/** Header flags. [MS-SMB2] 2.2.1.2 Flags */
export const Smb2HeaderFlags = {
  SERVER_TO_REDIR: 0x0000_0001,
  ASYNC_COMMAND: 0x0000_0002,
  RELATED_OPERATIONS: 0x0000_0004,
  SIGNED: 0x0000_0008,
  /** Three bits of I/O priority (SMB 3.1.1); a value, not a flag. */
  PRIORITY_MASK: 0x0000_0070,
  DFS_OPERATIONS: 0x1000_0000,
  REPLAY_OPERATION: 0x2000_0000,
} as const;

const { PRIORITY_MASK: _, ...FLAG_BITS } = Smb2HeaderFlags;

/** Flag names of a header's Flags, the priority bits left out (they are a value). */
export function smb2HeaderFlagNames(flags: number): string[] {
  return flagNames(flags & ~Smb2HeaderFlags.PRIORITY_MASK, FLAG_BITS);
}

/**
 * Reads the header at the start of `msg`; `offset` is where `msg` begins in its
 * NBSS message. Throws `TRUNCATED` when fewer than 64 bytes are present.
 */
export function readSmb2Header(msg: Uint8Array, offset: number): Smb2Header {
  if (msg.length < SMB2_HEADER_SIZE) throw TRUNCATED;
  const c = new Cursor(msg);
  c.skip(4); // ProtocolId, checked by the caller
  c.skip(2); // StructureSize, checked by the caller
  const creditCharge = c.u16();
  const status = c.u32();
  const command = c.u16();
  const credits = c.u16();
  const flags = c.u32();
  const nextCommand = c.u32();
  const messageId = readU64(c);
  const response = (flags & Smb2HeaderFlags.SERVER_TO_REDIR) !== 0;
  const async = (flags & Smb2HeaderFlags.ASYNC_COMMAND) !== 0;
  let asyncId: string | undefined;
  let processId: number | undefined;
  let treeId: number | undefined;
  if (async) {
    asyncId = readU64(c);
  } else {
    processId = c.u32();
    treeId = c.u32();
  }
  const sessionId = readU64(c);
  const signature = toHex(c.take(16));
  const header: Smb2Header = {
    offset,
    creditCharge,
    status,
    command,
    credits,
    flags,
    response,
    async,
    related: (flags & Smb2HeaderFlags.RELATED_OPERATIONS) !== 0,
    signed: (flags & Smb2HeaderFlags.SIGNED) !== 0,
    priority: (flags & Smb2HeaderFlags.PRIORITY_MASK) >>> 4,
    dfs: (flags & Smb2HeaderFlags.DFS_OPERATIONS) !== 0,
    replay: (flags & Smb2HeaderFlags.REPLAY_OPERATION) !== 0,
    nextCommand,
    messageId,
    sessionId,
    signature,
  };
  // Requests (3.x) carry ChannelSequence in the low half of the Status field.
  if (!response) header.channelSequence = status & 0xffff;
  if (asyncId !== undefined) header.asyncId = asyncId;
  if (processId !== undefined) header.processId = processId;
  if (treeId !== undefined) header.treeId = treeId;
  return header;
}

/** StructureSize of the header at the start of `msg` (64 when well formed). */
export function smb2HeaderStructureSize(msg: Uint8Array): number {
  return msg.length >= 6 ? msg[4]! | (msg[5]! << 8) : 0;
}
