/**
 * Rule `ntlmv1`: a login with NTLMv1, LM or a password in clear.
 *
 * [MS-NLMP] 3.3.1: an NTLMv1 response is 24 bytes, DES of the server
 * challenge under the NT hash (the LM response likewise under the LM hash,
 * itself the DES of the password's first 14 upper-cased characters); an
 * NTLMv2 response is longer (an HMAC-MD5 and a blob). A captured NTLMv1
 * exchange gives up the NT hash (its three DES keys are cracked separately,
 * with tables for the fixed challenge 1122334455667788 that a rogue server
 * sends), so it can be reused in pass-the-hash; an LM response falls faster.
 * An SMB1 client that does not use extended security puts the responses in
 * SESSION_SETUP_ANDX's OEM (LM) and Unicode (NT) password fields ([MS-CIFS]
 * 2.2.4.53.1, 3.1.5.2); when those are neither 24-byte responses nor an
 * NTLMv2 one, they hold the password in clear ([MS-CIFS] 3.2.4.2.4:
 * plaintext when the server does not do challenge/response; some old
 * clients send it anyway).
 *
 * Kinds: `ntlmv1` (the `ntlm` event's `ntlmVersion` is `v1`), `lm` (an SMB1
 * legacy login with a 24-byte LM response and no NT response), `plaintext`
 * (an SMB1 legacy login whose password fields hold neither; lengths read off
 * the SESSION_SETUP_ANDX request). A password field of at most one byte (two
 * in Unicode) is an empty password, not reported. One alert per client,
 * server, user and kind, when the first such login is seen (successful or
 * not: the response is on the wire either way).
 * @module
 */
import type { DecodeEvent, JsonValue } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { endpoint, eventConnection, eventFrame, eventStreamOffset, num, str } from "./facts.ts";

/** Weak kinds of login, worst last. */
type WeakKind = "ntlmv1" | "lm" | "plaintext";

/** Lengths of an SMB1 SESSION_SETUP_ANDX request's password fields. */
interface LegacyPasswords {
  streamOffset: number | undefined;
  frame: number | undefined;
  lm: number;
  nt: number;
}

/** Descriptions for the message. */
const KIND_TEXT: Record<WeakKind, string> = {
  ntlmv1: "NTLMv1 login",
  lm: "LM-only login (no NT response)",
  plaintext: "clear-text password login",
};

/** What an SMB1 legacy login's password fields hold, from their lengths. */
function legacyKind(lm: number, nt: number): WeakKind | undefined {
  if (nt === 24) return "ntlmv1";
  if (nt > 24) return undefined; // NTLMv2 (perhaps with LMv2)
  if (nt === 0 && lm === 24) return "lm";
  if (lm <= 1 && nt <= 2) return undefined; // an empty password
  return "plaintext";
}

/** The rule. */
export const ntlmv1: Rule = {
  id: "ntlmv1",
  title: "NTLMv1, LM or clear-text password login",
  severity: "medium",
  technique: "T1110.002",
  techniqueName: "Brute Force: Password Cracking",
  references: [
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-nlmp/464551a8-9fc4-428e-b3d3-bc5bfb2e73a5",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/81e15dee-8fb6-4102-8644-7eaa7ded63f7",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/4d1a2cb0-0951-462a-8582-121fd1afe28e",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/3a3cdd47-5b43-4276-91f5-645b82b0938f",
    "https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-10/security/threat-protection/security-policy-settings/network-security-lan-manager-authentication-level",
    "https://crack.sh/netntlm/",
  ],
  description:
    "A login whose NTLM response is NTLMv1 (24 bytes), an SMB1 login with an LM response only, or " +
    "one with the password in clear: the NT hash (or the password) can be recovered from the capture. " +
    "One alert per client, server, user and kind.",
  listens: ["smb", "ntlm"],
  create(ctx) {
    /** Password field lengths of the last SMB1 legacy SESSION_SETUP_ANDX per connection. */
    const legacy = ctx.connectionState<LegacyPasswords>();
    /** Client|server|user|kind already reported. */
    const seen = ctx.state<string, true>();
    return {
      event(e: DecodeEvent) {
        if (e.type === "smb") {
          if (e.version !== 1 || e.command !== "SESSION_SETUP_ANDX" || e.response === true) return;
          const f = e.fields as
            | { lmResponseLength?: unknown; ntResponseLength?: unknown }
            | undefined;
          const lm = num(f?.lmResponseLength), nt = num(f?.ntResponseLength);
          const conn = eventConnection(e);
          if (lm === undefined || nt === undefined || conn === undefined) return;
          legacy.set(conn, {
            streamOffset: eventStreamOffset(e),
            frame: eventFrame(e),
            lm,
            nt,
          });
          return;
        }
        if (e.type !== "ntlm" || e.anonymous === true) return;
        let kind: WeakKind | undefined;
        let lengths: LegacyPasswords | undefined;
        if (e.mechanism === "smb1_legacy") {
          const conn = eventConnection(e);
          const held = conn === undefined ? undefined : legacy.get(conn);
          // The ntlm event cites the SESSION_SETUP_ANDX request it was read from.
          if (
            held !== undefined && held.streamOffset === eventStreamOffset(e) &&
            held.frame === eventFrame(e)
          ) lengths = held;
          kind = lengths !== undefined
            ? legacyKind(lengths.lm, lengths.nt)
            : e.ntlmVersion === "v1"
            ? "ntlmv1"
            : undefined;
        } else if (e.ntlmVersion === "v1") {
          kind = "ntlmv1";
        } else if (
          num(e.lmResponseLength) === 24 && num(e.ntResponseLength) === 0 && str(e.user)
        ) {
          // NTLMSSP with an LM response and no NT response: LM only ([MS-NLMP] 3.3.1).
          kind = "lm";
        }
        if (kind === undefined) return;
        const client = endpoint(e.client), server = endpoint(e.server);
        const name = str(e.user) ?? "", domain = str(e.domain) ?? "";
        const user = domain === "" ? name : `${domain}\\${name}`;
        const key = `${client?.ip}|${server?.ip}|${user.toLowerCase()}|${kind}`;
        if (seen.has(key)) return;
        seen.set(key, true);
        const workstation = str(e.workstation) ?? "";
        const serverName = str(e.serverDnsComputerName) ?? str(e.serverNbComputerName);
        const flags = Array.isArray(e.flags) ? e.flags : [];
        const values: { [key: string]: JsonValue } = {
          kind,
          user,
          workstation,
          client: client?.ip ?? "",
          server: server?.ip ?? "",
          protocol: str(e.protocol) ?? "",
          mechanism: str(e.mechanism) ?? "",
        };
        if (serverName !== undefined) values.serverName = serverName;
        if (kind === "ntlmv1" && e.mechanism === "ntlmssp") {
          values.extendedSessionSecurity = flags.includes(
            "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY",
          );
        }
        if (lengths !== undefined) {
          values.lmResponseLength = lengths.lm;
          values.ntResponseLength = lengths.nt;
        }
        if (typeof e.success === "boolean") values.success = e.success;
        const from = workstation === "" ? client?.ip ?? "?" : `${workstation} (${client?.ip})`;
        const to = serverName === undefined ? server?.ip ?? "?" : `${serverName} (${server?.ip})`;
        const outcome = e.success === true
          ? "accepted"
          : e.success === false
          ? "refused"
          : "unanswered";
        ctx.alert({
          message: `${KIND_TEXT[kind]} as ${user || "(no name)"} from ${from} to ${to} ` +
            `over ${values.protocol} (${outcome})`,
          values,
          rests: [e],
        });
      },
    };
  },
};
