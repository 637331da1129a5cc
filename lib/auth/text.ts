/**
 * Strings and times as NTLMSSP and SPNEGO carry them.
 * @module
 */

const UTF16LE = new TextDecoder("utf-16le");

/** UTF-16LE to a string (unpaired surrogates become U+FFFD); an odd last byte is dropped. */
export function utf16le(b: Uint8Array): string {
  return UTF16LE.decode(b.subarray(0, b.length & ~1));
}

/**
 * OEM (single-byte) text as ISO-8859-1: each byte is one code point, so
 * nothing is lost. (TextDecoder's "latin1" is really windows-1252.)
 */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode(...b.subarray(i, Math.min(i + 4096, b.length)));
  }
  return s;
}

/** 100-ns intervals from 1601-01-01 to 1970-01-01. */
const EPOCH_DIFF = 116444736000000000n;
const TICKS_PER_SECOND = 10000000n;

/**
 * A FILETIME (100-ns intervals since 1601-01-01 UTC, as two little-endian
 * 32-bit halves) as ISO 8601 UTC with all seven fraction digits, e.g.
 * `2026-11-23T18:56:54.5563480Z`. [MS-DTYP] 2.3.3
 */
export function filetimeToIso(low: number, high: number): string {
  const ticks = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  const rel = ticks - EPOCH_DIFF;
  let secs = rel / TICKS_PER_SECOND;
  let frac = rel % TICKS_PER_SECOND;
  if (frac < 0n) {
    frac += TICKS_PER_SECOND;
    secs -= 1n;
  }
  // Every FILETIME (years 1601 to 30828) is within Date's range.
  const day = new Date(Number(secs) * 1000).toISOString(); // "…T18:56:54.000Z"
  return `${day.slice(0, -5)}.${frac.toString().padStart(7, "0")}Z`;
}
