/**
 * RC4, needed only to unwrap NTLM's EncryptedRandomSessionKey ([MS-NLMP]
 * 3.1.5.1.2, 3.2.5.1.2). Hand-written because @noble/ciphers 2.4.0 has no
 * RC4 (it offers AES, ChaCha and Salsa only) and Web Crypto has none.
 * @module
 */

/**
 * RC4 of `data` under `key` from the start of the keystream (encryption and
 * decryption are the same operation).
 * @param key 1 to 256 bytes.
 * @param data The bytes to transform (not modified).
 * @returns A new array of `data.length` bytes.
 * @throws {RangeError} When the key is empty or longer than 256 bytes.
 * @example The RFC 6229 40-bit key, first bytes of its keystream
 * ```ts
 * import { rc4 } from "./rc4.ts";
 * const stream = rc4(new Uint8Array([1, 2, 3, 4, 5]), new Uint8Array(2));
 * if (stream[0] !== 0xb2 || stream[1] !== 0x39) throw new Error("not RC4");
 * ```
 */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length < 1 || key.length > 256) {
    throw new RangeError(`Cannot use an RC4 key of ${key.length} bytes: 1 to 256 are allowed`);
  }
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}
