/** dcshadow (best effort): DRSReplicaAdd/DRSAddEntry from a non-DC, and a DC replicating from it. */
import * as assert from "node:assert/strict";
import { dcshadow } from "../../../lib/detect/rules/dcshadow.ts";
import { alertsOf, expectedJson, feed, FIXTURES, valuesOf as v } from "./_support.ts";

const RPC = new URL("detect/rpc/", FIXTURES);
const DRSUAPI = "e3514235-4b06-11d1-ab04-00c04fc2dcd2";

Deno.test("dcshadow on fixtures/detect/rpc/rpc_drs.pcap: DRSReplicaAdd sealed, then in the clear", () => {
  const record = expectedJson<{
    calls: {
      operation: string;
      arguments: Record<string, string>;
      error?: string;
      requestFrame: number;
    }[];
    clientIp: string;
  }>(RPC, "rpc_drs");
  const adds = record.calls.filter((c) => c.operation === "IDL_DRSReplicaAdd");
  const alerts = alertsOf([dcshadow], new URL("rpc_drs.pcap", RPC));
  assert.deepEqual(alerts.map((a) => a.evidence.frames[0]), adds.map((c) => c.requestFrame));
  const [sealed, clear] = alerts;
  assert.equal(v(sealed).argumentsEncrypted, true);
  assert.equal(v(sealed).status, "RPC_X_BAD_STUB_DATA"); // Samba reads a UTF-16 address there
  assert.equal(v(clear).argumentsEncrypted, false);
  assert.equal(v(clear).namingContext, adds[1]!.arguments.nc);
  assert.equal(v(clear).sourceDsaDN, adds[1]!.arguments.sourceDsaDN);
  assert.equal(v(clear).sourceDsaAddress, adds[1]!.arguments.sourceDsaAddress);
  assert.equal(v(clear).caller, record.clientIp);
  assert.deepEqual(alerts.map((a) => a.user), [
    "SMBSCOPE\\Administrator",
    "SMBSCOPE\\Administrator",
  ]);
});

Deno.test("dcshadow: a DC that then replicates from the registering host makes a second alert", () => {
  const call = (opnum: number, client: string, server: string, n: number, args = {}, c = n) => ({
    type: "rpc",
    action: "call",
    transport: "tcp",
    callId: n,
    interface: DRSUAPI,
    opnum,
    arguments: args,
    outcome: "response",
    evidence: { frames: [n], ts: n, connection: c },
    client: { ip: client, port: 50000 },
    server: { ip: server, port: 49153 },
  });
  const alerts = feed([dcshadow], [
    call(2, "10.0.0.1", "10.0.0.8", 1), // .8 answers drsuapi: a DC
    call(5, "10.0.0.8", "10.0.0.1", 2, { sourceDsaAddress: "x" }), // a DC may add sources
    call(5, "10.0.0.66", "10.0.0.1", 3, { sourceDsaAddress: "rogue.corp.local" }),
    call(5, "10.0.0.66", "10.0.0.1", 4, { sourceDsaAddress: "rogue.corp.local" }, 3), // once
    call(17, "10.0.0.66", "10.0.0.1", 5), // DRSAddEntry, arguments not decoded
    call(3, "10.0.0.1", "10.0.0.66", 6), // the DC pulls from the rogue
  ]);
  assert.deepEqual(alerts.map((a) => [v(a).kind, a.evidence.frames]), [
    ["registration", [3]],
    ["registration", [5]],
    ["replicated_from_rogue", [3, 6]],
  ]);
});
