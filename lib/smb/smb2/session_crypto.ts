/**
 * SMB 2/3 keys of one connection's sessions, when the analyst gave secrets:
 * the 3.1.1 pre-auth integrity hash over NEGOTIATE and SESSION_SETUP, the
 * signing and cipher keys derived when a login succeeds (from the session key
 * an NTLM login yielded with a given password or NT hash, or from a session
 * key given for the SessionId), TRANSFORM messages decrypted with them, and
 * signatures checked. Keys live in the decode-wide session record, so every
 * channel of a multichannel session decrypts. [MS-SMB2] 3.1.4.1, 3.1.4.2,
 * 3.2.5.3.1, 3.3.5.4, 3.3.5.5.3
 * @module
 */
import type { Keyring, KeySource } from "../../auth/keyring.ts";
import { PreauthHash, smb3Keys } from "../../crypto/smb3_keys.ts";
import { decryptTransform, type Smb3Cipher } from "../../crypto/smb3_transform.ts";
import { type Smb2SigningAlgorithm, verifySmb2Signature } from "../../crypto/smb2_signing.ts";
import type { Smb2SessionRecord } from "./sessions.ts";

/** The keys of one way of using a session key (one derivation). */
export interface Smb2KeySet {
  /** Signs messages of the session (2.x: the session key itself). */
  signingKey: Uint8Array;
  /** Client to server (3.x only). */
  encryptionKey: Uint8Array | undefined;
  /** Server to client (3.x only). */
  decryptionKey: Uint8Array | undefined;
  /** Ciphers to try, the negotiated one first. */
  ciphers: readonly Smb3Cipher[];
  signing: Smb2SigningAlgorithm;
  source: KeySource;
}

/** What a session knows of its keys, in its decode-wide record. */
export interface Smb2SessionKeys {
  /** Candidate key sets; once one decrypts or verifies, the others are dropped. */
  sets: Smb2KeySet[];
  /** Whether a candidate was confirmed by a tag or signature. */
  confirmed: boolean;
  /** A failure was reported for this session (reported once). */
  failureReported: boolean;
}

const CIPHERS: readonly Smb3Cipher[] = ["AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"];
/** In-progress pre-auth hashes per connection: a client runs a handful of logins at once. */
const MAX_HASHES = 64;

/** What a decryption attempt gave. */
export type Decryption =
  | { kind: "plaintext"; bytes: Uint8Array; source: KeySource }
  | { kind: "no_key" }
  | { kind: "failed"; reason: string; firstFailure: boolean };

/** Signature verdict of a signed message. */
export type SignatureCheck = "valid" | "invalid" | "unchecked";

function isCipher(name: string | undefined): name is Smb3Cipher {
  return name !== undefined && (CIPHERS as readonly string[]).includes(name);
}

/** One connection's key work. */
export class Smb2Crypto {
  dialect: string | undefined;
  cipher: Smb3Cipher | undefined;
  signingAlgorithm: Smb2SigningAlgorithm | undefined;
  /** Connection.PreauthIntegrityHashValue, while NEGOTIATE runs (3.1.1). */
  #connectionHash: PreauthHash | undefined;
  /** Session (or channel) hashes by SessionId, and by `m<MessageId>` while the SessionId is 0. */
  readonly #hashes = new Map<string, PreauthHash>();
  /** Channel signing keys of sessions this connection bound to (3.1.1 derives them per channel). */
  readonly #channelSigning = new Map<Smb2SessionRecord, Uint8Array>();

  constructor(readonly keyring: Keyring) {}

  negotiateRequest(message: Uint8Array): void {
    this.#connectionHash = new PreauthHash();
    this.#connectionHash.update(message);
  }

  negotiateResponse(
    message: Uint8Array,
    dialect: string | undefined,
    cipher: string | undefined,
    signing: string | undefined,
  ): void {
    if (dialect === "3.1.1") this.#connectionHash?.update(message);
    else this.#connectionHash = undefined;
    this.dialect = dialect;
    if (isCipher(cipher)) this.cipher = cipher;
    else if (dialect === "3.0" || dialect === "3.0.2") this.cipher = "AES-128-CCM";
    if (signing === "HMAC-SHA256" || signing === "AES-CMAC" || signing === "AES-GMAC") {
      this.signingAlgorithm = signing;
    }
  }

