/**
 * Rule `ms17-010-eternalromance` (raw-mode WRITE_ANDX into an open transaction) on the fixture
 * fixtures/detect/smb1/eternalromance_samba.pcap (values from its expected.json), on Eric Conrad's
 * successful EternalRomance capture of the public corpus (agreement with zeek-EternalSafety's
 * notice.log), on proper multi-part transactions and pipe writes (no alert), and on odd events.
 */
import * as assert from "node:assert/strict";
import type { AlertEvent, DecodeEvent, SmbEvent } from "../../../lib/events.ts";
import { DetectionEngine } from "../../../lib/detect/engine.ts";
import type { Rule } from "../../../lib/detect/rule.ts";
import { ms17010EternalRomance } from "../../../lib/detect/rules/ms17_010_eternalromance.ts";
import { Reporter } from "../../../lib/report.ts";
import { Decoder } from "../../../mod.ts";
import { corpus, corpusPresent } from "../../_support/corpus.ts";

const FIXTURES = new URL("../../../fixtures/detect/smb1/", import.meta.url);
const SAFETY = new URL("zeek-eternalsafety/", corpus);

/** The alerts of `rules` over a capture; fails on any rule failure (a `detect` anomaly). */
function alerts(bytes: Uint8Array, rules: Rule[] = [ms17010EternalRomance]): AlertEvent[] {
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

/** Zeek notice.log rows (the columns the EternalSafety btests keep). */
function notices(path: URL): { orig: string; resp: string; note: string }[] {
  return Deno.readTextFileSync(path).split("\n").filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t")).map((c) => ({
      orig: `${c[0]}:${c[1]}`,
      resp: `${c[2]}:${c[3]}`,
      note: c[5]!,
    }));
}

Deno.test("ms17-010-eternalromance names the raw-mode write into the open transaction of eternalromance_samba.pcap", () => {
  const [exp] = planned("eternalromance_samba", "ms17-010-eternalromance");
  const got = alerts(Deno.readFileSync(new URL("eternalromance_samba.pcap", FIXTURES)));
  assert.equal(got.length, 1);
  const a = got[0]!;
  assert.equal(a.rule, "ms17-010-eternalromance");
  // The TRANSACTION primary's frame, then the WRITE_ANDX's (tshark's).
  assert.deepEqual(a.evidence.frames, exp!.frames);
  for (const [k, v] of Object.entries(exp!.values)) assert.deepEqual(a.values[k], v, k);
  assert.equal(a.values.file, "\\srvsvc");
});

Deno.test("ms17-010-eternalromance raises nothing on proper multi-part transactions (smb1_trans_benign.pcap)", () => {
  assert.deepEqual(alerts(Deno.readFileSync(new URL("smb1_trans_benign.pcap", FIXTURES))), []);
});

Deno.test({
  name: corpusPresent
    ? "ms17-010-eternalromance agrees with zeek-EternalSafety on the EternalRomance capture"
    : "ms17-010-eternalromance on the EternalRomance capture (skipped: ../shared/pcaps/public not present)",
  ignore: !corpusPresent,
  fn() {
    const got = alerts(Deno.readFileSync(new URL("eternalromance-success-2008r2.pcap", SAFETY)));
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
});

Deno.test("ms17-010-eternalromance ignores writes that are not raw mode or name no waiting transaction", () => {
  const out: DecodeEvent[] = [];
  const engine = new DetectionEngine([ms17010EternalRomance], new Reporter(out, 100));
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
  assert.equal(sink.filter((e) => e.type === "alert").length, 0);
  feed({
    ...base,
    messageId: "14",
    command: "WRITE_ANDX",
    fields: { fid: 9, writeMode: 4, dataLength: 5 },
  });
  feed({ ...base, messageId: "15", command: "WRITE_ANDX", fields: { fid: 9, writeMode: 4 } }); // once
  const raised = sink.filter((e): e is AlertEvent => e.type === "alert");
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.values.writeMidIsFid, false);
  assert.deepEqual(out, []);
});
