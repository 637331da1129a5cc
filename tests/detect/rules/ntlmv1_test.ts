/**
 * Rule `ntlmv1` on the fixture fixtures/detect/auth/ntlmv1.pcap (NTLMv1 over NTLMSSP, SMB1 legacy
 * NTLMv1, LM only, clear text: values from its expected.json, i.e. the script and tshark) and on
 * the public captures with 24-byte NTLM responses (values checked with tshark), plus odd events.
 */
import * as assert from "node:assert/strict";
import { ntlmv1 } from "../../../lib/detect/rules/ntlmv1.ts";
import { corpus } from "../../_support/corpus.ts";
import { alertsOf, corpusTest, expectedJson, FIXTURES, RuleBench, zeekLog } from "./_support.ts";

const AUTH = new URL("detect/auth/", FIXTURES);

interface ExpectedLogin {
  frame: number;
  user: string;
  domain: string;
  workstation: string;
  protocol: string;
  mechanism: string;
  kind: string;
  lmResponseLength: number;
  ntResponseLength: number;
  statusName: string;
}

const alerts = (capture: URL) => alertsOf([ntlmv1], capture);
const fixture = (name: string) => new URL(name, AUTH);
const expected = (name: string) => expectedJson(AUTH, name);

Deno.test("ntlmv1 names each weak login of ntlmv1.pcap: NTLMv1 (NTLMSSP and SMB1), LM only, clear text", () => {
  const exp = expected("ntlmv1");
  const logins = exp.logins as ExpectedLogin[];
  const got = alerts(fixture("ntlmv1.pcap"));
  // The script's plan: one alert per login, the kind it made (tshark's lengths say the same).
  assert.deepEqual(
    exp.alerts.map((a: { user: string; kind: string }) => [a.user, a.kind]),
    logins.map((l) => [l.user, l.kind]),
  );
  assert.equal(got.length, logins.length);
  for (const [i, l] of logins.entries()) {
    const a = got[i]!;
    assert.equal(a.rule, "ntlmv1");
    assert.deepEqual(a.evidence.frames, [l.frame]);
    assert.equal(a.values.kind, l.kind);
    assert.equal(a.values.user, `${l.domain}\\${l.user}`);
    assert.equal(a.user, `${l.domain}\\${l.user}`);
    assert.equal(a.values.workstation, l.workstation);
    assert.equal(a.values.client, exp.client.ip);
    assert.equal(a.values.server, exp.server.ip);
    assert.equal(a.values.protocol, l.protocol);
    assert.equal(a.values.mechanism, l.mechanism);
    assert.equal(a.values.success, l.statusName === "STATUS_SUCCESS");
    if (l.mechanism === "smb1_legacy") {
      assert.equal(a.values.lmResponseLength, l.lmResponseLength);
      assert.equal(a.values.ntResponseLength, l.ntResponseLength);
    }
  }
  // alice's NTLMSSP AUTHENTICATE (frame 10) has flags 0x62088215 (tshark): extended session
  // security, so the LM field is her client challenge and 16 zero bytes.
  assert.equal(got[0]!.values.extendedSessionSecurity, true);
  assert.match(
    got[0]!.message,
    /^NTLMv1 login as WORKGROUP\\alice from FIXTURECLIENT \(10\.77\.0\.2\)/,
  );
  assert.match(got[2]!.message, /^LM-only login \(no NT response\) as WORKGROUP\\carol/);
  assert.match(
    got[3]!.message,
    /^clear-text password login as WORKGROUP\\dave from 10\.77\.0\.2 to 10\.77\.0\.1 over smb1 \(accepted\)$/,
  );
});

Deno.test("ntlmv1 stays quiet on NTLMv2 and anonymous logins (spray, bruteforce, anonymous, benign)", () => {
  for (const name of ["spray", "bruteforce", "anonymous", "benign"]) {
    assert.ok((expected(name).logins as ExpectedLogin[]).every((l) => l.kind !== "ntlmv1"));
    assert.deepEqual(alerts(fixture(`${name}.pcap`)), [], name);
  }
});

