/**
 * Rule `password-brute-force`: many passwords tried against one account
 * from one client (MITRE ATT&CK T1110.001): logins the server refuses with
 * a credential status, counted per client and user in the sliding window
 * that `password-spray` also uses (auth_facts.ts, `countGuess`; see
 * password_spray.ts for what counts as a refused login and why the two are
 * separate rules).
 *
 * One alert per client and user, at the end of the decode, with the
 * totals: refusals, servers, statuses, time span, whether the client then
 * logged in, whether a refusal said the password was right (expired, must
 * change) and whether the server locked the account out.
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

/** One client's guessing for one user. */
type PairGuessing = Guessing & { user: string };

/** A client's guessing for a user, begun at its first refusal. */
const startPair = (a: LoginAttempt): PairGuessing => ({
  ...newGuessing(a.client, a.ts),
  user: a.user,
});

/** The password-brute-force rule. */
export const passwordBruteForce: Rule = {
  id: "password-brute-force",
  title: "Password brute force: many refused logins for one user from one client",
  severity: "medium",
  technique: "T1110.001",
  techniqueName: "Brute Force: Password Guessing",
  references: GUESSING_REFERENCES,
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
    const pairs = ctx.state<string, PairGuessing>(MAX_GUESSERS);
    let counting: GuessCounting | undefined; // the options, read at the first login
    let refused = false;
    return {
      event(e) {
        const a = loginAttempt(e);
        if (a === undefined) return;
        // An accepted login only counts after a refusal: before the first, no key to build.
        if (a.outcome === "refused") refused = true;
        else if (!refused) return;
        counting ??= {
          windowSeconds: ctx.option("windowSeconds"),
          measure: "refusals",
          threshold: ctx.option("attempts"),
        };
        countGuess(pairs, `${a.client}|${a.key}`, a, counting, startPair);
      },
      end() {
        for (const g of pairs.values()) {
          if (!g.crossed) continue;
          const servers = [...g.servers];
          const succeeded = g.succeeded.size > 0;
          ctx.alert({
            message: `${g.client} was refused ${g.refused} logins as ${g.user} on ` +
              `${firstFew(servers, 3)} ${guessSpan(g)}` +
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
