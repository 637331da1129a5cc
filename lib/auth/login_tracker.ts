/**
 * Follows logins through a protocol's exchanges (SMB1 and SMB2 SESSION_SETUP
 * today, DCE/RPC binds next) and emits one `ntlm` or `kerberos` event per
 * attempt, with its outcome taken from the answer's status. Knows nothing of
 * the carrying protocol beyond its name and the connection.
 * @module
 */
import type { Addressed, DecodeEvent, Evidence, KerberosEvent, NtlmEvent } from "../events.ts";
import type { KrbApReq } from "./kerberos.ts";
import type { KerberosTickets } from "./kerberos_tickets.ts";
import type { Keyring, KeySource } from "./keyring.ts";
import { checkNtlm, hashcatLine } from "./ntlm_check.ts";
import { parseSecurityBlob } from "./spnego.ts";
import type { NtlmAuthenticate, NtlmChallenge, SecurityToken } from "./types.ts";

const STATUS_SUCCESS = 0;
const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
/** Logins awaiting their answer on one connection; a client has one or two in flight. */
const MAX_OPEN_LOGINS = 64;

interface PendingAuth {
  auth: NtlmAuthenticate;
  mechanism: "ntlmssp" | "smb1_legacy";
  evidence: Evidence;
  /** SMB1 legacy logins: the challenge from the NEGOTIATE response (hex). */
  challenge?: string | undefined;
}

interface PendingKerberos {
  apReq: KrbApReq;
  evidence: Evidence;
}

/** The user string sessions are named by: `DOMAIN\user`; undefined for an anonymous login. */
export function userName(auth: { domain: string; user: string }): string | undefined {
  if (auth.user === "") return undefined;
  // Joined: one flat string (a template makes one of pieces, slow for JSON.stringify), and
  // every event of the session carries it.
  return auth.domain === "" ? auth.user : [auth.domain, auth.user].join("\\");
}

/** Whether an attempt is anonymous: no user name, and no NT response (or the v1 empty one). */
function isAnonymous(auth: NtlmAuthenticate): boolean {
  return auth.ntlmVersion === "anonymous" || auth.user === "";
}

/** What a login's answer settled. */
export interface LoginOutcome {
  /** The decoded token of the answer, when it carried one. */
  token?: SecurityToken;
  /** `DOMAIN\user` of a successful, named login. */
  user?: string;
  /** True when a successful login was anonymous. */
  anonymous?: boolean;
  /** The session key a given password or NT hash yielded (successful NTLM logins only). */
  sessionKey?: Uint8Array;
  /** What that key came from. */
  keySource?: KeySource;
  /** False when passwords or NT hashes were given for the account and none produced the login. */
  passwordMatch?: boolean;
}

/** Per connection: the last server challenge and authentications awaiting their answer. */
export class LoginTracker {
  #challenge: NtlmChallenge | undefined;
  /** Attempts by the carrier's pairing key; at most a handful per connection are ever open. */
  readonly #pending = new Map<string, PendingAuth>();
  readonly #kerberos = new Map<string, PendingKerberos>();

  constructor(
    /** Where `ntlm` and `kerberos` events go. */
    readonly out: DecodeEvent[],
    /** The carrying protocol, as events name it. */
    readonly protocol: NtlmEvent["protocol"],
    /** The connection's addresses. */
    readonly addresses: Addressed,
    /** Tickets seen issued on port 88, to name a Kerberos login's client. */
    readonly tickets: KerberosTickets | undefined = undefined,
    /** Told when more logins than MAX_OPEN_LOGINS await their answers (a cap hit). */
    readonly onLimit: (detail: string) => void = () => {},
    /** The analyst's secrets: passwords checked, session keys recovered, hashes exported. */
    readonly keyring: Keyring | undefined = undefined,
  ) {}

  /** Room for one more login awaiting its answer: past the cap the waiting ones are reported unanswered. */
  #room(): void {
    if (this.#pending.size + this.#kerberos.size < MAX_OPEN_LOGINS) return;
    this.onLimit(
      `more than ${MAX_OPEN_LOGINS} logins awaiting their answer on one connection; reported without outcome`,
    );
    this.close();
  }

  /**
   * A SESSION_SETUP request's blob. Returns the decoded token (for the
   * message's fields) and, for an NTLM AUTHENTICATE, remembers it under `key`.
   */
  request(key: string, blob: Uint8Array, evidence: Evidence): SecurityToken {
    const token = parseSecurityBlob(blob);
    if (token.ntlm?.messageType === 3 || token.kerberos !== undefined) this.#room();
    if (token.ntlm?.messageType === 3) {
      this.#pending.set(key, { auth: token.ntlm, mechanism: "ntlmssp", evidence });
    } else if (token.kerberos !== undefined) {
      this.#kerberos.set(key, { apReq: token.kerberos, evidence });
    }
    return token;
  }

