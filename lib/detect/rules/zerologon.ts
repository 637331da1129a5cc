/**
 * Zerologon (CVE-2020-1472): Netlogon's AES-CFB8 credential with an IV of
 * zeros turns an all-zero client challenge into an all-zero credential for
 * one session key in 256, so an attacker who sends NetrServerReqChallenge
 * with zeros and then NetrServerAuthenticate(2/3) ([MS-NRPC] opnums 5, 15,
 * 26) with a ClientCredential of zeros, over and over, eventually
 * authenticates as any machine account (a DC's own) without its password;
 * the exploits then call NetrServerPasswordSet2 (opnum 30; or
 * NetrServerPasswordSet, 6) with an all-zero authenticator to set an empty
 * password. A real client's credential is never all zeros (its challenge
 * is random), so many such attempts from one client are the attack, an
 * all-zero credential the server accepted is the bypass, and a password
 * set with an all-zero authenticator or new password is the takeover.
 * Over packet privacy (mimikatz's lsadump::zerologon can seal the calls)
 * only the count of authentication calls shows: reported at the same
 * threshold, with lower confidence.
 * @module
 */
import type { DecodeEvent, JsonValue, RpcEvent } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { str } from "./facts.ts";
import {
  alertCall,
  argsOf,
  AssociationUsers,
  callLine,
  channelOf,
  duration,
  encrypted,
  IFACE,
  isCallTo,
  outcomeOf,
} from "./rpc_facts.ts";

/** NetrServerAuthenticate, NetrServerAuthenticate2, NetrServerAuthenticate3. */
const AUTHENTICATE = [5, 15, 26] as const;
/** NetrServerPasswordSet, NetrServerPasswordSet2. */
const PASSWORD_SET = [6, 30] as const;
/** Events an alert cites at most (the first attempts and the last). */
const CITED = 8;

interface Pair {
  zero: number;
  sealed: number;
  accounts: string[];
  computers: string[];
  first: RpcEvent[];
  last?: RpcEvent;
  firstTs: number;
  attemptsAlerted: boolean;
  sealedAlerted: boolean;
  bypassAlerted: boolean;
  passwordAlerted: boolean;
}

