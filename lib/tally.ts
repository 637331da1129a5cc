/**
 * Running totals of the SMB side of a decode, for the summary: what an
 * analyst wants first (dialects, users, shares, files, logins).
 * @module
 */
import { normalisePath } from "./files/path.ts";
import type {
  DecodeEvent,
  KerberosEvent,
  NtlmEvent,
  RpcSummary,
  SmbSummary,
  UserSummary,
} from "./events.ts";
import { isErrorResponse } from "./smb/error_status.ts";

/** Most names kept in each list of the summary. */
const MAX_NAMES = 100;

/** Folds events into an {@link SmbSummary}. */
export class SmbTally {
  readonly #summary: SmbSummary = {
    messages: 0,
    smb1Messages: 0,
    smb2Messages: 0,
    encryptedMessages: 0,
    errorResponses: 0,
    dialects: [],
    users: [],
    unlistedLogins: 0,
    anonymousLogins: 0,
    shares: [],
    files: [],
    authentications: 0,
    failedAuthentications: 0,
    kerberosLogins: 0,
    failedKerberosLogins: 0,
  };
  readonly #files = new Set<string>();
  readonly #accounts = new AccountTally();
  readonly #alerts: { count: number; byRule: Record<string, number> } = { count: 0, byRule: {} };
  readonly #rpc: RpcSummary = {
    calls: 0,
    failedCalls: 0,
    unansweredCalls: 0,
    encryptedCalls: 0,
    binds: 0,
    interfaces: [],
  };

  add(events: readonly DecodeEvent[]): void {
    const s = this.#summary;
    for (const e of events) {
      if (e.type === "smb") {
        s.messages++;
        if (e.version === 1) s.smb1Messages++;
        else s.smb2Messages++;
        if (e.command === "ENCRYPTED") s.encryptedMessages++;
        else if (e.decrypted) s.decryptedMessages = (s.decryptedMessages ?? 0) + 1;
        // Most answers succeed: only an error-severity or DOS status needs the full test.
        const status = e.status;
        if (
          e.response && status !== undefined &&
          (status >>> 30 === 3 || e.dosError !== undefined) && isErrorResponse(e)
        ) s.errorResponses++;
        add(s.dialects, e.dialect === undefined ? undefined : `SMB${e.version} ${e.dialect}`);
        add(s.shares, e.share);
        if (e.file !== undefined && e.file !== "" && this.#files.size < MAX_NAMES) {
          this.#files.add(normalisePath(e.file));
        }
      } else if (e.type === "ntlm") {
        s.authentications++;
        if (e.success === false) s.failedAuthentications++;
        this.#accounts.add(e);
      } else if (e.type === "alert") {
        this.#alerts.count++;
        this.#alerts.byRule[e.rule] = (this.#alerts.byRule[e.rule] ?? 0) + 1;
      } else if (e.type === "rpc") {
        const r = this.#rpc;
        if (e.action !== "call") {
          r.binds++;
          continue;
        }
        r.calls++;
        if (e.success === false) r.failedCalls++;
        if (e.outcome === "no_response") r.unansweredCalls++;
        if (e.encrypted) r.encryptedCalls++;
        add(r.interfaces, e.interfaceName ?? e.interface);
      } else if (e.type === "kerberos") {
        s.kerberosLogins++;
        if (e.success === false) s.failedKerberosLogins++;
        this.#accounts.add(e);
      }
    }
  }

  /** The alerts part of the summary. */
  get alerts(): { count: number; byRule: Record<string, number> } {
    return { count: this.#alerts.count, byRule: { ...this.#alerts.byRule } };
  }

  /** The DCE/RPC part of the summary. */
  get rpc(): RpcSummary {
    return { ...this.#rpc, interfaces: [...this.#rpc.interfaces] };
  }

  get summary(): SmbSummary {
    return {
      ...this.#summary,
      users: this.#accounts.users,
      unlistedLogins: this.#accounts.unlistedLogins,
      anonymousLogins: this.#accounts.anonymousLogins,
      files: [...this.#files],
    };
  }
}

/**
 * Logins by account, the one rule every summary uses (the `summary` event, the
 * text view, the REPL, the upload page): an account is `domain` + `user` as
 * the login sent them (NTLM domain and user; Kerberos client realm and
 * principal), and it is refused when every attempt was refused. Anonymous
 * NTLM logins are counted, never listed; a Kerberos login whose client is
 * unknown (its KDC reply not in the capture) is not listed. At most 100
 * accounts are kept: the logins of others are counted in `unlistedLogins`.
 */
export class AccountTally {
  /** `domain\0user` -> its entry, in order of first attempt. */
  readonly #accounts = new Map<string, UserSummary>();
  /** Anonymous (null session) NTLM logins. */
  anonymousLogins = 0;
  /** Logins of accounts past the 100 kept. */
  unlistedLogins = 0;

  /** Count one login attempt. */
  add(e: NtlmEvent | KerberosEvent): void {
    let user: string, domain: string;
    if (e.type === "ntlm") {
      if (e.anonymous || e.ntlmVersion === "anonymous" || e.user === "") {
        this.anonymousLogins++;
        return;
      }
      user = e.user;
      domain = e.domain;
    } else {
      if (e.clientPrincipal === undefined || e.clientPrincipal === "") return;
      user = e.clientPrincipal;
      domain = e.clientRealm ?? e.realm;
    }
    const key = `${domain}\0${user}`;
    const refused = e.success === false;
    const known = this.#accounts.get(key);
    if (known !== undefined) {
      known.logins++;
      known.refused &&= refused;
    } else if (this.#accounts.size < MAX_NAMES) {
      this.#accounts.set(key, { user, domain, refused, logins: 1 });
    } else this.unlistedLogins++;
  }

  /** The accounts, copied, in order of first attempt. */
  get users(): UserSummary[] {
    return [...this.#accounts.values()].map((u) => ({ ...u }));
  }
}

function add(list: string[], name: string | undefined): void {
  if (name !== undefined && name !== "" && list.length < MAX_NAMES && !list.includes(name)) {
    list.push(name);
  }
}
