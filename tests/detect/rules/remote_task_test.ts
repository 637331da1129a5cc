/** remote-scheduled-task: atsvc NetrJobAdd and ITaskSchedulerService SchRpcRegisterTask from the network. */
import * as assert from "node:assert/strict";
import { remoteScheduledTask } from "../../../lib/detect/rules/remote_task.ts";
import { corpus } from "../../_support/corpus.ts";
import { alertsOf, corpusTest, expectedJson, feed, FIXTURES, valuesOf as v } from "./_support.ts";

const RPC = new URL("detect/rpc/", FIXTURES);
const decode = (capture: URL) => alertsOf([remoteScheduledTask], capture);

corpusTest("remote-scheduled-task names at.exe's command in 401trg at_schedule", () => {
  const alerts = decode(new URL("401trg/20171220_smb_at_schedule.pcap", corpus));
  assert.equal(alerts.length, 1);
  const [a] = alerts;
  // tshark: NetrJobAdd request in frame 9, Command c:\mimikatz.exe, Job Time 47100000
  // (13:05:00), answer Job Id 2
  assert.ok(a!.evidence.frames.includes(9));
  assert.equal(v(a).command, "c:\\mimikatz.exe");
  assert.equal(v(a).jobTimeOfDay, "13:05:00");
  assert.equal(v(a).jobId, 2);
  assert.equal(v(a).status, "ERROR_SUCCESS");
  assert.equal(v(a).channel, "\\pipe\\atsvc");
});

corpusTest("remote-scheduled-task on suricata-verify dcerpc-smb-ctxid (an at job refused)", () => {
  const alerts = decode(new URL("suricata-verify/dcerpc-smb-ctxid__input.pcap", corpus));
  assert.deepEqual(alerts.map((a) => [v(a).command, v(a).status, a.user, a.evidence.frames[0]]), [
    [
      '"cmd /c whoami.exe > c:\\windows\\temp\\at.txt"',
      "ERROR_NOT_SUPPORTED",
      "PURP\\Administrator",
      25,
    ],
  ]);
});

Deno.test("remote-scheduled-task on fixtures/detect/rpc/rpc_coerce.pcap: NetrJobAdd and SchRpcRegisterTask", () => {
  const record = expectedJson<{
    calls: {
      operation: string;
      arguments: Record<string, string>;
      errorCode: number;
      requestFrame: number;
    }[];
  }>(RPC, "rpc_coerce");
  const job = record.calls.find((c) => c.operation === "NetrJobAdd")!;
  const task = record.calls.find((c) => c.operation === "SchRpcRegisterTask")!;
  const alerts = decode(new URL("rpc_coerce.pcap", RPC));
  assert.equal(alerts.length, 2);
  const [at, reg] = alerts;
  assert.equal(v(at).command, job.arguments.command);
  assert.equal(v(at).status, "ERROR_ACCESS_DENIED");
  assert.equal(job.errorCode, 5);
  assert.ok(at!.evidence.frames.includes(job.requestFrame));
  assert.equal(v(reg).path, task.arguments.path);
  assert.deepEqual(v(reg).commands, [`${task.arguments.command} ${task.arguments.arguments}`]);
  assert.equal(v(reg).runAs, "S-1-5-18");
  assert.equal(v(reg).hidden, true);
  assert.equal(v(reg).status, "E_ACCESSDENIED");
  assert.equal(task.errorCode, 0x80070005);
  assert.ok(reg!.evidence.frames.includes(task.requestFrame));
});

Deno.test("remote-scheduled-task reports a sealed SchRpcRegisterTask with the operation only", () => {
  const base = {
    type: "rpc",
    action: "call",
    transport: "smb2",
    pipe: "atsvc",
    callId: 3,
    interface: "86d35949-83c9-4044-b424-db363231fd0c",
    outcome: "response",
    encrypted: true,
    argumentsNote: "stubs encrypted (privacy level)",
    evidence: { frames: [5], ts: 1, connection: 0 },
    client: { ip: "10.0.0.2", port: 50000 },
    server: { ip: "10.0.0.1", port: 445 },
  };
  const alerts = feed([remoteScheduledTask], [
    { ...base, opnum: 1, operation: "SchRpcRegisterTask" },
    { ...base, opnum: 12, operation: "SchRpcRun" },
  ]);
  assert.deepEqual(alerts.map((a) => [v(a).confidence, v(a).argumentsEncrypted, v(a).operation]), [
    ["low", true, "SchRpcRegisterTask"],
  ]);
});
