/**
 * OPLOCK_BREAK: oplock and lease break notifications, acknowledgments and
 * responses, told apart by StructureSize. [MS-SMB2] 2.2.23.1 (oplock break
 * notification, 24), 2.2.23.2 (lease break notification, 44), 2.2.24.1/2.2.24.2
 * (acknowledgments, 24/36), 2.2.25.1/2.2.25.2 (responses, 24/36)
 *
 * Fields: `breakType` (`oplock` | `lease`); oplock forms: `oplockLevel`,
 * `oplockLevelName`, `fileId`; lease forms: `leaseKey` (hex), `leaseState` and
 * `leaseStateNames` (acknowledgment/response), or for the notification
 * `newEpoch`, `flags`, `flagNames`, `currentLeaseState`,
 * `currentLeaseStateNames`, `newLeaseState`, `newLeaseStateNames`,
 * `breakReason`, `accessMaskHint`, `shareMaskHint`; acknowledgment/response
 * also `leaseDuration` (decimal string).
 * @module
 */
import type { Smb2Body } from "./body.ts";
import { enumLookup, flagNames, toHex } from "./wire.ts";

/** Oplock levels (CREATE and OPLOCK_BREAK). [MS-SMB2] 2.2.13 RequestedOplockLevel */
export const OplockLevel = {
  NONE: 0x00,
  II: 0x01,
  EXCLUSIVE: 0x08,
  BATCH: 0x09,
  LEASE: 0xff,
} as const;
export const oplockLevelName: (v: number) => string = enumLookup(OplockLevel);

/** Lease state bits (0 is NONE). [MS-SMB2] 2.2.13.2.8 */
export const LeaseState = {
  READ_CACHING: 0x01,
  HANDLE_CACHING: 0x02,
  WRITE_CACHING: 0x04,
} as const;

/** Names of a lease state's bits; `["NONE"]` for 0. */
export function leaseStateNames(state: number): string[] {
  return state === 0 ? ["NONE"] : flagNames(state, LeaseState);
}

/** Lease break notification Flags. [MS-SMB2] 2.2.23.2 */
export const LeaseBreakFlags = { NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED: 0x01 } as const;

const OPLOCK_SIZE = 24, LEASE_ACK_SIZE = 36, LEASE_NOTIFY_SIZE = 44;

function oplock(b: Smb2Body): void {
  const { c, fields: f } = b;
  f.breakType = "oplock";
  const level = c.u8();
  f.oplockLevel = level;
  f.oplockLevelName = oplockLevelName(level);
  c.skip(5); // Reserved (1), Reserved2 (4)
  b.fileId();
}

function leaseAck(b: Smb2Body): void {
  const { c, fields: f } = b;
  f.breakType = "lease";
  c.skip(2); // Reserved
  f.flags = c.u32();
  f.leaseKey = toHex(c.take(16));
  const state = c.u32();
  f.leaseState = state;
  f.leaseStateNames = leaseStateNames(state);
  f.leaseDuration = b.u64();
}

function leaseNotification(b: Smb2Body): void {
  const { c, fields: f } = b;
  f.breakType = "lease";
  f.newEpoch = c.u16();
  const flags = c.u32();
  f.flags = flags;
  f.flagNames = flagNames(flags, LeaseBreakFlags);
  f.leaseKey = toHex(c.take(16));
  const current = c.u32(), next = c.u32();
  f.currentLeaseState = current;
  f.currentLeaseStateNames = leaseStateNames(current);
  f.newLeaseState = next;
  f.newLeaseStateNames = leaseStateNames(next);
  f.breakReason = c.u32();
  f.accessMaskHint = c.u32();
  f.shareMaskHint = c.u32();
}

function byStructureSize(b: Smb2Body, forms: Record<number, (b: Smb2Body) => void>): void {
  const size = b.c.u16();
  const read = forms[size];
  if (read !== undefined) return read(b);
  b.fields.structureSize = size;
  b.problem(
    "malformed",
    `StructureSize ${size} is none of the forms ${Object.keys(forms).join(", ")}`,
  );
}

/** Client to server: an acknowledgment (oplock 24, lease 36). */
export function parseOplockBreakRequest(b: Smb2Body): void {
  byStructureSize(b, { [OPLOCK_SIZE]: oplock, [LEASE_ACK_SIZE]: leaseAck });
}

/**
 * Server to client: a notification (oplock 24, lease 44; MessageId all ones,
 * `notification` true) or a response to an acknowledgment (oplock 24, lease 36).
 */
export function parseOplockBreakResponse(b: Smb2Body): void {
  b.fields.notification = b.header.messageId === "18446744073709551615";
  byStructureSize(b, {
    [OPLOCK_SIZE]: oplock,
    [LEASE_ACK_SIZE]: leaseAck,
    [LEASE_NOTIFY_SIZE]: leaseNotification,
  });
}
