/**
 * Readers that several argument decoders of this folder share: NDR idioms
 * (structure and union alignment, varying arrays, arrays of pointers,
 * optional parameters, pointees read at the flush), the request and
 * response shapes that many operations have, names of enum values, the SID
 * and RPC_UNICODE_STRING arrays of SAMR and LSA, and the LAN Manager
 * information structures of srvsvc, wkssvc and atsvc. Private to this
 * folder: `mod.ts` lists the interfaces, not these.
 * @module
 */
import { utf16le } from "../../bytes/text.ts";
import { MAX_KEPT_ITEMS, MAX_STRING_CHARS, NdrError, type NdrReader } from "../ndr.ts";
import type { RpcArguments } from "./types.ts";

// ---------------------------------------------------------------- NDR idioms

/** Aligns to a structure holding pointers (8 bytes in NDR64). */
export const structAlign = (r: NdrReader): void => r.align(r.ndr64 ? 8 : 4);

/** The type of a union's discriminant: a DWORD, or an enum (2 bytes in NDR 2.0, 4 in NDR64). */
type Discriminant = "dword" | "enum";

/**
 * The discriminant of a union whose arms hold pointers, which NDR64 aligns
 * to the arms' 8 bytes ([MS-RPCE] 2.2.5.3.4.2).
 */
export function unionSwitch(r: NdrReader, type: Discriminant = "dword"): number {
  if (r.ndr64) r.align(8);
  return type === "enum" ? r.enum16() : r.u32();
}

/** {@link unionSwitch}, then the arm aligned to 8 in NDR64 too (a structure of pointers or hypers). */
export function unionArm(r: NdrReader, type: Discriminant = "dword"): number {
  const v = unionSwitch(r, type);
  if (r.ndr64) r.align(8);
  return v;
}

/**
 * A conformant varying array's counts (maximum, offset, actual), checked as
 * the reader checks its strings: the actual count, of elements of at least
 * `minBytes` each.
 */
export function varyingCount(r: NdrReader, minBytes: number): number {
  const max = r.count(0);
  const offset = r.count(0);
  const actual = r.count(minBytes);
  if (offset + actual > max) {
    throw new NdrError(`varying array: offset ${offset} + actual ${actual} > maximum ${max}`);
  }
  return actual;
}

/** A conformant varying array of `size`-byte elements, read past (e.g. an RPC_SHORT_BLOB's). */
export function skipVaryingArray(r: NdrReader, size: number): void {
  const actual = varyingCount(r, size);
  r.align(size);
  r.bytesView(actual * size);
}

/** A `[size_is(n)] BYTE*` pointee (conformance, then the bytes), read past: the byte count. */
export function byteArrayLength(r: NdrReader): number {
  const n = r.count(1);
  r.bytesView(n);
  return n;
}

/**
 * A `[size_is(n)] BYTE*` pointee that holds UTF-16 text (a path, a
 * directory): the text up to its first NUL, at most MAX_STRING_CHARS
 * characters.
 */
export function utf16Bytes(r: NdrReader): string {
  const text = utf16le(r.bytesView(r.count(1)).subarray(0, 2 * MAX_STRING_CHARS));
  const nul = text.indexOf("\0");
  return nul < 0 ? text : text.slice(0, nul);
}

/**
 * A conformant array of embedded pointers (its conformance next, or `n`
 * given, as for a varying array) whose pointees `read` reads at the
 * caller's flush: the values, null for a null pointer; the first
 * MAX_KEPT_ITEMS kept.
 */
export function pointerArray<T>(
  r: NdrReader,
  read: () => T,
  n: number = r.count(r.ndr64 ? 8 : 4),
): (T | null)[] {
  const out: (T | null)[] = [];
  r.array(n, r.ndr64 ? 8 : 4, (i) => {
    if (i < MAX_KEPT_ITEMS) out.push(null);
    if (r.pointer() !== 0) {
      r.defer(() => {
        const v = read();
        if (i < out.length) out[i] = v;
      });
    }
  });
  return out;
}

/** The characters of a `[string] wchar_t*` pointee (UTF-16). */
export const wide = (r: NdrReader): string => r.wstring();
/** The characters of a `[string] char*` pointee (8-bit, read as Latin-1). */
export const ansi = (r: NdrReader): string => r.cstring();

/**
 * An embedded pointer whose pointee `read` reads at the caller's flush into
 * `out[key]` (null until then, and for a null pointer).
 */
export function deferInto(
  r: NdrReader,
  out: RpcArguments,
  key: string,
  read: (r: NdrReader) => unknown,
): void {
  out[key] = null;
  if (r.pointer() !== 0) r.defer(() => void (out[key] = read(r)));
}

