/**
 * MS08-067 (CVE-2008-4250): the Server service's path canonicalisation
 * (NetprPathCanonicalize, opnum 31, and NetprPathCompare, opnum 32, of
 * srvsvc) overflows a stack buffer when a path climbs above its root with
 * `\..\` (the "relative traversal" of the write-ups; Conficker and
 * Metasploit's ms08_067_netapi send `\<random>\..\..\<shellcode>`). The
 * same calls carried MS06-040 (CVE-2006-3439) as an over-long path.
 * Legitimate clients hardly ever call these operations remotely, and never
 * with a path that climbs out of itself.
 * @module
 */
import type { Rule } from "../rule.ts";
import { str } from "./facts.ts";
import { argsOf, callLine, channelOf, IFACE, isCallTo, outcomeOf } from "./rpc_facts.ts";

/** NetprPathCanonicalize, NetprPathCompare. */
const OPNUMS = [31, 32] as const;

/** The path arguments each operation takes ([MS-SRVS] 3.1.4.30, 3.1.4.31). */
const PATH_ARGS: Readonly<Record<number, readonly string[]>> = {
  31: ["pathName", "prefix"],
  32: ["pathName1", "pathName2"],
};

/** Shown of a path in the message. */
const SHOWN = 120;

/** `\..\` (or `/../`, or a final `\..`): a step above the directory before it. */
function climbs(path: string): boolean {
  return /(^|[\\/])\.\.([\\/]|$)/.test(path);
}

/** Printable form of a path for one line: control characters escaped, cut. */
function shown(path: string): string {
  let out = "";
  for (const ch of path.slice(0, SHOWN)) {
    const c = ch.codePointAt(0)!;
    out += c < 0x20 || (c >= 0x7f && c < 0xa0) ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return path.length > SHOWN ? `${out}\u2026` : out;
}

/** The rule. */
export const ms08067: Rule = {
  id: "ms08-067",
  title: "MS08-067 path canonicalisation exploit (srvsvc)",
  severity: "critical",
  technique: "T1210",
  techniqueName: "Exploitation of Remote Services",
  references: [
    "https://learn.microsoft.com/en-us/security-updates/securitybulletins/2008/ms08-067",
    "https://nvd.nist.gov/vuln/detail/CVE-2008-4250",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-srvs/9281f528-e2e7-4113-abd8-6db7255e4387",
    "https://www.rapid7.com/db/modules/exploit/windows/smb/ms08_067_netapi/",
  ],
  description:
    "srvsvc NetprPathCanonicalize or NetprPathCompare with a path that climbs above its root (\\..\\) or is longer than a path can be: the MS08-067 (CVE-2008-4250) and MS06-040 overflows.",
  listens: ["rpc"],
  options: {
    maxPathChars: {
      default: 260,
      description: "a path argument longer than this (MAX_PATH) is an overflow attempt",
    },
  },
  create(ctx) {
    return {
      event(e) {
        if (!isCallTo(e, IFACE.srvsvc, OPNUMS)) return;
        const args = argsOf(e);
        if (args === undefined) return;
        const max = ctx.option("maxPathChars");
        const found: { argument: string; path: string; reasons: string[] }[] = [];
        for (const key of PATH_ARGS[e.opnum!] ?? []) {
          const path = str(args[key]);
          if (path === undefined) continue;
          const reasons: string[] = [];
          if (climbs(path)) reasons.push("traversal");
          if (path.length > max) reasons.push("overlong");
          if (reasons.length > 0) found.push({ argument: key, path, reasons });
        }
        if (found.length === 0) return;
        const first = found[0]!;
        const what = first.reasons.includes("traversal")
          ? "climbs above its root"
          : `is ${first.path.length} characters long`;
        ctx.alert({
          message:
            `MS08-067: ${callLine(e)} on ${channelOf(e)} of ${e.server.ip}: ${first.argument} ` +
            `"${shown(first.path)}" ${what}`,
          values: {
            operation: e.operation ?? null,
            opnum: e.opnum!,
            server: e.server.ip,
            paths: found.map((f) => ({
              argument: f.argument,
              path: f.path,
              length: f.path.length,
              reasons: f.reasons,
            })),
            ...(str(args.prefix) !== undefined ? { prefix: str(args.prefix)! } : {}),
            ...outcomeOf(e),
          },
          rests: [e],
        });
      },
    };
  },
};