corpusTest(
  "ntlmv1 on the public captures with NTLMv1: smbtorture (frame 9) and Zeek's mapi.pcap (one alert for two logins)",
  () => {
    // tshark: frame 9 AUTHENTICATE VNET3\administrator from BLU, 24-byte NT response, flags
    // 0x60080215; the CHALLENGE (frame 8) names the server VISTA2 / vista2.
    const [torture, ...more] = alerts(new URL("arkime/smbtorture-ntlmssp.pcap", corpus));
    assert.deepEqual(more, []);
    assert.deepEqual(torture!.evidence.frames, [9]);
    assert.deepEqual(
      [
        torture!.values.kind,
        torture!.values.user,
        torture!.values.workstation,
        torture!.values.serverName,
      ],
      ["ntlmv1", "VNET3\\administrator", "BLU", "vista2"],
    );
    assert.equal(torture!.values.extendedSessionSecurity, true);
    // tshark: two AUTHENTICATEs (frames 417 and 714, client ports 1068 and 1073) from the same
    // client to the same server as the same user: one alert, on the first. Zeek's ntlm.log for this
    // capture (zeek/expected/scripts.base.protocols.dce-rpc.mapi/ntlm.log) names the same user,
    // host, domain and server: ALeonard, ALEONARD-XP, CNAMIS, SATURN.
    const mapi = alerts(new URL("zeek/mapi.pcap", corpus));
    assert.equal(mapi.length, 1);
    assert.deepEqual(mapi[0]!.evidence.frames, [417]);
    assert.deepEqual(
      [
        mapi[0]!.values.user,
        mapi[0]!.values.workstation,
        mapi[0]!.values.serverName,
        mapi[0]!.values.protocol,
      ],
      ["CNAMIS\\ALeonard", "ALEONARD-XP", "SATURN", "dcerpc"],
    );
    const zeek = zeekLog(
      new URL("zeek/expected/scripts.base.protocols.dce-rpc.mapi/ntlm.log", corpus),
    );
    assert.equal(zeek.length, 2);
    for (const row of zeek) {
      assert.deepEqual([row[6], row[7], row[8], row[9]], [
        "ALeonard",
        "ALEONARD-XP",
        "CNAMIS",
        "SATURN",
      ]);
    }
    console.log(
      "mapi.pcap: the alert's user, workstation, domain and server agree with Zeek's ntlm.log",
    );
  },
  "ntlmv1 on the public captures",
);

Deno.test("ntlmv1 reads odd events without throwing and only alerts on what it can tell", () => {
  const bench = new RuleBench([ntlmv1]);
  const ev = (e: unknown) => bench.feed(e);
  ev({ type: "ntlm" });
  ev({
    type: "ntlm",
    ntlmVersion: "v1",
    client: "x",
    server: null,
    evidence: { frames: [1], ts: 0 },
  });
  ev({
    type: "smb",
    version: 1,
    command: "SESSION_SETUP_ANDX",
    fields: null,
    evidence: { connection: 3 },
  });
  ev({
    type: "smb",
    version: 1,
    command: "SESSION_SETUP_ANDX",
    fields: { lmResponseLength: "24" },
  });
  // An SMB1 legacy login whose request was not seen: lengths unknown, no LM/plain-text verdict.
  ev({
    type: "ntlm",
    mechanism: "smb1_legacy",
    ntlmVersion: "unknown",
    user: "u",
    evidence: { connection: 9 },
  });
  // An empty password (one byte of OEM password) with a user name: not reported.
  ev({
    type: "smb",
    version: 1,
    command: "SESSION_SETUP_ANDX",
    response: false,
    fields: { lmResponseLength: 1, ntResponseLength: 0 },
    evidence: { connection: 4, frames: [5], streamOffset: 100 },
  });
  ev({
    type: "ntlm",
    mechanism: "smb1_legacy",
    ntlmVersion: "unknown",
    user: "u",
    evidence: { connection: 4, frames: [5], streamOffset: 100 },
  });
  bench.end();
  assert.deepEqual(bench.reported, []);
  assert.deepEqual(bench.alerts.map((a) => a.values.kind), ["ntlmv1"]);
});
