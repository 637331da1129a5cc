/** printerbug: change notifications sent to a host other than the caller (SpoolSample). */
import * as assert from "node:assert/strict";
import type { AlertEvent, DecodeEvent } from "../../../lib/events.ts";
import { DetectionEngine } from "../../../lib/detect/engine.ts";
import { printerBug } from "../../../lib/detect/rules/printerbug.ts";
import { Reporter } from "../../../lib/report.ts";
import { Decoder } from "../../../mod.ts";

const ROOT = new URL("../../../", import.meta.url);

function decode(url: URL): AlertEvent[] {
  const out: DecodeEvent[] = [];
  const d = new Decoder({
    alerts: false,
    watchers: [new DetectionEngine([printerBug], new Reporter(out, 100))],
  });
  const bytes = Deno.readFileSync(url);
  return [...d.push(bytes), ...d.end()].filter((e): e is AlertEvent => e.type === "alert");
}
const v = (a: AlertEvent | undefined) => a!.values as Record<string, unknown>;

Deno.test("printerbug on fixtures/detect/rpc/rpc_lateral.pcap: Samba asked to call 10.77.0.99", () => {
  const record = JSON.parse(
    Deno.readTextFileSync(new URL("fixtures/detect/rpc/rpc_lateral.expected.json", ROOT)),
  ) as {
    calls: {
      operation: string;
      arguments: { localMachine?: string };
      errorCode?: number;
      requestFrame: number;
    }[];
    clientIp: string;
  };
  const sent = record.calls.find((c) =>
    c.operation === "RpcRemoteFindFirstPrinterChangeNotificationEx"
  )!;
  const alerts = decode(new URL("fixtures/detect/rpc/rpc_lateral.pcap", ROOT));
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
  assert.deepEqual(decode(new URL("fixtures/dcerpc/rpc_smb2.pcap", ROOT)), []);
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
  const out: DecodeEvent[] = [];
  const engine = new DetectionEngine([printerBug], new Reporter(out, 100));
  for (
    const e of [
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
    ]
  ) engine.event(e as DecodeEvent, out);
  const alerts = out.filter((e): e is AlertEvent => e.type === "alert");
  assert.deepEqual(alerts.map((a) => [v(a).target, v(a).confidence, v(a).callerNames]), [
    ["ATTACKER", "high", ["ws01"]],
    ["LISTENER", "low", []],
  ]);
});
