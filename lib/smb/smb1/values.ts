/**
 * Wire values as JSON-safe field values: 64-bit integers as decimal strings,
 * FILETIME ([MS-DTYP] 2.3.3), SMB_DATE/SMB_TIME ([MS-CIFS] 2.2.1.4) and
 * UTIME ([MS-CIFS] 2.2.1.4.3) as ISO 8601 strings.
 * @module
 */
import type { Cursor } from "../../bytes/cursor.ts";

/** A little-endian 64-bit unsigned field as a decimal string (exact at any size). */
export function readU64String(c: Cursor): string {
  const lo = c.u32(), hi = c.u32();
  return hi === 0 ? String(lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** 100 ns intervals between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFF_MS = 11_644_473_600_000;
/** Largest time a JS Date holds. */
const MAX_DATE_MS = 8.64e15;

/** A FILETIME as an ISO string; 0 (never set) and values a Date cannot hold give null. */
export function readFiletime(c: Cursor): string | null {
  const lo = c.u32(), hi = c.u32();
  if (lo === 0 && hi === 0) return null;
  const ms = Math.floor((hi * 0x1_0000_0000 + lo) / 10_000) - EPOCH_DIFF_MS;
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return null;
  return new Date(ms).toISOString();
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
