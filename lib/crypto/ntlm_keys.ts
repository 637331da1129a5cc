/**
 * NTLM one-way functions, response checks and session keys ([MS-NLMP] 3.3.1,
 * 3.3.2, 3.4.5.1, section 6): what turns a password or NT hash and a captured
 * AUTHENTICATE exchange into the ExportedSessionKey SMB derives its keys from.
 * MD4, DES and RC4 are ./md4.ts, ./des.ts and ./rc4.ts; MD5 and HMAC-MD5
 * come from @noble/hashes.
 * @module
 */
import { md5 } from "npm:@noble/hashes@2.4.0/legacy.js";
import { hmac } from "npm:@noble/hashes@2.4.0/hmac.js";
import { desEncryptBlock, desKeyFrom56Bits } from "./des.ts";
import { md4 } from "./md4.ts";
import { rc4 } from "./rc4.ts";

// [MS-NLMP] 2.2.2.5 NEGOTIATE flags that change how keys are made.
const NTLMSSP_NEGOTIATE_LM_KEY = 0x00000080;
const NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
const NTLMSSP_REQUEST_NON_NT_SESSION_KEY = 0x00400000;
const NTLMSSP_NEGOTIATE_KEY_EXCH = 0x40000000;

/** The LM hash's plaintext ([MS-NLMP] 3.3.1). */
const LM_MAGIC = Uint8Array.from("KGS!@#$%", (c) => c.charCodeAt(0));

function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >>> 8;
  }
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const hmacMd5 = (key: Uint8Array, data: Uint8Array): Uint8Array => hmac(md5, key, data);

/** [MS-NLMP] 6 DES(K, D): K is 7 bytes, spread over a DES key. */
function des7(key7: Uint8Array, data: Uint8Array): Uint8Array {
  return desEncryptBlock(desKeyFrom56Bits(key7), data);
}

/**
 * MD4(UTF-16LE(password)): the NT hash, NTOWFv1 ([MS-NLMP] 3.3.1).
 * @param password The password.
 * @returns 16 bytes.
 * @example [MS-NLMP] 4.2.2.1.2
 * ```ts
 * import { ntOwfV1 } from "./ntlm_keys.ts";
 * ntOwfV1("Password"); // a4 f4 9c 40 65 10 bd ca b6 82 4e e7 c3 0f d8 52
 * ```
 */
export function ntOwfV1(password: string): Uint8Array {
  return md4(utf16le(password));
}

/**
 * The LM hash, LMOWFv1 ([MS-NLMP] 3.3.1): DES of "KGS!@#$%" under each half
 * of the upper-cased password, 14 bytes zero-padded. Longer passwords are cut
 * at 14 characters (Windows stores no LM hash for them; tools such as
 * impacket truncate). Characters are taken as single bytes (U+0000..U+00FF
 * as Latin-1, others as "?"): the client's OEM code page is not known here,
 * so LM hashes of non-ASCII passwords may differ from Windows'.
 * @param password The password.
 * @returns 16 bytes.
 * @example [MS-NLMP] 4.2.2.1.1
 * ```ts
 * import { lmOwfV1 } from "./ntlm_keys.ts";
 * lmOwfV1("Password"); // e5 2c ac 67 41 9a 9a 22 4a 3b 10 8f 3f a6 cb 6d
 * ```
 */
export function lmOwfV1(password: string): Uint8Array {
  const upper = password.toUpperCase();
  const oem = new Uint8Array(14);
  for (let i = 0; i < Math.min(14, upper.length); i++) {
    const c = upper.charCodeAt(i);
    oem[i] = c < 0x100 ? c : 0x3f;
  }
  return concat(des7(oem.subarray(0, 7), LM_MAGIC), des7(oem.subarray(7, 14), LM_MAGIC));
}

/**
 * NTOWFv2 ([MS-NLMP] 3.3.2): HMAC-MD5(ntHash, UTF-16LE(UPPER(user) || domain)).
 * The domain keeps its case.
 * @param ntHash The NT hash (NTOWFv1).
 * @param user The user name as sent.
 * @param domain The domain name as sent (or "").
 * @returns 16 bytes.
 * @example [MS-NLMP] 4.2.4.1.1
 * ```ts
 * import { ntOwfV1, ntOwfV2 } from "./ntlm_keys.ts";
 * ntOwfV2(ntOwfV1("Password"), "User", "Domain"); // 0c 86 8a 40 3b fd 7a 93 ...
 * ```
 */
export function ntOwfV2(ntHash: Uint8Array, user: string, domain: string): Uint8Array {
  return hmacMd5(ntHash, utf16le(user.toUpperCase() + domain));
}

