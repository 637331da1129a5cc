/**
 * Rules `password-spray` and `password-brute-force`: password guessing seen
 * as refused logins from one client.
 *
 * A spray tries one or a few passwords against many accounts, slowly enough
 * to stay under each account's lockout threshold; brute force tries many
 * passwords against one account (MITRE ATT&CK T1110.003, T1110.001). On the
 * wire both are SMB SESSION_SETUP (or DCE/RPC bind) logins that the server
 * refuses with a credential status (STATUS_LOGON_FAILURE for an unknown user
 * or a wrong password, STATUS_ACCOUNT_LOCKED_OUT once a threshold trips, and
 * the rest of `CREDENTIAL_REFUSALS`: the statuses Windows logs for a failed
 * logon, event 4625). Only logins with a user name and an answer count: NTLM
 * (`DOMAIN\user`) and Kerberos whose ticket the capture shows being issued
 * (`user@REALM`); anonymous logins and other failures do not.
 *
 * Two rules rather than one with a variant, because they are triaged apart
 * (a spray evades lockouts and touches many accounts; brute force locks one
 * out, and is also what a service with a stale saved password looks like),
 * and each gets its own thresholds and can be turned off alone.
 *
 * Both keep per-client state (capped), count refusals within a sliding
 * window, and raise at most one alert per client (spray) or per client and
 * user (brute force), at the end of the decode, with the totals: users (the
 * first few by name), refusals, servers, statuses, time span, which accounts
 * the client then logged in with (a spray that found a password), which were
 * refused with a status Windows gives only for a right password
 * (STATUS_PASSWORD_EXPIRED, STATUS_PASSWORD_MUST_CHANGE) and which the server
 * locked out.
 * @module
 */
import type { DecodeEvent } from "../../events.ts";
import type { Rule, RuleContext } from "../rule.ts";
import {
  firstFew,
  type LoginAttempt,
  loginAttempt,
  PASSWORD_ACCEPTED_REFUSALS,
  tally,
} from "./auth_facts.ts";

/** Refusals remembered per window (past it the oldest are dropped, even within the window). */
const MAX_WINDOW = 256;
/** Distinct users, servers and statuses named per client (counts go on past it). */
const MAX_NAMES = 256;
/** Events an alert rests on. */
const MAX_RESTS = 16;
/** Clients (spray) or client and user pairs (brute force) followed at once. */
const MAX_CLIENTS = 2048;

const REFERENCES = [
  "https://attack.mitre.org/techniques/T1110/003/",
  "https://attack.mitre.org/techniques/T1110/001/",
  "https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-10/security/threat-protection/auditing/event-4625",
  "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/905fbe98-1fe5-40e9-b17a-22ec8b17f7b3",
  "https://ldapwiki.com/wiki/ERROR_PASSWORD_MUST_CHANGE",
];

