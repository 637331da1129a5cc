/**
 * MS17-010 EternalRomance / EternalSynergy: a raw-mode WRITE_ANDX into an open transaction.
 *
 * Facts (worawit/MS17-010 BUG.txt, bug 6; Microsoft, "Eternal Synergy exploit analysis";
 * 0xl3x1/zeek-EternalSafety, EternalSafety::EternalSynergy): unpatched Windows handles a
 * WRITE_ANDX with WriteMode RAW_MODE (0x0004) on a named pipe through its transaction code,
 * looking the transaction up by the request's FID in place of the MID. An attacker opens a pipe,
 * starts a transaction whose MID is that FID and leaves it waiting for data, then sends the raw
 * write: the server copies the bytes into the transaction's buffer and moves its data pointer
 * forward, so the next secondary request, placed by DataDisplacement from the moved pointer,
 * writes past the buffer. No client needs a write to land in one of its own pending
 * transactions: the rule raises when a raw-mode WRITE_ANDX names, by its FID and its PID, UID
 * and TID, a transaction that is still waiting for its parameters or data.
 * @module
 */
import type { Rule } from "../rule.ts";
import { connectionOf, num } from "./facts.ts";
import {
  endsOf,
  midOf,
  smb1,
  TransactionTracker,
  txKey,
  WRITE_MODE_RAW,
} from "./smb1_exploit_facts.ts";

/** The rule. */
export const ms17010EternalRomance: Rule = {
  id: "ms17-010-eternalromance",
  title: "MS17-010 EternalRomance/EternalSynergy: raw-mode SMB1 write into an open transaction",
  severity: "critical",
  technique: "T1210",
  techniqueName: "Exploitation of Remote Services",
  references: [
    "https://github.com/worawit/MS17-010/blob/master/BUG.txt",
    "https://msrc-blog.microsoft.com/2017/07/13/eternal-synergy-exploit-analysis/",
    "https://github.com/0xl3x1/zeek-EternalSafety",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-cifs/a66126d2-a1db-446b-8736-b9f5559c49bd",
    "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2017-0145",
  ],
  description:
    "An SMB1 client sends WRITE_ANDX in raw mode (WriteMode 0x0004) whose FID equals the MID of one of its transactions still waiting for data (same PID, UID, TID): unpatched servers write into that transaction's buffer and move its data pointer, the out-of-bounds write primitive of EternalRomance and EternalSynergy.",
  listens: ["smb"],
  create(ctx) {
    const tracker = new TransactionTracker(ctx);
    return {
      event(e) {
        tracker.see(e);
        const m = smb1(e);
        if (m === undefined || m.response || m.command !== "WRITE_ANDX") return;
        const fid = num(m.fields.fid), mode = num(m.fields.writeMode);
        if (fid === undefined || mode === undefined || (mode & WRITE_MODE_RAW) === 0) return;
        const tx = tracker.find(connectionOf(m), txKey(m, fid));
        if (tx === undefined || tx.complete || tx.alerted) return;
        tx.alerted = true;
        const length = num(m.fields.dataLength) ?? 0;
        const values: Record<string, string | number | boolean> = {
          ...endsOf(m),
          fid,
          writeMode: mode,
          dataLength: length,
          transaction: tx.family,
          transactionMid: tx.mid,
          totalDataCount: tx.totalDataCount,
          writeMidIsFid: midOf(m) === fid,
        };
        if (m.file !== undefined) values.file = m.file;
        ctx.alert({
          message:
            `${values.client} wrote ${length} bytes in raw mode (WriteMode 0x${
              mode.toString(16).padStart(4, "0")
            }) to FID ${fid}${
              m.file !== undefined ? ` (${m.file})` : ""
            } while its SMB1 ${tx.family} with MID ${fid} (TotalDataCount ${tx.totalDataCount}) ` +
            `waited for data: an unpatched server writes into that transaction's buffer ` +
            `(EternalRomance/EternalSynergy, MS17-010)`,
          values,
          rests: [tx.primary, m],
        });
      },
    };
  },
};
