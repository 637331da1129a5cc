/**
 * Wire integers and times as JSON-safe values, one implementation for every
 * protocol: 64-bit integers as exact decimal strings, FILETIMEs as ISO 8601
 * with all seven fraction digits. No bigint on the way.
 * @module
 */

const TWO_32 = 0x1_0000_0000;

/**
 * `high * 2^32 + low` divided by `d` (at most 2^20), exactly: quotient (below
 * 2^53 for any d of at least 2^11) and remainder, by long division on the halves.
 */
function divide(low: number, high: number, d: number): [number, number] {
  const hiQ = Math.floor(high / d), hiR = high % d;
  const mid = hiR * TWO_32 + low; // < d * 2^32 <= 2^52: exact
  return [hiQ * TWO_32 + Math.floor(mid / d), mid % d];
}

/** A 64-bit unsigned value from its two 32-bit halves, as a decimal string (exact). */
export function u64String(low: number, high: number): string {
  if (high < 0x20_0000) return String(high * TWO_32 + low); // below 2^53: exact as a number
  const [q, r] = divide(low, high, 1e6);
  return String(q) + String(r).padStart(6, "0");
}

/** Seconds between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFF_SECONDS = 11_644_473_600;

/**
 * A FILETIME (100-ns intervals since 1601-01-01 UTC, [MS-DTYP] 2.3.3) as ISO
 * 8601 with all seven fraction digits, e.g. `2024-05-01T10:20:30.1234567Z`.
 * Zero (no time) and values with the top bit set ("do not change" markers in
 * SET_INFO, beyond year 30828) give null.
 */
export function filetimeIso(low: number, high: number): string | null {
  if ((low === 0 && high === 0) || high >= 0x8000_0000) return null;
  const [q, r] = divide(low >>> 0, high >>> 0, 1e5); // q counts 10-ms units
  const seconds = Math.floor(q / 100);
  const fraction = (q % 100) * 1e5 + r; // 100-ns units within the second
  const iso = new Date((seconds - EPOCH_DIFF_SECONDS) * 1000).toISOString();
  return `${iso.slice(0, -5)}.${String(fraction).padStart(7, "0")}Z`;
}
