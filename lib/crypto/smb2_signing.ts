/**
 * SMB2/3 message signatures ([MS-SMB2] 3.1.4.1, 3.1.5.1): HMAC-SHA256 for
 * 2.0.2/2.1, AES-128-CMAC for 3.x, AES-128-GMAC for 3.1.1 connections that
 * negotiated it (SMB2_SIGNING_CAPABILITIES). All from @noble/hashes and
 * @noble/ciphers (AES loaded on demand: `loadCiphers()` in ./aes.ts).
 * @module
 */
import { aes } from "./aes.ts";
import { hmac } from "npm:@noble/hashes@2.4.0/hmac.js";
import { sha256 } from "npm:@noble/hashes@2.4.0/sha2.js";

/** The signing algorithms ([MS-SMB2] 2.2.3.1.7 SigningAlgorithmId, and the pre-3.x default). */
export type Smb2SigningAlgorithm = "HMAC-SHA256" | "AES-CMAC" | "AES-GMAC";

const HEADER_SIZE = 64;
/** The 16-byte Signature field of the SMB2 header. */
const SIGNATURE = 48;
const ZERO_SIGNATURE = new Uint8Array(16);
const SMB2_FLAGS_SERVER_TO_REDIR = 0x1;
const SMB2_CANCEL = 0x000c;

/**
 * The AES-GMAC nonce of [MS-SMB2] 3.1.4.1: MessageId (header bytes 24..32,
 * as on the wire) then a little-endian 32-bit word with bit 0 set for
 * server-to-client messages and bit 1 for CANCEL requests.
 */
function gmacNonce(message: Uint8Array): Uint8Array {
  const nonce = new Uint8Array(12);
  nonce.set(message.subarray(24, 32));
  const fromServer = (message[16]! & SMB2_FLAGS_SERVER_TO_REDIR) !== 0;
  const cancel = (message[12]! | (message[13]! << 8)) === SMB2_CANCEL;
  nonce[8] = (fromServer ? 1 : 0) | (cancel && !fromServer ? 2 : 0);
  return nonce;
}

/** The signature over `message` with its Signature field taken as zero; the input is not modified. */
function computeSignature(
  alg: Smb2SigningAlgorithm,
  key: Uint8Array,
  message: Uint8Array,
): Uint8Array {
  const head = message.subarray(0, SIGNATURE);
  const body = message.subarray(HEADER_SIZE);
  switch (alg) {
    case "HMAC-SHA256": // the first (high-order) 16 bytes of the 32-byte MAC
      return hmac.create(sha256, key).update(head).update(ZERO_SIGNATURE).update(body).digest()
        .subarray(0, 16);
    case "AES-CMAC":
      return aes().cmac.create(key).update(head).update(ZERO_SIGNATURE).update(body).digest();
    case "AES-GMAC": {
      // GMAC is GCM with the message as AAD and nothing to encrypt ([RFC 4543]);
      // noble takes the AAD whole, so this one copies the message.
      const aad = message.slice();
      aad.fill(0, SIGNATURE, HEADER_SIZE);
      return aes().gcm(key, gmacNonce(message), aad).encrypt(new Uint8Array(0));
    }
  }
}

/**
 * Whether one SMB2 message carries a correct signature. The message runs
 * from its 64-byte header to its end within a compound: through its padded
 * NextCommand length, or to the end of the packet for the last one.
 * @param alg HMAC-SHA256 (2.0.2, 2.1), AES-CMAC (3.x), AES-GMAC (3.1.1 when negotiated).
 * @param key The signing key: the session key for 2.x, Smb3Keys.signingKey (or a channel's) for 3.x.
 * @param message One SMB2 message (not modified).
 * @returns false also for a message shorter than its header. Never throws on the message.
 * @example
 * ```ts
 * import { loadCiphers } from "./aes.ts";
 * import { signSmb2, verifySmb2Signature } from "./smb2_signing.ts";
 * await loadCiphers(); // once per process: AES loads on demand
 * const key = new Uint8Array(16).fill(1);
 * const message = new Uint8Array(72);
 * message.set([0xfe, 0x53, 0x4d, 0x42]);
 * message.set(signSmb2("AES-CMAC", key, message), 48);
 * verifySmb2Signature("AES-CMAC", key, message); // true
 * ```
 */
export function verifySmb2Signature(
  alg: Smb2SigningAlgorithm,
  key: Uint8Array,
  message: Uint8Array,
): boolean {
  if (message.length < HEADER_SIZE) return false;
  const expected = computeSignature(alg, key, message);
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= expected[i]! ^ message[SIGNATURE + i]!;
  return diff === 0;
}

/**
 * The signature a message should carry (for tests and fixtures); whatever
 * its Signature field holds is ignored.
 * @param alg The algorithm.
 * @param key The signing key.
 * @param message One SMB2 message (not modified).
 * @returns The 16-byte signature.
 * @throws {RangeError} When the message is shorter than the 64-byte header.
 * @example
 * ```ts
 * import { signSmb2 } from "./smb2_signing.ts";
 * signSmb2("HMAC-SHA256", new Uint8Array(16), new Uint8Array(64)).length; // 16
 * ```
 */
export function signSmb2(
  alg: Smb2SigningAlgorithm,
  key: Uint8Array,
  message: Uint8Array,
): Uint8Array {
  if (message.length < HEADER_SIZE) {
    throw new RangeError(`Cannot sign a ${message.length}-byte message: the SMB2 header is 64`);
  }
  return computeSignature(alg, key, message).slice();
}
