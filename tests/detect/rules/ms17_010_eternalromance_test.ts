/**
 * Rule `ms17-010-eternalromance` (raw-mode WRITE_ANDX into an open transaction) on the fixture
 * fixtures/detect/smb1/eternalromance_samba.pcap (values from its expected.json), on Eric Conrad's
 * successful EternalRomance capture of the public corpus (agreement with zeek-EternalSafety's
 * notice.log), on proper multi-part transactions and pipe writes (no alert), and on odd events.
 */
import * as assert from "node:assert/strict";
import { ms17010EternalRomance } from "../../../lib/detect/rules/ms17_010_eternalromance.ts";
import { corpus } from "../../_support/corpus.ts";
import {
  agree,
  alertsOf,
  corpusTest,
  FIXTURES,
  planned,
  RuleBench,
  SMB1_REQUEST,
  zeekLog,
} from "./_support.ts";

const SMB1 = new URL("detect/smb1/", FIXTURES);
const SAFETY = new URL("zeek-eternalsafety/", corpus);
const alerts = (capture: URL) => alertsOf([ms17010EternalRomance], capture);

/** Zeek notice.log rows (the columns the EternalSafety btests keep). */
function notices(path: URL): { orig: string; resp: string; note: string }[] {
  return zeekLog(path).map((c) => ({
    orig: `${c[0]}:${c[1]}`,
    resp: `${c[2]}:${c[3]}`,
    note: c[5]!,
  }));
}

Deno.test("ms17-010-eternalromance names the raw-mode write into the open transaction of eternalromance_samba.pcap", () => {
  const exp = planned(SMB1, "eternalromance_samba", "ms17-010-eternalromance");
  const got = alerts(new URL("eternalromance_samba.pcap", SMB1));
  // One alert: the TRANSACTION primary's frame, then the WRITE_ANDX's (tshark's).
  assert.equal(exp.length, 1);
  agree(got, exp);
  assert.equal(got[0]!.values.file, "\\srvsvc");
});

Deno.test("ms17-010-eternalromance raises nothing on proper multi-part transactions (smb1_trans_benign.pcap)", () => {
  assert.deepEqual(alerts(new URL("smb1_trans_benign.pcap", SMB1)), []);
});

corpusTest(
  "ms17-010-eternalromance agrees with zeek-EternalSafety on the EternalRomance capture",
  () => {
    const got = alerts(new URL("eternalromance-success-2008r2.pcap", SAFETY));
    assert.equal(got.length, 1);
    const a = got[0]!;
    // tshark: frame 47 holds three TRANSACTION primaries, one with MID 16384 and PID 10251;
    // frame 160 a WRITE_ANDX with FID 0x4000, MID 16384, PID 10251 and WriteMode 0x0004 (raw).
    assert.deepEqual(a.evidence.frames, [47, 160]);
    assert.equal(a.values.fid, 16384);
    assert.equal(a.values.transactionMid, 16384);
    assert.equal(a.values.writeMode, 4);
    assert.equal(a.values.totalDataCount, 21504);
    assert.equal(a.values.file, "lsarpc");
    const zeek = notices(new URL("expected/eternal-safety.eternalromance/notice.log", SAFETY));
    assert.deepEqual(zeek.map((n) => n.note), ["EternalSafety::EternalSynergy"]);
    assert.equal(`${a.client!.ip}:${a.client!.port}`, zeek[0]!.orig);
    assert.equal(`${a.server!.ip}:${a.server!.port}`, zeek[0]!.resp);
    console.log(
      `agrees with Zeek's EternalSafety::EternalSynergy notice: ${zeek[0]!.orig} -> ${
        zeek[0]!.resp
      }`,
    );
  },
  "ms17-010-eternalromance on the EternalRomance capture",
);

Deno.test("ms17-010-eternalromance ignores writes that are not raw mode or name no waiting transaction", () => {
  const bench = new RuleBench([ms17010EternalRomance]);
  const base = SMB1_REQUEST;
  const feed = (e: object) => bench.feed(e);
  // An incomplete TRANSACTION with MID 9.
  feed({
    ...base,
    messageId: "9",
    command: "TRANSACTION",
    fields: { totalParameterCount: 0, totalDataCount: 100, parameterCount: 0, dataCount: 0 },
  });
  feed({ ...base, messageId: "10", command: "WRITE_ANDX", fields: { fid: 9, writeMode: 8 } }); // message mode
  feed({ ...base, messageId: "11", command: "WRITE_ANDX", fields: { fid: 8, writeMode: 4 } }); // other FID
  feed({
    ...base,
    messageId: "12",
    processId: 4,
    command: "WRITE_ANDX",
    fields: { fid: 9, writeMode: 4 },
  });
  feed({ ...base, messageId: "13", command: "WRITE_ANDX", fields: { fid: "9", writeMode: null } });
  assert.equal(bench.alerts.length, 0);
  feed({
    ...base,
    messageId: "14",
    command: "WRITE_ANDX",
    fields: { fid: 9, writeMode: 4, dataLength: 5 },
  });
  feed({ ...base, messageId: "15", command: "WRITE_ANDX", fields: { fid: 9, writeMode: 4 } }); // once
  const raised = bench.alerts;
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.values.writeMidIsFid, false);
  assert.deepEqual(bench.reported, []);
});
