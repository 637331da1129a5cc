/**
 * Wire integers and times as JSON-safe values, one implementation for every
 * protocol: 64-bit integers as exact decimal strings, FILETIMEs as ISO 8601
 * with all seven fraction digits. No bigint on the way.
 * @module
 */

const TWO_32 = 0x1_0000_0000;

/** Character codes of the hex digits. */
const HEX_CODES: readonly number[] = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** Byte order of a GUID's text: the first three groups little-endian, the rest as they come. */
const GUID_BYTE_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15] as const;
/** The 36 character codes of the GUID being written, dashes in place (the function is synchronous). */
const GUID_CODES: number[] = Array.from({ length: 36 }, () => 0x2d);

/**
 * A GUID or DCE UUID in canonical lower-case 8-4-4-4-12 form: the first three
 * groups little-endian, the rest in byte order. [MS-DTYP] 2.3.4.2
 * (One flat string from character codes: joining 21 pieces made a string of
 * pieces, which `JSON.stringify` serialises on its slow path.)
 */
export function guidString(b: Uint8Array, at = 0): string {
  const codes = GUID_CODES;
  let out = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out++; // the dash stays
    const x = b[at + GUID_BYTE_ORDER[i]!]!;
    codes[out++] = HEX_CODES[x >> 4]!;
    codes[out++] = HEX_CODES[x & 15]!;
  }
  return String.fromCharCode.apply(null, codes);
}

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
/** Days between 0000-03-01 and 1970-01-01 in the proleptic Gregorian calendar. */
const DAYS_0000_03_01_TO_EPOCH = 719_468;
/** Days in 400 Gregorian years. */
const DAYS_PER_ERA = 146_097;

/** `YYYY-MM-DDTHH:MM:SS.fffffffZ`: 28 characters, written into one reused array. */
const ISO_CODES: number[] = Array.from("0000-00-00T00:00:00.0000000Z", (c) => c.charCodeAt(0));

function digits(at: number, value: number, count: number): void {
  for (let i = at + count - 1; i >= at; i--) {
    ISO_CODES[i] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
}

/**
 * A FILETIME (100-ns intervals since 1601-01-01 UTC, [MS-DTYP] 2.3.3) as ISO
 * 8601 with all seven fraction digits, e.g. `2024-05-01T10:20:30.1234567Z`.
 * Zero (no time) and values with the top bit set ("do not change" markers in
 * SET_INFO, beyond year 30828) give null.
 *
 * Calendar arithmetic rather than `Date`: the first `Date` of a process costs a
 * millisecond and more (time zone set-up), and times come in every CREATE,
 * CLOSE and QUERY_INFO response.
 */
export function filetimeIso(low: number, high: number): string | null {
  if ((low === 0 && high === 0) || high >= 0x8000_0000) return null;
  const [q, r] = divide(low >>> 0, high >>> 0, 1e5); // q counts 10-ms units
  const seconds = Math.floor(q / 100) - EPOCH_DIFF_SECONDS;
  const fraction = (q % 100) * 1e5 + r; // 100-ns units within the second
  const days = Math.floor(seconds / 86_400);
  const inDay = seconds - days * 86_400;
  // Days to a civil date (H. Hinnant's algorithm; days since 1601 keep every term positive).
  const z = days + DAYS_0000_03_01_TO_EPOCH;
  const era = Math.floor(z / DAYS_PER_ERA);
  const dayOfEra = z - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  digits(5, month, 2);
  digits(8, day, 2);
  digits(11, Math.floor(inDay / 3600), 2);
  digits(14, Math.floor(inDay / 60) % 60, 2);
  digits(17, inDay % 60, 2);
  digits(20, fraction, 7);
  if (year <= 9999) {
    digits(0, year, 4);
    return String.fromCharCode.apply(null, ISO_CODES);
  }
  // Past 9999 ISO 8601 needs the expanded form, as Date writes it: +YYYYYY.
  return `+${String(year).padStart(6, "0")}` +
    String.fromCharCode.apply(null, ISO_CODES.slice(4));
}
