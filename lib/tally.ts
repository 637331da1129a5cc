/**
 * Running totals of the SMB side of a decode, for the summary: what an
 * analyst wants first (dialects, users, shares, files, logins).
 * @module
 */
import type { DecodeEvent, NtlmEvent, SmbSummary } from "./events.ts";
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
    anonymousLogins: 0,
    shares: [],
    files: [],
    authentications: 0,
    failedAuthentications: 0,
    kerberosLogins: 0,
    failedKerberosLogins: 0,
  };
  readonly #files = new Set<string>();
  /** Account → refused so far (true until an attempt succeeds or a session names it). */
  readonly #users = new Map<string, boolean>();
  #lastUser: string | undefined;

  add(events: readonly DecodeEvent[]): void {
    const s = this.#summary;
    for (const e of events) {
      if (e.type === "smb") {
        s.messages++;
        if (e.version === 1) s.smb1Messages++;
        else s.smb2Messages++;
        if (e.command === "ENCRYPTED") s.encryptedMessages++;
        // Most answers succeed: only an error-severity or DOS status needs the full test.
        const status = e.status;
        if (
          e.response && status !== undefined &&
          (status >>> 30 === 3 || e.dosError !== undefined) && isErrorResponse(e)
        ) s.errorResponses++;
        add(s.dialects, e.dialect === undefined ? undefined : `SMB${e.version} ${e.dialect}`);
        // Messages of one session repeat its user: look it up when it changes.
        if (e.user !== undefined && e.user !== this.#lastUser) {
          this.#lastUser = e.user;
          this.#user(e.user, false);
        }
        add(s.shares, e.share);
        if (e.file !== undefined && e.file !== "" && this.#files.size < MAX_NAMES) {
          this.#files.add(e.file);
        }
      } else if (e.type === "ntlm") {
        s.authentications++;
        if (e.success === false) s.failedAuthentications++;
        if (e.anonymous) s.anonymousLogins++;
        else this.#user(accountName(e), e.success === false);
      } else if (e.type === "kerberos") {
        s.kerberosLogins++;
        if (e.success === false) s.failedKerberosLogins++;
        if (e.clientPrincipal !== undefined) {
          this.#user(`${e.clientPrincipal}@${e.clientRealm ?? e.realm}`, e.success === false);
        }
      }
    }
  }

  /** Note an account; `refused` when this attempt was refused. */
  #user(name: string, refused: boolean): void {
    if (name === "") return;
    const known = this.#users.get(name);
    if (known === undefined) {
      if (this.#users.size < MAX_NAMES) this.#users.set(name, refused);
    } else if (known && !refused) this.#users.set(name, false);
  }

  get summary(): SmbSummary {
    return {
      ...this.#summary,
      users: [...this.#users].map(([name, refused]) => ({ name, refused })),
      files: [...this.#files],
    };
  }
}

/** `DOMAIN\user` of a login, as sessions name their user. */
function accountName(e: NtlmEvent): string {
  return e.domain === "" ? e.user : `${e.domain}\\${e.user}`;
}

function add(list: string[], name: string | undefined): void {
  if (name !== undefined && name !== "" && list.length < MAX_NAMES && !list.includes(name)) {
    list.push(name);
  }
}
