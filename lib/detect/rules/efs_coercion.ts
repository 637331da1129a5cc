/**
 * Authentication coerced through the Encrypting File System Remote
 * Protocol ([MS-EFSR]): PetitPotam and its successors call an EfsRpc*
 * method (EfsRpcOpenFileRaw, then after its patch EfsRpcEncryptFileSrv,
 * EfsRpcDecryptFileSrv, EfsRpcQueryUsersOnFile, EfsRpcAddUsersToFile...)
 * with a file name that is a UNC path on the attacker's host
 * (`\\10.0.0.5\share\x`, or WebDAV `\\host@80\x` to get HTTP); the server
 * opens it and authenticates there with its machine account, ready to be
 * relayed (to AD CS web enrolment, LDAP). The interface answers on
 * \pipe\efsrpc (df1941c5-...) and, as c681d488-..., on \pipe\lsarpc, and through
 * it on \pipe\lsass, \pipe\netlogon and \pipe\samr. A UNC path naming the
 * called server itself is how a client legitimately reaches a file on that
 * server and is not reported.
 * @module
 */
import type { RpcEvent } from "../../events.ts";
import type { Rule } from "../rule.ts";
import { str } from "./facts.ts";
import {
  addressed,
  alertCall,
  argsOf,
  CallerFacts,
  callLine,
  channelOf,
  IFACE,
  lowerUuid,
  outcomeOf,
  uncHost,
} from "./rpc_facts.ts";

/** The arguments of EfsRpc methods that hold a path ([MS-EFSR] 3.1.4.2). */
const PATH_ARGS = ["fileName", "srcFileName", "destFileName"] as const;

/** Whether a call is to either efsrpc interface. */
function isEfs(e: RpcEvent): boolean {
  const i = e.interface;
  if (typeof i !== "string") return false;
  if (i === IFACE.efsrpc || i === IFACE.efsrpcLsarpc) return true;
  const lower = lowerUuid(i);
  return lower === IFACE.efsrpc || lower === IFACE.efsrpcLsarpc;
}

/** The rule. */
export const efsCoercion: Rule = {
  id: "efs-coercion",
  title: "EFS authentication coercion (PetitPotam)",
  severity: "high",
  technique: "T1187",
  techniqueName: "Forced Authentication",
  references: [
    "https://github.com/topotam/PetitPotam",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-efsr/403c7ae0-1a3a-4e96-8efc-54e79a2cc451",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-efsr/ccc4fb75-1c86-41d7-bbc4-b278ec13bfb8",
    "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2021-36942",
    "https://attack.mitre.org/techniques/T1187/",
  ],
  description:
    "An EfsRpc* call ([MS-EFSR], over \\pipe\\efsrpc, \\pipe\\lsarpc, \\pipe\\lsass, \\pipe\\netlogon or \\pipe\\samr) whose file name is a UNC path on another host than the server called: the server is made to authenticate to that host (PetitPotam).",
  listens: ["rpc", "ntlm", "kerberos", "tree"],
  create(ctx) {
    const facts = new CallerFacts(ctx);
    const { users, names } = facts;
    return {
      event(e) {
        facts.learn(e);
        // The interface before the addresses: asked of every call.
        if (e.type !== "rpc" || e.action !== "call" || !isEfs(e) || !addressed(e)) return;
        const a = argsOf(e);
        if (a === undefined) return;
        for (const key of PATH_ARGS) {
          const path = str(a[key]);
          if (path === undefined) continue;
          const unc = uncHost(path);
          if (unc === undefined) continue;
          if (names.isHost(unc.host, e.server.ip) === true) continue;
          alertCall(ctx, users, e, {
            message: `EFS coercion: ${callLine(e)} on ${channelOf(e)} of ${e.server.ip} makes it ` +
              `authenticate to ${unc.host}${unc.webdav ? " (WebDAV)" : ""}: ${key} ${path}`,
            values: {
              target: unc.host,
              webdav: unc.webdav,
              argument: key,
              path,
              server: e.server.ip,
              serverNames: names.namesOf(e.server.ip),
              operation: e.operation ?? null,
              opnum: e.opnum ?? null,
              interface: e.interface ?? null,
              channel: channelOf(e),
              ...outcomeOf(e),
              ...users.flagOf(e),
            },
          });
          return;
        }
      },
    };
  },
};
