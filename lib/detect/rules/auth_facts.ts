/**
 * Facts about logins and null sessions that the authentication rules
 * (ntlmv1, anonymous-enumeration, password-spray, password-brute-force)
 * share: which answers refuse credentials, how a login attempt reads off an
 * `ntlm` or `kerberos` event, which DCE/RPC operations enumerate accounts,
 * shares and sessions, small helpers for messages, and the sliding window
 * of refused logins both password rules count (`countGuess`). Field
 * readers are in facts.ts.
 * @module
 */
import type { DecodeEvent, JsonValue } from "../../events.ts";
import type { RuleState } from "../rule.ts";
import { endpointIp, eventTs, str } from "./facts.ts";

/** The first items of a list, for messages: `a, b, c (+4 more)`. */
export function firstFew(items: readonly string[], n = 5): string {
  const shown = items.slice(0, n).join(", ");
  return items.length > n ? `${shown} (+${items.length - n} more)` : shown;
}

/** `{ name: count }` as a JSON object, most frequent first. */
export function tally(counts: ReadonlyMap<string, number>): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) out[k] = v;
  return out;
}

/**
 * Answers to a login that refuse the credentials, by NTSTATUS name: what
 * Windows logs as the status or sub-status of a failed logon (event 4625:
 * unknown user or bad password, wrong password, no such user, locked out,
 * disabled, restricted, outside logon hours, workstation not allowed,
 * password expired or to be changed, account expired, logon type not
 * granted). Other failures (access denied by a share, a protocol error, a
 * refused session) say nothing about a password and are not counted.
 */
export const CREDENTIAL_REFUSALS: ReadonlySet<string> = new Set([
  "STATUS_LOGON_FAILURE", // 0xC000006D
  "STATUS_WRONG_PASSWORD", // 0xC000006A
  "STATUS_NO_SUCH_USER", // 0xC0000064
  "STATUS_ACCOUNT_LOCKED_OUT", // 0xC0000234
  "STATUS_ACCOUNT_DISABLED", // 0xC0000072
  "STATUS_ACCOUNT_RESTRICTION", // 0xC000006E
  "STATUS_INVALID_LOGON_HOURS", // 0xC000006F
  "STATUS_INVALID_WORKSTATION", // 0xC0000070
  "STATUS_PASSWORD_EXPIRED", // 0xC0000071
  "STATUS_PASSWORD_MUST_CHANGE", // 0xC0000224
  "STATUS_ACCOUNT_EXPIRED", // 0xC0000193
  "STATUS_LOGON_TYPE_NOT_GRANTED", // 0xC000015B
]);

/** Refusals that Windows gives only once the password was found right: the password is known. */
export const PASSWORD_ACCEPTED_REFUSALS: ReadonlySet<string> = new Set([
  "STATUS_PASSWORD_EXPIRED",
  "STATUS_PASSWORD_MUST_CHANGE",
]);

/** One login attempt with a user name and a known outcome. */
export interface LoginAttempt {
  /** The client's address. */
  client: string;
  /** The server's address. */
  server: string;
  /** The user as shown: `DOMAIN\user` (NTLM) or `user@REALM` (Kerberos). */
  user: string;
  /** The same, lower case: the key users are counted by. */
  key: string;
  /** Capture time of the request. */
  ts: number;
  /** `refused`: the server refused the credentials; `accepted`: the login succeeded. */
  outcome: "refused" | "accepted";
  /** The answer's status name. */
  statusName: string;
  /** The event. */
  event: DecodeEvent;
}

/**
 * The login attempt an `ntlm` or `kerberos` event records, when it has a
 * user name and an answer that accepted it or refused its credentials;
 * anonymous logins, unanswered ones and other failures give undefined. A
 * Kerberos login names its user only when the capture holds the KDC reply
 * that issued the ticket (`clientPrincipal`).
 */
export function loginAttempt(e: DecodeEvent): LoginAttempt | undefined {
  if (e.type !== "ntlm" && e.type !== "kerberos") return undefined;
  // The outcome first: read without building anything, it turns away unanswered logins and
  // other failures before the user's name is put together.
  const statusName = str(e.statusName) ?? "";
  let outcome: LoginAttempt["outcome"];
  if (e.success === true) outcome = "accepted";
  else if (e.success === false && CREDENTIAL_REFUSALS.has(statusName)) outcome = "refused";
  else return undefined;
  const client = endpointIp(e.client), server = endpointIp(e.server);
  if (client === undefined || server === undefined) return undefined;
  let user: string | undefined;
  if (e.type === "ntlm") {
    const name = str(e.user);
    if (e.anonymous === true || name === undefined || name === "") return undefined;
    const domain = str(e.domain) ?? "";
    user = domain === "" ? name : `${domain}\\${name}`;
  } else {
    const principal = str(e.clientPrincipal);
    if (principal === undefined || principal === "") return undefined;
    const realm = str(e.clientRealm) ?? "";
    user = realm === "" ? principal : `${principal}@${realm}`;
  }
  return {
    client,
    server,
    user,
    key: user.toLowerCase(),
    ts: eventTs(e),
    outcome,
    statusName,
    event: e,
  };
}

