/**
 * SMB_COM_LOCKING_ANDX (0x24), [MS-CIFS] 2.2.4.32. The server also sends it,
 * as a request, to break an oplock.
 *
 * Request (WordCount 8): AndX block, FID u16, TypeOfLock u8, NewOpLockLevel
 * u8, Timeout u32, NumberOfRequestedUnlocks u16, NumberOfRequestedLocks u16;
 * Bytes: Unlocks[], Locks[], each LOCKING_ANDX_RANGE32 (PID u16, ByteOffset
 * u32, LengthInBytes u32) or, with LARGE_FILES, LOCKING_ANDX_RANGE64 (PID u16,
 * Pad u16, ByteOffsetHigh u32, ByteOffsetLow u32, LengthInBytesHigh u32,
 * LengthInBytesLow u32).
 *   -> `fid`, `typeOfLock`, `typeOfLockNames`, `oplockBreak` (OPLOCK_RELEASE),
 *   `newOplockLevel`, `timeout`, `numberOfUnlocks`, `numberOfLocks`,
 *   `unlocks` and `locks` ({pid, offset, length}, offsets and lengths as
 *   decimal strings; at most MAX_LISTED_RANGES of each are listed)
 * Response (WordCount 2): the AndX block only, no fields.
 * @module
 */
import type { Cursor } from "../../bytes/cursor.ts";
import type { JsonValue } from "../json.ts";
import {
  byteCursor,
  type CommandContext,
  expectWordCount,
  problem,
  wordCursor,
} from "./context.ts";

/** TypeOfLock bits, [MS-CIFS] 2.2.4.32.1. */
export const LockType = {
  SHARED_LOCK: 0x01,
  OPLOCK_RELEASE: 0x02,
  CHANGE_LOCKTYPE: 0x04,
  CANCEL_LOCK: 0x08,
  LARGE_FILES: 0x10,
} as const;

/** Ranges listed per array; the counts are always reported in full. */
export const MAX_LISTED_RANGES = 64;

function u64(high: number, low: number): string {
  return high === 0 ? String(low) : ((BigInt(high) << 32n) | BigInt(low)).toString();
}

function readRanges(c: Cursor, count: number, large: boolean): JsonValue[] {
  const out: JsonValue[] = [];
  for (let i = 0; i < count; i++) {
    const pid = c.u16();
    let offset: string, length: string;
    if (large) {
      c.skip(2);
      const offHigh = c.u32(), offLow = c.u32(), lenHigh = c.u32(), lenLow = c.u32();
      offset = u64(offHigh, offLow);
      length = u64(lenHigh, lenLow);
    } else {
      offset = String(c.u32());
      length = String(c.u32());
    }
    if (out.length < MAX_LISTED_RANGES) out.push({ pid, offset, length });
  }
  return out;
}

export function decodeLockingRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 8)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  f.fid = w.u16();
  const type = w.u8();
  f.typeOfLock = type;
  f.typeOfLockNames = Object.entries(LockType).filter(([, bit]) => (type & bit) !== 0).map(([n]) =>
    n
  );
  f.oplockBreak = (type & LockType.OPLOCK_RELEASE) !== 0;
  f.newOplockLevel = w.u8();
  f.timeout = w.u32();
  const unlocks = w.u16(), locks = w.u16();
  f.numberOfUnlocks = unlocks;
  f.numberOfLocks = locks;
  const large = (type & LockType.LARGE_FILES) !== 0;
  const size = large ? 20 : 10;
  const b = byteCursor(ctx);
  if ((unlocks + locks) * size > b.remaining) {
    problem(
      ctx,
      "malformed",
      `${unlocks} unlocks and ${locks} locks need ${
        (unlocks + locks) * size
      } bytes, ${b.remaining} present`,
    );
    return;
  }
  f.unlocks = readRanges(b, unlocks, large);
  f.locks = readRanges(b, locks, large);
}

export function decodeLockingResponse(ctx: CommandContext): void {
  expectWordCount(ctx, 2);
}
