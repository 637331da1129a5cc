/**
 * The secrets an analyst hands the decoder - passwords, NT hashes, SMB
 * session keys - checked once when the decoder is made, and looked up by
 * user or SessionId during the decode. Secrets never leave this module in
 * events or error messages: errors name the option and the entry's position.
 * @module
 */
import { fromHex } from "../bytes/cursor.ts";
import { lmOwfV1, ntOwfV1 } from "../crypto/ntlm_keys.ts";

/** A password for one account (`domain` absent or empty: any domain). */
export interface PasswordCredential {
  /** Account name, compared without regard to case. */
  user: string;
  /** NetBIOS or DNS domain, compared without regard to case; absent or empty matches any. */
  domain?: string;
  /** The password. */
  password: string;
}

/** An NT hash (MD4 of the UTF-16LE password, 32 hex digits) for one account. */
export interface NtHashCredential {
  /** Account name, compared without regard to case. */
  user: string;
  /** Domain, as for passwords. */
  domain?: string;
  /** 32 hex digits. */
  ntHash: string;
}

/** An SMB session key (the 16-byte key NTLM or Kerberos gave the session), for one SessionId. */
export interface SessionKeyCredential {
  /**
   * The SessionId: decimal as events print it (`sessionId`), `0x` and the
   * number in hex as Wireshark's packet details show it, or 16 hex digits
   * in wire order as Wireshark's `smb2_seskey_list` takes it.
   */
  sessionId: string;
  /** The session key, 32 or 64 hex digits. */
  key: string;
}

/**
 * The `keys` option group: secrets for SMB3 decryption, signature checks and
 * the password check of NTLM logins, and the hash export switch. Each list
 * also takes the command line's string forms: `USER:PASSWORD` or
 * `DOMAIN\USER:PASSWORD`, `USER:HEX` (NT hash), `SESSIONID:HEX`.
 */
export interface KeyOptions {
  /** Passwords, as objects or `[DOMAIN\]USER:PASSWORD` strings. */
  passwords?: readonly (PasswordCredential | string)[];
  /** NT hashes, as objects or `[DOMAIN\]USER:HEX` strings. */
  ntHashes?: readonly (NtHashCredential | string)[];
  /** Session keys, as objects or `SESSIONID:HEX` strings. */
  sessionKeys?: readonly (SessionKeyCredential | string)[];
  /** Add NetNTLMv1/v2 hashes in hashcat's formats to `ntlm` events (`hashcat`, `hashcatMode`). @default {false} */
  exportHashes?: boolean;
}

/** Where a key came from, as events name it (never the secret itself). */
export type KeySource = "password" | "nt-hash" | "session-key";

/** One account's NT hash, from a password or given. */
export interface AccountKey {
  readonly user: string;
  readonly domain: string;
  readonly ntHash: Uint8Array;
  /** The LM hash, from a password (NTLMv1's LM_KEY and LM-only logins need it). */
  readonly lmHash?: Uint8Array;
  readonly source: "password" | "nt-hash";
}

const HEX = /^[0-9a-fA-F]*$/;

/** `DOMAIN\USER` or `USER@DOMAIN` or `USER` -> its parts. */
function account(name: string): { user: string; domain: string } {
  const slash = name.indexOf("\\");
  if (slash >= 0) return { domain: name.slice(0, slash), user: name.slice(slash + 1) };
  const at = name.lastIndexOf("@");
  if (at > 0) return { user: name.slice(0, at), domain: name.slice(at + 1) };
  return { user: name, domain: "" };
}

/** Splits `NAME:SECRET` at the first colon after the name part (user names hold no colon). */
function splitPair(text: string, what: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new TypeError(`${what} must look like NAME:VALUE`);
  return [text.slice(0, colon), text.slice(colon + 1)];
}

/**
 * The SessionIds (decimal strings) a given SessionId text may stand for: a
 * 16-digit all-decimal text is read both as decimal and as wire-order hex.
 */
export function sessionIdsOf(text: string): string[] | undefined {
  const t = text.trim();
  const ids = new Set<string>();
  if (/^0x[0-9a-fA-F]{1,16}$/.test(t)) ids.add(BigInt(t).toString());
  else {
    if (/^[0-9]{1,20}$/.test(t) && BigInt(t) < 1n << 64n) ids.add(BigInt(t).toString());
    if (/^[0-9a-fA-F]{16}$/.test(t)) {
      const wire = fromHex(t);
      let v = 0n;
      for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(wire[i]!);
      ids.add(v.toString());
    }
  }
  return ids.size === 0 ? undefined : [...ids];
}

/**
 * An account's secret from `[DOMAIN\\]USER:SECRET` or `{ user, domain?, <field> }`;
 * throws a message naming what is missing, never the secret.
 */
