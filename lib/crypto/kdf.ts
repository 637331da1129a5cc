/**
 * The NIST SP 800-108 key derivation in counter mode with HMAC-SHA256, as
 * [MS-SMB2] 3.1.4.2 uses it for the SMB 3.x keys. Hand-written (a few lines
 * over @noble/hashes' HMAC) because @noble/hashes 2.4.0 has HKDF and PBKDF2
 * but not SP 800-108, and Web Crypto is asynchronous.
 * @module
 */
import { hmac } from "npm:@noble/hashes@2.4.0/hmac.js";
import { sha256 } from "npm:@noble/hashes@2.4.0/sha2.js";

/**
 * SP 800-108 section 5.1 (counter mode, r = 32, counter before the fixed
 * input): K(i) = HMAC-SHA256(Ki, [i]_4 || fixedInput), i = 1, 2, ..., and the
 * first `bytes` bytes of K(1) || K(2) || ....
 * @param key The key-derivation key Ki.
 * @param fixedInput The fixed input data, whatever its layout.
 * @param bytes How many output bytes.
 * @returns `bytes` bytes.
 * @example
 * ```ts
 * import { kdfCounterHmacSha256Raw } from "./kdf.ts";
 * kdfCounterHmacSha256Raw(new Uint8Array(32), new Uint8Array(60), 16).length; // 16
 * ```
 */
export function kdfCounterHmacSha256Raw(
  key: Uint8Array,
  fixedInput: Uint8Array,
  bytes: number,
): Uint8Array {
  const out = new Uint8Array(bytes);
  const counter = new Uint8Array(4);
  for (let i = 1, at = 0; at < bytes; i++, at += 32) {
    new DataView(counter.buffer).setUint32(0, i);
    const block = hmac.create(sha256, key).update(counter).update(fixedInput).digest();
    out.set(block.subarray(0, Math.min(32, bytes - at)), at);
  }
  return out;
}

/**
 * SP 800-108 counter-mode KDF with HMAC-SHA256 and r = 32, with the fixed
 * input laid out as [MS-SMB2] 3.1.4.2 and SP 800-108 5.1 do:
 * K = HMAC(Ki, [i]_4 || label || 0x00 || context || [L]_4), big-endian counters.
 * SMB's labels and contexts carry their own terminating NUL ("SMB2AESCMAC\0"),
 * so the label is followed by two zero bytes; pass them as SMB specifies.
 * @param key The key-derivation key (the session key).
 * @param label The label bytes.
 * @param context The context bytes.
 * @param bits L, the output length in bits.
 * @returns L / 8 bytes.
 * @example The SMB 3.0 signing key
 * ```ts
 * import { kdfCounterHmacSha256 } from "./kdf.ts";
 * const ascii = (s: string) => new TextEncoder().encode(s);
 * const sessionKey = new Uint8Array(16);
 * kdfCounterHmacSha256(sessionKey, ascii("SMB2AESCMAC\0"), ascii("SmbSign\0"), 128).length; // 16
 * ```
 */
export function kdfCounterHmacSha256(
  key: Uint8Array,
  label: Uint8Array,
  context: Uint8Array,
  bits: 128 | 256,
): Uint8Array {
  const fixed = new Uint8Array(label.length + 1 + context.length + 4);
  fixed.set(label, 0);
  fixed.set(context, label.length + 1);
  new DataView(fixed.buffer).setUint32(fixed.length - 4, bits);
  return kdfCounterHmacSha256Raw(key, fixed, bits / 8);
}
