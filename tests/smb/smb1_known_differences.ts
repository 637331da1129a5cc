/**
 * Where our SMB1 decoding knowingly differs from tshark's oracle, keyed
 * "<capture> <frame> <field>" (or "<capture> * <field>" for a whole capture),
 * each with the reason. A difference not listed here fails the test.
 */

const TID_FFFF =
  "tshark (two-pass) maps TID 0xFFFF, which means 'no tree', to the path of the TREE_CONNECT " +
  "request that carried it, then names every frame with that TID by it, earlier ones too; no " +
  "tree is connected at this frame";

export const SMB1_KNOWN_DIFFERENCES: Record<string, string> = {
  "arkime/smb-smbclient.pcap 8 smb.path": TID_FFFF,
  "arkime/smb-smbclient.pcap 9 smb.path": TID_FFFF,
  ...Object.fromEntries(
    [4, 5, 7, 8, 9, 10, 35, 36, 38, 39, 40, 41].map((f) => [
      `suricata-verify/smb_bug_padding.pcap ${f} smb.path`,
      TID_FFFF,
    ]),
  ),
  "zeek-eternalsafety/metasploit-ms017-010-win7x64.pcap 20 smb.path":
    "SESSION_SETUP_ANDX with TID 0xFEFF, before any tree is connected: tshark (two-pass) names it " +
    "by the IPC$ tree connected two frames later",
  "zeek-eternalsafety/metasploit-ms017-010-win7x64.pcap 21 smb.path":
    "the response to frame 20, same reason",
  "arkime/smbtorture-ntlmssp-moloch-crash.pcap 9 ntlmssp.auth.username":
    "tshark marks this NTLMSSP AUTHENTICATE malformed (exception) and shows no user; its fields " +
    "are within the message and decode as administrator from BLU with an empty domain",
  "arkime/smbtorture-ntlmssp-moloch-crash.pcap 9 ntlmssp.auth.domain": "same message as above",
  "arkime/smbtorture-ntlmssp-moloch-crash.pcap 9 ntlmssp.auth.hostname": "same message as above",
  "suricata-verify/smb1_osx.pcap 9 smb.cmd":
    "the server's ACK (frame 8) was captured before the NEGOTIATE it acknowledges (frame 9); " +
    "tshark calls frame 9 a spurious retransmission and does not dissect it, but its bytes were " +
    "never seen before, so we decode them",
  "zeek/netbios-split-session-msg.pcap 6 smb.cmd":
    "the NBSS message holds 'AAAA…' filler after a bogus header: tshark shows command 0x41, MID " +
    "16705 and status 0x41414141 from it; we report the message as truncated and emit no command",
  "zeek/netbios-split-session-msg.pcap 6 smb.mid": "same filler as above",
  "zeek/netbios-split-session-msg.pcap 6 smb.flags.response": "same filler as above",
  "zeek/netbios-split-session-msg.pcap 6 smb.nt_status": "same filler as above",
  "zeek/smb1-OSS-fuzz-54883.pcap * smb.cmd":
    "OSS-Fuzz capture on TCP/139: tshark lists fuzzed AndX command bytes (0x6d, 0x00) after " +
    "WRITE_ANDX and stops dissecting NBSS after frame 9; we end a chain at a byte that is no AndX " +
    "command and resynchronise on SMB headers, decoding 20 more messages (frames 11-49)",
  "zeek/smb1-logoff-andx-advance.pcap 4 smb.cmd":
    "a crafted chain of LOGOFF_ANDX commands: we stop at our AndX depth cap of 10 (and report a " +
    "limit anomaly, smb1_maxAndxDepth); tshark follows it to 12",
  "zeek/smb1-logoff-andx-no-advance.pcap 4 smb.cmd":
    "an AndXOffset of 0 points back at the header: we stop before following it (loop anomaly); " +
    "tshark decodes the command a second time before stopping",
};
