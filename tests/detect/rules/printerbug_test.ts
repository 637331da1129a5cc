/** printerbug: change notifications sent to a host other than the caller (SpoolSample). */
import * as assert from "node:assert/strict";
import { printerBug } from "../../../lib/detect/rules/printerbug.ts";
import { alertsOf, expectedJson, feed, FIXTURES, valuesOf as v } from "./_support.ts";

const decode = (capture: URL) => alertsOf([printerBug], capture);

Deno.test("printerbug on fixtures/detect/rpc/rpc_lateral.pcap: Samba asked to call 10.77.0.99", () => {
  const record = expectedJson<{
    calls: {
      operation: string;
      arguments: { localMachine?: string };
      errorCode?: number;
      requestFrame: number;
    }[];
    clientIp: string;
  }>(new URL("detect/rpc/", FIXTURES), "rpc_lateral");
  const sent = record.calls.find((c) =>
    c.operation === "RpcRemoteFindFirstPrinterChangeNotificationEx"
  )!;
  const alerts = decode(new URL("detect/rpc/rpc_lateral.pcap", FIXTURES));
  assert.deepEqual(
    alerts.map((a) => [v(a).localMachine, v(a).target, v(a).caller, v(a).confidence, v(a).status]),
    [[
      sent.arguments.localMachine,
      "10.77.0.99",
      record.clientIp,
      "high",
      "RPC_S_SERVER_UNAVAILABLE",
    ]],
  );
  assert.equal(sent.errorCode, 1722);
  assert.ok(alerts[0]!.evidence.frames.includes(sent.requestFrame));
});

Deno.test("printerbug: a client naming itself (fixtures/dcerpc/rpc_smb2.pcap) is a print client, not an attack", () => {
  // rpc_smb2.expected.json: pszLocalMachine \\10.77.0.2, the client's own address
  assert.deepEqual(decode(new URL("dcerpc/rpc_smb2.pcap", FIXTURES)), []);
});

Deno.test("printerbug compares names: the NTLM workstation and RpcOpenPrinterEx's client machine", () => {
  const ends = { client: { ip: "10.0.0.2", port: 50000 }, server: { ip: "10.0.0.1", port: 445 } };
  const ev = { frames: [1], ts: 1, connection: 0 };
  const notify = (localMachine: string, client = ends.client) => ({
    type: "rpc",
    action: "call",
    transport: "smb2",
    pipe: "spoolss",
    callId: 2,
    interface: "12345678-1234-abcd-ef00-0123456789ab",
    opnum: 65,
    operation: "RpcRemoteFindFirstPrinterChangeNotificationEx",
    arguments: { localMachine },
    outcome: "response",
    evidence: ev,
    ...ends,
    client,
  });
  const alerts = feed([printerBug], [
    {
      type: "ntlm",
      protocol: "smb2",
      workstation: "WS01",
      user: "bob",
      domain: "CORP",
      evidence: ev,
      ...ends,
    },
    notify("\\\\ws01.corp.local"), // itself: no alert
    notify("\\\\ATTACKER"), // another name than the caller's
    notify("\\\\10.0.0.1"), // the server itself: no alert
    notify("\\\\LISTENER", { ip: "10.0.0.3", port: 50001 }), // caller with no known name
  ]);
  assert.deepEqual(alerts.map((a) => [v(a).target, v(a).confidence, v(a).callerNames]), [
    ["ATTACKER", "high", ["ws01"]],
    ["LISTENER", "low", []],
  ]);
});
