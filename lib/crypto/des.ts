/**
 * DES block encryption (FIPS 46-3), needed only for the LM hash and the
 * NTLMv1 responses and keys ([MS-NLMP] 3.3.1, 3.4.5.1, section 6 DES/DESL).
 * Hand-written because @noble/ciphers 2.4.0 has no DES or 3DES and Web
 * Crypto has none. Encryption only (NTLM never decrypts), and written for
 * clarity rather than speed: a login costs a handful of blocks.
 * @module
 */

// FIPS 46-3 tables, bit positions counted from 1 at the most significant bit.
// deno-fmt-ignore
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
  62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
  61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
// deno-fmt-ignore
const FP = [
  40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31,
  38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
  36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
  34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];
// deno-fmt-ignore
const E = [
  32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11,
  12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21, 20, 21,
  22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];
// deno-fmt-ignore
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
  2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
];
// deno-fmt-ignore
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
  10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
  14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
// deno-fmt-ignore
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10,
  23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48,
  44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
// deno-fmt-ignore
const S = [
  [
    14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
    0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
    15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,
  ],
  [
    15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
    3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
    13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,
  ],
  [
    10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
    13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
    1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,
  ],
  [
    7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
    13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
    3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,
  ],
  [
    2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
    14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
    11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,
  ],
  [
    12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
    10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
    4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,
  ],
  [
    4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
    13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
    6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,
  ],
  [
    13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
    1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
    2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
  ],
];

/** Bytes as an array of bits, most significant first. */
function toBits(bytes: Uint8Array): number[] {
  const bits: number[] = [];
  for (const b of bytes) for (let i = 7; i >= 0; i--) bits.push((b >> i) & 1);
  return bits;
}

function permute(bits: number[], table: number[]): number[] {
  return table.map((position) => bits[position - 1]!);
}

/**
 * Encrypts one 8-byte block with DES under an 8-byte key (parity bits ignored).
 * @param key 8 bytes; the low bit of each is parity and not used.
 * @param block 8 bytes of plaintext.
 * @returns 8 bytes of ciphertext.
 * @throws {RangeError} When the key or block is not 8 bytes.
 * @example FIPS 81 Appendix B, first ECB block
 * ```ts
 * import { desEncryptBlock } from "./des.ts";
 * const key = new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
 * const out = desEncryptBlock(key, new TextEncoder().encode("Now is t"));
 * if (out[0] !== 0x3f || out[7] !== 0x15) throw new Error("not DES");
 * ```
 */
export function desEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  if (key.length !== 8 || block.length !== 8) {
    throw new RangeError(
      `Cannot DES-encrypt: key and block must be 8 bytes (got ${key.length} and ${block.length})`,
    );
  }
  // Key schedule: PC-1 into C and D, rotate each per round, PC-2 picks 48 bits.
  let cd = permute(toBits(key), PC1);
  const subkeys: number[][] = [];
  for (const shift of SHIFTS) {
    const c = cd.slice(0, 28), d = cd.slice(28);
    cd = [...c.slice(shift), ...c.slice(0, shift), ...d.slice(shift), ...d.slice(0, shift)];
    subkeys.push(permute(cd, PC2));
  }
  const ip = permute(toBits(block), IP);
  let left = ip.slice(0, 32), right = ip.slice(32);
  for (const k of subkeys) {
    const x = permute(right, E).map((bit, i) => bit ^ k[i]!);
    const sOut: number[] = [];
    for (let box = 0; box < 8; box++) {
      const six = x.slice(6 * box, 6 * box + 6);
      const row = (six[0]! << 1) | six[5]!;
      const col = (six[1]! << 3) | (six[2]! << 2) | (six[3]! << 1) | six[4]!;
      const v = S[box]![16 * row + col]!;
      for (let i = 3; i >= 0; i--) sOut.push((v >> i) & 1);
    }
    const f = permute(sOut, P);
    [left, right] = [right, left.map((bit, i) => bit ^ f[i]!)];
  }
  const out = permute([...right, ...left], FP); // the last round is not swapped
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 64; i++) bytes[i >> 3]! |= out[i]! << (7 - (i & 7));
  return bytes;
}

/**
 * Spreads a 7-byte (56-bit) key over 8 bytes, 7 bits each with a zero parity
 * bit, as NTLM's DES() does ([MS-NLMP] section 6; "str_to_key" in Samba).
 * @param key7 7 bytes.
 * @returns The 8-byte DES key.
 * @throws {RangeError} When `key7` is not 7 bytes.
 * @example
 * ```ts
 * import { desKeyFrom56Bits } from "./des.ts";
 * desKeyFrom56Bits(new Uint8Array(7).fill(0xff)); // eight 0xfe bytes
 * ```
 */
export function desKeyFrom56Bits(key7: Uint8Array): Uint8Array {
  if (key7.length !== 7) {
    throw new RangeError(`Cannot expand a ${key7.length}-byte DES key: need 7`);
  }
  const bits = toBits(key7);
  const key = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    let v = 0;
    for (let j = 0; j < 7; j++) v = (v << 1) | bits[7 * i + j]!;
    key[i] = v << 1;
  }
  return key;
}