// ---------------------------------------------------------------- parameters and responses

/** A top-level `[string, unique]` string (UTF-16 unless `text` says otherwise), or null. */
export const optionalString = (r: NdrReader, text = wide): string | null =>
  r.pointer() === 0 ? null : text(r);

/** A top-level `[unique] DWORD*` (LPDWORD), or null. */
export const optionalDword = (r: NdrReader): number | null => r.pointer() === 0 ? null : r.u32();

/**
 * A top-level `[unique]` pointer to one WCHAR (the server "name" of
 * SamrConnect, LsarOpenPolicy and winreg's OpenXxx): the character, "" for
 * a NUL, null for a null pointer.
 */
export function optionalWchar(r: NdrReader): string | null {
  if (r.pointer() === 0) return null;
  const c = r.u16();
  return c === 0 ? "" : String.fromCharCode(c);
}

/**
 * A top-level `[in] PRPC_UNICODE_STRING` (a [ref] pointer; RRP_UNICODE_STRING
 * has the same layout): the structure and its characters at once; null when
 * the buffer pointer is null.
 */
export function unicodeStringParameter(r: NdrReader): string | null {
  let s: string | null = null;
  r.unicodeString((v) => (s = v));
  r.flush();
  return s;
}

/** A request or response of only a context handle. */
export const handleOnly = (r: NdrReader): RpcArguments => ({ handle: r.contextHandle() });
/** A response of a context handle and the return value. */
export const handleResponse = (r: NdrReader): RpcArguments => ({
  handle: r.contextHandle(),
  returnValue: r.u32(),
});
/** A response of only the return value. */
export const returnOnly = (r: NdrReader): RpcArguments => ({ returnValue: r.u32() });

/**
 * An enum value's constant name from `names` (a table by value, or a list
 * of the names from `first`), or the number when it has none.
 */
export const named = (
  names: Readonly<Record<number, string>>,
  v: number,
  first = 0,
): string | number => names[v - first] ?? v;

// ---------------------------------------------------------------- SAMR and LSA arrays

/**
 * A `{ Count; [size_is(Count)] PSID_INFORMATION Sids }` structure whose
 * flat part is next (SAMPR_PSID_ARRAY, LSAPR_SID_ENUM_BUFFER, ...): each
 * element a pointer to an RPC_SID; the SIDs (null for a null pointer).
 */
export function sidArray(r: NdrReader): (string | null)[] {
  structAlign(r);
  r.u32(); // Count / Entries
  let sids: (string | null)[] = [];
  if (r.pointer() !== 0) r.defer(() => (sids = pointerArray(r, () => r.sid())));
  r.flush();
  return sids;
}

/**
 * A conformant array of RPC_UNICODE_STRING (its conformance next): the
 * strings, their characters read at the caller's flush (null for a null
 * buffer).
 */
export function unicodeStringArray(r: NdrReader, out: (string | null)[]): void {
  const n = r.count(r.ndr64 ? 16 : 8);
  for (let i = 0; i < n; i++) {
    const at = out.length;
    if (at < MAX_KEPT_ITEMS) out.push(null);
    r.unicodeString((s) => {
      if (at < MAX_KEPT_ITEMS) out[at] = s;
    });
  }
  if (n > MAX_KEPT_ITEMS) r.cut++;
}

// ---------------------------------------------------------------- LAN Manager structures

/**
 * One field of an information structure as laid out on the wire: `s` a
 * `[string] wchar_t*` (emitted), `-s` one read past (a share password),
 * `u` a DWORD, `i` a long, `-u` a DWORD not emitted, `b` an unsigned char,
 * `p` a DWORD_PTR (4 bytes, 8 in NDR64), `sd` a pointer to
 * `size_is(previous DWORD)` bytes (a security descriptor, read past).
 */
export type FieldKind = "s" | "-s" | "u" | "i" | "-u" | "b" | "p" | "sd";
/**
 * A structure's fields in wire order, with their output names (srvsvc's,
 * wkssvc's and atsvc's information structures share these shapes).
 */
export type Layout = readonly (readonly [string, FieldKind])[];

