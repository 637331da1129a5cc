/**
 * Rule `anonymous-enumeration` on fixtures/detect/auth/anonymous.pcap (rpcclient -U '' -N and
 * smbclient -L -U '' -N against Samba; calls from its expected.json, i.e. tshark's requests named
 * by opnum), on benign.pcap (an authenticated enumeration and an anonymous share listing), on the
 * public Zerologon capture (null sessions refused SamrConnect, frames checked with tshark), and on
 * made-up events: anonymous NTLM on ncacn_ip_tcp, odd fields, the threshold.
 */
import * as assert from "node:assert/strict";
import type { AlertEvent } from "../../../lib/events.ts";
import { anonymousEnumeration } from "../../../lib/detect/rules/anonymous_enumeration.ts";
import { corpus } from "../../_support/corpus.ts";
import {
  alertsOf,
  corpusTest,
  expectedJson,
  FIXTURES,
  RuleBench,
  type Thresholds,
} from "./_support.ts";

const AUTH = new URL("detect/auth/", FIXTURES);

/** The rule's alerts over a capture; fails on any rule failure (a `detect` anomaly). */
const alerts = (capture: URL | Uint8Array, thresholds: Thresholds = {}): AlertEvent[] =>
  alertsOf([anonymousEnumeration], capture, thresholds);
const fixture = (name: string) => new URL(name, AUTH);
const expected = (name: string) => expectedJson(AUTH, name);

/**
 * The enumeration operations of the fixtures' clients, by the specifications' names (written out
 * here, not taken from the rule): what rpcclient's netshareenumall, enumdomusers, enumdomgroups,
 * querydominfo, lsaquery, lookupnames, lookupsids and smbclient -L call, the opens included.
 */
const ENUMERATING = new Set([
  "srvsvc.NetrShareEnum",
  "samr.SamrConnect5",
  "samr.SamrEnumerateDomainsInSamServer",
  "samr.SamrLookupDomainInSamServer",
  "samr.SamrOpenDomain",
  "samr.SamrEnumerateUsersInDomain",
  "samr.SamrEnumerateGroupsInDomain",
  "samr.SamrQueryInformationDomain",
  "lsarpc.LsarOpenPolicy",
  "lsarpc.LsarQueryInformationPolicy",
  "lsarpc.LsarLookupNames",
  "lsarpc.LsarLookupSids",
]);

Deno.test("anonymous-enumeration: one alert for the null sessions of anonymous.pcap, every call counted", () => {
  const exp = expected("anonymous");
  const calls = (exp.rpcCalls as { frame: number; interface: string; operation: string }[])
    .map((c) => ({ ...c, name: `${c.interface}.${c.operation}` }));
  // Everything else rpcclient called is a close.
  assert.deepEqual(
    [...new Set(calls.filter((c) => !ENUMERATING.has(c.name)).map((c) => c.name))].sort(),
    ["lsarpc.LsarClose", "samr.SamrCloseHandle"],
  );
  const counted = calls.filter((c) => ENUMERATING.has(c.name));
  const tally: Record<string, number> = {};
  for (const c of counted) tally[c.name] = (tally[c.name] ?? 0) + 1;
  const got = alerts(fixture("anonymous.pcap"));
  assert.equal(got.length, 1);
  const [a] = got;
  assert.equal(a!.rule, "anonymous-enumeration");
  assert.deepEqual([a!.values.client, a!.values.server], [exp.client.ip, exp.server.ip]);
  assert.deepEqual([a!.client?.ip, a!.server?.ip], [exp.client.ip, exp.server.ip]);
  assert.equal(a!.values.calls, counted.length);
  assert.deepEqual(a!.values.operations, tally);
  assert.deepEqual(a!.values.interfaces, exp.alerts[0].interfaces);
  assert.deepEqual(a!.values.pipes, ["lsarpc", "samr", "srvsvc"]);
  assert.equal(a!.values.refused, 0); // Samba answered every call (restrict anonymous = 0)
  assert.equal(a!.user, undefined);
  // It rests on the first null session's login (tshark: anonymous AUTHENTICATE, frame 10) and the
  // first calls' requests.
  const anonymousLogin = (exp.logins as { frame: number; kind: string }[]).find((l) =>
    l.kind === "anonymous"
  )!;
  assert.equal(a!.evidence.frames[0], anonymousLogin.frame);
  for (const c of counted.slice(0, 10)) {
    assert.ok(a!.evidence.frames.includes(c.frame), `frame ${c.frame}`);
  }
  assert.match(
    a!.message,
    new RegExp(
      `^null session from ${
        exp.client.ip.replaceAll(".", "\\.")
      } enumerated .* with ${counted.length} calls \\(`,
    ),
  );
});

