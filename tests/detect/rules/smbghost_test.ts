/**
 * Rule `smbghost` (an SMB2 compression transform whose Offset + OriginalCompressedSegmentSize wraps
 * 32 bits) on fixtures/detect/smb1/smbghost_samba.pcap (values from its expected.json: the client's
 * log and tshark's frame), on Zeek's SMBGhost.pcap (a negotiate offering compression, no transform:
 * Zeek's test logs the capability, raises no notice; no alert here either) and on odd anomalies.
 */
import * as assert from "node:assert/strict";
import { smbghost } from "../../../lib/detect/rules/smbghost.ts";
import { corpus } from "../../_support/corpus.ts";
import { agree, alertsOf, corpusTest, FIXTURES, planned, RuleBench } from "./_support.ts";

const SMB1 = new URL("detect/smb1/", FIXTURES);
const alerts = (capture: URL) => alertsOf([smbghost], capture);

Deno.test("smbghost names the wrapping compression transform of smbghost_samba.pcap", () => {
  const exp = planned(SMB1, "smbghost_samba", "smbghost");
  const got = alerts(new URL("smbghost_samba.pcap", SMB1));
  assert.equal(got.length, 1);
  agree(got, exp);
  assert.equal(got[0]!.client!.ip, "10.77.0.2");
});

corpusTest(
  "smbghost raises nothing on Zeek's SMBGhost.pcap (compression negotiated, no transform)",
  () => assert.deepEqual(alerts(new URL("zeek/SMBGhost.pcap", corpus)), []),
  "smbghost on Zeek's SMBGhost.pcap",
);

Deno.test("smbghost raises once per connection and reads odd anomalies without throwing", () => {
  const bench = new RuleBench([smbghost]);
  const anomaly = (connection: number, detail: unknown) => ({
    type: "anomaly",
    layer: "smb2",
    kind: "malformed",
    code: "smb2_compression_size_overflow",
    detail,
    evidence: { frames: [3], ts: 0, connection },
  });
  bench.feed(
    anomaly(1, undefined),
    anomaly(1, "Offset 1 + OriginalCompressedSegmentSize 4294967295 overflows"),
    anomaly(2, "Offset 1 + OriginalCompressedSegmentSize 4294967295 overflows"),
    { ...anomaly(3, "x"), code: "smb2_compression_too_large" },
  );
  const raised = bench.alerts;
  assert.deepEqual(raised.map((a) => [a.evidence.connection, a.values.sum]), [[1, undefined], [
    2,
    4294967296,
  ]]);
  assert.deepEqual(bench.reported, []);
});
