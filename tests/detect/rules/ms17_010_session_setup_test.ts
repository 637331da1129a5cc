/**
 * Rule `ms17-010-session-setup-confusion` (SESSION_SETUP_ANDX in the WordCount 12 form without
 * FLAGS2_EXTENDED_SECURITY) on fixtures/detect/smb1/eternalblue_samba.pcap (values from its
 * expected.json), on Metasploit's ms17_010_eternalblue capture (checked with tshark), on Arkime's
 * synthetic NTLM capture (the same form with a real NTLMSSP login: no alert) and the other
 * fixtures' logins (no alert).
 */
import * as assert from "node:assert/strict";
import type { AlertEvent, DecodeEvent } from "../../../lib/events.ts";
import { DetectionEngine } from "../../../lib/detect/engine.ts";
import type { Rule } from "../../../lib/detect/rule.ts";
import { ms17010SessionSetupConfusion } from "../../../lib/detect/rules/ms17_010_session_setup.ts";
import { Reporter } from "../../../lib/report.ts";
import { Decoder } from "../../../mod.ts";
import { corpus, corpusPresent } from "../../_support/corpus.ts";

const FIXTURES = new URL("../../../fixtures/detect/smb1/", import.meta.url);

/** The alerts of `rules` over a capture; fails on any rule failure (a `detect` anomaly). */
function alerts(bytes: Uint8Array, rules: Rule[] = [ms17010SessionSetupConfusion]): AlertEvent[] {
  const out: DecodeEvent[] = [];
  const d = new Decoder({
    alerts: false,
    watchers: [new DetectionEngine(rules, new Reporter(out, 100))],
  });
  const events = [...d.push(bytes), ...d.end(), ...out];
  assert.deepEqual(events.filter((e) => e.type === "anomaly" && e.layer === "detect"), []);
  return events.filter((e): e is AlertEvent => e.type === "alert");
}

interface ExpectedAlert {
  rule: string;
  frames: number[];
  values: Record<string, unknown>;
}

/** The expected file's alerts of one rule. */
function planned(name: string, rule: string): ExpectedAlert[] {
  const doc = JSON.parse(Deno.readTextFileSync(new URL(`${name}.expected.json`, FIXTURES)));
  return (doc.alerts as ExpectedAlert[]).filter((a) => a.rule === rule);
}

Deno.test("ms17-010-session-setup-confusion names the WordCount 12 request without the flag in eternalblue_samba.pcap", () => {
  const [exp] = planned("eternalblue_samba", "ms17-010-session-setup-confusion");
  const got = alerts(Deno.readFileSync(new URL("eternalblue_samba.pcap", FIXTURES)));
  assert.equal(got.length, 1);
  const a = got[0]!;
  assert.deepEqual(a.evidence.frames, exp!.frames);
  for (const [k, v] of Object.entries(exp!.values)) assert.deepEqual(a.values[k], v, k);
  assert.equal(a.values.securityBlobLength, 0);
});

Deno.test("ms17-010-session-setup-confusion raises nothing on the logins of the other smb1 fixtures", () => {
  for (
    const name of [
      "smb1_trans_benign",
      "doublepulsar_samba",
      "eternalromance_samba",
      "eternalchampion_samba",
    ]
  ) {
    assert.deepEqual(alerts(Deno.readFileSync(new URL(`${name}.pcap`, FIXTURES))), [], name);
  }
});

Deno.test({
  name: corpusPresent
    ? "ms17-010-session-setup-confusion on the corpus: Metasploit's EternalBlue connections, not Arkime's synthetic logins"
    : "ms17-010-session-setup-confusion on the corpus (skipped: ../shared/pcaps/public not present)",
  ignore: !corpusPresent,
  fn() {
    const got = alerts(
      Deno.readFileSync(new URL("zeek-eternalsafety/metasploit-ms017-010-win7x64.pcap", corpus)),
    );
    // tshark: frames 66 (port 43915) and 122 (port 44677) are SESSION_SETUP_ANDX with WCT 12,
    // Flags2 0xc007 and 0x4007 (Extended Security Negotiation clear), Security Blob Length 0.
    assert.deepEqual(got.map((a) => [a.evidence.frames, a.client!.port, a.values.flags2]), [
      [[66], 43915, 0xc007],
      [[122], 44677, 0x4007],
    ]);
    // Arkime's synthetic capture sends WordCount 12 with a real NTLMSSP token but no flag.
    assert.deepEqual(alerts(Deno.readFileSync(new URL("arkime/ntlm_synthetic.pcap", corpus))), []);
  },
});
