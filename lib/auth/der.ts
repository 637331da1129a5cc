/**
 * A minimal, bounded DER/BER reader for the GSS-API and SPNEGO tokens that
 * SESSION_SETUP carries. Every length comes off the wire, so every read is
 * checked against the bytes it claims to sit in; nothing is copied (values
 * are `subarray` views) and nothing throws: a problem is returned instead.
 *
 * Supported: all four tag classes, primitive and constructed, high tag
 * numbers (up to 4 subsequent octets), definite lengths in short form and in
 * long form with at most 4 length octets. Not supported (reported as
 * problems): indefinite lengths (BER `0x80`), longer length forms.
 * @see [X.690] 8.1.2 identifier octets, 8.1.3 length octets
 * @module
 */

/** Tag classes, [X.690] 8.1.2.2 table 1. */
export const DerClass = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;
export type DerClass = (typeof DerClass)[keyof typeof DerClass];

/** Universal tag numbers used by the auth tokens, [X.680] 8.4. */
export const DerTag = {
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  OID: 6,
  ENUMERATED: 10,
  SEQUENCE: 16,
  GENERAL_STRING: 27,
} as const;

/** Deepest nesting a reader follows; an element deeper than this is a problem. @default {32} */
export const MAX_DER_DEPTH = 32;

/** Most elements `derOutline` describes before it stops. */
const MAX_OUTLINE_ELEMENTS = 256;

/** One TLV element. `value` is a view into the bytes it was read from. */
export interface DerElement {
  cls: DerClass;
  constructed: boolean;
  tag: number;
  /** The contents octets. */
  value: Uint8Array;
  /** Offset of the identifier octet in the bytes read. */
  start: number;
  /** Offset just past the contents in the bytes read. */
  end: number;
  /** 0 for an outermost element, parent depth + 1 for its children. */
  depth: number;
}

/** Why an element could not be read. */
export interface DerProblem {
  problem: string;
}

/** Type guard for a `readElement` result. */
export function isDerProblem(r: DerElement | DerProblem): r is DerProblem {
  return "problem" in r;
}

/**
 * Reads the element starting at `offset`. Its contents must fit inside
 * `bytes` (the parent's contents, or the whole token).
 */
