/**
 * SMB1 SESSION_SETUP_ANDX format confusion, the pool-shaping step of EternalBlue and
 * EternalChampion.
 *
 * Facts (worawit/MS17-010 BUG.txt, bug 9; [MS-SMB] 2.2.4.6.1; [MS-CIFS] 2.2.4.53.1): NT LM 0.12
 * has two request forms, WordCount 13 (LM/NT responses) and WordCount 12 (a SecurityBlob, for
 * extended security). A client using the WordCount 12 form has negotiated extended security and
 * sets FLAGS2_EXTENDED_SECURITY (0x0800) in every request. Windows accepts WordCount 12 when
 * CAP_EXTENDED_SECURITY is in Capabilities but parses the request as the WordCount 13 form unless
 * the Flags2 bit is also set, reading ByteCount from the wrong place, so it sizes a non-paged pool
 * buffer for NativeOS and NativeLanMan from the attacker's bytes. EternalBlue uses it to allocate
 * and free pool holes at will (an empty SecurityBlob, the rest junk), EternalChampion to place its
 * staging code. The rule raises on a SESSION_SETUP_ANDX request in the WordCount 12 form whose
 * Flags2 lacks FLAGS2_EXTENDED_SECURITY and whose SecurityBlob holds no security token (empty, or
 * not NTLMSSP, SPNEGO or Kerberos: a client that forgot the flag but sends a real login is left
 * alone, e.g. arkime's synthetic ntlm_synthetic.pcap), once per connection.
 * @module
 */
import type { Rule } from "../rule.ts";
import { connectionOf, num } from "./facts.ts";
import { endsOf, FLAGS2_EXTENDED_SECURITY, OncePerConnection, smb1 } from "./smb1_exploit_facts.ts";

/** [MS-SMB] 2.2.4.6.1 Capabilities: CAP_EXTENDED_SECURITY. */
const CAP_EXTENDED_SECURITY = 0x80000000;
/** Security token kinds of a real login (the decoder's `fields.security.kind`). */
const LOGIN_TOKENS: ReadonlySet<unknown> = new Set([
  "ntlmssp",
  "spnego_init",
  "spnego_resp",
  "kerberos",
]);

/** The rule. */
export const ms17010SessionSetupConfusion: Rule = {
  id: "ms17-010-session-setup-confusion",
  title: "SMB1 SESSION_SETUP_ANDX in the extended-security form without FLAGS2_EXTENDED_SECURITY",
  severity: "high",
  technique: "T1210",
  techniqueName: "Exploitation of Remote Services",
  references: [
    "https://github.com/worawit/MS17-010/blob/master/BUG.txt",
    "https://msdn.microsoft.com/en-us/library/ee441849.aspx",
    "https://msdn.microsoft.com/en-us/library/cc246328.aspx",
    "https://www.microsoft.com/security/blog/2017/06/30/exploring-the-crypt-analysis-of-the-wannacrypt-ransomware-smb-exploit-propagation/",
  ],
  description:
    "An SMB1 SESSION_SETUP_ANDX request in the WordCount 12 (SecurityBlob) form whose Flags2 lacks FLAGS2_EXTENDED_SECURITY and whose SecurityBlob holds no login token: Windows then parses it as the WordCount 13 form and sizes a non-paged pool buffer from the wrong ByteCount, the pool-shaping step of EternalBlue and EternalChampion. No client sends it.",
  listens: ["smb"],
  create(ctx) {
    const raised = new OncePerConnection(ctx);
    return {
      event(e) {
        const m = smb1(e);
        if (m === undefined || m.response || m.command !== "SESSION_SETUP_ANDX") return;
        // securityBlobLength is decoded from the WordCount 12 form only.
        const blob = num(m.fields.securityBlobLength);
        const flags2 = num(m.header.flags2);
        if (blob === undefined || flags2 === undefined) return;
        if ((flags2 & FLAGS2_EXTENDED_SECURITY) !== 0) return;
        const security = m.fields.security;
        const token = typeof security === "object" && security !== null && !Array.isArray(security)
          ? security.kind
          : undefined;
        if (LOGIN_TOKENS.has(token)) return;
        if (!raised.first(connectionOf(m))) return;
        const caps = num(m.fields.capabilities) ?? 0;
        const values = {
          ...endsOf(m),
          wordCount: 12,
          flags2,
          capabilities: caps,
          capExtendedSecurity: (caps & CAP_EXTENDED_SECURITY) !== 0,
          securityBlobLength: blob,
        };
        ctx.alert({
          message: `${values.client} sent SMB1 SESSION_SETUP_ANDX in the extended-security form ` +
            `(WordCount 12, SecurityBlobLength ${blob}${
              values.capExtendedSecurity ? ", CAP_EXTENDED_SECURITY" : ""
            }) with Flags2 0x${flags2.toString(16).padStart(4, "0")} lacking ` +
            `FLAGS2_EXTENDED_SECURITY: Windows misreads it as the WordCount 13 form ` +
            `(the pool shaping of EternalBlue and EternalChampion)`,
          values,
          rests: [m],
        });
      },
    };
  },
};
