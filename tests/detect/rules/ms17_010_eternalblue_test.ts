/**
 * Rule `ms17-010-eternalblue` (SMB1 transaction type confusion) on the fixture
 * fixtures/detect/smb1/eternalblue_samba.pcap (values from its expected.json: the client's log and
 * tshark), on Metasploit's ms17_010_eternalblue capture of the public corpus (agreement with
 * zeek-EternalSafety's notice.log), on the failed run against a patched host (no notice, no
 * alert), on proper multi-part transactions (no alert), and on odd events.
 */
import * as assert from "node:assert/strict";
import { ms17010EternalBlue } from "../../../lib/detect/rules/ms17_010_eternalblue.ts";
import { corpus } from "../../_support/corpus.ts";
import { alertsOf, corpusTest, FIXTURES, planned, RuleBench, zeekLog } from "./_support.ts";

const SMB1 = new URL("detect/smb1/", FIXTURES);
const SAFETY = new URL("zeek-eternalsafety/", corpus);
const alerts = (capture: URL) => alertsOf([ms17010EternalBlue], capture);

/** Zeek notice.log rows (the columns the EternalSafety btests keep). */
function notices(path: URL): { orig: string; resp: string; note: string }[] {
  return zeekLog(path).map((c) => ({
    orig: `${c[0]}:${c[1]}`,
    resp: `${c[2]}:${c[3]}`,
    note: c[5]!,
  }));
}

Deno.test("ms17-010-eternalblue names the NT_TRANSACT continued by TRANSACTION2_SECONDARY in eternalblue_samba.pcap", () => {
  const [exp] = planned(SMB1, "eternalblue_samba", "ms17-010-eternalblue");
  const got = alerts(new URL("eternalblue_samba.pcap", SMB1));
  assert.equal(got.length, 1);
  const a = got[0]!;
  assert.equal(a.rule, "ms17-010-eternalblue");
  assert.equal(a.severity, "critical");
  // The primary's frame and the first secondary's frame (tshark's), in order.
  for (const f of exp!.frames) assert.ok(a.evidence.frames.includes(f), `frame ${f}`);
  assert.equal(a.evidence.frames[0], exp!.frames[0]);
  for (const [k, v] of Object.entries(exp!.values)) assert.deepEqual(a.values[k], v, k);
  assert.equal(a.values.overTrans2Limit, true);
  assert.equal(a.events.length, 2);
});

Deno.test("ms17-010-eternalblue raises nothing on proper multi-part transactions (smb1_trans_benign.pcap)", () => {
  assert.deepEqual(alerts(new URL("smb1_trans_benign.pcap", SMB1)), []);
});

corpusTest(
  "ms17-010-eternalblue agrees with zeek-EternalSafety on Metasploit's ms17_010_eternalblue capture",
  () => {
    const got = alerts(new URL("metasploit-ms017-010-win7x64.pcap", SAFETY));
    assert.equal(got.length, 1);
    const a = got[0]!;
    // tshark: frame 34 NT_TRANSACT MID 64 (DataCount 976; TotalDataCount 0x000103d0 in the bytes
    // Zeek's notice quotes), frame 36 the first TRANS2_SECONDARY (DataDisplacement 976, DataCount 4096).
    assert.deepEqual(a.evidence.frames, [34, 36]);
    assert.equal(a.values.mid, 64);
    assert.equal(a.values.totalDataCount, 66512);
    assert.equal(a.values.dataEnd, 976 + 4096);
    assert.equal(a.values.executesAs, "TRANS2_OPEN2");
    const zeek = notices(new URL("expected/eternal-safety.metasploit-ms017-010/notice.log", SAFETY))
      .filter((n) => n.note === "EternalSafety::EternalBlue");
    assert.equal(zeek.length, 1);
    assert.equal(`${a.client!.ip}:${a.client!.port}`, zeek[0]!.orig);
    assert.equal(`${a.server!.ip}:${a.server!.port}`, zeek[0]!.resp);
    console.log(
      `agrees with Zeek's EternalSafety::EternalBlue notice: ${zeek[0]!.orig} -> ${zeek[0]!.resp}`,
    );
    // The failed run against patched Windows 7 holds no SMB over TCP: Zeek raises no notice, nor do we.
    assert.deepEqual(alerts(new URL("eternalblue-failed-patched-win7.pcap", SAFETY)), []);
  },
  "ms17-010-eternalblue on the EternalSafety captures",
);

Deno.test("ms17-010-eternalblue reads odd events without throwing", () => {
  const bench = new RuleBench([ms17010EternalBlue]);
  const base = {
    type: "smb",
    version: 1,
    response: false,
    messageId: "7",
    sessionId: "1",
    chainIndex: 0,
    header: {},
    evidence: { frames: [1], ts: 0, connection: 0, streamOffset: 0, fromClient: true },
  };
  const odd = [
    { ...base, command: "NT_TRANSACT", fields: { totalDataCount: "many", setup: "x" } },
    { ...base, command: "TRANSACTION2_SECONDARY", fields: { dataDisplacement: null } },
    { ...base, command: "TRANSACTION2_SECONDARY", messageId: "not a number", fields: {} },
    { ...base, command: "TRANSACTION", response: true, fields: { totalParameterCount: -1 } },
    { ...base, command: 42, fields: null },
    { ...base, evidence: { frames: [] }, command: "TRANSACTION2_SECONDARY", fields: {} },
  ];
  bench.feed(...odd);
  bench.end();
  assert.deepEqual(bench.reported, []); // no rule failure reported
  // The first secondary above does continue the NT_TRANSACT of MID 7: one alert, without numbers.
  assert.equal(bench.alerts.length, 1);
});
