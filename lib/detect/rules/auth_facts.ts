/**
 * Facts about logins and null sessions that the authentication rules
 * (ntlmv1, anonymous-enumeration, password-spray, password-brute-force)
 * share: which answers refuse credentials, how a login attempt reads off an
 * `ntlm` or `kerberos` event, which DCE/RPC operations enumerate accounts,
 * shares and sessions, and small helpers reading event fields defensively
 * (a rule never throws on an odd event).
 * @module
 */
import type { DecodeEvent, Endpoint, JsonValue } from "../../events.ts";

/** A string field, or undefined when absent or of another type. */
export function str(x: unknown): string | undefined {
  return typeof x === "string" ? x : undefined;
}

/** A finite number field, or undefined. */
export function num(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}

/** An endpoint field (`{ ip, port }`), or undefined. */
export function endpoint(x: unknown): Endpoint | undefined {
  if (x === null || typeof x !== "object") return undefined;
  const { ip, port } = x as { ip?: unknown; port?: unknown };
  return typeof ip === "string" && typeof port === "number" ? { ip, port } : undefined;
}

/** The capture time of an event (0 when it has none). */
export function eventTs(e: DecodeEvent): number {
  const ev = (e as { evidence?: { ts?: unknown } }).evidence;
  return num(ev?.ts) ?? 0;
}

/** The connection id of an event, when it has one. */
export function eventConnection(e: DecodeEvent): number | undefined {
  const ev = (e as { evidence?: { connection?: unknown } }).evidence;
  return num(ev?.connection);
}

/** Where an SMB or login event's message starts in its direction's TCP stream, when given. */
export function eventStreamOffset(e: DecodeEvent): number | undefined {
  const ev = (e as { evidence?: { streamOffset?: unknown } }).evidence;
  return num(ev?.streamOffset);
}

/** The first frame of an event, when it has one. */
export function eventFrame(e: DecodeEvent): number | undefined {
  const ev = (e as { evidence?: { frames?: unknown } }).evidence;
  return Array.isArray(ev?.frames) ? num(ev.frames[0]) : undefined;
}

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
  const client = endpoint(e.client)?.ip, server = endpoint(e.server)?.ip;
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
  const statusName = str(e.statusName) ?? "";
  let outcome: LoginAttempt["outcome"];
  if (e.success === true) outcome = "accepted";
  else if (e.success === false && CREDENTIAL_REFUSALS.has(statusName)) outcome = "refused";
  else return undefined;
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