/**
 * DESL(K, D) ([MS-NLMP] 6): the three DES encryptions of an 8-byte challenge
 * under a 16-byte key cut into 7 + 7 + 2 (zero-padded) bytes; the NTLMv1 and
 * LMv1 responses.
 * @param key16 16 bytes (an NT or LM hash).
 * @param data8 The 8-byte challenge.
 * @returns 24 bytes.
 * @throws {RangeError} When the key is not 16 bytes or the challenge not 8.
 * @example [MS-NLMP] 4.2.2.2.1
 * ```ts
 * import { desl, ntOwfV1 } from "./ntlm_keys.ts";
 * const challenge = new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
 * desl(ntOwfV1("Password"), challenge); // 67 c4 30 11 f3 02 98 a2 ...
 * ```
 */
export function desl(key16: Uint8Array, data8: Uint8Array): Uint8Array {
  if (key16.length !== 16) {
    throw new RangeError(`Cannot DESL with a ${key16.length}-byte key: need 16`);
  }
  const third = new Uint8Array(7);
  third.set(key16.subarray(14, 16));
  const out = new Uint8Array(24);
  out.set(des7(key16.subarray(0, 7), data8), 0);
  out.set(des7(key16.subarray(7, 14), data8), 8);
  out.set(des7(third, data8), 16);
  return out;
}

/** What an AUTHENTICATE exchange carried (views are fine; nothing is kept or modified). */
export interface NtlmExchange {
  /** The AUTHENTICATE message's NegotiateFlags. */
  flags: number;
  /** The user name as sent. */
  user: string;
  /** The domain name as sent. */
  domain: string;
  /** The 8-byte ServerChallenge from the CHALLENGE message. */
  serverChallenge: Uint8Array;
  /** LmChallengeResponse. */
  lmResponse: Uint8Array;
  /** NtChallengeResponse. */
  ntResponse: Uint8Array;
  /** EncryptedRandomSessionKey; empty when absent. */
  encryptedRandomSessionKey: Uint8Array;
}

/** The keys one exchange yields for one hash. */
export interface NtlmKeys {
  /**
   * Whether the responses match the given hash: true/false; undefined when it
   * cannot be told (anonymous logon, a server challenge that is not 8 bytes,
   * no response the given hashes can check).
   */
  verified: boolean | undefined;
  /** SessionBaseKey; Z(16) for an anonymous logon. */
  sessionBaseKey: Uint8Array;
  /**
   * KeyExchangeKey ([MS-NLMP] 3.4.5.1); empty when NTLMv1 with LM_KEY or
   * REQUEST_NON_NT_SESSION_KEY needs the LM hash and none was given.
   */
  keyExchangeKey: Uint8Array;
  /**
   * The session key SMB uses: RC4(KXKEY, EncryptedRandomSessionKey) with
   * KEY_EXCH, else KXKEY. Empty when it cannot be computed: KXKEY unknown, or
   * KEY_EXCH without a 16-byte EncryptedRandomSessionKey (servers reject that logon).
   */
  exportedSessionKey: Uint8Array;
  /**
   * NTLMv2 only: the domain NTOWFv2 was computed with, the one sent or ""
   * when only the empty domain verified. A crackable NetNTLMv2 line needs it.
   */
  ntowfDomain?: string;
}

function exported(flags: number, kxkey: Uint8Array, encrypted: Uint8Array): Uint8Array {
  if (kxkey.length === 0 || (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) === 0) return kxkey;
  return encrypted.length === 16 ? rc4(kxkey, encrypted) : new Uint8Array(0);
}

/** [MS-NLMP] 3.3.2 on the server side, with the empty-domain retry of 3.2.5.1.2. */
function ntlmV2Keys(ex: NtlmExchange, ntHash: Uint8Array): NtlmKeys {
  const proof = ex.ntResponse.subarray(0, 16);
  const blob = ex.ntResponse.subarray(16);
  const checkable = ex.serverChallenge.length === 8;
  const domains = ex.domain === "" ? [""] : [ex.domain, ""];
  let chosen: { key: Uint8Array; domain: string } | undefined;
  for (const domain of domains) {
    const key = ntOwfV2(ntHash, ex.user, domain);
    if (!checkable) break;
    const ntOk = equal(hmacMd5(key, concat(ex.serverChallenge, blob)), proof);
    // LMv2: HMAC-MD5(key, ServerChallenge || ClientChallenge) || ClientChallenge.
    const lm = ex.lmResponse;
    const lmOk = lm.length === 24 &&
      equal(hmacMd5(key, concat(ex.serverChallenge, lm.subarray(16))), lm.subarray(0, 16));
    if (ntOk || lmOk) {
      chosen = { key, domain };
      break;
    }
  }
  const used = chosen ?? { key: ntOwfV2(ntHash, ex.user, ex.domain), domain: ex.domain };
  const sessionBaseKey = hmacMd5(used.key, proof);
  return {
    verified: checkable ? chosen !== undefined : undefined,
    sessionBaseKey,
    keyExchangeKey: sessionBaseKey, // NTLMv2: KXKEY = SessionBaseKey
    exportedSessionKey: exported(ex.flags, sessionBaseKey, ex.encryptedRandomSessionKey),
    ntowfDomain: used.domain,
  };
}