  /** A SESSION_SETUP request: its session's (or new session's) hash goes on. */
  sessionSetupRequest(sessionId: string, messageId: string, message: Uint8Array): void {
    if (this.#connectionHash === undefined) return;
    const key = sessionId === "0" ? `m${messageId}` : sessionId;
    let h = this.#hashes.get(key);
    if (h === undefined) {
      if (this.#hashes.size >= MAX_HASHES) this.#hashes.clear();
      h = this.#connectionHash.clone();
      this.#hashes.set(key, h);
    }
    h.update(message);
    if (key !== sessionId) this.#hashes.set(`r${messageId}`, h);
  }

  /**
   * A SESSION_SETUP response. More to come: the hash takes it in. Success:
   * returns the hash the keys derive from (the final response is not in it).
   */
  sessionSetupResponse(
    sessionId: string,
    messageId: string,
    message: Uint8Array,
    more: boolean,
  ): Uint8Array | undefined {
    if (this.#connectionHash === undefined) return undefined;
    let h = this.#hashes.get(sessionId);
    const first = this.#hashes.get(`r${messageId}`);
    if (first !== undefined) {
      this.#hashes.delete(`r${messageId}`);
      this.#hashes.delete(`m${messageId}`);
      h = first;
      this.#hashes.set(sessionId, h);
    }
    if (h === undefined) return undefined;
    if (more) {
      h.update(message);
      return undefined;
    }
    this.#hashes.delete(sessionId);
    return h.value;
  }

  /**
   * A login on this connection succeeded: derives the session's keys from
   * the session key its NTLM login yielded, or from session keys given for
   * its SessionId. A binding (another channel) derives only this channel's
   * signing key.
   */
  established(
    session: Smb2SessionRecord,
    preauth: Uint8Array | undefined,
    login: { key: Uint8Array; source: KeySource } | undefined,
    binding: boolean,
  ): void {
    const given = this.keyring.sessionKeysFor(session.sessionId)
      .map((key) => ({ key, source: "session-key" as const }));
    const keys = login !== undefined ? [login, ...given] : given;
    if (keys.length === 0) return;
    const sets = keys.flatMap((k) => this.#derive(k.key, k.source, preauth));
    if (sets.length === 0) return;
    if (binding && this.dialect === "3.1.1") {
      // The session keeps the cipher keys of its first login; this channel signs with its own key.
      this.#channelSigning.set(session, sets[0]!.signingKey);
      return;
    }
    if (binding && session.keys !== undefined) return;
    session.keys = { sets, confirmed: false, failureReported: false };
  }

  /** Key sets a session key gives on this connection's dialect (several when the dialect is unknown). */
  #derive(key: Uint8Array, source: KeySource, preauth: Uint8Array | undefined): Smb2KeySet[] {
    const d = this.dialect;
    if (d === "2.0.2" || d === "2.1") {
      return [{
        signingKey: key.subarray(0, 16),
        encryptionKey: undefined,
        decryptionKey: undefined,
        ciphers: [],
        signing: "HMAC-SHA256",
        source,
      }];
    }
    if (d === "3.1.1") {
      if (preauth === undefined) return [];
      const cipher = this.cipher ?? "AES-128-GCM";
      const bits = cipher.startsWith("AES-256") ? 256 : 128;
      const k = smb3Keys(key, "3.1.1", preauth, bits);
      return [{
        signingKey: k.signingKey,
        encryptionKey: k.encryptionKey,
        decryptionKey: k.decryptionKey,
        ciphers: [cipher],
        signing: this.signingAlgorithm ?? "AES-CMAC",
        source,
      }];
    }
    // 3.0, 3.0.2, or not seen (picked up mid-stream): the fixed-label derivation.
    const k = smb3Keys(key, d === "3.0.2" ? "3.0.2" : "3.0", undefined, 128);
    return [{
      signingKey: k.signingKey,
      encryptionKey: k.encryptionKey,
      decryptionKey: k.decryptionKey,
      ciphers: d === undefined ? ["AES-128-CCM", "AES-128-GCM"] : ["AES-128-CCM"],
      signing: "AES-CMAC",
      source,
    }];
  }

  /** Keys for a session met only in use (mid-stream): from session keys given for its SessionId. */
  #lateKeys(session: Smb2SessionRecord): void {
    if (session.keys !== undefined || session.noKeys) return;
    const sets = this.keyring.sessionKeysFor(session.sessionId)
      .flatMap((key) => this.#derive(key, "session-key", undefined));
    if (sets.length === 0) session.noKeys = true;
    else session.keys = { sets, confirmed: false, failureReported: false };
  }

  /** Decrypts a whole TRANSFORM message of `session`, trying its candidate keys. */
  decrypt(
    session: Smb2SessionRecord | undefined,
    message: Uint8Array,
    fromClient: boolean,
  ): Decryption {
    if (session === undefined) return { kind: "no_key" };
    this.#lateKeys(session);
    const keys = session.keys;
    if (keys === undefined) {
      if (session.noKeyReason === undefined) return { kind: "no_key" };
      const reason = session.noKeyReason;
      session.noKeyReason = "";
      return { kind: "failed", reason, firstFailure: reason !== "" };
    }
    for (const set of keys.sets) {
      const key = fromClient ? set.encryptionKey : set.decryptionKey;
      if (key === undefined) continue;
      for (const cipher of set.ciphers) {
        const plain = decryptTransform(cipher, key, message);
        if (plain === undefined) continue;
        if (!keys.confirmed) {
          keys.sets = [{ ...set, ciphers: [cipher] }];
          keys.confirmed = true;
        }
        return { kind: "plaintext", bytes: plain, source: set.source };
      }
    }
    const firstFailure = !keys.failureReported;
    keys.failureReported = true;
    const source = keys.sets[0]!.source;
    return {
      kind: "failed",
      reason: `the authentication tag fails with the key from the given ${source} ` +
        `(a wrong ${source}, or one of another session)`,
      firstFailure,
    };
  }

  /** Checks the signature of one signed message (its bytes from its header to its end). */
  verify(session: Smb2SessionRecord | undefined, message: Uint8Array): SignatureCheck {
    if (session === undefined) return "unchecked";
    this.#lateKeys(session);
    const keys = session.keys;
    if (keys === undefined) return "unchecked";
    const channel = this.#channelSigning.get(session);
    if (channel !== undefined) {
      return verifySmb2Signature(keys.sets[0]!.signing, channel, message) ? "valid" : "invalid";
    }
    for (const set of keys.sets) {
      if (verifySmb2Signature(set.signing, set.signingKey, message)) {
        if (!keys.confirmed) {
          keys.sets = [set];
          keys.confirmed = true;
        }
        return "valid";
      }
    }
    return "invalid";
  }
}