/** What one client (or one client and user) did. */
interface Guessing {
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

function newGuessing(client: string, ts: number): Guessing {
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

/** Adds a refusal to `g`; returns what the window then holds: distinct users and refusals. */
function refuse(
  g: Guessing,
  a: LoginAttempt,
  windowSeconds: number,
): { users: number; refusals: number } {
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
  return { users: new Set(g.window.map((w) => w.key)).size, refusals: g.window.length };
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

/** The time from the first refusal to the last, for messages: `in 2.4 s`, `in 7 min`. */
function span(g: Guessing): string {
  const s = Math.max(0, g.last - g.first);
  return s < 120
    ? `in ${s.toFixed(1)} s`
    : s < 7200
    ? `in ${Math.round(s / 60)} min`
    : `in ${(s / 3600).toFixed(1)} h`;
}

/** The password-spray rule. */
export const passwordSpray: Rule = {
  id: "password-spray",
  title: "Password spray: refused logins for many users from one client",
  severity: "high",
  technique: "T1110.003",
  techniqueName: "Brute Force: Password Spraying",
  references: REFERENCES,
  description:
    "One client refused logins (NTLM or Kerberos, bad password or unknown user, locked out…) for " +
    "at least `users` different accounts within `windowSeconds`. One alert per client, naming the " +
    "accounts, the counts and any account it then logged in with.",
  listens: ["ntlm", "kerberos"],
  options: {
    users: { default: 5, description: "distinct users refused from one client within the window" },
    windowSeconds: { default: 300, description: "length of the sliding window, seconds" },
  },
  create(ctx: RuleContext) {
    const clients = ctx.state<string, Guessing>(MAX_CLIENTS);
    return {
      event(e) {
        const a = loginAttempt(e);
        if (a === undefined) return;
        const window = ctx.option("windowSeconds");
        let g = clients.get(a.client);
        if (a.outcome === "accepted") {
          if (g !== undefined) accept(g, a, window);
          return;
        }
        if (g === undefined) clients.set(a.client, g = newGuessing(a.client, a.ts));
        const now = refuse(g, a, window);
        g.peak = Math.max(g.peak, now.users);
        if (now.users >= Math.max(1, ctx.option("users"))) g.crossed = true;
      },
      end() {
        for (const g of clients.values()) {
          if (!g.crossed) continue;
          const users = [...g.users.values()].map((u) => u.user);
          const succeeded = [...g.succeeded];
          const passwordRight = [...g.passwordRight];
          const servers = [...g.servers];
          ctx.alert({
            user: null, // many users: the alert names none (they are in values.users)
            message:
              `${g.client} was refused ${g.refused} logins for ${users.length + g.moreUsers} ` +
              `users (${firstFew(users)}) on ${firstFew(servers, 3)} ${span(g)}` +
              (succeeded.length > 0 ? `; then logged in as ${firstFew(succeeded, 3)}` : "") +
              (passwordRight.length > 0
                ? `; the password was right for ${firstFew(passwordRight, 3)} (expired)`
                : ""),
            values: {
              client: g.client,
              users: users.slice(0, 20),
              userCount: users.length + g.moreUsers,
              refused: g.refused,
              peakUsersInWindow: g.peak,
              servers,
              statuses: tally(g.statuses),
              succeeded,
              passwordRight,
              lockedOut: [...g.lockedOut],
              firstSeen: g.first,
              lastSeen: g.last,
            },
            rests: g.rests,
          });
        }
      },
    };
  },
};

/** The password-brute-force rule. */
export const passwordBruteForce: Rule = {
  id: "password-brute-force",
  title: "Password brute force: many refused logins for one user from one client",
  severity: "medium",
  technique: "T1110.001",
  techniqueName: "Brute Force: Password Guessing",
  references: REFERENCES,
  description:
    "One client refused at least `attempts` logins for the same account within `windowSeconds` " +
    "(NTLM or Kerberos). One alert per client and account, with the counts and whether it then " +
    "logged in.",
  listens: ["ntlm", "kerberos"],
  options: {
    attempts: {
      default: 10,
      description: "refused logins for one user from one client within the window",
    },
    windowSeconds: { default: 300, description: "length of the sliding window, seconds" },
  },
  create(ctx: RuleContext) {
    const pairs = ctx.state<string, Guessing & { user: string }>(MAX_CLIENTS);
    return {
      event(e) {
        const a = loginAttempt(e);
        if (a === undefined) return;
        const window = ctx.option("windowSeconds");
        const key = `${a.client}|${a.key}`;
        let g = pairs.get(key);
        if (a.outcome === "accepted") {
          if (g !== undefined) accept(g, a, window);
          return;
        }
        if (g === undefined) pairs.set(key, g = { ...newGuessing(a.client, a.ts), user: a.user });
        const now = refuse(g, a, window);
        g.peak = Math.max(g.peak, now.refusals);
        if (now.refusals >= Math.max(1, ctx.option("attempts"))) g.crossed = true;
      },
      end() {
        for (const g of pairs.values()) {
          if (!g.crossed) continue;
          const servers = [...g.servers];
          const succeeded = g.succeeded.size > 0;
          ctx.alert({
            message: `${g.client} was refused ${g.refused} logins as ${g.user} on ` +
              `${firstFew(servers, 3)} ${span(g)}` +
              (succeeded ? "; then logged in" : "") +
              (g.passwordRight.size > 0 ? "; the password was right (expired)" : "") +
              (g.lockedOut.size > 0 ? "; the account was locked out" : ""),
            values: {
              client: g.client,
              user: g.user,
              refused: g.refused,
              peakInWindow: g.peak,
              servers,
              statuses: tally(g.statuses),
              succeeded,
              passwordRight: g.passwordRight.size > 0,
              lockedOut: g.lockedOut.size > 0,
              firstSeen: g.first,
              lastSeen: g.last,
            },
            rests: g.rests,
            user: g.user,
          });
        }
      },
    };
  },
};
