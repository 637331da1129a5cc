/**
 * The text view for a person (issue 15, item 5): each conversation
 * introduced when it first carries SMB, a time column, no empty fields,
 * encrypted messages with size and cipher, anomalies under their message,
 * the summary's grammar. Values from tshark.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder } from "../../mod.ts";
import { TextStream } from "../../lib/output/text_stream.ts";
import { count, formatSummaryText } from "../../lib/output/text.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";

const fixture = (name: string) => new URL(`../../fixtures/${name}`, import.meta.url);

function events(bytes: Uint8Array): DecodeEvent[] {
  const d = new Decoder();
  return [...d.push(bytes), ...d.end()];
}

function text(bytes: Uint8Array): string[] {
  const t = new TextStream();
  return [...events(bytes).flatMap((e) => t.add(e)), ...t.end()];
}

Deno.test("TextStream introduces the conversation, then gives each line its time of day", () => {
  const lines = text(Deno.readFileSync(fixture("smb/smb1_session.pcap")));
  // tshark: frame 1 is 10.77.0.2:47790 → 10.77.0.1:445's SYN at 2026-11-23 18:56:36.669990 UTC;
  // frame 12 (the first TREE_CONNECT_ANDX request) at 18:56:36.709496.
  assert.equal(
    lines[0],
    "#0 tcp 10.77.0.2:47790 → 10.77.0.1:445 since 2026-11-23T18:56:36.669990Z (frame 1)",
  );
  assert.equal(lines.filter((l) => l.startsWith("#0 tcp") && l.includes(" since ")).length, 1);
  assert.ok(
    lines.some((l) => l.startsWith("#0 f12 18:56:36.709 C→S SMB1 TREE_CONNECT_ANDX request")),
  );
});

Deno.test("text lines leave empty fields out", () => {
  for (
    const name of [
      "smb/smb1_session.pcap",
      "smb/smb3_11.pcap",
      "smb/impacket_smb2.pcap",
      "dcerpc/rpc_smb2.pcap",
      "detect/auth/anonymous.pcap",
    ]
  ) {
    for (const line of text(Deno.readFileSync(fixture(name)))) {
      assert.doesNotMatch(line, /[a-zA-Z]=(\s|$)/, `${name}: ${line}`);
      assert.doesNotMatch(line, / from \? /, `${name}: ${line}`);
    }
  }
});

Deno.test("an encrypted message shows its size and cipher", () => {
  const lines = text(Deno.readFileSync(fixture("smb/smb3_encrypted.pcap")));
  // tshark: frame 20's transform header says Message size 121; the negotiate chose AES-128-GCM.
  const f20 = lines.find((l) => l.startsWith("#0 f20 "));
  assert.match(f20!, / C→S SMB2 ENCRYPTED request 121 B AES-128-GCM/);
});

Deno.test("the summary counts in the singular when there is one", () => {
  assert.equal(count(1, "error response"), "1 error response");
  assert.equal(count(0, "error response"), "0 error responses");
  assert.equal(count(2, "call"), "2 calls");
  const summary = events(Deno.readFileSync(fixture("smb/smb3_11.pcap"))).at(-1)!;
  assert.equal(summary.type, "summary");
  // tshark: one response in smb3_11.pcap is an error (STATUS_NOT_FOUND to the DFS referral).
  assert.match(formatSummaryText(summary), /, 1 error response;/);
});

Deno.test({
  name: "an anomaly is printed under the message it was found in" +
    (corpusPresent ? "" : " [skipped: ../shared/pcaps/public is not here]"),
  ignore: !corpusPresent,
  fn() {
    // tshark marks frame 6 of Zeek's OSS-Fuzz capture an SMB WRITE_ANDX response, malformed.
    const lines = text(Deno.readFileSync(new URL("zeek/smb1-OSS-fuzz-54883.pcap", corpus)));
    const at = lines.findIndex((l) => l.startsWith("#0 f6 "));
    assert.match(lines[at]!, /SMB1 WRITE_ANDX response/);
    assert.match(lines[at + 1]!, /^ {4}! smb1 truncated: .*WRITE_ANDX response/);
    assert.ok(!lines.some((l) => /^! frame 6 #0 smb1/.test(l)));
  },
});
