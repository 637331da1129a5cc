/**
 * MS17-010 EternalBlue: SMB1 transaction type confusion.
 *
 * Facts (worawit/MS17-010 BUG.txt, bugs 6 and 7; Microsoft, "Exploring the crypt: analysis of
 * the WannaCrypt ransomware SMB exploit propagation"; 0xl3x1/zeek-EternalSafety,
 * EternalSafety::EternalBlue): a transaction's secondary requests must be of its primary's family
 * (TRANSACTION_SECONDARY after TRANSACTION, TRANSACTION2_SECONDARY after TRANSACTION2,
 * NT_TRANSACT_SECONDARY after NT_TRANSACT). Unpatched Windows accepts any secondary with the same
 * MID, PID, UID and TID and runs the transaction as the family of the last one. EternalBlue
 * starts with NT_TRANSACT, whose TotalDataCount is 32 bits, announces more than 0xFFFF data bytes
 * (66512 in the public tools), and finishes with TRANSACTION2_SECONDARY requests: the server then
 * runs TRANS2_OPEN2 (Setup[0] 0) on an FEA list longer than any TRANSACTION2 could announce,
 * which SrvOs2FeaListSizeToNt miscounts (the pool overflow). No client sends a secondary of
 * another family, so the rule raises on any such mix, once per transaction.
 * @module
 */
import type { SmbEvent } from "../../events.ts";
import { trans2SubcommandName } from "../../smb/smb1/commands.ts";
import type { Rule } from "../rule.ts";
import { num } from "./facts.ts";
import {
  type OpenTransaction,
  secondaryValues,
  suspectSecondary,
  TransactionTracker,
  type TxFamily,
} from "./smb1_exploit_facts.ts";

/** How the server runs a transaction finished by a secondary of another family. */
function executesAs(primary: SmbEvent, family: string): string | undefined {
  if (family !== "TRANSACTION2") return undefined;
  const setup = primary.fields.setup;
  const first = Array.isArray(setup) ? num(setup[0]) : undefined;
  return first === undefined ? undefined : `TRANS2_${trans2SubcommandName(first)}`;
}

/** A secondary of another family than its transaction's primary. */
const otherFamily = (tx: OpenTransaction, family: TxFamily): boolean => tx.family !== family;

/** The rule. */
export const ms17010EternalBlue: Rule = {
  id: "ms17-010-eternalblue",
  title: "MS17-010 EternalBlue: SMB1 transaction continued by a secondary of another type",
  severity: "critical",
  technique: "T1210",
  techniqueName: "Exploitation of Remote Services",
  references: [
    "https://github.com/worawit/MS17-010/blob/master/BUG.txt",
    "https://www.microsoft.com/security/blog/2017/06/30/exploring-the-crypt-analysis-of-the-wannacrypt-ransomware-smb-exploit-propagation/",
    "https://github.com/0xl3x1/zeek-EternalSafety",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/80207e03-6cd6-4bbe-863f-db52f4d2cb1a",
    "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2017-0144",
  ],
  description:
    "An SMB1 client sends a secondary transaction request (TRANSACTION_SECONDARY, TRANSACTION2_SECONDARY, NT_TRANSACT_SECONDARY) for a transaction begun by a primary of another family, with the same MID, PID, UID and TID: EternalBlue's NT_TRANSACT continued by TRANSACTION2_SECONDARY, which makes an unpatched server run TRANS2_OPEN2 on an oversized FEA list.",
  listens: ["smb"],
  create(ctx) {
    const tracker = new TransactionTracker(ctx);
    return {
      event(e) {
        const c = suspectSecondary(tracker, e, otherFamily);
        if (c === undefined) return;
        const { tx, event, family } = c;
        const f = event.fields;
        const dataEnd = (num(f.dataDisplacement) ?? 0) + (num(f.dataCount) ?? 0);
        const fn = tx.primary.fields.functionName ?? tx.primary.fields.subcommandName;
        const runsAs = executesAs(tx.primary, family);
        const values: Record<string, string | number | boolean> = {
          ...secondaryValues(c),
          totalDataCount: tx.totalDataCount,
          dataEnd,
          overTrans2Limit: tx.totalDataCount > 0xffff,
        };
        if (typeof fn === "string") values.primaryFunction = fn;
        if (runsAs !== undefined) values.executesAs = runsAs;
        ctx.alert({
          message: `${values.client} continued an SMB1 ${tx.family} (MID ${tx.mid}, ` +
            `TotalDataCount ${tx.totalDataCount}${
              tx.totalDataCount > 0xffff ? ", more than a TRANSACTION2 can announce" : ""
            }) with ${event.command}${
              runsAs !== undefined ? `, so an unpatched server runs it as ${runsAs}` : ""
            } (EternalBlue transaction type confusion, MS17-010)`,
          values,
          rests: [tx.primary, event],
        });
      },
    };
  },
};
