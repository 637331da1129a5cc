/**
 * AES-CCM (NIST SP 800-38C, RFC 3610), the cipher of SMB 3.0/3.0.2 and one
 * choice in 3.1.1. @noble/ciphers 2.4.0 offers AES-GCM, CTR, ECB, CBC, SIV
 * and CMAC but no CCM, so the mode is assembled here from its raw AES block
 * function and CTR keystream (`unsafe`, pinned with the version): one key
 * expansion per call and no allocation per block. AES loads on demand
 * (`loadCiphers()` in ./aes.ts).
 * @module
 */
import { aes } from "./aes.ts";
import { le32 } from "../bytes/cursor.ts";

/** Nonces from 7 to 13 bytes (the counter field L is 15 - nonce length). */
function checkParameters(nonce: Uint8Array, tagLength: number): void {
  if (nonce.length < 7 || nonce.length > 13) {
    throw new RangeError(`Cannot use a ${nonce.length}-byte CCM nonce: 7 to 13 are allowed`);
  }
  if (tagLength < 4 || tagLength > 16 || tagLength % 2 !== 0) {
    throw new RangeError(`Cannot use a ${tagLength}-byte CCM tag: 4, 6, \u2026 16 are allowed`);
  }
}

/** CBC-MAC over B0, the encoded AAD and the plaintext, each part zero-padded to blocks. */
class CbcMac {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;
  readonly #pending = new Uint8Array(16);
  #pendingLength = 0;
  readonly #encrypt = aes().unsafe.encrypt;
  constructor(readonly xk: Uint32Array) {}

  /** Absorbs `data`; partial blocks wait for the next call or `pad()`. */
  update(data: Uint8Array): void {
    let at = 0;
    while (this.#pendingLength > 0 && at < data.length) {
      this.#pending[this.#pendingLength++] = data[at++]!;
      if (this.#pendingLength === 16) this.#flush();
    }
    for (; at + 16 <= data.length; at += 16) {
      this.#block(le32(data, at), le32(data, at + 4), le32(data, at + 8), le32(data, at + 12));
    }
    for (; at < data.length; at++) this.#pending[this.#pendingLength++] = data[at]!;
  }

  /** Ends the current part: a partial block is completed with zeros. */
  pad(): void {
    if (this.#pendingLength === 0) return;
    this.#pending.fill(0, this.#pendingLength);
    this.#flush();
  }

  /** The MAC (pad() first), as the 16 bytes of the last cipher block. */
  digest(): Uint8Array {
    const out = new Uint8Array(16);
    [this.#s0, this.#s1, this.#s2, this.#s3].forEach((word, w) => {
      for (let i = 0; i < 4; i++) out[4 * w + i] = (word >>> (8 * i)) & 0xff;
    });
    return out;
  }

  #flush(): void {
    const p = this.#pending;
    this.#block(le32(p, 0), le32(p, 4), le32(p, 8), le32(p, 12));
    this.#pendingLength = 0;
  }

  // noble's round function takes and returns the block as four little-endian words.
  #block(w0: number, w1: number, w2: number, w3: number): void {
    const r = this.#encrypt(this.xk, this.#s0 ^ w0, this.#s1 ^ w1, this.#s2 ^ w2, this.#s3 ^ w3);
    this.#s0 = r.s0;
    this.#s1 = r.s1;
    this.#s2 = r.s2;
    this.#s3 = r.s3;
  }
}

/** The MAC of SP 800-38C A.2: B0 (flags, nonce, length), the AAD with its length prefix, the payload. */
function cbcMac(
  xk: Uint32Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  payload: Uint8Array,
  tagLength: number,
): Uint8Array {
  const lengthBytes = 15 - nonce.length;
  const b0 = new Uint8Array(16);
  b0[0] = (aad.length > 0 ? 0x40 : 0) | (((tagLength - 2) / 2) << 3) | (lengthBytes - 1);
  b0.set(nonce, 1);
  for (let i = 0, n = payload.length; i < lengthBytes && i < 6; i++, n = Math.floor(n / 256)) {
    b0[15 - i] = n & 0xff;
  }
  const mac = new CbcMac(xk);
  mac.update(b0);
  if (aad.length > 0) {
    // A.2.2: two length bytes below 2^16 - 2^8, else 0xfffe and four bytes.
    const a = aad.length;
    mac.update(
      a < 0xff00
        ? new Uint8Array([a >>> 8, a & 0xff])
        : new Uint8Array([0xff, 0xfe, a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff]),
    );
    mac.update(aad);
    mac.pad();
  }
  mac.update(payload);
  mac.pad();
  return mac.digest();
}

/** Counter block A0: flags L-1, the nonce, a zero counter (aligned, as noble's CTR needs). */
function firstCounter(nonce: Uint8Array): Uint8Array {
  const ctr = new Uint8Array(16);
  ctr[0] = 15 - nonce.length - 1;
  ctr.set(nonce, 1);
  return ctr;
}

