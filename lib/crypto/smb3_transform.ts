/**
 * Decrypting and building SMB2 TRANSFORM messages ([MS-SMB2] 2.2.41,
 * 3.1.4.3, 3.2.5.1.1.1): AES-CCM from ./aes_ccm.ts, AES-GCM from
 * @noble/ciphers (loaded on demand: `loadCiphers()` in ./aes.ts).
 * @module
 */
import { aes } from "./aes.ts";
import { le32 } from "../bytes/cursor.ts";
import { aesCcmOpen, aesCcmSeal } from "./aes_ccm.ts";

/** The SMB 3.x ciphers ([MS-SMB2] 2.2.3.1.2 CipherId 1-4). */
export type Smb3Cipher = "AES-128-CCM" | "AES-128-GCM" | "AES-256-CCM" | "AES-256-GCM";

/** TRANSFORM header length; the encrypted message follows it. */
export const TRANSFORM_HEADER_SIZE = 52;
/** Where the authenticated part of the header starts: Nonce through SessionId is the AAD. */
const AAD_START = 20;
const SIGNATURE = 4;
const NONCE = 20;
const ORIGINAL_SIZE = 36;

function nonceLength(cipher: Smb3Cipher): number {
  return cipher.endsWith("CCM") ? 11 : 12;
}

function checkKey(cipher: Smb3Cipher, key: Uint8Array): void {
  const want = cipher.startsWith("AES-256") ? 32 : 16;
  if (key.length !== want) {
    throw new RangeError(`Cannot use a ${key.length}-byte key with ${cipher}: it needs ${want}`);
  }
}

/**
 * Decrypts one TRANSFORM message: the 52-byte header (0xFD 'SMB', Signature,
 * Nonce, OriginalMessageSize, Flags/EncryptionAlgorithm, SessionId) and the
 * ciphertext. The AAD is header bytes 20..52, the nonce the first 11 (CCM)
 * or 12 (GCM) bytes of the Nonce field, the tag the Signature field; the
 * ciphertext is OriginalMessageSize bytes (bytes after it are ignored).
 * @param cipher The connection's cipher (3.0 and 3.0.2: AES-128-CCM).
 * @param key The session's key for the message's direction: client->server
 *   messages use Smb3Keys.encryptionKey, server->client ones decryptionKey.
 * @param message The whole TRANSFORM message (not modified).
 * @returns The decrypted SMB2 message(s), or undefined when the message is
 *   short, not a TRANSFORM, or fails its tag. Never throws on the message.
 * @throws {RangeError} When the key length does not suit the cipher (caller misuse).
 * @example
 * ```ts
 * import { decryptTransform } from "./smb3_transform.ts";
 * decryptTransform("AES-128-GCM", new Uint8Array(16), new Uint8Array(10)); // undefined: too short
 * ```
 */
export function decryptTransform(
  cipher: Smb3Cipher,
  key: Uint8Array,
  message: Uint8Array,
): Uint8Array | undefined {
  checkKey(cipher, key);
  if (
    message.length < TRANSFORM_HEADER_SIZE || message[0] !== 0xfd || message[1] !== 0x53 ||
    message[2] !== 0x4d || message[3] !== 0x42
  ) return undefined;
  const size = le32(message, ORIGINAL_SIZE);
  if (size > message.length - TRANSFORM_HEADER_SIZE) return undefined;
  const aad = message.subarray(AAD_START, TRANSFORM_HEADER_SIZE);
  const nonce = message.subarray(NONCE, NONCE + nonceLength(cipher));
  const tag = message.subarray(SIGNATURE, SIGNATURE + 16);
  const ciphertext = message.subarray(TRANSFORM_HEADER_SIZE, TRANSFORM_HEADER_SIZE + size);
  if (cipher.endsWith("CCM")) return aesCcmOpen(key, nonce, aad, ciphertext, tag);
  // noble's GCM takes ciphertext || tag in one buffer and throws when the tag fails.
  const sealed = new Uint8Array(size + 16);
  sealed.set(ciphertext);
  sealed.set(tag, size);
  try {
    return aes().gcm(key, nonce, aad).decrypt(sealed);
  } catch {
    return undefined;
  }
}

/**
 * Builds a TRANSFORM message around a plaintext SMB2 message (for tests and
 * fixtures): the inverse of decryptTransform.
 * @param cipher The cipher.
 * @param key 16 bytes (AES-128) or 32 (AES-256).
 * @param plaintext The SMB2 message(s) to encrypt.
 * @param nonce Up to 16 bytes for the Nonce field (zero-filled after them);
 *   the cipher uses its first 11 (CCM) or 12 (GCM) bytes.
 * @param sessionId The SessionId field.
 * @param flags Flags (3.1.1) or EncryptionAlgorithm (3.0.x); 1 in both. @default {1}
 * @returns The 52-byte header followed by the ciphertext.
 * @throws {RangeError} On a key length that does not suit the cipher or a nonce over 16 bytes.
 * @example
 * ```ts
 * import { loadCiphers } from "./aes.ts";
 * import { decryptTransform, encryptTransform } from "./smb3_transform.ts";
 * await loadCiphers(); // once per process: AES loads on demand
 * const key = new Uint8Array(16).fill(7);
 * const sealed = encryptTransform("AES-128-CCM", key, new Uint8Array([0xfe, 0x53, 0x4d, 0x42]), new Uint8Array(11), 1n);
 * decryptTransform("AES-128-CCM", key, sealed); // Uint8Array [0xfe, 0x53, 0x4d, 0x42]
 * ```
 */
export function encryptTransform(
  cipher: Smb3Cipher,
  key: Uint8Array,
  plaintext: Uint8Array,
  nonce: Uint8Array,
  sessionId: bigint,
  flags = 1,
): Uint8Array {
  checkKey(cipher, key);
  if (nonce.length > 16) {
    throw new RangeError(`Cannot use a ${nonce.length}-byte nonce: at most 16`);
  }
  const message = new Uint8Array(TRANSFORM_HEADER_SIZE + plaintext.length);
  const view = new DataView(message.buffer);
  message.set([0xfd, 0x53, 0x4d, 0x42]);
  message.set(nonce, NONCE);
  view.setUint32(ORIGINAL_SIZE, plaintext.length, true);
  view.setUint16(42, flags, true);
  view.setBigUint64(44, BigInt.asUintN(64, sessionId), true);
  const aad = message.subarray(AAD_START, TRANSFORM_HEADER_SIZE);
  const cipherNonce = message.subarray(NONCE, NONCE + nonceLength(cipher));
  if (cipher.endsWith("CCM")) {
    const { ciphertext, tag } = aesCcmSeal(key, cipherNonce, aad, plaintext);
    message.set(ciphertext, TRANSFORM_HEADER_SIZE);
    message.set(tag, SIGNATURE);
  } else {
    const sealed = aes().gcm(key, cipherNonce, aad).encrypt(plaintext);
    message.set(sealed.subarray(0, plaintext.length), TRANSFORM_HEADER_SIZE);
    message.set(sealed.subarray(plaintext.length), SIGNATURE);
  }
  return message;
}