/**
 * DCE/RPC operations that enumerate or look up accounts, groups, domains,
 * shares, sessions and logged-on users, by interface name, plus the opens
 * that start such an enumeration (SamrConnect*, SamrOpenDomain,
 * LsarOpenPolicy*): on a hardened server those are refused and are all the
 * enumeration that reaches the wire. Names are the specifications' ([MS-SAMR],
 * [MS-LSAD], [MS-LSAT], [MS-SRVS], [MS-WKST]). Tools: rpcclient (enumdomusers,
 * netshareenumall, lsaquery, lookupsids), enum4linux, impacket's samrdump,
 * lookupsid (RID cycling with LsarLookupSids), net view / net session.
 */
export const ENUMERATION_OPERATIONS: Readonly<Record<string, RegExp>> = {
  samr:
    /^Samr(Connect[2-5]?|OpenDomain|Enumerate\w+|Lookup\w+|QueryDisplayInformation[23]?|GetDisplayEnumerationIndex2?|QueryInformationDomain2?|GetMembersIn(Group|Alias)|GetAliasMembership|GetGroupsForUser|RidToSid)$/,
  lsarpc: /^Lsar(OpenPolicy[23]?|QueryInformationPolicy2?|Lookup(Names|Sids)[2-4]?|Enumerate\w+)$/,
  srvsvc: /^Netr\w*Enum\w*$/,
  wkssvc: /^Netr\w*Enum\w*$/,
};

/** `interface.operation` when an `rpc` call is an enumeration or look-up, else undefined. */
export function enumerationOperation(e: DecodeEvent): string | undefined {
  if (e.type !== "rpc" || e.action !== "call") return undefined;
  const iface = str(e.interfaceName), op = str(e.operation);
  if (iface === undefined || op === undefined) return undefined;
  const pattern = Object.hasOwn(ENUMERATION_OPERATIONS, iface)
    ? ENUMERATION_OPERATIONS[iface]
    : undefined;
  return pattern?.test(op) ? `${iface}.${op}` : undefined;
}

// ---------------------------------------------------------------- password guessing

/** Refusals remembered per window (past it the oldest are dropped, even within the window). */
const MAX_WINDOW = 256;
/** Distinct users, servers and statuses named per client (counts go on past it). */
const MAX_NAMES = 256;
/** Events an alert rests on. */
const MAX_RESTS = 16;
/** Clients (password-spray) or client and user pairs (password-brute-force) followed at once. */
export const MAX_GUESSERS = 2048;

/** What password-spray and password-brute-force cite. */
export const GUESSING_REFERENCES: readonly string[] = [
  "https://attack.mitre.org/techniques/T1110/003/",
  "https://attack.mitre.org/techniques/T1110/001/",
  "https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-10/security/threat-protection/auditing/event-4625",
  "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/905fbe98-1fe5-40e9-b17a-22ec8b17f7b3",
  "https://ldapwiki.com/wiki/ERROR_PASSWORD_MUST_CHANGE",
];

/**
 * Password guessing by one client (password-spray) or by one client for one
 * user (password-brute-force): refusals counted within a sliding window, and
 * the totals an alert names at the end of the decode.
 */
export interface Guessing {
  client: string;
  /** Refusals within the current window: time and user key. */
  window: { ts: number; key: string }[];
  /** Whether the window ever reached the threshold. */
  crossed: boolean;
  /** The most distinct users (spray) or refusals (brute force) seen within one window. */
  peak: number;
  refused: number;
  /** Users refused, by key: the name as shown and the count. */
  users: Map<string, { user: string; count: number }>;
  moreUsers: number;
  servers: Set<string>;
  statuses: Map<string, number>;
  /** Users the client logged in with while guessing (within the window after a refusal). */
  succeeded: Set<string>;
  /** Users refused with a status Windows gives only for a right password (expired, must change). */
  passwordRight: Set<string>;
  lockedOut: Set<string>;
  first: number;
  last: number;
  rests: DecodeEvent[];
}

