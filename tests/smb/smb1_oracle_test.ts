/**
 * Differential test of SMB1 against tshark's oracle for every public capture
 * with SMB1 over TCP (../shared/pcaps/public; skips when absent): per frame,
 * commands (AndX chains included), request/response, MID, NT status, file
 * names, tree paths and NTLMSSP user/domain/host must agree, or the
 * disagreement must be listed in smb1_known_differences.ts with its reason.
 */
import * as assert from "node:assert/strict";
import {
  capturesWith,
  compareSmb1,
  corpusPresent,
  decodeCapture,
  type Difference,
  readOracle,
} from "./oracle.ts";
import { SMB1_KNOWN_DIFFERENCES } from "./smb1_known_differences.ts";

const captures = corpusPresent ? capturesWith("smb.cmd") : [];
const totals = { frames: 0, agreeing: 0 };
const explained: string[] = [];

for (const capture of captures) {
  Deno.test({
    name: `SMB1 in ${capture} agrees with tshark`,
    sanitizeResources: false,
    fn: async () => {
      const { frames, differences } = compareSmb1(
        await decodeCapture(capture),
        readOracle(capture),
      );
      const badFrames = new Set(differences.map((d) => d.frame));
      totals.frames += frames;
      totals.agreeing += frames - badFrames.size;
      const unexplained: Difference[] = [];
      for (const d of differences) {
        const why = SMB1_KNOWN_DIFFERENCES[`${capture} ${d.frame} ${d.field}`] ??
          SMB1_KNOWN_DIFFERENCES[`${capture} * ${d.field}`];
        if (why === undefined) unexplained.push(d);
        else {explained.push(
            `${capture} frame ${d.frame} ${d.field}: ours "${d.ours}", tshark "${d.tshark}" — ${why}`,
          );}
      }
      assert.deepEqual(unexplained, []);
    },
  });
}

Deno.test({
  name: "SMB1 agreement with tshark over the corpus (figure)",
  ignore: !corpusPresent,
  fn: () => {
    console.log(
      `SMB1 frames agreeing with tshark on every compared field: ${totals.agreeing}/${totals.frames} ` +
        `in ${captures.length} captures`,
    );
    for (const line of explained) console.log(`  ${line}`);
  },
});
