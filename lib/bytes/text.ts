/**
 * Wire text to strings, one implementation for every protocol: UTF-16LE
 * (SMB, NTLMSSP) and single-byte Latin-1. Plain JavaScript rather than
 * `TextDecoder`: names are short, and a decoder call costs more than the
 * decoding (its first call alone took half a millisecond).
 * @module
 */

/** Code units per `String.fromCharCode` call (well under any engine's argument limit). */
const CHUNK = 4096;
/** Reused: one chunk, plus one for a surrogate pair that straddles its end. */
const UNITS = new Uint16Array(CHUNK + 1);

/**
 * UTF-16LE bytes as a string: an odd last byte is dropped and unpaired
 * surrogates become U+FFFD, as `TextDecoder("utf-16le")` does; unlike it, a
 * leading U+FEFF is kept (on the wire it is part of the name, and Wireshark
 * shows it).
 */
export function utf16le(b: Uint8Array): string {
  const n = b.length >> 1;
  let s = "", k = 0;
  for (let i = 0; i < n; i++) {
    let u = b[2 * i]! | (b[2 * i + 1]! << 8);
    if ((u & 0xf800) === 0xd800) {
      // A surrogate: kept only as a high one followed by a low one.
      const next = u <= 0xdbff && i + 1 < n ? b[2 * i + 2]! | (b[2 * i + 3]! << 8) : 0;
      if ((next & 0xfc00) === 0xdc00) {
        UNITS[k++] = u;
        u = next;
        i++;
      } else u = 0xfffd;
    }
    UNITS[k++] = u;
    if (k >= CHUNK) {
      s += String.fromCharCode.apply(null, UNITS.subarray(0, k) as unknown as number[]);
      k = 0;
    }
  }
  if (k > 0) s += String.fromCharCode.apply(null, UNITS.subarray(0, k) as unknown as number[]);
  return s;
}

/**
 * Single-byte text as ISO-8859-1: each byte one code point, so nothing is
 * lost. (`TextDecoder("latin1")` is really windows-1252.)
 */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += CHUNK) {
    s += String.fromCharCode.apply(
      null,
      b.subarray(i, Math.min(i + CHUNK, b.length)) as unknown as number[],
    );
  }
  return s;
}