/** A client's guessing, from its first refusal at `ts`. */
export function newGuessing(client: string, ts: number): Guessing {
  return {
    client,
    window: [],
    crossed: false,
    peak: 0,
    refused: 0,
    users: new Map(),
    moreUsers: 0,
    servers: new Set(),
    statuses: new Map(),
    succeeded: new Set(),
    passwordRight: new Set(),
    lockedOut: new Set(),
    first: ts,
    last: ts,
    rests: [],
  };
}

/** What the window holds after a refusal: distinct users and refusals. */
export interface GuessWindow {
  users: number;
  refusals: number;
}

/** Adds a refusal to `g`; returns what the window then holds of `measure`. */
function refuse(
  g: Guessing,
  a: LoginAttempt,
  windowSeconds: number,
  measure: keyof GuessWindow,
): number {
  g.refused++;
  g.first = Math.min(g.first, a.ts);
  g.last = Math.max(g.last, a.ts);
  const u = g.users.get(a.key);
  if (u !== undefined) u.count++;
  else if (g.users.size < MAX_NAMES) g.users.set(a.key, { user: a.user, count: 1 });
  else g.moreUsers++;
  if (g.servers.size < MAX_NAMES) g.servers.add(a.server);
  if (g.statuses.has(a.statusName) || g.statuses.size < MAX_NAMES) {
    g.statuses.set(a.statusName, (g.statuses.get(a.statusName) ?? 0) + 1);
  }
  if (a.statusName === "STATUS_ACCOUNT_LOCKED_OUT" && g.lockedOut.size < MAX_NAMES) {
    g.lockedOut.add(a.user);
  }
  if (PASSWORD_ACCEPTED_REFUSALS.has(a.statusName) && g.passwordRight.size < MAX_NAMES) {
    g.passwordRight.add(a.user);
  }
  g.window.push({ ts: a.ts, key: a.key });
  const from = a.ts - windowSeconds;
  let drop = 0;
  while (
    drop < g.window.length && (g.window[drop]!.ts < from || g.window.length - drop > MAX_WINDOW)
  ) {
    drop++;
  }
  if (drop > 0) g.window.splice(0, drop);
  if (g.rests.length < MAX_RESTS) g.rests.push(a.event);
  if (measure === "refusals") return g.window.length;
  const users = new Set<string>();
  for (const w of g.window) users.add(w.key);
  return users.size;
}

/** A login the client made while guessing (within the window after a refusal). */
function accept(g: Guessing, a: LoginAttempt, windowSeconds: number): void {
  const lastRefusal = g.window.at(-1)?.ts;
  if (lastRefusal === undefined || a.ts - lastRefusal > windowSeconds) return;
  if (!g.succeeded.has(a.user) && g.succeeded.size < MAX_NAMES) {
    g.succeeded.add(a.user);
    if (g.rests.length < MAX_RESTS) g.rests.push(a.event);
  }
}

/** How a rule counts: the window's length, which count it watches, and from what count it alerts. */
export interface GuessCounting {
  windowSeconds: number;
  measure: keyof GuessWindow;
  threshold: number;
}

/**
 * Feeds a login attempt to the guessing followed under `key` in `guessers`
 * (begun by `start(a)` at its first refusal): a refusal is counted, the peak
 * of `measure` kept, and the guessing marked crossed once the window holds
 * `threshold` (at least 1); an accepted login is noted when it follows a
 * refusal within the window.
 */
export function countGuess<G extends Guessing>(
  guessers: RuleState<string, G>,
  key: string,
  a: LoginAttempt,
  counting: GuessCounting,
  start: (a: LoginAttempt) => G,
): void {
  let g = guessers.get(key);
  if (a.outcome === "accepted") {
    if (g !== undefined) accept(g, a, counting.windowSeconds);
    return;
  }
  if (g === undefined) guessers.set(key, g = start(a));
  const now = refuse(g, a, counting.windowSeconds, counting.measure);
  g.peak = Math.max(g.peak, now);
  if (now >= Math.max(1, counting.threshold)) g.crossed = true;
}

/** The time from the first refusal to the last, for messages: `in 2.4 s`, `in 7 min`. */
export function guessSpan(g: Guessing): string {
  const s = Math.max(0, g.last - g.first);
  return s < 120
    ? `in ${s.toFixed(1)} s`
    : s < 7200
    ? `in ${Math.round(s / 60)} min`
    : `in ${(s / 3600).toFixed(1)} h`;
}
