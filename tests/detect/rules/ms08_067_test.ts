/** ms08-067: srvsvc path canonicalisation with a path that climbs above its root or is too long. */
import * as assert from "node:assert/strict";
import { ms08067 } from "../../../lib/detect/rules/ms08_067.ts";
import { alertsOf, expectedJson, feed, FIXTURES, type Thresholds } from "./_support.ts";

const DCERPC = new URL("dcerpc/", FIXTURES);
const SRVSVC = "4b324fc8-1670-01d3-1278-5a47bf6ee188";
const made = (events: unknown[], thresholds: Thresholds = {}) =>
  feed([ms08067], events, thresholds);

const call = (opnum: number, args: Record<string, unknown>) => ({
  type: "rpc",
  action: "call",
  transport: "smb2",
  pipe: "srvsvc",
  callId: 1,
  interface: SRVSVC,
  opnum,
  operation: opnum === 31 ? "NetprPathCanonicalize" : "NetprPathCompare",
  arguments: args,
  outcome: "response",
  status: 0,
  statusName: "ERROR_SUCCESS",
  success: true,
  evidence: { frames: [7, 8], ts: 1, connection: 0 },
  client: { ip: "10.0.0.2", port: 49000 },
  server: { ip: "10.0.0.1", port: 445 },
});

Deno.test("ms08-067 reports the traversal path of fixtures/dcerpc/rpc_smb2.pcap", () => {
  // The fixture's record (rpc_smb2.expected.json) has impacket's NetprPathCanonicalize with
  // PathName \smbscope\..\..\fixture, answered by a fault nca_s_op_rng_error; tshark shows the
  // request in frame 87.
  const record = expectedJson<
    { calls: { operation: string; request: { PathName: string }; result: string }[] }
  >(DCERPC, "rpc_smb2");
  const sent = record.calls.find((c) => c.operation === "NetprPathCanonicalize")!;
  const alerts = alertsOf([ms08067], new URL("rpc_smb2.pcap", DCERPC));
  assert.equal(alerts.length, 1);
  const [a] = alerts;
  const values = a!.values as Record<string, unknown>;
  assert.equal(a!.rule, "ms08-067");
  assert.equal(a!.severity, "critical");
  assert.deepEqual(values.paths, [{
    argument: "pathName",
    path: sent.request.PathName,
    length: sent.request.PathName.length,
    reasons: ["traversal"],
  }]);
  assert.equal(`fault:${values.status}`, sent.result);
  assert.ok(a!.evidence.frames.includes(87));
  assert.equal(a!.user, "WORKGROUP\\alice");
  assert.match(a!.message, /climbs above its root/);
});

Deno.test("ms08-067 flags over-long paths and traversal in NetprPathCompare, not ordinary paths", () => {
  const long = "\\" + "A".repeat(300);
  const alerts = made([
    call(31, { pathName: "\\share\\dir\\file.txt", prefix: "\\" }),
    call(31, { pathName: "..\\notes", prefix: "" }), // climbs out of where it is resolved
    call(31, { pathName: long, prefix: "\\" }),
    call(32, { pathName1: "\\a\\b", pathName2: "\\a/../../b" }),
  ]);
  assert.deepEqual(
    alerts.map((a) => (a.values.paths as { argument: string; reasons: string[] }[])[0]),
    [
      { argument: "pathName", path: "..\\notes", length: 8, reasons: ["traversal"] },
      { argument: "pathName", path: long, length: 301, reasons: ["overlong"] },
      { argument: "pathName2", path: "\\a/../../b", length: 10, reasons: ["traversal"] },
    ],
  );
  assert.equal(made([call(31, { pathName: long })], { "ms08-067.maxPathChars": 400 }).length, 0);
});
