/**
 * Follows NTLM authentications through SESSION_SETUP exchanges (SMB1 and
 * SMB2 alike) and emits one `ntlm` event per attempt, with its outcome taken
 * from the response status.
 * @module
 */
import { parseSecurityBlob } from "../auth/spnego.ts";
import type { NtlmAuthenticate, NtlmChallenge, SecurityToken } from "../auth/types.ts";
import type { Evidence, JsonValue, NtlmEvent } from "../events.ts";
import type { SmbConnection } from "./context.ts";
import { jsonCopy } from "./json.ts";

const STATUS_SUCCESS = 0;
const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;

interface PendingAuth {
  auth: NtlmAuthenticate;
  mechanism: "ntlmssp" | "smb1_legacy";
  evidence: Evidence;
}

/** The user string sessions are named by: `DOMAIN\user`, or `(anonymous)`. */
export function userName(auth: { domain: string; user: string }): string {
  if (auth.user === "") return "(anonymous)";
  return auth.domain === "" ? auth.user : `${auth.domain}\\${auth.user}`;
}

/** Per connection: the last server challenge and authentications awaiting their response. */
export class AuthTracker {
  #challenge: NtlmChallenge | undefined;
  readonly #pending = new Map<string, PendingAuth>();

  constructor(readonly conn: SmbConnection, readonly smbVersion: 1 | 2) {}

  /**
   * A SESSION_SETUP request's blob. Returns the decoded token (for the
   * message's fields) and, for an NTLM AUTHENTICATE, remembers it under `key`.
   */
  request(key: string, blob: Uint8Array, evidence: Evidence): SecurityToken {
    const token = parseSecurityBlob(blob);
    if (token.ntlm?.messageType === 3) {
      this.#pending.set(key, { auth: token.ntlm, mechanism: "ntlmssp", evidence });
    }
    return token;
  }

  /** A legacy (non-extended) SMB1 login: account and domain in clear, LM/NT response lengths. */
  legacyRequest(key: string, auth: NtlmAuthenticate, evidence: Evidence): void {
    this.#pending.set(key, { auth, mechanism: "smb1_legacy", evidence });
  }

  /**
   * A SESSION_SETUP response. Returns its decoded token (when it has a blob)
   * and the user of the session when an authentication succeeded.
   */
  response(
    key: string,
    blob: Uint8Array | undefined,
    status: number,
    statusName: string,
    guest: boolean | undefined,
    sessionId: string,
  ): { token?: SecurityToken; user?: string } {
    const token = blob !== undefined && blob.length > 0 ? parseSecurityBlob(blob) : undefined;
    if (token?.ntlm?.messageType === 2) this.#challenge = token.ntlm;
    const pending = this.#pending.get(key);
    if (pending === undefined) return token ? { token } : {};
    if (status === STATUS_MORE_PROCESSING_REQUIRED) return token ? { token } : {};
    this.#pending.delete(key);
    const success = status === STATUS_SUCCESS;
    this.#emit(pending, sessionId, { success, status, statusName, guest });
    const result: { token?: SecurityToken; user?: string } = {};
    if (token) result.token = token;
    if (success) result.user = userName(pending.auth);
    return result;
  }

  /** The connection ended: attempts with no response are reported without an outcome. */
  close(): void {
    for (const pending of this.#pending.values()) this.#emit(pending, "", {});
    this.#pending.clear();
  }

  #emit(
    pending: PendingAuth,
    sessionId: string,
    outcome: {
      success?: boolean;
      status?: number;
      statusName?: string;
      guest?: boolean | undefined;
    },
  ): void {
    const a = pending.auth, c = this.#challenge;
    const event: NtlmEvent = {
      type: "ntlm",
      smbVersion: this.smbVersion,
      mechanism: pending.mechanism,
      ntlmVersion: a.ntlmVersion,
      user: a.user,
      domain: a.domain,
      workstation: a.workstation,
      sessionId,
      flags: a.flagNames,
      mic: a.mic !== undefined,
      sessionKeyPresent: a.sessionKeyPresent,
      evidence: pending.evidence,
    };
    if (outcome.success !== undefined) event.success = outcome.success;
    if (outcome.status !== undefined) event.status = outcome.status;
    if (outcome.statusName !== undefined) event.statusName = outcome.statusName;
    if (outcome.guest !== undefined) event.guest = outcome.guest;
    if (c !== undefined) {
      event.serverChallenge = c.serverChallenge;
      const t = c.targetInfo;
      if (t?.nbComputerName) event.serverNbComputerName = t.nbComputerName;
      if (t?.nbDomainName) event.serverNbDomainName = t.nbDomainName;
      if (t?.dnsComputerName) event.serverDnsComputerName = t.dnsComputerName;
      if (t?.dnsDomainName) event.serverDnsDomainName = t.dnsDomainName;
    }
    if (a.version !== undefined) event.clientVersion = a.version;
    this.conn.ctx.out.push(event);
  }
}

/** A decoded security token as message fields: a JSON-safe copy (problems kept). */
export function tokenFields(token: SecurityToken): JsonValue {
  return jsonCopy(token);
}
