/**
 * Wire types shared by the SMB2 command readers, turned into JSON-safe values:
 * 64-bit integers as decimal strings, GUIDs in canonical form, FILETIMEs as
 * ISO 8601, UTF-16LE strings, and bit sets as lists of names.
 * [MS-DTYP] 2.3.3 (FILETIME), 2.3.4 (GUID)
 * @module
 */
import { Cursor, toHex } from "../../bytes/cursor.ts";
import { utf16le } from "../../bytes/text.ts";
import { filetimeIso, guidString, u64String } from "../../bytes/wire_values.ts";

export { filetimeIso, guidString, u64String };

/** Reads a little-endian 64-bit unsigned field as a decimal string. */
export function readU64(c: Cursor): string {
  const low = c.u32(), high = c.u32();
  return u64String(low, high);
}

/** A 64-bit size, offset or count as a number (exact up to 2^53, as JSON numbers are). */
export function readU64Number(c: Cursor): number {
  const low = c.u32(), high = c.u32();
  return high * 0x1_0000_0000 + low;
}

/** Reads a 16-byte GUID in canonical lower-case 8-4-4-4-12 form. */
export function readGuid(c: Cursor): string {
  return guidString(c.take(16));
}

/** Reads an 8-byte FILETIME as ISO 8601 (null for zero). */
export function readFiletime(c: Cursor): string | null {
  const low = c.u32(), high = c.u32();
  return filetimeIso(low, high);
}

/** UTF-16LE bytes as a string (a trailing odd byte is ignored); copies, keeps no view. */
export const utf16: (b: Uint8Array) => string = utf16le;

/** UTF-16LE up to (not including) the first NUL code unit, within `b`. */
export function utf16z(b: Uint8Array): string {
  let end = 0;
  while (end + 1 < b.length && (b[end] !== 0 || b[end + 1] !== 0)) end += 2;
  return utf16(b.subarray(0, end));
}

/** A name table for a bit set: `{NAME: bit}`. */
export type FlagTable = Readonly<Record<string, number>>;

const ENTRIES = new WeakMap<FlagTable, [string, number][]>();

/** Names of the bits set in `value`; bits not in the table appear as `0x...`. */
export function flagNames(value: number, table: FlagTable): string[] {
  const names: string[] = [];
  if (value === 0) return names;
  let entries = ENTRIES.get(table);
  if (entries === undefined) ENTRIES.set(table, entries = Object.entries(table));
  let rest = value >>> 0;
  for (const [name, bit] of entries) {
    if (bit !== 0 && (value & bit) >>> 0 === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16).padStart(8, "0")}`);
  return names;
}

/** An enumeration's name table: `{NAME: value}` -> lookup that always returns a string. */
export function enumLookup(
  table: Readonly<Record<string, number>>,
  digits = 2,
): (value: number) => string {
  const names = new Map<number, string>(Object.entries(table).map(([n, v]) => [v, n]));
  return (value: number) =>
    names.get(value) ?? `UNKNOWN_0x${value.toString(16).padStart(digits, "0")}`;
}

/** Round up to a multiple of 8 (SMB2 compounds, contexts and lists are 8-byte aligned). */
export function align8(n: number): number {
  return n + 7 - ((n + 7) % 8);
}

export { Cursor, toHex };