  /** A legacy (non-extended) SMB1 login: account and domain in clear, LM/NT response lengths. */
  legacyRequest(
    key: string,
    auth: NtlmAuthenticate,
    evidence: Evidence,
    challenge?: string,
  ): void {
    this.#room();
    this.#pending.set(key, { auth, mechanism: "smb1_legacy", evidence, challenge });
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
    sessionId: string | undefined,
  ): LoginOutcome {
    const token = blob !== undefined && blob.length > 0 ? parseSecurityBlob(blob) : undefined;
    if (token?.ntlm?.messageType === 2) this.#challenge = token.ntlm;
    // A Kerberos exchange may take more legs (IAKERB, mutual authentication): the login
    // then waits for the session's final answer, whichever request it answers.
    const sessionKey = sessionId === undefined ? undefined : `session:${sessionId}`;
    let krbKey = key;
    let krb = this.#kerberos.get(key);
    if (krb === undefined && sessionKey !== undefined) {
      krb = this.#kerberos.get(sessionKey);
      krbKey = sessionKey;
    }
    if (
      krb !== undefined && status === STATUS_MORE_PROCESSING_REQUIRED && sessionKey !== undefined
    ) {
      this.#kerberos.delete(krbKey);
      this.#kerberos.set(sessionKey, krb);
    } else if (krb !== undefined) {
      this.#kerberos.delete(krbKey);
      const success = status === STATUS_SUCCESS;
      const client = this.#emitKerberos(krb, sessionId, { success, status, statusName });
      const result: LoginOutcome = {};
      if (token) result.token = token;
      if (success && client !== undefined) result.user = client;
      return result;
    }
    const pending = this.#pending.get(key);
    if (pending === undefined) return token ? { token } : {};
    if (status === STATUS_MORE_PROCESSING_REQUIRED) return token ? { token } : {};
    this.#pending.delete(key);
    const success = status === STATUS_SUCCESS;
    const check = this.#emit(pending, sessionId, { success, status, statusName, guest });
    const result: LoginOutcome = {};
    if (token) result.token = token;
    if (success) {
      const user = userName(pending.auth);
      if (user !== undefined && !isAnonymous(pending.auth)) result.user = user;
      else result.anonymous = true;
      if (check?.sessionKey !== undefined) {
        result.sessionKey = check.sessionKey;
        if (check.keySource !== undefined) result.keySource = check.keySource;
      }
      if (check?.passwordMatch === false) result.passwordMatch = false;
    }
    return result;
  }

  /** The connection ended: attempts with no response are reported without an outcome. */
  close(): void {
    for (const pending of this.#pending.values()) this.#emit(pending, undefined, {});
    for (const krb of this.#kerberos.values()) this.#emitKerberos(krb, undefined, {});
    this.#kerberos.clear();
    this.#pending.clear();
  }

  #emit(
    pending: PendingAuth,
    sessionId: string | undefined,
    outcome: {
      success?: boolean;
      status?: number;
      statusName?: string;
      guest?: boolean | undefined;
    },
  ): ReturnType<typeof checkNtlm> | undefined {
    const a = pending.auth, c = this.#challenge;
    const event: NtlmEvent = {
      type: "ntlm",
      protocol: this.protocol,
      client: this.addresses.client,
      server: this.addresses.server,
      anonymous: isAnonymous(a),
      mechanism: pending.mechanism,
      ntlmVersion: a.ntlmVersion,
      user: a.user,
      domain: a.domain,
      workstation: a.workstation,
      lmResponseLength: a.lmResponseLength,
      ntResponseLength: a.ntResponseLength,
      flags: a.flagNames,
      mic: a.mic !== undefined,
      sessionKeyPresent: a.sessionKeyPresent,
      evidence: pending.evidence,
    };
    if (sessionId !== undefined) event.sessionId = sessionId;
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
    const challenge = pending.mechanism === "smb1_legacy" ? pending.challenge : c?.serverChallenge;
    let check: ReturnType<typeof checkNtlm> | undefined;
    const keyring = this.keyring;
    if (keyring !== undefined && !event.anonymous) {
      if (keyring.hasAccounts) {
        check = checkNtlm(a, challenge, keyring);
        if (check.passwordMatch !== undefined) event.passwordMatch = check.passwordMatch;
      }
      if (keyring.exportHashes) {
        const h = hashcatLine(a, challenge);
        if (h !== undefined) {
          event.hashcat = h.line;
          event.hashcatMode = h.mode;
        }
      }
    }
    this.out.push(event);
    return check;
  }

  /** Emits a Kerberos login; returns its client as sessions name users (`REALM\principal`, like `DOMAIN\user`), when known. */
  #emitKerberos(
    pending: PendingKerberos,
    sessionId: string | undefined,
    outcome: { success?: boolean; status?: number; statusName?: string },
  ): string | undefined {
    const t = pending.apReq.ticket;
    const event: KerberosEvent = {
      type: "kerberos",
      protocol: this.protocol,
      client: this.addresses.client,
      server: this.addresses.server,
      realm: t.realm,
      service: t.service,
      ticketEtype: t.etype,
      ticketEtypeName: t.etypeName,
      mutualRequired: pending.apReq.mutualRequired,
      evidence: pending.evidence,
    };
    const who = this.tickets?.clientOf(t.id);
    if (who !== undefined) {
      event.clientPrincipal = who.principal;
      event.clientRealm = who.realm;
    }
    if (outcome.success !== undefined) event.success = outcome.success;
    if (outcome.status !== undefined) event.status = outcome.status;
    if (outcome.statusName !== undefined) event.statusName = outcome.statusName;
    if (sessionId !== undefined) event.sessionId = sessionId;
    this.out.push(event);
    return who === undefined ? undefined : `${who.realm}\\${who.principal}`;
  }
}
