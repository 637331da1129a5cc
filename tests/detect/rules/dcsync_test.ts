/** dcsync: DRSGetNCChanges from a host that is not shown to be a domain controller. */
import * as assert from "node:assert/strict";
import { dcsync, NTDSAPI_CLIENT_GUID } from "../../../lib/detect/rules/dcsync.ts";
import { corpus } from "../../_support/corpus.ts";
import {
  alertsOf,
  corpusTest,
  expectedJson,
  FIXTURES,
  RuleBench,
  valuesOf as v,
} from "./_support.ts";

const RPC = new URL("detect/rpc/", FIXTURES);
const DRSUAPI = "e3514235-4b06-11d1-ab04-00c04fc2dcd2";
const decode = (capture: URL) => alertsOf([dcsync], capture);

Deno.test("dcsync on fixtures/detect/rpc/rpc_drs.pcap: the clear request at once, the sealed one at the end", () => {
  const record = expectedJson<{
    calls: {
      operation: string;
      arguments: Record<string, string>;
      outcome: string;
      requestFrame: number;
      tcpStream: number;
      guid?: string;
      ntdsDsaObjectGuid?: string;
    }[];
    user: string;
  }>(RPC, "rpc_drs");
  const gets = record.calls.filter((c) => c.operation === "IDL_DRSGetNCChanges");
  const cracked = record.calls.find((c) => c.operation === "IDL_DRSCrackNames")!.guid;
  const dsa = record.calls.find((c) => c.operation === "IDL_DRSDomainControllerInfo")!
    .ntdsDsaObjectGuid;
  assert.equal(gets.length, 2);
  assert.equal(gets[0]!.outcome, "ok"); // sealed, answered by Samba with the account
  assert.equal(gets[1]!.outcome, "error"); // in the clear after a refused bind
  const alerts = decode(new URL("rpc_drs.pcap", RPC));
  assert.equal(alerts.length, 2);
  const [clear, sealed] = alerts;
  assert.ok(clear!.evidence.frames.includes(gets[1]!.requestFrame));
  assert.equal(v(clear).clientDsa, NTDSAPI_CLIENT_GUID);
  assert.match(String(v(clear).reason), /NTDSAPI_CLIENT_GUID/);
  assert.deepEqual(v(clear).namingContexts, [cracked]);
  assert.equal(v(clear).extendedOp, gets[1]!.arguments.extendedOp);
  assert.equal(v(clear).dsaObjDest, dsa);
  assert.equal(v(clear).user, record.user);
  assert.ok(sealed!.evidence.frames.includes(gets[0]!.requestFrame));
  assert.equal(v(sealed).argumentsEncrypted, true);
  assert.equal(v(sealed).confidence, "low");
  assert.match(String(v(sealed).reason), /never shows it serving drsuapi/);
  assert.equal(sealed!.user, record.user);
});

corpusTest(
  "dcsync: DC-to-DC replication (corelight PetitPotam) and a domain join (zeek) are not DCSync",
  () => {
    // PetitPotam capture: 192.168.0.80 asks 192.168.0.85 for changes (frame 1075) after .85
    // called DRSReplicaSync on .80's drsuapi port (frame 1063): both DCs serve drsuapi.
    assert.deepEqual(
      decode(
        new URL(
          "corelight-petitpotam/PatchedDCAuthenticatedTryWithRpcEncryptFileSrv.pcapng",
          corpus,
        ),
      ),
      [],
    );
    // The Windows 7 join binds drsuapi and calls DRSCrackNames only: no replication.
    assert.deepEqual(decode(new URL("zeek/cs_window7-join_stream092.pcap", corpus)), []);
  },
);

const ends = (client: string, server: string, connection: number) => ({
  client: { ip: client, port: 50000 },
  server: { ip: server, port: 49153 },
  evidence: { frames: [connection], ts: connection, connection },
});
const drs = (opnum: number, args: Record<string, unknown>, where: ReturnType<typeof ends>) => ({
  type: "rpc",
  action: "call",
  transport: "tcp",
  callId: opnum,
  interface: DRSUAPI,
  opnum,
  arguments: args,
  outcome: "response",
  ...where,
});

Deno.test("dcsync waits for the end: a caller seen serving drsuapi later is a DC", () => {
  const bench = new RuleBench([dcsync]);
  const nc = { nc: { stringName: "DC=corp,DC=local", guid: null, sid: null } };
  for (
    const e of [
      drs(3, nc, ends("10.0.0.5", "10.0.0.1", 1)), // .5 pulls from .1 ...
      drs(3, nc, ends("10.0.0.9", "10.0.0.1", 2)), // .9 too
      drs(2, {}, ends("10.0.0.1", "10.0.0.5", 3)), // ... and later answers drsuapi itself
      {
        type: "connection",
        action: "open",
        transport: "tcp",
        handshake: true,
        ...ends("10.0.0.2", "10.0.0.7", 4),
        server: { ip: "10.0.0.7", port: 88 },
      },
      drs(3, nc, ends("10.0.0.7", "10.0.0.1", 5)), // .7 answers Kerberos: a DC
    ]
  ) bench.feed(e);
  assert.deepEqual(bench.alerts, []);
  bench.end();
  const alerts = bench.alerts;
  assert.deepEqual(alerts.map((a) => [v(a).caller, v(a).namingContexts]), [
    ["10.0.0.9", ["DC=corp,DC=local"]],
  ]);
});
