/**
 * Rule `ms17-010-eternalchampion` (a secondary request for a transaction its primary carried whole)
 * on the fixture fixtures/detect/smb1/eternalchampion_samba.pcap (NT_TRANSACT_RENAME and
 * TRANS2_QUERY_PATH_INFORMATION SMB_INFO_IS_NAME_VALID, each with a secondary in the same TCP
 * segment; values from its expected.json), on Zeek's hand-made secondary-request traces (which send
 * exactly that violation), on the EternalRomance capture and proper multi-part transactions (no
 * alert), and on odd events.
 */
import * as assert from "node:assert/strict";
import type { AlertEvent, DecodeEvent, SmbEvent } from "../../../lib/events.ts";
import { DetectionEngine } from "../../../lib/detect/engine.ts";
import type { Rule } from "../../../lib/detect/rule.ts";
import { ms17010EternalChampion } from "../../../lib/detect/rules/ms17_010_eternalchampion.ts";
import { Reporter } from "../../../lib/report.ts";
import { Decoder } from "../../../mod.ts";
import { corpus, corpusPresent } from "../../_support/corpus.ts";

const FIXTURES = new URL("../../../fixtures/detect/smb1/", import.meta.url);

/** The alerts of `rules` over a capture; fails on any rule failure (a `detect` anomaly). */
function alerts(bytes: Uint8Array, rules: Rule[] = [ms17010EternalChampion]): AlertEvent[] {
  const out: DecodeEvent[] = [];
  const d = new Decoder({
    alerts: false,
    watchers: [new DetectionEngine(rules, new Reporter(out, 100))],
  });
  const events = [...d.push(bytes), ...d.end(), ...out];
  assert.deepEqual(events.filter((e) => e.type === "anomaly" && e.layer === "detect"), []);
  return events.filter((e): e is AlertEvent => e.type === "alert");
}

interface ExpectedAlert {
  rule: string;
  frames: number[];
  values: Record<string, unknown>;
}

/** The expected file's alerts of one rule. */
function planned(name: string, rule: string): ExpectedAlert[] {
  const doc = JSON.parse(Deno.readTextFileSync(new URL(`${name}.expected.json`, FIXTURES)));
  return (doc.alerts as ExpectedAlert[]).filter((a) => a.rule === rule);
}

Deno.test("ms17-010-eternalchampion names both racing secondaries of eternalchampion_samba.pcap", () => {
  const exp = planned("eternalchampion_samba", "ms17-010-eternalchampion");
  const got = alerts(Deno.readFileSync(new URL("eternalchampion_samba.pcap", FIXTURES)));
  assert.equal(got.length, 2);
  for (const [i, a] of got.entries()) {
    assert.equal(a.rule, "ms17-010-eternalchampion");
    // Primary and secondary in one frame (the script sent them in one send; tshark sees both there).
    assert.deepEqual(a.evidence.frames, exp[i]!.frames);
    for (const [k, v] of Object.entries(exp[i]!.values)) assert.deepEqual(a.values[k], v, k);
  }
  assert.equal(got[0]!.values.primaryFunction, "RENAME");
  assert.equal(got[1]!.values.infoLevel, "SMB_INFO_IS_NAME_VALID");
});

Deno.test("ms17-010-eternalchampion raises nothing on proper multi-part transactions (smb1_trans_benign.pcap)", () => {
  assert.deepEqual(alerts(Deno.readFileSync(new URL("smb1_trans_benign.pcap", FIXTURES))), []);
});

Deno.test({
  name: corpusPresent
    ? "ms17-010-eternalchampion on the corpus: Zeek's secondary-request traces, not EternalRomance"
    : "ms17-010-eternalchampion on the corpus (skipped: ../shared/pcaps/public not present)",
  ignore: !corpusPresent,
  fn() {
    // Zeek's parser tests for secondary requests were made by hand: a TRANSACTION (\\PIPE\\lsarpc,
    // TotalParameterCount 11, TotalDataCount 9, all of it in frame 14) and a TRANS2
    // QUERY_PATH_INFORMATION (13 parameter bytes, all in frame 14), each followed by a secondary
    // with the same MID (2) in the next segment (tshark: frames 15 and 16, smb.cmd 0x26 and 0x33).
    const trans = alerts(
      Deno.readFileSync(new URL("zeek/smb1_transaction_secondary_request.pcap", corpus)),
    );
    assert.deepEqual(
      trans.map((a) => [a.evidence.frames, a.values.mid, a.values.secondary, a.values.sameSegment]),
      [
        [[14, 15], 2, "TRANSACTION_SECONDARY", false],
      ],
    );
    const trans2 = alerts(
      Deno.readFileSync(new URL("zeek/smb1_transaction2_secondary_request.pcap", corpus)),
    );
    assert.deepEqual(
      trans2.map((a) => [a.evidence.frames, a.values.mid, a.values.primaryFunction]),
      [
        [[14, 16], 2, "QUERY_PATH_INFORMATION"],
      ],
    );
    // EternalRomance sends many secondaries, but each for a transaction still waiting for data.
    assert.deepEqual(
      alerts(
        Deno.readFileSync(new URL("zeek-eternalsafety/eternalromance-success-2008r2.pcap", corpus)),
      ),
      [],
    );
  },
});

Deno.test("ms17-010-eternalchampion: a secondary after the final reply, or for an incomplete primary, is no race", () => {
  const out: DecodeEvent[] = [];
  const engine = new DetectionEngine([ms17010EternalChampion], new Reporter(out, 100));
  const base = {
    type: "smb",
    version: 1,
    response: false,
    sessionId: "1",
    treeId: 2,
    processId: 3,
    chainIndex: 0,
    header: {},
    evidence: { frames: [1], ts: 0, connection: 0, streamOffset: 0, fromClient: true },
  };
  const sink: DecodeEvent[] = [];
  const feed = (e: object) => engine.event(e as SmbEvent, sink);
  const counts = { totalParameterCount: 4, totalDataCount: 0, parameterCount: 4, dataCount: 0 };
  // Complete primary, final reply, then a secondary: the transaction had ended.
  feed({ ...base, messageId: "5", command: "TRANSACTION2", fields: counts });
  feed({
    ...base,
    messageId: "5",
    command: "TRANSACTION2",
    response: true,
    status: 0,
    fields: counts,
  });
  feed({ ...base, messageId: "5", command: "TRANSACTION2_SECONDARY", fields: {} });
  // Incomplete primary, interim reply, secondary: the normal case.
  feed({
    ...base,
    messageId: "6",
    command: "NT_TRANSACT",
    fields: { ...counts, parameterCount: 2 },
  });
  feed({ ...base, messageId: "6", command: "NT_TRANSACT", response: true, status: 0, fields: {} });
  feed({ ...base, messageId: "6", command: "NT_TRANSACT_SECONDARY", fields: {} });
  assert.equal(sink.filter((e) => e.type === "alert").length, 0);
  // Complete primary and a secondary before any reply: the race, once.
  feed({ ...base, messageId: "7", command: "TRANSACTION", fields: counts });
  feed({ ...base, messageId: "7", command: "TRANSACTION_SECONDARY", fields: {} });
  feed({ ...base, messageId: "7", command: "TRANSACTION_SECONDARY", fields: {} });
  feed({ ...base, messageId: "7", command: "TRANSACTION_SECONDARY", fields: null });
  assert.equal(sink.filter((e) => e.type === "alert").length, 1);
  assert.deepEqual(out, []);
});
