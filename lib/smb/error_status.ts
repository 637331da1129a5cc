/**
 * Which answers are errors, the same for every summary, filter and page:
 * NT statuses of error severity ([MS-ERREF] 2.3), except the interim and
 * informational ones a server sends on the way to success, and SMB1 DOS
 * errors without an NT equivalent.
 * @module
 */
import { NtStatus } from "./status.ts";

/**
 * Statuses that say "not yet" or "more to come", never a failure:
 * STATUS_PENDING (an async operation is under way: the final answer follows),
 * STATUS_MORE_PROCESSING_REQUIRED (a login's next leg: SESSION_SETUP goes on),
 * STATUS_BUFFER_OVERFLOW (the data did not all fit: what came is valid, e.g. a
 * pipe read), STATUS_NO_MORE_FILES (a directory listing reached its end),
 * STATUS_NOTIFY_ENUM_DIR (a change notification: too many changes to list).
 */
export const INTERIM_STATUSES: ReadonlySet<number> = new Set([
  NtStatus.STATUS_PENDING,
  NtStatus.STATUS_MORE_PROCESSING_REQUIRED,
  NtStatus.STATUS_BUFFER_OVERFLOW,
  NtStatus.STATUS_NO_MORE_FILES,
  NtStatus.STATUS_NOTIFY_ENUM_DIR,
]);

/**
 * Whether an NT status is a failure: error severity and not interim.
 *
 * @example
 * ```ts
 * import { isErrorStatus } from "@smbscope/smbscope";
 * import * as assert from "node:assert/strict";
 * assert.equal(isErrorStatus(0xc0000022), true); // STATUS_ACCESS_DENIED
 * assert.equal(isErrorStatus(0xc0000016), false); // STATUS_MORE_PROCESSING_REQUIRED, a login's next leg
 * ```
 */
export function isErrorStatus(status: number): boolean {
  const s = status >>> 0;
  return s >>> 30 === 3 && !INTERIM_STATUSES.has(s);
}

/** What an answer says of its status (an `smb`, `tree` or `ntlm` event). */
export interface StatusOf {
  /** Whether it is an answer (requests report no status). */
  response?: boolean;
  /** The status, NT form. */
  status?: number;
  /** Its name. */
  statusName?: string;
  /** SMB1: the DOS error as sent. */
  dosError?: string;
}

/**
 * Whether an answer reports a failure: an NT error status (interim ones
 * excepted), or an SMB1 DOS error that has no NT equivalent.
 */
export function isErrorResponse(e: StatusOf): boolean {
  if (e.response === false || e.status === undefined) return false;
  if (e.dosError !== undefined && e.dosError !== "SUCCESS" && e.statusName === e.dosError) {
    return true;
  }
  return isErrorStatus(e.status);
}
