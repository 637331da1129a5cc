/**
 * Rule `ms17-010-session-setup-confusion` (SESSION_SETUP_ANDX in the WordCount 12 form without
 * FLAGS2_EXTENDED_SECURITY) on fixtures/detect/smb1/eternalblue_samba.pcap (values from its
 * expected.json), on Metasploit's ms17_010_eternalblue capture (checked with tshark), on Arkime's
 * synthetic NTLM capture (the same form with a real NTLMSSP login: no alert) and the other
 * fixtures' logins (no alert).
 */
import * as assert from "node:assert/strict";
import { ms17010SessionSetupConfusion } from "../../../lib/detect/rules/ms17_010_session_setup.ts";
import { corpus } from "../../_support/corpus.ts";
import { agree, alertsOf, corpusTest, FIXTURES, planned } from "./_support.ts";

const SMB1 = new URL("detect/smb1/", FIXTURES);
const alerts = (capture: URL) => alertsOf([ms17010SessionSetupConfusion], capture);

Deno.test("ms17-010-session-setup-confusion names the WordCount 12 request without the flag in eternalblue_samba.pcap", () => {
  const exp = planned(SMB1, "eternalblue_samba", "ms17-010-session-setup-confusion");
  const got = alerts(new URL("eternalblue_samba.pcap", SMB1));
  assert.equal(got.length, 1);
  agree(got, exp);
  assert.equal(got[0]!.values.securityBlobLength, 0);
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
    assert.deepEqual(alerts(new URL(`${name}.pcap`, SMB1)), [], name);
  }
});

corpusTest(
  "ms17-010-session-setup-confusion on the corpus: Metasploit's EternalBlue connections, not Arkime's synthetic logins",
  () => {
    const got = alerts(new URL("zeek-eternalsafety/metasploit-ms017-010-win7x64.pcap", corpus));
    // tshark: frames 66 (port 43915) and 122 (port 44677) are SESSION_SETUP_ANDX with WCT 12,
    // Flags2 0xc007 and 0x4007 (Extended Security Negotiation clear), Security Blob Length 0.
    assert.deepEqual(got.map((a) => [a.evidence.frames, a.client!.port, a.values.flags2]), [
      [[66], 43915, 0xc007],
      [[122], 44677, 0x4007],
    ]);
    // Arkime's synthetic capture sends WordCount 12 with a real NTLMSSP token but no flag.
    assert.deepEqual(alerts(new URL("arkime/ntlm_synthetic.pcap", corpus)), []);
  },
  "ms17-010-session-setup-confusion on the corpus",
);
