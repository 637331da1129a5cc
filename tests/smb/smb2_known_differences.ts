/**
 * Where our SMB2/3 decoding knowingly differs from tshark's oracle, keyed
 * "<capture> <frame> <field>" (or "<capture> * <field>"), each with the
 * reason. A difference not listed here fails the test.
 */

const MID_SESSION_SPNEGO =
  "the capture starts mid-session: never having seen the negTokenInit that names the mechanism, " +
  "tshark leaves the negTokenResp's token undecoded; we recognise NTLMSSP by its signature " +
  "(an anonymous AUTHENTICATE from workstation FSOCIETY)";

export const SMB2_KNOWN_DIFFERENCES: Record<string, string> = {
  "corelight-printnightmare/cve-2021-1675.pcap 2 ntlmssp.auth.username": MID_SESSION_SPNEGO,
  "corelight-printnightmare/cve-2021-1675.pcap 2 ntlmssp.auth.domain": MID_SESSION_SPNEGO,
  "corelight-printnightmare/cve-2021-1675.pcap 2 ntlmssp.auth.hostname": MID_SESSION_SPNEGO,
  "suricata-verify/smb-length-5786__input.pcap * smb2.nt_status":
    "these CREATE responses carry Apple's 'AAPL' create context; tshark decodes it and lists one " +
    "of its fields under smb2.nt_status (0xc000000f in the error replies), which is not the " +
    "message's status; the messages' own statuses agree",
};
