/**
 * What the analyst's secrets tell about one NTLM login: whether a given
 * password or NT hash produced its responses, the session key it gave the
 * session (for SMB3 decryption and signature checks), and the login as a
 * crackable hash line in hashcat's formats. [MS-NLMP] 3.3.1, 3.3.2, 3.4.5.1
 * @module
 */
import { desl, lmOwfV1, ntlmKeys, ntOwfV1 } from "../crypto/ntlm_keys.ts";
import { fromHex, toHex } from "../bytes/cursor.ts";
import type { Keyring, KeySource } from "./keyring.ts";
import type { NtlmAuthenticate } from "./types.ts";

/** What the secrets settled for one login. */
export interface NtlmCheck {
  /** Whether a given password or NT hash for this account produced the responses; absent when none was given or it cannot be told. */
  passwordMatch?: boolean;
  /** The ExportedSessionKey, when a secret for the account verified (or could not be checked but is the only one). */
  sessionKey?: Uint8Array;
  /** What that key came from. */
  keySource?: KeySource;
}

/**
 * Tries every NT hash the keyring holds for the login's account. The first
 * that verifies gives the session key; when none verifies the login did not
 * use any of them (`passwordMatch: false`, no key).
 */
export function checkNtlm(
  auth: NtlmAuthenticate,
  serverChallenge: string | undefined,
  keyring: Keyring,
): NtlmCheck {
  const r = auth.responses;
  if (r === undefined || auth.user === "" || serverChallenge === undefined) return {};
  const accounts = keyring.accountsFor(auth.user, auth.domain);
  if (accounts.length === 0) return {};
  // An LM response alone (SMB1 without an NT response): DESL(LM hash, challenge). [MS-NLMP] 3.3.1
  if (r.nt.length === 0 && r.lm.length === 24) {
    const withLm = accounts.filter((a) => a.lmHash !== undefined);
    if (withLm.length === 0) return {};
    const challenge = fromHex(serverChallenge);
    const match = withLm.some((a) => equal(desl(a.lmHash!, challenge), r.lm));
    return { passwordMatch: match };
  }
  // A password in clear (SMB1 without encryption): hashed like the given secrets.
  if (r.nt.length === 0 && r.lm.length > 0 && r.lm.length !== 24) {
    let end = r.lm.length;
    while (end > 0 && r.lm[end - 1] === 0) end--;
    const clear = String.fromCharCode(...r.lm.subarray(0, end));
    const nt = ntOwfV1(clear), lm = lmOwfV1(clear);
    return {
      passwordMatch: accounts.some((a) =>
        equal(a.ntHash, nt) || (a.lmHash !== undefined && equal(a.lmHash, lm))
      ),
    };
  }
  if (auth.ntlmVersion !== "v1" && auth.ntlmVersion !== "v2") return {};
  const exchange = {
    flags: auth.flags,
    user: auth.user,
    domain: auth.domain,
    serverChallenge: fromHex(serverChallenge),
    lmResponse: r.lm,
    ntResponse: r.nt,
    encryptedRandomSessionKey: r.encryptedRandomSessionKey,
  };
  let unknown: NtlmCheck | undefined;
  for (const a of accounts) {
    let keys;
    try {
      keys = ntlmKeys(exchange, a.ntHash, a.lmHash);
    } catch {
      continue; // lengths the computation cannot use: this secret tells nothing
    }
    // An empty key: this login's flags need what was not given (an LM hash for LM_KEY).
    const key = keys.exportedSessionKey.length > 0
      ? { sessionKey: keys.exportedSessionKey, keySource: a.source }
      : {};
    if (keys.verified === true) return { passwordMatch: true, ...key };
    if (keys.verified === undefined && unknown === undefined) unknown = key;
  }
  return unknown ?? { passwordMatch: false };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A hashcat line for the login and its mode: 5600 (NetNTLMv2) or 5500 (NetNTLMv1); undefined when it cannot be made. */
export function hashcatLine(
  auth: NtlmAuthenticate,
  serverChallenge: string | undefined,
): { line: string; mode: 5500 | 5600 } | undefined {
  const r = auth.responses;
  if (r === undefined || serverChallenge === undefined || auth.user === "") return undefined;
  // Colons would shift hashcat's fields; such names cannot be written in its format.
  if (auth.user.includes(":") || auth.domain.includes(":")) return undefined;
  if (auth.ntlmVersion === "v2" && r.nt.length > 16) {
    const proof = toHex(r.nt.subarray(0, 16)), blob = toHex(r.nt.subarray(16));
    return { line: `${auth.user}::${auth.domain}:${serverChallenge}:${proof}:${blob}`, mode: 5600 };
  }
  if (auth.ntlmVersion === "v1" && r.nt.length === 24) {
    const lm = r.lm.length === 24 ? toHex(r.lm) : "";
    return {
      line: `${auth.user}::${auth.domain}:${lm}:${toHex(r.nt)}:${serverChallenge}`,
      mode: 5500,
    };
  }
  return undefined;
}
