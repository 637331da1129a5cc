/**
 * Over-long AndX chains, over-long compounds and looping compounds
 * (fixtures/hostile/andx_compound_chains.pcap, from make_bombs.ts; its
 * contents in bombs.json; tshark 4.0 sees the same 20 SMB1 and 25 SMB2
 * packets): each chain is read up to its cap, each cap hit is a `limit`, each
 * loop a `loop`, and nothing else is lost.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type SummaryEvent } from "../../mod.ts";
import { MAX_ANDX_DEPTH } from "../../lib/smb/smb1/andx.ts";
import { MAX_COMPOUND_MESSAGES } from "../../lib/smb/smb2/compound.ts";

const bytes = Deno.readFileSync(
  new URL("../../fixtures/hostile/andx_compound_chains.pcap", import.meta.url),
);
const made = JSON.parse(
  Deno.readTextFileSync(new URL("../../fixtures/hostile/bombs.json", import.meta.url)),
)["andx_compound_chains.pcap"];

Deno.test("andx_compound_chains.pcap: every chain read up to its cap, each cap a limit, each loop a loop", () => {
  const d = new Decoder();
  const events: DecodeEvent[] = [...d.push(bytes), ...d.end()];
  const summary = events.at(-1) as SummaryEvent;
  assert.deepEqual(events.filter((e) => e.type === "anomaly" && e.kind === "bug"), []);
  assert.deepEqual(
    summary.limitsHit.sort((a, b) => a.limit.localeCompare(b.limit)),
    [
      { limit: "maxAndxDepth", count: made.andxMessages },
      { limit: "maxCompoundMessages", count: made.compounds },
    ],
  );
  assert.equal(summary.anomalyCounts["smb2.loop"], made.loops);
  const smb = events.filter((e) => e.type === "smb");
  const v1 = smb.filter((e) => e.type === "smb" && e.version === 1);
  const v2 = smb.filter((e) => e.type === "smb" && e.version === 2);
  // Each chain of 100 LOGOFF_ANDX gives its first 10; each compound of 200 ECHOs its first 128;
  // a looping compound its first message and the one that points back.
  assert.ok(made.andxLength > MAX_ANDX_DEPTH && made.compoundLength > MAX_COMPOUND_MESSAGES);
  assert.equal(v1.length, made.andxMessages * MAX_ANDX_DEPTH);
  assert.equal(v2.length, made.compounds * MAX_COMPOUND_MESSAGES + made.loops * 2);
});