/** The rule. */
export const zerologon: Rule = {
  id: "zerologon",
  title: "Zerologon (CVE-2020-1472) Netlogon authentication bypass",
  severity: "critical",
  technique: "T1210",
  techniqueName: "Exploitation of Remote Services",
  references: [
    "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2020-1472",
    "https://www.secura.com/uploads/whitepapers/Zerologon.pdf",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-nrpc/3a9ed16f-8014-45ae-80af-c0ecb06e2db9",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-nrpc/985982ae-9aa8-4565-b30b-33d6353d3355",
    "https://github.com/SecuraBV/CVE-2020-1472",
  ],
  description:
    "Many NetrServerAuthenticate(2/3) calls with an all-zero client credential from one client to one server (or, over packet privacy, as many sealed authentication calls), an all-zero credential the server accepted, or NetrServerPasswordSet(2) with an all-zero authenticator or new password.",
  listens: ["rpc", "ntlm", "kerberos"],
  options: {
    attempts: {
      default: 10,
      description:
        "all-zero (or sealed) authentication attempts from one client to one server that make an attack",
    },
  },
  create(ctx) {
    const users = new AssociationUsers(ctx);
    const pairs = ctx.state<string, Pair>(4096);

    const pairOf = (e: RpcEvent): Pair => {
      const key = `${e.client.ip}>${e.server.ip}`;
      let p = pairs.get(key);
      if (p === undefined) {
        p = {
          zero: 0,
          sealed: 0,
          accounts: [],
          computers: [],
          first: [],
          firstTs: e.evidence.ts,
          attemptsAlerted: false,
          sealedAlerted: false,
          bypassAlerted: false,
          passwordAlerted: false,
        };
        pairs.set(key, p);
      }
      return p;
    };

    const note = (p: Pair, e: RpcEvent): void => {
      if (p.first.length < CITED - 1) p.first.push(e);
      p.last = e;
      const a = argsOf(e);
      const account = str(a?.accountName), computer = str(a?.computerName);
      if (account !== undefined && !p.accounts.includes(account) && p.accounts.length < 8) {
        p.accounts.push(account);
      }
      if (computer !== undefined && !p.computers.includes(computer) && p.computers.length < 8) {
        p.computers.push(computer);
      }
    };

    const cite = (p: Pair, e: RpcEvent): DecodeEvent[] =>
      p.first.includes(e) ? [...p.first] : [...p.first, e];

    const raise = (
      e: RpcEvent,
      message: string,
      values: { [key: string]: JsonValue },
      rests: DecodeEvent[],
    ): void =>
      alertCall(ctx, users, e, {
        message,
        values: {
          client: e.client.ip,
          server: e.server.ip,
          channel: channelOf(e),
          ...values,
          ...users.flagOf(e),
        },
        rests,
      });

    const onAuthenticate = (e: RpcEvent): void => {
      const p = pairOf(e);
      const threshold = ctx.option("attempts");
      if (encrypted(e)) {
        p.sealed++;
        note(p, e);
        if (!p.sealedAlerted && p.sealed >= threshold) {
          p.sealedAlerted = true;
          raise(
            e,
            `Zerologon (sealed): ${p.sealed} Netlogon authentication calls from ${e.client.ip} to ` +
              `${e.server.ip} in ${duration(e.evidence.ts - p.firstTs)} over packet privacy ` +
              `(credentials encrypted; ${callLine(e)})`,
            {
              kind: "sealed_attempts",
              confidence: "low",
              argumentsEncrypted: true,
              attempts: p.sealed,
              seconds: e.evidence.ts - p.firstTs,
              operation: e.operation ?? null,
            },
            cite(p, e),
          );
        }
        return;
      }
      const a = argsOf(e);
      if (a?.clientCredentialAllZero !== true) return;
      p.zero++;
      note(p, e);
      if (!p.attemptsAlerted && p.zero >= threshold) {
        p.attemptsAlerted = true;
        raise(
          e,
          `Zerologon: ${p.zero} Netlogon authentications with an all-zero credential from ${e.client.ip} ` +
            `to ${e.server.ip} as ${p.accounts.join(", ")} in ${
              (e.evidence.ts - p.firstTs).toFixed(1)
            } s`,
          {
            kind: "attempts",
            attempts: p.zero,
            accounts: p.accounts,
            computers: p.computers,
            seconds: e.evidence.ts - p.firstTs,
            operation: e.operation ?? null,
          },
          cite(p, e),
        );
      }
      if (!p.bypassAlerted && e.success === true) {
        p.bypassAlerted = true;
        raise(
          e,
          `Zerologon: ${e.server.ip} accepted an all-zero Netlogon credential from ${e.client.ip} for ` +
            `${str(a.accountName) ?? "?"} after ${p.zero} attempt(s) (${callLine(e)})`,
          {
            kind: "bypass",
            account: a.accountName ?? null,
            computer: a.computerName ?? null,
            secureChannelType: a.secureChannelType ?? null,
            attempts: p.zero,
            operation: e.operation ?? null,
            ...outcomeOf(e),
          },
          [e],
        );
      }
    };

    const onPasswordSet = (e: RpcEvent): void => {
      const p = pairOf(e);
      if (p.passwordAlerted) return;
      if (encrypted(e)) {
        if (p.sealed < ctx.option("attempts")) return;
        p.passwordAlerted = true;
        raise(
          e,
          `Zerologon (sealed): machine password set from ${e.client.ip} on ${e.server.ip} after ` +
            `${p.sealed} sealed authentication calls (${callLine(e)}; arguments encrypted)`,
          {
            kind: "sealed_password_set",
            confidence: "low",
            argumentsEncrypted: true,
            attempts: p.sealed,
            operation: e.operation ?? null,
            ...outcomeOf(e),
          },
          p.last !== undefined && p.last !== e ? [p.last, e] : [e],
        );
        return;
      }
      const a = argsOf(e);
      if (a === undefined) return;
      const zeroAuth = a.authenticatorAllZero === true;
      const zeroPassword = a.clearNewPasswordAllZero === true || a.uasNewPasswordAllZero === true;
      if (!zeroAuth && !zeroPassword) return;
      p.passwordAlerted = true;
      const what = [
        zeroAuth ? "an all-zero authenticator" : "",
        zeroPassword ? "an all-zero new password" : "",
      ]
        .filter((s) => s !== "").join(" and ");
      raise(
        e,
        `Zerologon: machine password of ${str(a.accountName) ?? "?"} set on ${e.server.ip} from ` +
          `${e.client.ip} with ${what} (${callLine(e)})`,
        {
          kind: "password_set",
          account: a.accountName ?? null,
          computer: a.computerName ?? null,
          secureChannelType: a.secureChannelType ?? null,
          authenticatorAllZero: zeroAuth,
          newPasswordAllZero: zeroPassword,
          attempts: p.zero,
          operation: e.operation ?? null,
          ...outcomeOf(e),
        },
        [e],
      );
    };

    return {
      event(e) {
        if (e.type === "ntlm" || e.type === "kerberos") return users.learn(e);
        if (isCallTo(e, IFACE.netlogon, AUTHENTICATE)) onAuthenticate(e);
        else if (isCallTo(e, IFACE.netlogon, PASSWORD_SET)) onPasswordSet(e);
      },
    };
  },
};
