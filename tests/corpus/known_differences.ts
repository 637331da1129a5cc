/**
 * Where we knowingly disagree with tshark over the public corpus, keyed as
 * the corpus test prints a row ("<capture> <tcp|udp> <tshark stream> (...)",
 * or "<capture> frames"), each with the reason. A disagreement not listed
 * here fails the test; one listed here that has gone away is harmless.
 */
export const KNOWN_DIFFERENCES: Record<string, string> = {
  "arkime/arkime_synthetic.pcap udp 67 (192.0.2.10/12345 192.0.2.20/53)":
    "inner conversation of a VXLAN-GPE tunnel (UDP 4790, frames 618-619): tshark decodes the " +
    "tunnelled datagram; we count the outer UDP conversation only (UDP tunnels are not decoded)",
  "arkime/arkime_synthetic.pcap udp 70 (10.111.111.10/5353 10.111.111.20/53)":
    "inner conversation of a Geneve tunnel (UDP 6081, frames 622-623): tshark decodes it; we " +
    "count the outer UDP conversation only (Geneve/VXLAN are not decoded)",
  "ndpi/kerberos_fuzz.pcapng tcp 0 (frame 1 126.4.1.0/88 19.0.0.0/53646)":
    "fuzzed TCP header with a data offset of 8 bytes: tshark still opens a stream for it; we " +
    "report tcp/malformed and open no conversation for an unusable header",
  "suricata-verify/bug-6875-01__fuzz.pcap frames":
    "fuzzed file: record 2 claims 1409179648 captured bytes; we stop there (framing lost), " +
    "tshark guesses another pcap variant, reads one more 1-byte frame, then fails on frame 3",
  "tcpdump/smb_data_print-segv.pcap tcp 0 (frame 1 192.168.56.119/49199 192.168.56.55/445)":
    "fuzzed timestamp: frame 4 is dated 2038-01-01, 18 years after frame 3, past our TCP idle " +
    "timeout, so it starts a new connection; tshark has no idle timeout",
  "tcpdump/smb_data_print-segv.pcap tcp extra (frame 4 192.168.56.119/49199 192.168.56.55/445)":
    "the same frame 4 as above, counted as its own connection",
  // Reassembled length (delivered + gap bytes) against tshark's sequence span.
  "corelight-petitpotam/PatchedDCAuthenticatedTryWithRpcOpenFileRawUsingEFSRPCNamePipeInsteadOfLSARPC.pcapng span tcp 13 AB":
    "mid-stream TLS connection: frame 210 re-sends 39 bytes from before frame 208, the first " +
    "data seen; tshark measures the span from the earliest byte, we start the stream at the first " +
    "segment seen and count the earlier bytes as retransmitted",
  "tcpdump/smb_data_print-segv.pcap span tcp 0 BA":
    "the fuzzed 2038 timestamp above splits this direction in two connections",
};