function accountEntry(
  entry: unknown,
  field: "password" | "ntHash",
  what: string,
): { user: string; domain: string; secret: string } {
  if (typeof entry === "string") {
    const [name, secret] = splitPair(entry, what);
    return { ...account(name), secret };
  }
  const c = entry as { user?: unknown; domain?: unknown } & Record<string, unknown>;
  if (typeof c?.user !== "string" || typeof c[field] !== "string") {
    throw new TypeError(`needs user and ${field} strings`);
  }
  const parts = typeof c.domain === "string" && c.domain !== ""
    ? { user: c.user, domain: c.domain }
    : account(c.user);
  return { ...parts, secret: c[field] as string };
}

function listOf(value: unknown, option: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`Cannot create decoder: ${option} must be a list`);
  return value;
}

/** The decode's secrets, by account and by SessionId. */
export class Keyring {
  /** Accounts by lower-cased user name. */
  readonly #accounts = new Map<string, AccountKey[]>();
  /** Session keys by SessionId (decimal). */
  readonly #sessionKeys = new Map<string, Uint8Array[]>();
  /** Whether `ntlm` events carry hashcat lines. */
  readonly exportHashes: boolean;

  /** Checks the `keys` options; throws `TypeError` naming the bad entry (never its secret). */
  constructor(options: KeyOptions = {}) {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError("Cannot create decoder: option keys must be an object");
    }
    for (const k of Object.keys(options)) {
      if (!["passwords", "ntHashes", "sessionKeys", "exportHashes"].includes(k)) {
        throw new TypeError(`Cannot create decoder: unknown option keys.${k}`);
      }
    }
    const e = options.exportHashes;
    if (e !== undefined && typeof e !== "boolean") {
      throw new TypeError("Cannot create decoder: option keys.exportHashes must be a boolean");
    }
    this.exportHashes = e === true;
    listOf(options.passwords, "keys.passwords").forEach((p, i) =>
      this.#entry(`keys.passwords[${i}]`, () => {
        const { user, domain, secret } = accountEntry(p, "password", "a password entry");
        this.#addAccount({
          user,
          domain,
          ntHash: ntOwfV1(secret),
          lmHash: lmOwfV1(secret),
          source: "password",
        });
      })
    );
    listOf(options.ntHashes, "keys.ntHashes").forEach((h, i) =>
      this.#entry(`keys.ntHashes[${i}]`, () => {
        const entry = accountEntry(h, "ntHash", "an NT hash entry");
        const { user, domain } = entry;
        const hex = entry.secret.trim();
        if (hex.length !== 32 || !HEX.test(hex)) {
          throw new TypeError("the NT hash must be 32 hex digits");
        }
        this.#addAccount({ user, domain, ntHash: fromHex(hex), source: "nt-hash" });
      })
    );
    listOf(options.sessionKeys, "keys.sessionKeys").forEach((s, i) =>
      this.#entry(`keys.sessionKeys[${i}]`, () => {
        let id: string, hex: string;
        if (typeof s === "string") [id, hex] = splitPair(s, "a session key entry");
        else {
          const c = s as SessionKeyCredential;
          if (typeof c?.sessionId !== "string" || typeof c.key !== "string") {
            throw new TypeError("needs sessionId and key strings");
          }
          [id, hex] = [c.sessionId, c.key];
        }
        const ids = sessionIdsOf(id);
        if (ids === undefined) {
          throw new TypeError(
            "the SessionId must be decimal, 0x-prefixed hex or 16 hex digits in wire order",
          );
        }
        hex = hex.trim();
        if ((hex.length !== 32 && hex.length !== 64) || !HEX.test(hex)) {
          throw new TypeError("the session key must be 32 or 64 hex digits");
        }
        const key = fromHex(hex);
        for (const sid of ids) {
          const list = this.#sessionKeys.get(sid) ?? [];
          list.push(key);
          this.#sessionKeys.set(sid, list);
        }
      })
    );
  }

  #entry(where: string, add: () => void): void {
    try {
      add();
    } catch (e) {
      throw new TypeError(`Cannot create decoder: option ${where}: ${(e as Error).message}`);
    }
  }

  #addAccount(a: AccountKey): void {
    if (a.user === "") throw new TypeError("the user name is empty");
    const key = a.user.toLowerCase();
    const list = this.#accounts.get(key) ?? [];
    list.push(a);
    this.#accounts.set(key, list);
  }

  /** Whether any secret was given (nothing to decrypt or check otherwise). */
  get empty(): boolean {
    return this.#accounts.size === 0 && this.#sessionKeys.size === 0;
  }

  /** Whether passwords or NT hashes were given (logins can be checked). */
  get hasAccounts(): boolean {
    return this.#accounts.size > 0;
  }

  /** The NT hashes that may belong to `user` of `domain`: same user, and same domain or none given. */
  accountsFor(user: string, domain: string): readonly AccountKey[] {
    const list = this.#accounts.get(user.toLowerCase());
    if (list === undefined) return [];
    const d = domain.toLowerCase();
    return list.filter((a) => a.domain === "" || a.domain.toLowerCase() === d);
  }

  /** Session keys given for a SessionId (decimal). */
  sessionKeysFor(sessionId: string): readonly Uint8Array[] {
    return this.#sessionKeys.get(sessionId) ?? [];
  }
}
