/**
 * MS17-010 EternalChampion / EternalSynergy: a secondary request for a transaction that its
 * primary already carried whole.
 *
 * Facts (worawit/MS17-010 BUG.txt, bug 5; Microsoft, "Eternal Champion exploit analysis";
 * 0xl3x1/zeek-EternalSafety, EternalSafety::EternalChampion): secondary requests only carry what
 * a primary left out, so a transaction whose primary held every parameter and data byte it
 * announced has nothing to continue. Unpatched Windows starts running such a transaction without
 * marking it fully received, and still applies a secondary request that arrives meanwhile. The
 * exploits send the complete primary and a secondary with the same MID, PID, UID and TID in one
 * TCP segment to win that race: EternalChampion with TRANS2_QUERY_PATH_INFORMATION
 * (SMB_INFO_IS_NAME_VALID, whose handler points the data at a stack buffer) or NT_TRANSACT_RENAME,
 * EternalSynergy's leak with NT_TRANSACT_RENAME. The rule raises on any secondary request for a
 * transaction complete in its primary and not yet ended by its final reply, once per transaction.
 * @module
 */
import type { Rule } from "../rule.ts";
import { str } from "./facts.ts";
import {
  type OpenTransaction,
  secondaryValues,
  suspectSecondary,
  TransactionTracker,
} from "./smb1_exploit_facts.ts";

/** A secondary for a transaction its primary carried whole. */
const completeInPrimary = (tx: OpenTransaction): boolean => tx.complete;

/** The rule. */
export const ms17010EternalChampion: Rule = {
  id: "ms17-010-eternalchampion",
  title:
    "MS17-010 EternalChampion/EternalSynergy: SMB1 secondary request racing a complete transaction",
  severity: "critical",
  technique: "T1210",
  techniqueName: "Exploitation of Remote Services",
  references: [
    "https://github.com/worawit/MS17-010/blob/master/BUG.txt",
    "https://msrc-blog.microsoft.com/2017/06/29/eternal-champion-exploit-analysis/",
    "https://github.com/0xl3x1/zeek-EternalSafety",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/95b5e728-7ff1-4e53-a9f2-66f031d86b4c",
    "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2017-0146",
  ],
  description:
    "An SMB1 client sends a secondary transaction request (same MID, PID, UID, TID) for a transaction whose primary already carried all its parameters and data, before the final reply: the race EternalChampion (TRANS2_QUERY_PATH_INFORMATION SMB_INFO_IS_NAME_VALID, NT_TRANSACT_RENAME) and EternalSynergy's leak win against unpatched servers by sending both in one TCP segment.",
  listens: ["smb"],
  create(ctx) {
    const tracker = new TransactionTracker(ctx);
    return {
      event(e) {
        const c = suspectSecondary(tracker, e, completeInPrimary);
        if (c === undefined) return;
        const { tx, event } = c;
        const pf = tx.primary.fields;
        const fn = str(pf.functionName) ?? str(pf.subcommandName);
        const level = str(pf.infoLevelName);
        const primaryFrames = tx.primary.evidence.frames;
        const sameSegment = primaryFrames.at(-1) === event.evidence.frames[0];
        const values: Record<string, string | number | boolean> = {
          ...secondaryValues(c),
          totalParameterCount: tx.totalParameterCount,
          totalDataCount: tx.totalDataCount,
          sameSegment,
        };
        if (fn !== undefined) values.primaryFunction = fn;
        if (level !== undefined) values.infoLevel = level;
        const what = [tx.family, fn, level].filter((x) => x !== undefined).join(" ");
        ctx.alert({
          message: `${values.client} sent ${event.command} for its SMB1 ${what} (MID ${tx.mid}), ` +
            `which the primary had carried whole${
              sameSegment ? ", in the same TCP segment" : ""
            }: a secondary racing a running transaction (EternalChampion/EternalSynergy, MS17-010)`,
          values,
          rests: [tx.primary, event],
        });
      },
    };
  },
};
