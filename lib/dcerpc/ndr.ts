/**
 * A small reader of NDR (Network Data Representation) stubs, transfer syntax
 * NDR 2.0 and NDR64, for the argument decoders in `interfaces/`. Stubs come
 * from the attacker: every count is checked against the bytes that remain
 * before anything is read or allocated, pointer nesting is capped, and every
 * fault is one {@link NdrError} that the caller turns into an anomaly.
 * C706 chapter 14 (NDR), [MS-RPCE] 2.2.5 (NDR64), [MS-DTYP] 2.4.2.3 (RPC_SID).
 * @module
 */
import { toHex } from "../bytes/cursor.ts";
import { latin1, utf16le } from "../bytes/text.ts";
import { guidString, u64String } from "../bytes/wire_values.ts";

/** A malformed or over-budget stub. Thrown inside decoders, caught where they are called. */
export class NdrError extends Error {
  override readonly name = "NdrError";
}

/** How deep deferred pointers may nest (a chain deeper than this is hostile or a cycle). */
export const MAX_POINTER_DEPTH = 32;
/** Items kept of one decoded array (the rest are read past, and the array is marked cut). */
export const MAX_KEPT_ITEMS = 256;
/** Characters kept of one string. */
export const MAX_STRING_CHARS = 4096;

/** Options of an {@link NdrReader}. */
export interface NdrOptions {
  /** NDR64 (8-byte pointers and sizes) rather than NDR 2.0. */
  ndr64?: boolean;
  /** Byte order from the PDU's data representation (little-endian unless it says otherwise). */
  littleEndian?: boolean;
}

/**
 * A forward-only reader of one stub. Pointers embedded in structures are
 * read in two steps as NDR lays them out: the structure's flat part calls
 * {@link defer} with the code that reads the pointee, and {@link flush}
 * (after the structure, or after the array of structures) runs those in
 * order, depth first.
 *
 * @example A [unique] string pointer, then a DWORD
 * ```ts
 * import { NdrReader } from "./ndr.ts";
 * const r = new NdrReader(new Uint8Array(24));
 * const name = r.pointer() ? r.wstring() : null;
 * const flags = r.u32();
 * ```
 */
export class NdrReader {
  #pos = 0;
  readonly #view: DataView;
  readonly #le: boolean;
  /** Pointees waiting to be read, in order. */
  #deferred: (() => void)[] = [];
  #depth = 0;
  /** Arrays and strings cut to what is kept (the output says so). */
  cut = 0;