Deno.test("anonymous-enumeration stays quiet on benign.pcap: the enumeration there is alice's, the null session lists a share", () => {
  const exp = expected("benign");
  assert.ok(
    (exp.rpcCalls as { operation: string }[]).some((c) =>
      c.operation === "SamrEnumerateUsersInDomain"
    ),
  );
  assert.deepEqual(alerts(fixture("benign.pcap")), []);
  for (const name of ["spray", "bruteforce", "ntlmv1"]) {
    assert.deepEqual(alerts(fixture(`${name}.pcap`)), [], name);
  }
});

corpusTest(
  "anonymous-enumeration on the Zerologon capture: five null sessions refused SamrConnect",
  () => {
    const bytes = Deno.readFileSync(
      new URL("corelight-zerologon/CVE-2020-1472_exploit_win2019.pcap", corpus),
    );
    // tshark: SAMR Connect (opnum 0) requests in frames 654, 726, 804, 894, 968 on IPC$ of five
    // anonymous SMB2 sessions (NTLMSSP AUTHENTICATE with empty user and responses in frames 639,
    // 711, 789, 879, 953), each answered STATUS_ACCESS_DENIED (658, 730, 808, 898, 972).
    const [a, ...more] = alerts(bytes);
    assert.deepEqual(more, []);
    assert.deepEqual([a!.values.client, a!.values.server], ["172.16.0.10", "172.16.5.58"]);
    assert.deepEqual(a!.values.operations, { "samr.SamrConnect": 5 });
    assert.deepEqual([a!.values.calls, a!.values.succeeded, a!.values.refused], [5, 0, 5]);
    for (const f of [639, 654, 658, 711, 726, 730, 789, 804, 808, 879, 894, 898, 953, 968, 972]) {
      assert.ok(a!.evidence.frames.includes(f), `frame ${f}`);
    }
    // The Zeek package's notice.log for this capture has only its Zerologon notice (no counterpart).
    // The threshold: five calls.
    assert.equal(alerts(bytes, { "anonymous-enumeration.calls": 5 }).length, 1);
    assert.equal(alerts(bytes, { "anonymous-enumeration.calls": 6 }).length, 0);
  },
  "anonymous-enumeration on the Zerologon capture",
);

corpusTest(
  "anonymous-enumeration ignores authenticated enumeration and anonymous calls that enumerate nothing (401trg net user, EternalRomance)",
  () => {
    // net user /domain over Kerberos (samr/lsarpc look-ups by a named user); EternalRomance's null
    // session calls lsarpc.LsarGetUserName only.
    for (
      const path of [
        "401trg/20171220_smb_net_user.pcap",
        "zeek-eternalsafety/eternalromance-success-2008r2.pcap",
      ]
    ) {
      assert.deepEqual(alerts(new URL(path, corpus)), [], path);
    }
  },
  "anonymous-enumeration on authenticated captures",
);

Deno.test("anonymous-enumeration: anonymous NTLM on ncacn_ip_tcp counts, a named RPC login does not; odd events are read safely", () => {
  const bench = new RuleBench([anonymousEnumeration]);
  const ev = (e: unknown) => bench.feed(e);
  const client = { ip: "192.0.2.7", port: 50000 }, server = { ip: "192.0.2.1", port: 49667 };
  const call = (connection: number, operation: string, extra: object = {}) => ({
    type: "rpc",
    action: "call",
    transport: "tcp",
    interfaceName: "lsarpc",
    operation,
    authType: "ntlm",
    success: true,
    client,
    server,
    evidence: { frames: [connection * 10], ts: 1, connection },
    ...extra,
  });
  ev({
    type: "ntlm",
    protocol: "dcerpc",
    anonymous: true,
    client,
    server,
    evidence: { frames: [1], ts: 1, connection: 1 },
  });
  ev(call(1, "LsarLookupSids"));
  ev(call(1, "LsarLookupSids3"));
  ev(call(1, "LsarClose"));
  ev({
    type: "ntlm",
    protocol: "dcerpc",
    anonymous: false,
    user: "bob",
    client,
    server,
    evidence: { frames: [2], ts: 1, connection: 2 },
  });
  ev(call(2, "LsarLookupSids"));
  ev(call(3, "LsarLookupSids", { authType: "kerberos" }));
  ev(call(4, "LsarLookupSids", { authType: undefined, anonymous: true, transport: "smb2" }));
  ev({ type: "rpc", action: "call", interfaceName: 7, operation: null });
  ev({
    type: "rpc",
    action: "call",
    interfaceName: "samr",
    operation: "SamrEnumerateUsersInDomain",
    anonymous: true,
  });
  ev({ type: "tree", anonymous: true, action: "connect", path: 5 });
  ev({ type: "ntlm", protocol: "dcerpc" });
  bench.end();
  assert.deepEqual(bench.reported, []);
  const got = bench.alerts;
  assert.equal(got.length, 1);
  assert.deepEqual(got[0]!.values.operations, {
    "lsarpc.LsarLookupSids": 2,
    "lsarpc.LsarLookupSids3": 1,
  });
  assert.deepEqual(got[0]!.evidence.frames, [1, 10, 40]); // the anonymous login, then the calls
});