/**
 * Rejects payloads whose length does not fit the nonce's counter field
 * (2^(8L) bytes), where CCM is undefined.
 */
function fitsCounter(nonce: Uint8Array, length: number): boolean {
  const lengthBytes = 15 - nonce.length;
  return lengthBytes >= 6 || length < 2 ** (8 * lengthBytes);
}

/** The encrypted payload and its tag, apart (SMB carries the tag in its header). */
export interface CcmSealed {
  /** The encrypted payload, as long as the plaintext. */
  ciphertext: Uint8Array;
  /** The authentication tag, `tagLength` bytes. */
  tag: Uint8Array;
}

/**
 * Encrypts and authenticates with AES-CCM.
 * @param key 16, 24 or 32 bytes.
 * @param nonce 7 to 13 bytes (SMB uses 11).
 * @param aad Additional authenticated data (not encrypted).
 * @param plaintext The payload (not modified).
 * @param tagLength Tag bytes: 4, 6, ... 16. @default {16}
 * @returns The ciphertext and the tag.
 * @throws {RangeError} On a key, nonce or tag length CCM does not allow, or a payload too long for the nonce.
 * @example SP 800-38C Appendix C.1
 * ```ts
 * import { loadCiphers } from "./aes.ts";
 * import { aesCcmSeal } from "./aes_ccm.ts";
 * await loadCiphers(); // once per process: AES loads on demand
 * const key = new Uint8Array(16).map((_, i) => 0x40 + i);
 * const nonce = new Uint8Array(7).map((_, i) => 0x10 + i);
 * const aad = new Uint8Array(8).map((_, i) => i);
 * const { ciphertext, tag } = aesCcmSeal(key, nonce, aad, new Uint8Array([0x20, 0x21, 0x22, 0x23]), 4);
 * // ciphertext 7162015b, tag 4dac255d
 * ```
 */
export function aesCcmSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  tagLength = 16,
): CcmSealed {
  checkParameters(nonce, tagLength);
  if (!fitsCounter(nonce, plaintext.length)) {
    throw new RangeError(
      `Cannot CCM-encrypt ${plaintext.length} bytes with a ${nonce.length}-byte nonce`,
    );
  }
  const unsafe = aes().unsafe;
  const xk = unsafe.expandKeyLE(key);
  const mac = cbcMac(xk, nonce, aad, plaintext, tagLength);
  const counter = firstCounter(nonce);
  unsafe.ctrCounter(xk, counter, mac, mac); // T ^ E(A0); the counter moves on to A1
  const ciphertext = plaintext.slice(); // a fresh, aligned copy, encrypted in place
  unsafe.ctrCounter(xk, counter, ciphertext, ciphertext);
  return { ciphertext, tag: mac.slice(0, tagLength) };
}

/**
 * Decrypts and checks AES-CCM.
 * @param key 16, 24 or 32 bytes.
 * @param nonce 7 to 13 bytes (SMB uses 11).
 * @param aad Additional authenticated data.
 * @param ciphertext The encrypted payload (not modified).
 * @param tag The tag, 4 to 16 bytes; its length is the tag length.
 * @returns The plaintext, or undefined when the tag does not match.
 * @throws {RangeError} On a key, nonce or tag length CCM does not allow.
 * @example SP 800-38C Appendix C.1, the other way
 * ```ts
 * import { loadCiphers } from "./aes.ts";
 * import { aesCcmOpen } from "./aes_ccm.ts";
 * await loadCiphers(); // once per process: AES loads on demand
 * const key = new Uint8Array(16).map((_, i) => 0x40 + i);
 * const nonce = new Uint8Array(7).map((_, i) => 0x10 + i);
 * const aad = new Uint8Array(8).map((_, i) => i);
 * const ct = new Uint8Array([0x71, 0x62, 0x01, 0x5b]);
 * const plain = aesCcmOpen(key, nonce, aad, ct, new Uint8Array([0x4d, 0xac, 0x25, 0x5d]));
 * if (plain?.[0] !== 0x20) throw new Error("not CCM");
 * ```
 */
export function aesCcmOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
): Uint8Array | undefined {
  checkParameters(nonce, tag.length);
  if (!fitsCounter(nonce, ciphertext.length)) return undefined;
  const unsafe = aes().unsafe;
  const xk = unsafe.expandKeyLE(key);
  const counter = firstCounter(nonce);
  const s0 = unsafe.ctrCounter(xk, counter, new Uint8Array(16)); // E(A0); counter -> A1
  const plaintext = ciphertext.slice();
  unsafe.ctrCounter(xk, counter, plaintext, plaintext);
  const mac = cbcMac(xk, nonce, aad, plaintext, tag.length);
  let diff = 0;
  for (let i = 0; i < tag.length; i++) diff |= mac[i]! ^ s0[i]! ^ tag[i]!;
  return diff === 0 ? plaintext : undefined;
}
