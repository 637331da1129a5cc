/**
 * LOCK. [MS-SMB2] 2.2.26 (request), 2.2.27 (response)
 *
 * Request fields: `lockCount`, `lockSequenceNumber`, `lockSequenceIndex`,
 * `fileId`, `locks` (each `offset`, `length` as decimal strings, `flags`,
 * `flagNames`; at most `MAX_LOCKS` listed). Response: none.
 * @module
 */
import type { JsonValue } from "../json.ts";
import type { Smb2Body } from "./body.ts";
import { flagNames, readU64 } from "./wire.ts";

/** Lock elements listed per request; a larger LockCount is a problem and the rest are skipped. */
export const MAX_LOCKS = 64;

/** SMB2_LOCK_ELEMENT Flags. [MS-SMB2] 2.2.26.1 */
export const LockFlags = {
  SHARED_LOCK: 0x0000_0001,
  EXCLUSIVE_LOCK: 0x0000_0002,
  UNLOCK: 0x0000_0004,
  FAIL_IMMEDIATELY: 0x0000_0010,
} as const;

/** [MS-SMB2] 2.2.26: StructureSize 48 (one lock element included). */
export function parseLockRequest(b: Smb2Body): void {
  const { c, fields: f } = b;
  b.structureSize(48);
  const count = c.u16();
  f.lockCount = count;
  const sequence = c.u32();
  f.lockSequenceNumber = sequence & 0xf;
  f.lockSequenceIndex = sequence >>> 4;
  b.fileId();
  const locks: JsonValue[] = [];
  f.locks = locks;
  if (count > MAX_LOCKS) {
    b.problem("malformed", `LockCount ${count}; only the first ${MAX_LOCKS} listed`);
  }
  for (let i = 0; i < Math.min(count, MAX_LOCKS); i++) {
    const offset = readU64(c), length = readU64(c), flags = c.u32();
    c.skip(4); // Reserved
    locks.push({ offset, length, flags, flagNames: flagNames(flags, LockFlags) });
  }
}

/** [MS-SMB2] 2.2.27: StructureSize 4. */
export function parseLockResponse(b: Smb2Body): void {
  b.structureSize(4);
}
