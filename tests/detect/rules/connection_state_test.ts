/**
 * Rules that follow something per connection (registry key handles, a
 * DRSBind's client) forget it at the connection's close: a long capture of
 * short associations never fills their caps from the dead ones.
 */
import * as assert from "node:assert/strict";
import type { DecodeEvent } from "../../../lib/events.ts";
import { dcsync } from "../../../lib/detect/rules/dcsync.ts";
import { IFACE } from "../../../lib/detect/rules/rpc_facts.ts";
import { remoteRegistryRunKey } from "../../../lib/detect/rules/remote_registry_run_key.ts";
import type { Rule } from "../../../lib/detect/rule.ts";
import { Decoder } from "../../../mod.ts";
import { FIXTURES, RuleBench } from "./_support.ts";

/** The events `keep` takes of the first connection where one carries `iface`, and its close. */
function association(name: string, iface: string, keep: (e: DecodeEvent) => boolean) {
  const d = new Decoder({ alerts: false });
  const bytes = Deno.readFileSync(new URL(`detect/rpc/${name}`, FIXTURES));
  const events = [...d.push(bytes), ...d.end()];
  const rpc = events.find((e) => e.type === "rpc" && e.interface === iface && keep(e));
  const id = rpc?.type === "rpc" ? rpc.evidence.connection! : -1;
  const calls = events.filter((e) =>
    e.type !== "connection" && e.type !== "summary" && e.evidence.connection === id && keep(e)
  );
  const close = events.find((e) => e.type === "connection" && e.action === "close" && e.id === id)!;
  return { calls, close };
}

/** The association replayed `times` times, each as another connection closed after it. */
function replay(rule: Rule, a: ReturnType<typeof association>, times: number) {
  const bench = new RuleBench([rule]);
  for (let id = 1; id <= times; id++) {
    for (const e of a.calls) {
      if (e.type === "summary") continue;
      bench.feed({ ...e, evidence: { ...e.evidence, connection: id } });
    }
    const c = a.close;
    if (c.type === "connection") {
      bench.feed({ ...c, id, evidence: { ...c.evidence, connection: id } });
    }
  }
  return bench;
}

Deno.test("remote-registry-run-key forgets a closed connection's key handles", () => {
  const a = association("rpc_lateral.pcap", IFACE.winreg, () => true);
  const once = replay(remoteRegistryRunKey, a, 1).sink.length;
  assert.ok(once > 0, "the fixture's winreg writes raise alerts");
  // 9000 connections of a few handles each passed the decode-wide cap of 8192 handles.
  const bench = replay(remoteRegistryRunKey, a, 9000);
  assert.deepEqual(bench.reported.filter((e) => e.type === "anomaly"), []);
  assert.equal(bench.sink.length, 9000 * once);
});

Deno.test("dcsync forgets a closed connection's NTDSAPI_CLIENT_GUID bind", () => {
  // Only the DRSBind of each association, the one in clear text (connection 4 of the fixture):
  // the rule remembers the connection's client DSA.
  const a = association(
    "rpc_drs.pcap",
    IFACE.drsuapi,
    (e) =>
      e.type === "rpc" && e.interface === IFACE.drsuapi && e.opnum === 0 &&
      e.arguments?.clientDsa === "e24d201a-4fd6-11d1-a3da-0000f875ae0d",
  );
  assert.ok(a.calls.length > 0);
  const bench = replay(dcsync, a, 9000);
  assert.deepEqual(bench.reported.filter((e) => e.type === "anomaly"), []);
});

Deno.test("remote-registry-run-key caps the handles of all open connections together", () => {
  const a = association("rpc_lateral.pcap", IFACE.winreg, () => true);
  // The association's calls on 3000 connections at once, none closed: each remembers handles.
  const bench = new RuleBench([remoteRegistryRunKey]);
  for (let id = 1; id <= 3000; id++) {
    for (const e of a.calls) {
      if (e.type !== "summary") bench.feed({ ...e, evidence: { ...e.evidence, connection: id } });
    }
  }
  const limits = bench.reported.filter((e) => e.type === "anomaly");
  assert.ok(limits.length > 0, "past 8192 handles over all connections, a limit");
  assert.ok(
    limits.every((e) => e.type === "anomaly" && /registry key handles followed/.test(e.detail)),
  );
});
