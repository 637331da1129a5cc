/**
 * The real security blobs in fixtures/auth/blobs.json (extracted by
 * fixtures/auth/extract.py with tshark) and helpers to read tshark's fields.
 * @module
 */

/** One extracted blob and tshark's decode of its frame. */
export interface BlobCase {
  name: string;
  why: string;
  capture: string;
  frame: number;
  blob: string;
  /** tshark `-T json -e …` layers: field → values (strings; tokens shortened to {length, head}). */
  tshark: Record<string, unknown[]>;
}

const doc = JSON.parse(
  Deno.readTextFileSync(new URL("../../fixtures/auth/blobs.json", import.meta.url)),
) as { cases: BlobCase[] };

export const CASES: BlobCase[] = doc.cases;

/** The case named `name` (throws on a typo). */
export function blobCase(name: string): BlobCase {
  const c = CASES.find((c) => c.name === name);
  if (c === undefined) throw new Error(`no blob case ${name}`);
  return c;
}

/** Hex to bytes. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The case's blob as bytes. */
export function blobOf(name: string): Uint8Array {
  return fromHex(blobCase(name).blob);
}

/** tshark's values of one field (empty when tshark did not show it). */
export function field(c: BlobCase, name: string): string[] {
  return (c.tshark[name] ?? []) as string[];
}

/** tshark's single value of a field, or undefined. */
export function one(c: BlobCase, name: string): string | undefined {
  const v = field(c, name);
  if (v.length > 1) throw new Error(`${c.name}: ${name} has ${v.length} values`);
  return v[0];
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** tshark's "Nov 23, 2026 18:56:54.556348000 UTC" as "2026-11-23T18:56:54.5563480Z" (FILETIME precision). */
export function tsharkTimeToIso(s: string): string {
  const m = /^(\w{3}) +(\d+), (\d{4}) (\d\d:\d\d:\d\d)\.(\d{9}) UTC$/.exec(s);
  if (m === null) throw new Error(`unexpected tshark time ${s}`);
  const month = String(MONTHS.indexOf(m[1]!) + 1).padStart(2, "0");
  return `${m[3]}-${month}-${m[2]!.padStart(2, "0")}T${m[4]}.${m[5]!.slice(0, 7)}Z`;
}

/**
 * Byte length of an NTLMSSP LM/NT response or session key as tshark shows it.
 * For an empty field tshark 4.0 prints the field's own 8-byte (Len, MaxLen,
 * Offset) header instead, whose Len is 0; undefined when tshark shows nothing.
 */
export function tsharkBlobLength(hex: string | undefined): number | undefined {
  if (hex === undefined) return undefined;
  if (hex.length === 16 && hex.startsWith("00000000")) return 0;
  return hex.length / 2;
}
