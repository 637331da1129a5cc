/**
 * MD4 ([RFC 1320]), needed only for the NT hash (NTOWFv1) and the NTLMv1
 * SessionBaseKey. Hand-written because neither @noble/hashes 2.4.0 (its
 * legacy.js has MD5, SHA-1 and RIPEMD-160, no MD4) nor Web Crypto has it.
 * MD4 is broken as a hash; it is here only because NTLM is built on it.
 * @module
 */

/**
 * The MD4 digest of `data`.
 * @param data The bytes to hash (not modified).
 * @returns The 16-byte digest.
 * @example RFC 1320 A.5
 * ```ts
 * import { md4 } from "./md4.ts";
 * const digest = md4(new TextEncoder().encode("abc"));
 * if (digest[0] !== 0xa4 || digest[15] !== 0x9d) throw new Error("not MD4");
 * ```
 */
export function md4(data: Uint8Array): Uint8Array {
  // Padding (RFC 1320 3.1-3.2): 0x80, zeros to 56 mod 64, then the bit length as 64-bit LE.
  const blocks = Math.floor((data.length + 8) / 64) + 1;
  const padded = new Uint8Array(blocks * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const bits = data.length * 8;
  const at = padded.length - 8;
  for (let i = 0; i < 4; i++) padded[at + i] = (bits >>> (8 * i)) & 0xff;
  const high = Math.floor(data.length / 0x20000000); // bits above 2^32
  for (let i = 0; i < 4; i++) padded[at + 4 + i] = (high >>> (8 * i)) & 0xff;

  let a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
  const x = new Int32Array(16);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) {
      const p = block + 4 * i;
      x[i] = padded[p]! | (padded[p + 1]! << 8) | (padded[p + 2]! << 16) | (padded[p + 3]! << 24);
    }
    const aa = a, bb = b, cc = c, dd = d;
    // Round 1: F(x, y, z) = xy | ~x z
    for (const i of [0, 4, 8, 12]) {
      a = rotl(a + ((b & c) | (~b & d)) + x[i]!, 3);
      d = rotl(d + ((a & b) | (~a & c)) + x[i + 1]!, 7);
      c = rotl(c + ((d & a) | (~d & b)) + x[i + 2]!, 11);
      b = rotl(b + ((c & d) | (~c & a)) + x[i + 3]!, 19);
    }
    // Round 2: G(x, y, z) = xy | xz | yz, plus 0x5a827999
    for (const i of [0, 1, 2, 3]) {
      a = rotl(a + ((b & c) | (b & d) | (c & d)) + x[i]! + 0x5a827999, 3);
      d = rotl(d + ((a & b) | (a & c) | (b & c)) + x[i + 4]! + 0x5a827999, 5);
      c = rotl(c + ((d & a) | (d & b) | (a & b)) + x[i + 8]! + 0x5a827999, 9);
      b = rotl(b + ((c & d) | (c & a) | (d & a)) + x[i + 12]! + 0x5a827999, 13);
    }
    // Round 3: H(x, y, z) = x ^ y ^ z, plus 0x6ed9eba1
    for (const i of [0, 2, 1, 3]) {
      a = rotl(a + (b ^ c ^ d) + x[i]! + 0x6ed9eba1, 3);
      d = rotl(d + (a ^ b ^ c) + x[i + 8]! + 0x6ed9eba1, 9);
      c = rotl(c + (d ^ a ^ b) + x[i + 4]! + 0x6ed9eba1, 11);
      b = rotl(b + (c ^ d ^ a) + x[i + 12]! + 0x6ed9eba1, 15);
    }
    a = (a + aa) | 0, b = (b + bb) | 0, c = (c + cc) | 0, d = (d + dd) | 0;
  }
  const out = new Uint8Array(16);
  [a, b, c, d].forEach((word, w) => {
    for (let i = 0; i < 4; i++) out[4 * w + i] = (word >>> (8 * i)) & 0xff;
  });
  return out;
}

function rotl(v: number, s: number): number {
  v |= 0;
  return (v << s) | (v >>> (32 - s));
}