/** [MS-NLMP] 3.3.1 on the server side, and KXKEY of 3.4.5.1. */
function ntlmV1Keys(ex: NtlmExchange, ntHash: Uint8Array, lmHash?: Uint8Array): NtlmKeys {
  const flags = ex.flags;
  const lm = ex.lmResponse, nt = ex.ntResponse, challenge = ex.serverChallenge;
  const ess = (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) !== 0;
  const checks: boolean[] = [];
  if (challenge.length === 8) {
    if (ess) {
      // The LM response carries the client challenge; the NT response answers MD5(both)[0..8].
      const mixed = md5(concat(challenge, lm.subarray(0, 8))).subarray(0, 8);
      if (nt.length === 24 && lm.length >= 8) checks.push(equal(desl(ntHash, mixed), nt));
    } else {
      if (nt.length === 24) checks.push(equal(desl(ntHash, challenge), nt));
      if (lmHash !== undefined && lm.length === 24) checks.push(equal(desl(lmHash, challenge), lm));
    }
  }
  const sessionBaseKey = md4(ntHash);
  let keyExchangeKey: Uint8Array;
  if (ess) {
    keyExchangeKey = hmacMd5(sessionBaseKey, concat(challenge, lm.subarray(0, 8)));
  } else if ((flags & NTLMSSP_NEGOTIATE_LM_KEY) !== 0) {
    if (lmHash === undefined || lmHash.length !== 16 || lm.length < 8) {
      keyExchangeKey = new Uint8Array(0);
    } else {
      const second = new Uint8Array(7).fill(0xbd);
      second[0] = lmHash[7]!;
      keyExchangeKey = concat(
        des7(lmHash.subarray(0, 7), lm.subarray(0, 8)),
        des7(second, lm.subarray(0, 8)),
      );
    }
  } else if ((flags & NTLMSSP_REQUEST_NON_NT_SESSION_KEY) !== 0) {
    keyExchangeKey = lmHash === undefined || lmHash.length !== 16
      ? new Uint8Array(0)
      : concat(lmHash.subarray(0, 8), new Uint8Array(8));
  } else {
    keyExchangeKey = sessionBaseKey;
  }
  return {
    verified: checks.length > 0 ? checks.includes(true) : undefined,
    sessionBaseKey,
    keyExchangeKey,
    exportedSessionKey: exported(flags, keyExchangeKey, ex.encryptedRandomSessionKey),
  };
}

/**
 * Checks an AUTHENTICATE exchange against an NT hash (and optionally the LM
 * hash) and computes its session keys, as the server does ([MS-NLMP]
 * 3.2.5.1.2). NTLMv2 when the NT response is longer than 24 bytes: NTOWFv2 is
 * tried with the domain as sent, then with "" (some clients use an empty
 * domain), and whichever verifies is used. Otherwise NTLMv1, with the
 * EXTENDED_SESSIONSECURITY, LM_KEY and REQUEST_NON_NT_SESSION_KEY rules of
 * [MS-NLMP] 3.3.1 and 3.4.5.1 (the last two need `lmHash`). An anonymous
 * logon (no user, no NT response, LM response empty or one zero byte) has a
 * zero SessionBaseKey. Never throws on the exchange's contents.
 * @param exchange What the CHALLENGE and AUTHENTICATE messages carried.
 * @param ntHash The account's NT hash (NTOWFv1), 16 bytes.
 * @param lmHash The account's LM hash (LMOWFv1), for NTLMv1 LM checks and keys.
 * @returns Whether the hash verified, and the keys.
 * @throws {RangeError} When `ntHash` is not 16 bytes.
 * @example [MS-NLMP] 4.2.4 (NTLMv2)
 * ```ts
 * import { ntlmKeys, ntOwfV1 } from "./ntlm_keys.ts";
 * const keys = ntlmKeys({
 *   flags: 0xe2888235, user: "User", domain: "Domain",
 *   serverChallenge: new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]),
 *   lmResponse: new Uint8Array(24), ntResponse: new Uint8Array(84),
 *   encryptedRandomSessionKey: new Uint8Array(16),
 * }, ntOwfV1("Password"));
 * keys.verified; // false: these zero responses were not made with that password
 * ```
 */
export function ntlmKeys(
  exchange: NtlmExchange,
  ntHash: Uint8Array,
  lmHash?: Uint8Array,
): NtlmKeys {
  if (ntHash.length !== 16) {
    throw new RangeError(`Cannot use a ${ntHash.length}-byte NT hash: need 16`);
  }
  const nt = exchange.ntResponse, lm = exchange.lmResponse;
  if (
    exchange.user === "" && nt.length === 0 && (lm.length === 0 || (lm.length === 1 && lm[0] === 0))
  ) {
    const zero = new Uint8Array(16);
    return {
      verified: undefined,
      sessionBaseKey: zero,
      keyExchangeKey: zero,
      exportedSessionKey: exported(exchange.flags, zero, exchange.encryptedRandomSessionKey),
    };
  }
  if (nt.length > 24) return ntlmV2Keys(exchange, ntHash);
  return ntlmV1Keys(exchange, ntHash, lmHash);
}
