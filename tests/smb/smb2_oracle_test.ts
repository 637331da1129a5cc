/**
 * Differential test of SMB2/3 against tshark's oracle for every public
 * capture with SMB2 over TCP (../shared/pcaps/public; skips when absent): per
 * frame, commands (compounds included), request/response, MessageId,
 * SessionId, status, file names, tree paths, NTLMSSP user/domain/host and the
 * size of encrypted messages must agree, or the disagreement must be listed in
 * smb2_known_differences.ts with its reason.
 */
import * as assert from "node:assert/strict";
import {
  capturesWith,
  compareSmb2,
  corpusPresent,
  decodeCapture,
  type Difference,
  readOracle,
} from "./oracle.ts";
import { SMB2_KNOWN_DIFFERENCES } from "./smb2_known_differences.ts";

const captures = corpusPresent ? capturesWith("smb2.protocol_id") : [];
const totals = { frames: 0, agreeing: 0 };
const explained: string[] = [];

for (const capture of captures) {
  Deno.test({
    name: `SMB2 in ${capture} agrees with tshark`,
    sanitizeResources: false,
    fn: async () => {
      const { frames, differences } = compareSmb2(
        await decodeCapture(capture),
        readOracle(capture),
      );
      totals.frames += frames;
      totals.agreeing += frames - new Set(differences.map((d) => d.frame)).size;
      const unexplained: Difference[] = [];
      for (const d of differences) {
        const why = SMB2_KNOWN_DIFFERENCES[`${capture} ${d.frame} ${d.field}`] ??
          SMB2_KNOWN_DIFFERENCES[`${capture} * ${d.field}`];
        if (why === undefined) unexplained.push(d);
        else {
          explained.push(
            `${capture} frame ${d.frame} ${d.field}: ours "${d.ours}", tshark "${d.tshark}" — ${why}`,
          );
        }
      }
      assert.deepEqual(unexplained, []);
    },
  });
}

Deno.test({
  name: "SMB2 agreement with tshark over the corpus (figure)",
  ignore: !corpusPresent,
  fn: () => {
    console.log(
      `SMB2 frames agreeing with tshark on every compared field: ${totals.agreeing}/${totals.frames} ` +
        `in ${captures.length} captures`,
    );
    for (const line of explained) console.log(`  ${line}`);
  },
});
