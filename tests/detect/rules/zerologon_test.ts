/** zerologon: all-zero Netlogon credentials, counted; the bypass; the password set. */
import * as assert from "node:assert/strict";
import { zerologon } from "../../../lib/detect/rules/zerologon.ts";
import { corpus } from "../../_support/corpus.ts";
import {
  alertsOf,
  corpusTest,
  expectedJson,
  FIXTURES,
  type Thresholds,
  valuesOf as v,
  zeekLog,
} from "./_support.ts";

const decode = (capture: URL, thresholds: Thresholds = {}) =>
  alertsOf([zerologon], capture, thresholds);

/** Zeek's notice.log rows (note column) for a corelight-zerologon capture. */
function zeekNotes(name: string): string[] {
  return zeekLog(new URL(`corelight-zerologon/expected/zerologon.${name}/notice.log`, corpus))
    .map((row) => row[5]!);
}

corpusTest(
  "zerologon on corelight CVE-2020-1472_exploit_win2019: attempts, bypass, password set",
  () => {
    const alerts = decode(
      new URL("corelight-zerologon/CVE-2020-1472_exploit_win2019.pcap", corpus),
    );
    assert.deepEqual(alerts.map((a) => [v(a).kind, v(a).attempts, a.evidence.frames[0]]), [
      ["attempts", 10, 22],
      // tshark lists 20 NetrServerAuthenticate3 requests (it finds frame 419 malformed); we
      // decode 21, as Suricata counts 21 "Possible Zerologon Attempt" alerts; the last,
      // frame 573, is answered STATUS_SUCCESS (tshark: netlogon.rc 0 in frame 574)
      ["bypass", 21, 573],
      ["password_set", 21, 581],
    ]);
    const set = alerts[2]!;
    assert.equal(v(set).account, "BAS-AD-01$");
    assert.equal(v(set).authenticatorAllZero, true);
    assert.equal(v(set).newPasswordAllZero, true);
    assert.equal(v(set).status, "STATUS_SUCCESS");
    assert.equal(set.client?.ip, "172.16.0.10");
    assert.equal(set.server?.ip, "172.16.5.58");
    // Zeek's package: one Zerologon_Password_Change notice for this pair; we also report the
    // attempts (Zeek's attempt notice needs more of them) and the accepted credential.
    assert.deepEqual(zeekNotes("CVE-2020-1472_exploit_win2019"), [
      "Zerologon::Zerologon_Password_Change",
    ]);
    console.log(
      "exploit_win2019: zeek Zerologon_Password_Change; suricata 21 attempts + 1 reset; smbscope attempts, bypass, password_set",
    );
  },
);

corpusTest("zerologon on corelight CVE-2020-1472_test_win2016: 781 attempts, one accepted", () => {
  const alerts = decode(new URL("corelight-zerologon/CVE-2020-1472_test_win2016.pcap", corpus));
  // tshark: 781 NetrServerAuthenticate3 requests, the last one answered with success
  assert.deepEqual(alerts.map((a) => [v(a).kind, v(a).attempts]), [["attempts", 10], [
    "bypass",
    781,
  ]]);
  assert.deepEqual(zeekNotes("CVE-2020-1472_test_win2016"), ["Zerologon::Zerologon_Attempt"]);
  console.log("test_win2016: zeek Zerologon_Attempt; smbscope attempts + bypass");
});

corpusTest("zerologon on pcap-attack's sealed mimikatz run: counted calls, low confidence", () => {
  const alerts = decode(
    new URL(
      "pcap-attack/zerologon_mimikatz_ntlm_privacy_scan_and_exploit_encrypted.pcapng",
      corpus,
    ),
  );
  // tshark: 96 NetrServerAuthenticate2 requests, NetrServerPasswordSet2 in frame 395
  assert.deepEqual(
    alerts.map((a) => [v(a).kind, v(a).attempts, v(a).confidence, v(a).anonymous]),
    [
      ["sealed_attempts", 10, "low", true],
      ["sealed_password_set", 96, "low", true],
    ],
  );
  assert.ok(alerts[1]!.evidence.frames.includes(395));
});

corpusTest(
  "zerologon: 3 attempts (suricata-verify dcerpc-dce-iface-many) stay under the default threshold",
  () => {
    const url = new URL("suricata-verify/dcerpc-dce-iface-many__input.pcap", corpus);
    assert.deepEqual(decode(url), []);
    assert.deepEqual(
      decode(url, { "zerologon.attempts": 3 }).map((a) => [v(a).kind, v(a).accounts]),
      [["attempts", ["dc01$"]]],
    );
  },
);

Deno.test("zerologon on fixtures/dcerpc/rpc_netlogon.pcap: the zero password set, not the real one", () => {
  const record = expectedJson<{ calls: { operation: string; result: string; callId: number }[] }>(
    new URL("dcerpc/", FIXTURES),
    "rpc_netlogon",
  );
  const sets = record.calls.filter((c) => c.operation === "NetrServerPasswordSet2");
  const alerts = decode(new URL("dcerpc/rpc_netlogon.pcap", FIXTURES));
  // two password sets (call ids 3, 6); tshark: requests in frames 36 and 50; the second has
  // the all-zero authenticator and password
  assert.deepEqual(sets.map((c) => c.callId), [3, 6]);
  assert.deepEqual(alerts.map((a) => [v(a).kind, `status:${v(a).status}`, a.evidence.frames[0]]), [
    ["password_set", sets[1]!.result, 50],
  ]);
});