export function readElement(bytes: Uint8Array, offset = 0, depth = 0): DerElement | DerProblem {
  if (depth > MAX_DER_DEPTH) return { problem: `nesting deeper than ${MAX_DER_DEPTH} levels` };
  if (!(offset >= 0 && offset < bytes.length)) {
    return { problem: `no element at offset ${offset} (${bytes.length} bytes)` };
  }
  let p = offset;
  const first = bytes[p++]!;
  const cls = (first >> 6) as DerClass;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    // High-tag-number form: base-128 digits, the last one with bit 8 clear.
    tag = 0;
    for (let n = 0;; n++) {
      if (n === 4) return { problem: `tag number longer than 4 octets at offset ${offset}` };
      if (p >= bytes.length) return { problem: `tag number runs past the end at offset ${offset}` };
      const b = bytes[p++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= bytes.length) return { problem: `${tagText(cls, tag)} has no length octet` };
  const l = bytes[p++]!;
  let length = l;
  if (l === 0x80) return { problem: `${tagText(cls, tag)} has an indefinite length (BER)` };
  if (l > 0x80) {
    const n = l & 0x7f;
    if (n > 4) return { problem: `${tagText(cls, tag)} has a ${n}-octet length` };
    if (n > bytes.length - p) return { problem: `${tagText(cls, tag)} length runs past the end` };
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[p++]!;
  }
  if (length > bytes.length - p) {
    return {
      problem: `${tagText(cls, tag)} declares ${length} bytes, ${bytes.length - p} left`,
    };
  }
  return {
    cls,
    constructed,
    tag,
    value: bytes.subarray(p, p + length),
    start: offset,
    end: p + length,
    depth,
  };
}

/**
 * The elements inside a constructed element, in order. A child that cannot
 * be read ends the list and adds one problem (prefixed with `where`).
 */
export function readChildren(
  parent: DerElement,
  problems: string[],
  where: string,
): DerElement[] {
  const out: DerElement[] = [];
  for (let at = 0; at < parent.value.length;) {
    const child = readElement(parent.value, at, parent.depth + 1);
    if (isDerProblem(child)) {
      problems.push(`${where}: ${child.problem}`);
      break;
    }
    out.push(child);
    at = child.end;
  }
  return out;
}

/** Whether `el` is the given class and tag. */
export function isTag(el: DerElement, cls: DerClass, tag: number): boolean {
  return el.cls === cls && el.tag === tag;
}

/** `[APPLICATION 0]`, `[1]`, `OID`: how an element is named in problems. */
export function describeElement(el: DerElement): string {
  return tagText(el.cls, el.tag);
}

const UNIVERSAL_NAMES: Record<number, string> = {
  1: "BOOLEAN",
  2: "INTEGER",
  3: "BIT STRING",
  4: "OCTET STRING",
  5: "NULL",
  6: "OID",
  10: "ENUMERATED",
  12: "UTF8String",
  16: "SEQUENCE",
  17: "SET",
  27: "GeneralString",
};

function tagText(cls: number, tag: number): string {
  if (cls === DerClass.UNIVERSAL) return UNIVERSAL_NAMES[tag] ?? `[UNIVERSAL ${tag}]`;
  if (cls === DerClass.CONTEXT) return `[${tag}]`;
  return `[${cls === DerClass.APPLICATION ? "APPLICATION" : "PRIVATE"} ${tag}]`;
}

/**
 * An OBJECT IDENTIFIER's contents as dotted decimal, or undefined when
 * malformed (empty, a last octet with bit 8 set, an arc over 2^49).
 * [X.690] 8.19
 */
export function decodeOid(value: Uint8Array): string | undefined {
  if (value.length === 0) return undefined;
  const arcs: number[] = [];
  let arc = 0, digits = 0;
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    if (digits === 0 && b === 0x80) return undefined; // non-minimal encoding
    arc = arc * 128 + (b & 0x7f);
    if (++digits > 7) return undefined;
    if ((b & 0x80) !== 0) continue;
    if (arcs.length === 0) {
      // The first subidentifier packs two arcs: 40 * X + Y.
      const x = arc < 40 ? 0 : arc < 80 ? 1 : 2;
      arcs.push(x, arc - 40 * x);
    } else arcs.push(arc);
    arc = 0;
    digits = 0;
  }
  return digits === 0 ? arcs.join(".") : undefined;
}

/** A small INTEGER/ENUMERATED (1 to 4 octets, two's complement), or undefined. [X.690] 8.3 */
export function decodeSmallInt(value: Uint8Array): number | undefined {
  if (value.length === 0 || value.length > 4) return undefined;
  let n = 0;
  for (let i = 0; i < value.length; i++) n = n * 256 + value[i]!;
  return value[0]! & 0x80 ? n - 256 ** value.length : n;
}

/**
 * A one-line outline of a DER token, e.g. `60[06 a0[30[a0[30[06]]]]]`
 * (identifier octets in hex, children in brackets), for problems and tests.
 * Bounded: stops at `MAX_DER_DEPTH` nesting and `MAX_OUTLINE_ELEMENTS`
 * elements, noting each in `problems`. Primitive contents are not shown.
 */
export function derOutline(bytes: Uint8Array, problems: string[] = []): string {
  let budget = MAX_OUTLINE_ELEMENTS;
  const walk = (view: Uint8Array, depth: number): string => {
    const parts: string[] = [];
    for (let at = 0; at < view.length;) {
      if (budget-- <= 0) {
        problems.push(`outline stops after ${MAX_OUTLINE_ELEMENTS} elements`);
        parts.push("\u2026");
        break;
      }
      const el = readElement(view, at, depth);
      if (isDerProblem(el)) {
        problems.push(el.problem);
        parts.push("!");
        break;
      }
      const id = view[at]!.toString(16).padStart(2, "0");
      parts.push(
        el.constructed && el.value.length > 0 ? `${id}[${walk(el.value, depth + 1)}]` : id,
      );
      at = el.end;
    }
    return parts.join(" ");
  };
  return walk(bytes, 0);
}
