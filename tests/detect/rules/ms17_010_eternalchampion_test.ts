/**
 * Rule `ms17-010-eternalchampion` (a secondary request for a transaction its primary carried whole)
 * on the fixture fixtures/detect/smb1/eternalchampion_samba.pcap (NT_TRANSACT_RENAME and
 * TRANS2_QUERY_PATH_INFORMATION SMB_INFO_IS_NAME_VALID, each with a secondary in the same TCP
 * segment; values from its expected.json), on Zeek's hand-made secondary-request traces (which send
 * exactly that violation), on the EternalRomance capture and proper multi-part transactions (no
 * alert), and on odd events.
 */
import * as assert from "node:assert/strict";
import { ms17010EternalChampion } from "../../../lib/detect/rules/ms17_010_eternalchampion.ts";
import { corpus } from "../../_support/corpus.ts";
import {
  agree,
  alertsOf,
  corpusTest,
  FIXTURES,
  planned,
  RuleBench,
  SMB1_REQUEST,
} from "./_support.ts";

const SMB1 = new URL("detect/smb1/", FIXTURES);
const alerts = (capture: URL) => alertsOf([ms17010EternalChampion], capture);

Deno.test("ms17-010-eternalchampion names both racing secondaries of eternalchampion_samba.pcap", () => {
  const exp = planned(SMB1, "eternalchampion_samba", "ms17-010-eternalchampion");
  const got = alerts(new URL("eternalchampion_samba.pcap", SMB1));
  assert.equal(got.length, 2);
  // Primary and secondary in one frame (the script sent them in one send; tshark sees both there).
  agree(got, exp);
  assert.equal(got[0]!.values.primaryFunction, "RENAME");
  assert.equal(got[1]!.values.infoLevel, "SMB_INFO_IS_NAME_VALID");
});

Deno.test("ms17-010-eternalchampion raises nothing on proper multi-part transactions (smb1_trans_benign.pcap)", () => {
  assert.deepEqual(alerts(new URL("smb1_trans_benign.pcap", SMB1)), []);
});

corpusTest(
  "ms17-010-eternalchampion on the corpus: Zeek's secondary-request traces, not EternalRomance",
  () => {
    // Zeek's parser tests for secondary requests were made by hand: a TRANSACTION (\\PIPE\\lsarpc,
    // TotalParameterCount 11, TotalDataCount 9, all of it in frame 14) and a TRANS2
    // QUERY_PATH_INFORMATION (13 parameter bytes, all in frame 14), each followed by a secondary
    // with the same MID (2) in the next segment (tshark: frames 15 and 16, smb.cmd 0x26 and 0x33).
    const trans = alerts(new URL("zeek/smb1_transaction_secondary_request.pcap", corpus));
    assert.deepEqual(
      trans.map((a) => [a.evidence.frames, a.values.mid, a.values.secondary, a.values.sameSegment]),
      [
        [[14, 15], 2, "TRANSACTION_SECONDARY", false],
      ],
    );
    const trans2 = alerts(new URL("zeek/smb1_transaction2_secondary_request.pcap", corpus));
    assert.deepEqual(
      trans2.map((a) => [a.evidence.frames, a.values.mid, a.values.primaryFunction]),
      [
        [[14, 16], 2, "QUERY_PATH_INFORMATION"],
      ],
    );
    // EternalRomance sends many secondaries, but each for a transaction still waiting for data.
    assert.deepEqual(
      alerts(new URL("zeek-eternalsafety/eternalromance-success-2008r2.pcap", corpus)),
      [],
    );
  },
  "ms17-010-eternalchampion on the corpus",
);

Deno.test("ms17-010-eternalchampion: a secondary after the final reply, or for an incomplete primary, is no race", () => {
  const bench = new RuleBench([ms17010EternalChampion]);
  const base = SMB1_REQUEST;
  const feed = (e: object) => bench.feed(e);
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
  assert.equal(bench.alerts.length, 0);
  // Complete primary and a secondary before any reply: the race, once.
  feed({ ...base, messageId: "7", command: "TRANSACTION", fields: counts });
  feed({ ...base, messageId: "7", command: "TRANSACTION_SECONDARY", fields: {} });
  feed({ ...base, messageId: "7", command: "TRANSACTION_SECONDARY", fields: {} });
  feed({ ...base, messageId: "7", command: "TRANSACTION_SECONDARY", fields: null });
  assert.equal(bench.alerts.length, 1);
  assert.deepEqual(bench.reported, []);
});
