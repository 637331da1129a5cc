/**
 * Rule `password-spray`: one password (or a few) tried against many
 * accounts from one client, slowly enough to stay under each account's
 * lockout threshold (MITRE ATT&CK T1110.003).
 *
 * On the wire these are SMB SESSION_SETUP (or DCE/RPC bind) logins that the
 * server refuses with a credential status (STATUS_LOGON_FAILURE for an
 * unknown user or a wrong password, STATUS_ACCOUNT_LOCKED_OUT once a
 * threshold trips, and the rest of `CREDENTIAL_REFUSALS`: the statuses
 * Windows logs for a failed logon, event 4625). Only logins with a user name
 * and an answer count: NTLM (`DOMAIN\user`) and Kerberos whose ticket the
 * capture shows being issued (`user@REALM`); anonymous logins and other
 * failures do not.
 *
 * Its twin `password-brute-force` (password_brute_force.ts: many passwords
 * against one account) is a rule of its own rather than a variant, because
 * they are triaged apart (a spray evades lockouts and touches many
 * accounts; brute force locks one out, and is also what a service with a
 * stale saved password looks like), and each gets its own thresholds and
 * can be turned off alone. Both count refusals in the sliding window of
 * auth_facts.ts (`countGuess`, per-client state, capped).
 *
 * One alert per client, at the end of the decode, with the totals: users
 * (the first few by name), refusals, servers, statuses, time span, which
 * accounts the client then logged in with (a spray that found a password),
 * which were refused with a status Windows gives only for a right password
 * (STATUS_PASSWORD_EXPIRED, STATUS_PASSWORD_MUST_CHANGE) and which the
 * server locked out.
 * @module
 */
import type { Rule, RuleContext } from "../rule.ts";
import {
  countGuess,
  firstFew,
  type GuessCounting,
  type Guessing,
  GUESSING_REFERENCES,
  guessSpan,
  type LoginAttempt,
  loginAttempt,
  MAX_GUESSERS,
  newGuessing,
  tally,
} from "./auth_facts.ts";

/** A client's guessing, begun at its first refusal. */
const startClient = (a: LoginAttempt): Guessing => newGuessing(a.client, a.ts);

/** The password-spray rule. */
export const passwordSpray: Rule = {
  id: "password-spray",
  title: "Password spray: refused logins for many users from one client",
  severity: "high",
  technique: "T1110.003",
  techniqueName: "Brute Force: Password Spraying",
  references: GUESSING_REFERENCES,
  description:
    "One client refused logins (NTLM or Kerberos, bad password or unknown user, locked out\u2026) for " +
    "at least `users` different accounts within `windowSeconds`. One alert per client, naming the " +
    "accounts, the counts and any account it then logged in with.",
  listens: ["ntlm", "kerberos"],
  options: {
    users: { default: 5, description: "distinct users refused from one client within the window" },
    windowSeconds: { default: 300, description: "length of the sliding window, seconds" },
  },
  create(ctx: RuleContext) {
    const clients = ctx.state<string, Guessing>(MAX_GUESSERS);
    let counting: GuessCounting | undefined; // the options, read at the first login
    return {
      event(e) {
        const a = loginAttempt(e);
        if (a === undefined) return;
        counting ??= {
          windowSeconds: ctx.option("windowSeconds"),
          measure: "users",
          threshold: ctx.option("users"),
        };
        countGuess(clients, a.client, a, counting, startClient);
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
              `users (${firstFew(users)}) on ${firstFew(servers, 3)} ${guessSpan(g)}` +
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
