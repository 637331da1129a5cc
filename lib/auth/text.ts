/**
 * Strings and times as NTLMSSP and SPNEGO carry them.
 * @module
 */
import { filetimeIso } from "../bytes/wire_values.ts";

export { latin1, utf16le } from "../bytes/text.ts";

/**
 * A FILETIME (two little-endian 32-bit halves) as ISO 8601 UTC with all seven
 * fraction digits, e.g. `2026-11-23T18:56:54.5563480Z`. [MS-DTYP] 2.3.3
 */
export function filetimeToIso(low: number, high: number): string {
  return filetimeIso(low, high) ?? "1601-01-01T00:00:00.0000000Z";
}
