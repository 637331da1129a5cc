/**
 * The "printer bug" (SpoolSample, krbrelayx printerbug.py, Coercer): any
 * authenticated user can ask a print server to send change notifications
 * to a machine of their choosing with RpcRemoteFindFirstPrinterChangeNotification
 * (Ex) ([MS-RPRN] opnums 62, 65); the server then connects to
 * `pszLocalMachine` and authenticates with its machine account (relay, or a
 * TGT left on a host with unconstrained delegation). A print client names
 * itself there (and declares that name in RpcOpenPrinterEx's client info);
 * a `localMachine` naming another host than the caller is the attack. When
 * the caller's names are unknown and `localMachine` is a name, the alert
 * says so (lower confidence).
 * @module
 */
import type { Rule } from "../rule.ts";
import { str } from "./facts.ts";
import {
  alertCall,
  argsOf,
  CallerFacts,
  callLine,
  callValues,
  channelOf,
  hostPart,
  IFACE,
  isCallTo,
  isIpLiteral,
  uncHost,
} from "./rpc_facts.ts";

/** RpcRemoteFindFirstPrinterChangeNotification, RpcRemoteFindFirstPrinterChangeNotificationEx. */
const FIND_FIRST_CHANGE_NOTIFICATION = [62, 65] as const;

/** The rule. */
export const printerBug: Rule = {
  id: "printerbug",
  title: "Print spooler authentication coercion (PrinterBug, SpoolSample)",
  severity: "high",
  technique: "T1187",
  techniqueName: "Forced Authentication",
  references: [
    "https://github.com/leechristensen/SpoolSample",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rprn/eb66b221-1c1f-4249-b8bc-c5befec2314d",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rprn/b8b414d9-f1cd-4191-bb6b-87d09ab2fd83",
    "https://github.com/dirkjanm/krbrelayx/blob/master/printerbug.py",
    "https://attack.mitre.org/techniques/T1187/",
  ],
  description:
    "RpcRemoteFindFirstPrinterChangeNotification(Ex) whose pszLocalMachine names another host than the caller: the print server is made to connect and authenticate to it.",
  listens: ["rpc", "ntlm", "kerberos", "tree"],
  create(ctx) {
    const facts = new CallerFacts(ctx);
    const { users, names } = facts;
    return {
      event(e) {
        facts.learn(e);
        if (!isCallTo(e, IFACE.winspool, FIND_FIRST_CHANGE_NOTIFICATION)) return;
        const local = str(argsOf(e)?.localMachine);
        if (local === undefined || local === "") return;
        const target = uncHost(local)?.host ?? hostPart(local);
        if (target === "") return;
        const caller = names.isHost(target, e.client.ip);
        if (caller === true) return;
        if (names.isHost(target, e.server.ip) === true) return;
        const callerNames = names.namesOf(e.client.ip);
        const confidence = caller === false ? "high" : "low";
        alertCall(ctx, users, e, {
          message: `PrinterBug: ${callLine(e)} on ${channelOf(e)} of ${e.server.ip} asks it to ` +
            `connect back to ${target}${
              caller === undefined ? " (the caller's own names are not known)" : ""
            }, not to the caller ${e.client.ip}`,
          values: {
            target,
            targetIsAddress: isIpLiteral(target),
            localMachine: local,
            caller: e.client.ip,
            callerNames,
            confidence,
            ...callValues(e, users),
          },
        });
      },
    };
  },
};
