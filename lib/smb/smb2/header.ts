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
import { le16, le32, toHex, TRUNCATED } from "../../bytes/cursor.ts";
import { Smb2Command } from "./commands.ts";
import type { Smb2Header } from "./types.ts";
import { flagNames, u64String } from "./wire.ts";

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

/**
 * The signature of unsigned messages, most of them. A literal, not `"0".repeat(32)`: that
 * makes a string of pieces, and one such string in an event sent `JSON.stringify` down its
 * slow path for the whole event (SMB2 events serialised in twice the time).
 */
const ZERO_SIGNATURE = "00000000000000000000000000000000";

function isZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

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
  // Fixed offsets in a length-checked view: plain reads, no cursor (this runs for every message).
  const creditCharge = le16(msg, 6);
  const status = le32(msg, 8);
  const command = le16(msg, 12);
  const credits = le16(msg, 14);
  const flags = le32(msg, 16);
  const nextCommand = le32(msg, 20);
  const messageId = u64String(le32(msg, 24), le32(msg, 28));
  const response = (flags & Smb2HeaderFlags.SERVER_TO_REDIR) !== 0;
  const async = (flags & Smb2HeaderFlags.ASYNC_COMMAND) !== 0;
  const sessionId = u64String(le32(msg, 40), le32(msg, 44));
  const signature = isZero(msg, 48, 64) ? ZERO_SIGNATURE : toHex(msg.subarray(48, 64));
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
  if (async) header.asyncId = u64String(le32(msg, 32), le32(msg, 36));
  else {
    header.processId = le32(msg, 32);
    header.treeId = le32(msg, 36);
  }
  return header;
}

/** StructureSize of the header at the start of `msg` (64 when well formed). */
export function smb2HeaderStructureSize(msg: Uint8Array): number {
  return msg.length >= 6 ? msg[4]! | (msg[5]! << 8) : 0;
}

/**
 * Whether `head` (a message's first 24 bytes or more) is a lone READ
 * response or WRITE request: the messages whose data is bulk, looked at only
 * when a consumer wants it.
 */
export function isSmb2BulkMessage(head: Uint8Array): boolean {
  if (head.length < 24 || head[0] !== 0xfe || le32(head, 20) !== 0) return false;
  const command = le16(head, 12), reply = (head[16]! & 1) !== 0;
  return (command === Smb2Command.READ && reply) || (command === Smb2Command.WRITE && !reply);
}
