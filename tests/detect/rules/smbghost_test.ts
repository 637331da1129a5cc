/**
 * Rule `smbghost` (an SMB2 compression transform whose Offset + OriginalCompressedSegmentSize wraps
 * 32 bits) on fixtures/detect/smb1/smbghost_samba.pcap (values from its expected.json: the client's
 * log and tshark's frame), on Zeek's SMBGhost.pcap (a negotiate offering compression, no transform:
 * Zeek's test logs the capability, raises no notice; no alert here either) and on odd anomalies.
 */
import * as assert from "node:assert/strict";
import type { AlertEvent, AnomalyEvent, DecodeEvent } from "../../../lib/events.ts";
import { DetectionEngine } from "../../../lib/detect/engine.ts";
import type { Rule } from "../../../lib/detect/rule.ts";
import { smbghost } from "../../../lib/detect/rules/smbghost.ts";
import { Reporter } from "../../../lib/report.ts";
import { Decoder } from "../../../mod.ts";
import { corpus, corpusPresent } from "../../_support/corpus.ts";

const FIXTURES = new URL("../../../fixtures/detect/smb1/", import.meta.url);

/** The alerts of `rules` over a capture; fails on any rule failure (a `detect` anomaly). */
function alerts(bytes: Uint8Array, rules: Rule[] = [smbghost]): AlertEvent[] {
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

Deno.test("smbghost names the wrapping compression transform of smbghost_samba.pcap", () => {
  const [exp] = planned("smbghost_samba", "smbghost");
  const got = alerts(Deno.readFileSync(new URL("smbghost_samba.pcap", FIXTURES)));
  assert.equal(got.length, 1);
  const a = got[0]!;
  assert.equal(a.rule, "smbghost");
  assert.deepEqual(a.evidence.frames, exp!.frames);
  for (const [k, v] of Object.entries(exp!.values)) assert.deepEqual(a.values[k], v, k);
  assert.equal(a.client!.ip, "10.77.0.2");
});

Deno.test({
  name: corpusPresent
    ? "smbghost raises nothing on Zeek's SMBGhost.pcap (compression negotiated, no transform)"
    : "smbghost on Zeek's SMBGhost.pcap (skipped: ../shared/pcaps/public not present)",
  ignore: !corpusPresent,
  fn() {
    assert.deepEqual(alerts(Deno.readFileSync(new URL("zeek/SMBGhost.pcap", corpus))), []);
  },
});

Deno.test("smbghost raises once per connection and reads odd anomalies without throwing", () => {
  const out: DecodeEvent[] = [];
  const engine = new DetectionEngine([smbghost], new Reporter(out, 100));
  const sink: DecodeEvent[] = [];
  const anomaly = (connection: number, detail: unknown) =>
    ({
      type: "anomaly",
      layer: "smb2",
      kind: "malformed",
      code: "smb2_compression_size_overflow",
      detail,
      evidence: { frames: [3], ts: 0, connection },
    }) as unknown as AnomalyEvent;
  engine.event(anomaly(1, undefined), sink);
  engine.event(anomaly(1, "Offset 1 + OriginalCompressedSegmentSize 4294967295 overflows"), sink);
  engine.event(anomaly(2, "Offset 1 + OriginalCompressedSegmentSize 4294967295 overflows"), sink);
  engine.event({ ...anomaly(3, "x"), code: "smb2_compression_too_large" }, sink);
  const raised = sink.filter((e): e is AlertEvent => e.type === "alert");
  assert.deepEqual(raised.map((a) => [a.evidence.connection, a.values.sum]), [[1, undefined], [
    2,
    4294967296,
  ]]);
  assert.deepEqual(out, []);
});