/** Reads one structure's flat part now and defers its strings; fills `out`. */
export function readStruct(r: NdrReader, layout: Layout, out: RpcArguments): void {
  if (r.ndr64) r.align(8); // NDR64 aligns a structure with pointers to 8, start and end
  for (const [name, kind] of layout) {
    switch (kind) {
      case "u":
        out[name] = r.u32();
        break;
      case "i":
        out[name] = r.i32();
        break;
      case "-u":
        r.u32();
        break;
      case "b":
        out[name] = r.u8();
        break;
      case "p":
        out[name] = r.ndr64 ? r.u64() : r.u32();
        break;
      case "s":
      case "-s":
        if (kind === "s") out[name] = null;
        if (r.pointer() !== 0) {
          r.defer(() => {
            const s = r.wstring();
            if (kind === "s") out[name] = s;
          });
        }
        break;
      case "sd":
        if (r.pointer() !== 0) r.defer(() => void r.bytesView(r.count(1)));
        break;
    }
  }
  if (r.ndr64) r.align(8);
}

/** Bytes of one element's flat part, at least (for the count check). */
const flatSize = (r: NdrReader, layout: Layout): number =>
  layout.reduce(
    (n, [, k]) => n + (k === "b" ? 1 : k === "u" || k === "i" || k === "-u" ? 4 : r.ndr64 ? 8 : 4),
    0,
  );

/**
 * A `..._ENUM_STRUCT`: Level, the union's discriminant and arm (a pointer to a
 * container of EntriesRead and a pointer to the array). Strings are read
 * with the structure (the caller flushes). An unknown level's container is
 * not read: the result has `level` only and `known` false.
 */
function enumStruct(
  r: NdrReader,
  layouts: Readonly<Record<number, Layout>>,
): { level: number; entriesRead: number | null; entries: RpcArguments[] | null; known: boolean } {
  if (r.ndr64) r.align(8);
  const level = r.u32();
  // The union's discriminant (the same Level).
  const arm = unionSwitch(r);
  const layout = layouts[arm];
  const out = { level, entriesRead: null as number | null, entries: null as RpcArguments[] | null };
  if (!layout) return { ...out, known: false };
  if (r.pointer() === 0) return { ...out, known: true };
  r.defer(() => {
    if (r.ndr64) r.align(8);
    out.entriesRead = r.u32();
    if (r.pointer() === 0) return;
    r.defer(() => {
      const size = flatSize(r, layout);
      const n = r.count(size);
      out.entries = r.array(n, size, () => {
        const e: RpcArguments = {};
        readStruct(r, layout, e);
        return e;
      });
    });
  });
  r.flush();
  return { ...out, known: true };
}

/**
 * An enumeration's request: the `[string,unique]` names before the
 * enumeration structure, then its level, the maximum length (named as the
 * IDL spells it) and the resume handle.
 */
export function enumRequest(
  r: NdrReader,
  layouts: Readonly<Record<number, Layout>>,
  names: readonly string[],
  lengthName = "preferedMaximumLength",
): RpcArguments {
  const out: RpcArguments = {};
  for (const name of names) out[name] = optionalString(r);
  const info = enumStruct(r, layouts);
  out.level = info.level;
  if (!info.known) return out;
  out[lengthName] = r.u32();
  out.resumeHandle = optionalDword(r);
  return out;
}

/** An enumeration's response: entries, total, resume handle, status. */
export function enumResponse(
  r: NdrReader,
  layouts: Readonly<Record<number, Layout>>,
): RpcArguments {
  const info = enumStruct(r, layouts);
  if (!info.known) return { level: info.level };
  return {
    level: info.level,
    count: info.entriesRead,
    entries: info.entries,
    totalEntries: r.u32(),
    resumeHandle: optionalDword(r),
    returnValue: r.u32(),
  };
}

/** The platform ids of SERVER_INFO_100-102 and WKSTA_INFO_100-102, [MS-SRVS] 2.2.4.40. */
const PLATFORM: Readonly<Record<number, string>> = {
  300: "PLATFORM_ID_DOS",
  400: "PLATFORM_ID_OS2",
  500: "PLATFORM_ID_NT",
  600: "PLATFORM_ID_OSF",
  700: "PLATFORM_ID_VMS",
};

/**
 * The response of a GetInfo call: an `[out, switch_is(Level)]` information
 * union (the discriminant, then a unique pointer to the structure), then the
 * return value. An unknown level gives `level` only; a `platformId` is named.
 */
export function infoResponse(layouts: Readonly<Record<number, Layout>>) {
  return (r: NdrReader): RpcArguments => {
    const level = unionSwitch(r);
    const layout = layouts[level];
    if (!layout) return { level };
    let info: RpcArguments | null = null;
    if (r.pointer() !== 0) {
      info = {};
      readStruct(r, layout, info);
      r.flush();
      if (typeof info.platformId === "number") info.platformId = named(PLATFORM, info.platformId);
    }
    return { level, info, returnValue: r.u32() };
  };
}
