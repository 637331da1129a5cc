/**
 * Structures of the directory replication interface `drsuapi` [MS-DRSR]
 * that more than one call carries: DSNAME (a naming context or object by
 * name, GUID and SID), DRS_EXTENSIONS, USN vectors and the vectors and
 * prefix tables read past. The interface itself is `drsuapi` in drsuapi.ts.
 * IDL: [MS-DRSR] 7 (Appendix A); structures 5.
 * @module
 */
import { utf16le } from "../../bytes/text.ts";
import { MAX_STRING_CHARS, NdrError, type NdrReader } from "../ndr.ts";
import { structAlign } from "./common.ts";

/** A DSNAME: the object's distinguished name, GUID and SID (each null when absent). */
export interface DsName {
  stringName: string | null;
  guid: string | null;
  sid: string | null;
}

/** A binary SID of `length` bytes at the start of `b` as `S-1-...`, or null if it does not fit. */
function binarySid(b: Uint8Array, length: number): string | null {
  if (length < 8 || length > b.length) return null;
  const count = b[1]!;
  if (8 + 4 * count > length) return null;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[i]!;
  let s = `S-${b[0]}-${authority}`;
  for (let i = 0; i < count; i++) {
    const at = 8 + 4 * i;
    s += `-${(b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0}`;
  }
  return s;
}

/**
 * A DSNAME pointee ([MS-DRSR] 5.50): a conformant structure, so the
 * conformance (NameLen + 1 characters) comes first. The GUID is null when
 * zero, the SID when SidLen is 0, the name when NameLen is 0.
 */
export function dsName(r: NdrReader): DsName {
  const chars = r.count(2);
  r.align(4);
  r.u32(); // structLen
  const sidLen = r.u32();
  const guid = r.guid();
  const sidBytes = r.bytesView(28);
  const nameLen = r.u32();
  // StringName holds NameLen + 1 characters (the last a NUL).
  if (nameLen > chars) throw new NdrError(`DSNAME: NameLen ${nameLen}, ${chars} characters`);
  r.align(2);
  const raw = r.bytesView(2 * chars);
  if (nameLen > MAX_STRING_CHARS) r.cut++;
  const name = utf16le(raw.subarray(0, 2 * Math.min(nameLen, MAX_STRING_CHARS)));
  return {
    stringName: nameLen === 0 ? null : name,
    guid: guid === "00000000-0000-0000-0000-000000000000" ? null : guid,
    sid: sidLen === 0 ? null : binarySid(sidBytes, sidLen),
  };
}

/**
 * A DRS_EXTENSIONS pointee ([MS-DRSR] 5.39): a conformant structure (`cb`,
 * then `cb` bytes, which DRS_EXTENSIONS_INT reads as little-endian fields).
 * Its size, and dwFlags when it has one.
 */
export function extensions(r: NdrReader): { cb: number; flags: number | null } {
  const n = r.count(1);
  const cb = r.u32();
  const rgb = r.bytesView(n);
  const flags = n >= 4
    ? (rgb[0]! | (rgb[1]! << 8) | (rgb[2]! << 16) | (rgb[3]! << 24)) >>> 0
    : null;
  return { cb, flags };
}

/** A USN_VECTOR ([MS-DRSR] 5.210): its three update sequence numbers as decimal strings. */
export function usnVector(
  r: NdrReader,
): { usnHighObjUpdate: string; usnReserved: string; usnHighPropUpdate: string } {
  return {
    usnHighObjUpdate: r.u64String(),
    usnReserved: r.u64String(),
    usnHighPropUpdate: r.u64String(),
  };
}

/**
 * An UPTODATE_VECTOR_V1_EXT pointee ([MS-DRSR] 5.204), read past: the
 * conformance, the header, then cursors of a UUID and a USN each.
 */
export function skipUpToDateVectorV1(r: NdrReader): void {
  const n = r.count(24);
  r.align(8);
  r.u32(); // dwVersion
  r.u32(); // dwReserved1
  if (r.u32() !== n) throw new NdrError("UPTODATE_VECTOR_V1_EXT: cNumCursors differs");
  r.u32(); // dwReserved2
  r.bytesView(24 * n);
}

/**
 * A PARTIAL_ATTR_VECTOR_V1_EXT pointee ([MS-DRSR] 5.144): the attribute
 * types it lists (DCSync tools name the secrets they want here).
 */
export function partialAttributes(r: NdrReader): number[] {
  const n = r.count(4);
  r.u32(); // dwVersion
  r.u32(); // dwReserved1
  if (r.u32() !== n) throw new NdrError("PARTIAL_ATTR_VECTOR_V1_EXT: cAttrs differs");
  return r.array(n, 4, () => r.u32());
}

/**
 * A SCHEMA_PREFIX_TABLE embedded in a structure ([MS-DRSR] 5.180): its count
 * now, its entries (and their OID bytes) read past at the caller's flush.
 */
export function skipPrefixTable(r: NdrReader): void {
  structAlign(r);
  r.u32(); // PrefixCount
  if (r.pointer() === 0) return;
  r.defer(() => {
    const n = r.count(r.ndr64 ? 24 : 12);
    for (let i = 0; i < n; i++) {
      structAlign(r);
      r.u32(); // ndx
      structAlign(r); // OID_t
      r.u32(); // length
      if (r.pointer() !== 0) r.defer(() => r.bytesView(r.count(1)));
    }
  });
}

/** A VAR_SIZE_BUFFER_WITH_VERSION pointee ([MS-DRSR] 5.213), read past. */
export function skipVarSizeBuffer(r: NdrReader): void {
  const n = r.count(1);
  r.align(8);
  r.u32(); // ulVersion
  r.u32(); // cbByteBuffer
  r.u64(); // ullPadding
  r.bytesView(n);
}
