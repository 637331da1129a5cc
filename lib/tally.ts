/**
 * Running totals of the SMB side of a decode, for the summary: what an
 * analyst wants first (dialects, users, shares, files, logins).
 * @module
 */
import type { DecodeEvent, SmbSummary } from "./events.ts";
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
    shares: [],
    files: [],
    authentications: 0,
    failedAuthentications: 0,
  };
  readonly #files = new Set<string>();

  add(events: readonly DecodeEvent[]): void {
    const s = this.#summary;
    for (const e of events) {
      if (e.type === "smb") {
        s.messages++;
        if (e.version === 1) s.smb1Messages++;
        else s.smb2Messages++;
        if (e.command === "ENCRYPTED") s.encryptedMessages++;
        if (e.response && isErrorResponse(e)) s.errorResponses++;
        add(s.dialects, e.dialect === undefined ? undefined : `SMB${e.version} ${e.dialect}`);
        add(s.users, e.user);
        add(s.shares, e.share);
        if (e.file !== undefined && e.file !== "" && this.#files.size < MAX_NAMES) {
          this.#files.add(e.file);
        }
      } else if (e.type === "ntlm") {
        s.authentications++;
        if (e.success === false) s.failedAuthentications++;
      }
    }
  }

  get summary(): SmbSummary {
    return { ...this.#summary, files: [...this.#files] };
  }
}

function add(list: string[], name: string | undefined): void {
  if (name !== undefined && name !== "" && list.length < MAX_NAMES && !list.includes(name)) {
    list.push(name);
  }
}
