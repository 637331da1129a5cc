/**
 * Strings and times as NTLMSSP and SPNEGO carry them.
 * @module
 */
import { filetimeIso } from "../bytes/wire_values.ts";

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

/**
 * A FILETIME (two little-endian 32-bit halves) as ISO 8601 UTC with all seven
 * fraction digits, e.g. `2026-11-23T18:56:54.5563480Z`. [MS-DTYP] 2.3.3
 */
export function filetimeToIso(low: number, high: number): string {
  return filetimeIso(low, high) ?? "1601-01-01T00:00:00.0000000Z";
}
