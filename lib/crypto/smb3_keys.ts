/**
 * The SMB 3.x session keys ([MS-SMB2] 3.1.4.2, 3.2.5.3.1, 3.3.5.5.3) and the
 * 3.1.1 pre-authentication integrity hash ([MS-SMB2] 3.2.5.2, 3.3.5.4).
 * @module
 */
import { sha512 } from "npm:@noble/hashes@2.4.0/sha2.js";
import { kdfCounterHmacSha256 } from "./kdf.ts";

export { kdfCounterHmacSha256 } from "./kdf.ts";

/** The four keys of one SMB 3.x session. */
export interface Smb3Keys {
  /** Signs and verifies messages (AES-CMAC or AES-GMAC); 16 bytes. */
  signingKey: Uint8Array;
  /** Encrypts client->server messages ([MS-SMB2] Session.EncryptionKey, "ServerIn"); 16 or 32 bytes. */
  encryptionKey: Uint8Array;
  /** Encrypts server->client messages ([MS-SMB2] Session.DecryptionKey, "ServerOut"); 16 or 32 bytes. */
  decryptionKey: Uint8Array;
  /** Handed to applications such as DCE/RPC over SMB; 16 bytes. */
  applicationKey: Uint8Array;
}

/** The SMB 3.x dialects with their own key derivation. */
export type Smb3Dialect = "3.0" | "3.0.2" | "3.1.1";

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

// [MS-SMB2] 3.2.5.3.1: labels and contexts include their terminating NUL
// ("SMB2AESCMAC" is 12 bytes), and "ServerIn " has a trailing space.
const LABELS_30 = {
  signing: [ascii("SMB2AESCMAC\0"), ascii("SmbSign\0")],
  application: [ascii("SMB2APP\0"), ascii("SmbRpc\0")],
  encryption: [ascii("SMB2AESCCM\0"), ascii("ServerIn \0")],
  decryption: [ascii("SMB2AESCCM\0"), ascii("ServerOut\0")],
} as const;
const LABELS_311 = {
  signing: ascii("SMBSigningKey\0"),
  application: ascii("SMBAppKey\0"),
  encryption: ascii("SMBC2SCipherKey\0"),
  decryption: ascii("SMBS2CCipherKey\0"),
} as const;

/**
 * Derives a session's signing, encryption, decryption and application keys.
 * [MS-SMB2] 3.2.5.3.1: Session.SessionKey is the first 16 bytes of the
 * authentication's session key (zero-padded when shorter); 3.1.1 with an
 * AES-256 cipher derives the two cipher keys from the full key, with L = 256.
 * @param sessionKey The GSS session key (NTLM's ExportedSessionKey, 16 bytes; Kerberos' may be longer).
 * @param dialect The negotiated dialect.
 * @param preauthHash Session.PreauthIntegrityHashValue (64 bytes), required for 3.1.1, ignored otherwise.
 * @param cipherBits 256 for AES-256-CCM/GCM (3.1.1 only); 3.0 and 3.0.2 always use AES-128-CCM and ignore it.
 * @returns The four keys.
 * @throws {RangeError} For 3.1.1 without a pre-auth hash.
 * @example
 * ```ts
 * import { smb3Keys } from "./smb3_keys.ts";
 * const keys = smb3Keys(new Uint8Array(16), "3.0", undefined, 128);
 * keys.decryptionKey.length; // 16
 * ```
 */
export function smb3Keys(
  sessionKey: Uint8Array,
  dialect: Smb3Dialect,
  preauthHash: Uint8Array | undefined,
  cipherBits: 128 | 256,
): Smb3Keys {
  const key16 = new Uint8Array(16);
  key16.set(sessionKey.subarray(0, 16));
  if (dialect !== "3.1.1") {
    const derive = ([label, context]: readonly [Uint8Array, Uint8Array]) =>
      kdfCounterHmacSha256(key16, label, context, 128);
    return {
      signingKey: derive(LABELS_30.signing),
      encryptionKey: derive(LABELS_30.encryption),
      decryptionKey: derive(LABELS_30.decryption),
      applicationKey: derive(LABELS_30.application),
    };
  }
  if (preauthHash === undefined) {
    throw new RangeError("Cannot derive SMB 3.1.1 keys: the pre-auth integrity hash is missing");
  }
  const cipherKey = cipherBits === 256 ? sessionKey : key16;
  return {
    signingKey: kdfCounterHmacSha256(key16, LABELS_311.signing, preauthHash, 128),
    encryptionKey: kdfCounterHmacSha256(cipherKey, LABELS_311.encryption, preauthHash, cipherBits),
    decryptionKey: kdfCounterHmacSha256(cipherKey, LABELS_311.decryption, preauthHash, cipherBits),
    applicationKey: kdfCounterHmacSha256(key16, LABELS_311.application, preauthHash, 128),
  };
}

/**
 * The SMB 3.1.1 pre-authentication integrity hash chain (SHA-512, the only
 * hash [MS-SMB2] 2.2.3.1.1 defines): it starts as 64 zero bytes and each
 * NEGOTIATE and SESSION_SETUP message, whole from its SMB2 header, is
 * folded in with H = SHA-512(H || message). The connection's chain ends after
 * NEGOTIATE; each session clones it and continues with its SESSION_SETUPs
 * (all but the final, successful response).
 * @example
 * ```ts
 * import { PreauthHash } from "./smb3_keys.ts";
 * const connection = new PreauthHash();
 * connection.update(new Uint8Array(70)); // the NEGOTIATE request
 * const session = connection.clone();
 * session.value.length; // 64
 * ```
 */
export class PreauthHash {
  #value: Uint8Array = new Uint8Array(64);

  /** Folds in one message: H = SHA-512(H || message). */
  update(message: Uint8Array): void {
    this.#value = sha512.create().update(this.#value).update(message).digest();
  }

  /** The current hash value, 64 bytes (a copy). */
  get value(): Uint8Array {
    return this.#value.slice();
  }

  /** An independent chain with the same value. */
  clone(): PreauthHash {
    const copy = new PreauthHash();
    copy.#value = this.#value.slice();
    return copy;
  }
}
