/**
 * The crypto layer for the layers above: NTLM keys, SMB 3.x key derivation,
 * TRANSFORM decryption and SMB2 signatures, plus the primitives they rest on.
 * Pure functions over Uint8Arrays, synchronous; this folder is the only place
 * in lib/ that imports hashing and cipher packages.
 * @example Decrypting a server->client SMB 3.0 message with a known session key
 * ```ts
 * import { decryptTransform, smb3Keys } from "./mod.ts";
 * const keys = smb3Keys(new Uint8Array(16), "3.0", undefined, 128);
 * decryptTransform("AES-128-CCM", keys.decryptionKey, new Uint8Array(52)); // undefined: not a TRANSFORM
 * ```
 * @module
 */
export { ciphersLoaded, loadCiphers } from "./aes.ts";
export {
  ContentHasher,
  type FileDigester,
  type FileDigesterFactory,
  type FileHashes,
  type FileHint,
} from "./hashes.ts";
export {
  desl,
  lmOwfV1,
  type NtlmExchange,
  type NtlmKeys,
  ntlmKeys,
  ntOwfV1,
  ntOwfV2,
} from "./ntlm_keys.ts";
export {
  kdfCounterHmacSha256,
  PreauthHash,
  type Smb3Dialect,
  type Smb3Keys,
  smb3Keys,
} from "./smb3_keys.ts";
export {
  decryptTransform,
  encryptTransform,
  type Smb3Cipher,
  TRANSFORM_HEADER_SIZE,
} from "./smb3_transform.ts";
export { signSmb2, type Smb2SigningAlgorithm, verifySmb2Signature } from "./smb2_signing.ts";
export { aesCcmOpen, aesCcmSeal, type CcmSealed } from "./aes_ccm.ts";
export { kdfCounterHmacSha256Raw } from "./kdf.ts";
export { md4 } from "./md4.ts";
export { rc4 } from "./rc4.ts";
export { desEncryptBlock, desKeyFrom56Bits } from "./des.ts";