  constructor(readonly bytes: Uint8Array, readonly options: NdrOptions = {}) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#le = options.littleEndian ?? true;
  }

  /** NDR64 transfer syntax. */
  get ndr64(): boolean {
    return this.options.ndr64 === true;
  }
  /** Offset from the start of the stub. */
  get pos(): number {
    return this.#pos;
  }
  /** Bytes left. */
  get remaining(): number {
    return this.bytes.length - this.#pos;
  }

  /** Skip to the next multiple of `n` (NDR aligns each primitive to its size). */
  align(n: number): void {
    const to = (this.#pos + n - 1) & ~(n - 1);
    if (to > this.bytes.length) throw new NdrError(`stub ends at ${this.bytes.length}`);
    this.#pos = to;
  }
  u8(): number {
    return this.#view.getUint8(this.#take(1, 1));
  }
  u16(): number {
    return this.#view.getUint16(this.#take(2, 2), this.#le);
  }
  u32(): number {
    return this.#view.getUint32(this.#take(4, 4), this.#le);
  }
  i32(): number {
    return this.#view.getInt32(this.#take(4, 4), this.#le);
  }
  /** An unsigned hyper as a number (exact below 2^53; larger values lose precision). */
  u64(): number {
    const at = this.#take(8, 8);
    const a = this.#view.getUint32(at, this.#le), b = this.#view.getUint32(at + 4, this.#le);
    return this.#le ? b * 0x1_0000_0000 + a : a * 0x1_0000_0000 + b;
  }
  /** An unsigned hyper as an exact decimal string. */
  u64String(): string {
    const at = this.#take(8, 8);
    const a = this.#view.getUint32(at, this.#le), b = this.#view.getUint32(at + 4, this.#le);
    return this.#le ? u64String(a, b) : u64String(b, a);
  }
  /** An enum: 2 bytes in NDR 2.0 (4 with [v1_enum]), 4 bytes in NDR64. */
  enum16(): number {
    return this.ndr64 ? this.u32() : this.u16();
  }
  /** `n` bytes, unaligned, as a view. */
  bytesView(n: number): Uint8Array {
    const at = this.#take(n, 1);
    return this.bytes.subarray(at, at + n);
  }
  /** `n` bytes as lower-case hex. */
  hex(n: number): string {
    return toHex(this.bytesView(n));
  }
  /** A GUID (aligned as its first DWORD). */
  guid(): string {
    this.align(4);
    return guidString(this.bytesView(16));
  }
  /** A context handle: 4 bytes of attributes and a GUID, as 40 hex digits. */
  contextHandle(): string {
    this.align(4);
    return this.hex(20);
  }

  /**
   * A pointer's referent id (0 for null). For [unique] and [ptr] pointers,
   * and [ref] pointers embedded in structures; a top-level [ref] pointer
   * has nothing on the wire and must not be read with this.
   */
  pointer(): number {
    if (!this.ndr64) return this.u32();
    const at = this.#take(8, 8);
    return (this.#view.getUint32(at, true) | this.#view.getUint32(at + 4, true)) === 0 ? 0 : 1;
  }

  /**
   * A conformance, offset or actual count (4 bytes, 8 in NDR64) that sizes
   * what follows, checked: `count * minBytes` must fit in what remains.
   */
  count(minBytes = 1): number {
    const n = this.ndr64 ? this.u64() : this.u32();
    this.checkCount(n, minBytes);
    return n;
  }

  /** Throws unless `n` elements of at least `minBytes` each can fit in what remains. */
  checkCount(n: number, minBytes: number): void {
    if (n * minBytes > this.remaining) {
      throw new NdrError(`count ${n} exceeds the ${this.remaining} bytes left`);
    }
  }

  /**
   * A conformant varying string of UTF-16 code units (`[string] wchar_t*`
   * pointee, or the buffer of an RPC_UNICODE_STRING): maximum count, offset,
   * actual count, then the units. One trailing NUL is dropped.
   */
  wstring(): string {
    const units = this.#varying(2);
    return this.#text(units, 2);
  }
  /** The same with 8-bit characters (`[string] char*`), read as Latin-1. */
  cstring(): string {
    const units = this.#varying(1);
    return this.#text(units, 1);
  }

  /** A conformant varying array of `size`-byte elements: its element count (after the three counts). */
  #varying(size: number): number {
    const max = this.count(0);
    const offset = this.count(0);
    const actual = this.count(size);
    if (offset + actual > max) {
      throw new NdrError(`varying array: offset ${offset} + actual ${actual} > maximum ${max}`);
    }
    return actual;
  }

  #text(units: number, size: number): string {
    this.align(size);
    const raw = this.bytesView(units * size);
    let n = units;
    if (n > 0 && (size === 2 ? raw[2 * n - 2] === 0 && raw[2 * n - 1] === 0 : raw[n - 1] === 0)) {
      n--;
    }
    if (n > MAX_STRING_CHARS) {
      n = MAX_STRING_CHARS;
      this.cut++;
    }
    return size === 2 ? utf16le(raw.subarray(0, 2 * n)) : latin1(raw.subarray(0, n));
  }

  /**
   * An RPC_UNICODE_STRING embedded in a structure: lengths and a pointer
   * now, the characters when the structure's pointees are flushed. `set`
   * receives the string (never called for a null buffer). [MS-DTYP] 2.3.10
   */
  unicodeString(set: (s: string) => void): void {
    // The structure aligns as its pointer: 4 bytes, 8 in NDR64.
    this.align(this.ndr64 ? 8 : 4);
    const length = this.u16();
    this.u16(); // maximum length
    if (this.pointer() === 0) return;
    this.defer(() => {
      const s = this.wstring();
      // Length counts bytes without the NUL the varying array may carry.
      set(s.length * 2 > length ? s.slice(0, length >> 1) : s);
    });
  }

  /** A conformant RPC_SID as `S-1-5-...` (its conformance, then the structure). [MS-DTYP] 2.4.2.3 */
  sid(): string {
    const count = this.count(4);
    const revision = this.u8();
    const subCount = this.u8();
    if (subCount !== count) {
      throw new NdrError(`SID: ${subCount} sub-authorities, conformance says ${count}`);
    }
    const auth = this.bytesView(6);
    let authority = 0;
    for (const b of auth) authority = authority * 256 + b;
    let s = `S-${revision}-${authority}`;
    for (let i = 0; i < subCount; i++) s += `-${this.u32()}`;
    return s;
  }

  /**
   * `n` elements read by `item` (the count already checked against
   * `minBytes` each); keeps the first {@link MAX_KEPT_ITEMS} and reads past
   * the rest.
   */
  array<T>(n: number, minBytes: number, item: (i: number) => T): T[] {
    this.checkCount(n, minBytes);
    const kept: T[] = [];
    for (let i = 0; i < n; i++) {
      const v = item(i);
      if (i < MAX_KEPT_ITEMS) kept.push(v);
    }
    if (n > MAX_KEPT_ITEMS) this.cut++;
    return kept;
  }

  /** Read a pointee later, when {@link flush} is called (pointers embedded in structures). */
  defer(read: () => void): void {
    this.#deferred.push(read);
  }

  /** Read the deferred pointees, in order; each one's own pointees right after it. */
  flush(): void {
    if (this.#deferred.length === 0) return;
    if (++this.#depth > MAX_POINTER_DEPTH) {
      throw new NdrError(`pointers nest deeper than ${MAX_POINTER_DEPTH}`);
    }
    const queue = this.#deferred;
    this.#deferred = [];
    for (const read of queue) {
      read();
      this.flush();
    }
    this.#depth--;
  }

  /** Offset of `size` bytes at the next multiple of `align`, advancing past them. */
  #take(size: number, align: number): number {
    let at = this.#pos;
    if (align > 1) at = (at + align - 1) & ~(align - 1);
    if (at + size > this.bytes.length) {
      throw new NdrError(`stub ends at ${this.bytes.length}, field needs ${at + size}`);
    }
    this.#pos = at + size;
    return at;
  }
}
