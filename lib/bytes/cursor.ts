/**
 * Bounds-checked reading of wire fields. Every read past the end of a view
 * throws the one `TRUNCATED` error, which each layer catches once at its
 * message boundary and turns into an `anomaly` event.
 * @module
 */

/** Thrown (by identity) when a field runs past the end of its view. */
export const TRUNCATED: RangeError = new RangeError("Field runs past the end of its view");

/** A forward-only reader over a byte view with one byte order. */
export class Cursor {
  #pos = 0;
  readonly #view: DataView;

  constructor(readonly bytes: Uint8Array, readonly littleEndian = true) {
    // A view over a subarray must carry the subarray's offset.
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Current offset from the start of the view. */
  get pos(): number {
    return this.#pos;
  }

  /** Bytes left after the current offset. */
  get remaining(): number {
    return this.bytes.length - this.#pos;
  }

  u8(): number {
    return this.#view.getUint8(this.#take(1));
  }
  u16(): number {
    return this.#view.getUint16(this.#take(2), this.littleEndian);
  }
  u32(): number {
    return this.#view.getUint32(this.#take(4), this.littleEndian);
  }
  /** A 64-bit unsigned field as a JS number (exact below 2^53). */
  u64(): number {
    const a = this.u32(), b = this.u32();
    return this.littleEndian ? b * 0x1_0000_0000 + a : a * 0x1_0000_0000 + b;
  }
  /** `n` bytes as a zero-copy view. */
  take(n: number): Uint8Array {
    const at = this.#take(n);
    return this.bytes.subarray(at, at + n);
  }
  skip(n: number): void {
    this.#take(n);
  }
  /** Move to an absolute offset within the view. */
  seek(offset: number): void {
    if (!(offset >= 0 && offset <= this.bytes.length)) throw TRUNCATED;
    this.#pos = offset;
  }

  #take(n: number): number {
    const at = this.#pos;
    if (!(n >= 0 && n <= this.bytes.length - at)) throw TRUNCATED;
    this.#pos = at + n;
    return at;
  }
}

/** `bytes[offset, offset + length)` as a zero-copy view; both numbers come off the wire. */
export function checkedView(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) throw TRUNCATED;
  return bytes.subarray(offset, offset + length);
}

/** Unsigned big-endian 16-bit read without a DataView (hot paths). Caller checks bounds. */
export function be16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

/** Unsigned big-endian 32-bit read without a DataView (hot paths). Caller checks bounds. */
export function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** Unsigned little-endian 16-bit read (hot paths). Caller checks bounds. */
export function le16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

/** Unsigned little-endian 32-bit read (hot paths). Caller checks bounds. */
export function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Bytes of a hex string (even length, hex digits; the caller checks). */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lower-case hex of a byte view, e.g. for signatures and GUIDs in events. */
export function toHex(b: Uint8Array, separator = ""): string {
  if (separator === "" && b.length <= MAX_FLAT_HEX_BYTES) {
    // One flat string from char codes: concatenating pairs made a chain of
    // intermediate strings per byte (ten times the memory, for every FileId).
    const codes = HEX_SCRATCH[b.length]!;
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      codes[2 * i] = HEX_DIGITS[x >> 4]!;
      codes[2 * i + 1] = HEX_DIGITS[x & 15]!;
    }
    return String.fromCharCode.apply(null, codes);
  }
  if (separator === "") return longHex(b);
  let s = "";
  for (let i = 0; i < b.length; i++) {
    if (i && separator) s += separator;
    s += HEX[b[i]!];
  }
  return s;
}

/**
 * Hex of a long view (a binary transcript piece): the digits written as bytes
 * and decoded once. Concatenating pairs allocated a string per byte, an eighth
 * of everything a dense decode allocated.
 */
function longHex(b: Uint8Array): string {
  const need = 2 * b.length;
  let digits = hexDigitBytes;
  if (digits.length < need) {
    digits = new Uint8Array(need);
    // Kept for the next call up to a size; a rarer, larger one gets its own.
    if (need <= MAX_KEPT_HEX_DIGITS) hexDigitBytes = digits;
  }
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    digits[2 * i] = HEX_DIGITS[x >> 4]!;
    digits[2 * i + 1] = HEX_DIGITS[x & 15]!;
  }
  return ASCII.decode(digits.subarray(0, need));
}
/** Hex digits are ASCII, which UTF-8 decodes as it is (to a one-byte string). */
const ASCII = new TextDecoder();
const MAX_KEPT_HEX_DIGITS = 1 << 20;
let hexDigitBytes = new Uint8Array(0);
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const HEX_DIGITS: number[] = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** Views up to this long are hex-encoded in one go (FileIds, signatures, GUIDs, keys). */
const MAX_FLAT_HEX_BYTES = 64;
/** A char-code array per length, reused (the function is synchronous). */
const HEX_SCRATCH: number[][] = Array.from(
  { length: MAX_FLAT_HEX_BYTES + 1 },
  (_, n) => new Array<number>(2 * n).fill(0),
);

/** The first bytes of a view as hex and printable ASCII, for error messages. */
export function describeBytes(b: Uint8Array, max = 8): string {
  const head = b.subarray(0, max);
  const ascii = Array.from(head, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "."))
    .join("");
  return `${toHex(head, " ")} ("${ascii}")`;
}
