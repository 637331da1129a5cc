/** Test-only: hex literals for test vectors (spaces and line breaks ignored) and back. */
import { toHex } from "../../lib/bytes/cursor.ts";

/** Bytes from hex written as the sources print it ("01 23 45", "0x0123"). */
export function unhex(s: string): Uint8Array {
  const digits = s.replace(/0x|\s/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`Not hex: ${s}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** Lower-case hex, for assertions that print readable diffs. */
export const hex = (b: Uint8Array): string => toHex(b);

/** ASCII bytes. */
export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
