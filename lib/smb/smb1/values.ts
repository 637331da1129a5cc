/**
 * Wire values as JSON-safe field values: 64-bit integers as decimal strings,
 * FILETIME ([MS-DTYP] 2.3.3), SMB_DATE/SMB_TIME ([MS-CIFS] 2.2.1.4) and
 * UTIME ([MS-CIFS] 2.2.1.4.3) as ISO 8601 strings.
 * @module
 */
import type { Cursor } from "../../bytes/cursor.ts";
import { filetimeIso, u64String } from "../../bytes/wire_values.ts";

/** A little-endian 64-bit unsigned field as a decimal string (exact at any size). */
export function readU64String(c: Cursor): string {
  const lo = c.u32(), hi = c.u32();
  return u64String(lo, hi);
}

/** A 64-bit size or offset as a number (exact up to 2^53, as JSON numbers are). */
export function readU64Number(c: Cursor): number {
  const lo = c.u32(), hi = c.u32();
  return hi * 0x1_0000_0000 + lo;
}

/** A FILETIME as an ISO string with 100-ns precision, as SMB2 gives it; 0 (never set) gives null. */
export function readFiletime(c: Cursor): string | null {
  const lo = c.u32(), hi = c.u32();
  return filetimeIso(lo, hi);
}

/** SMB_DATE and SMB_TIME (local time of the server; shown as if UTC). 0/0 gives null. */
export function smbDateTime(date: number, time: number): string | null {
  if (date === 0 && time === 0) return null;
  const year = 1980 + (date >>> 9), month = (date >>> 5) & 0x0f, day = date & 0x1f;
  const hour = time >>> 11, minute = (time >>> 5) & 0x3f, second = (time & 0x1f) * 2;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** UTIME: seconds since 1970; 0 and 0xFFFFFFFF (not specified) give null. */
export function utime(seconds: number): string | null {
  if (seconds === 0 || seconds === 0xffffffff) return null;
  return new Date(seconds * 1000).toISOString();
}
