/**
 * Interim statuses are not errors, and every place that counts or filters
 * errors agrees: the `summary` event, the JSON document's per-session tables,
 * the text summary, the REPL's `errors` filter. The raw counts come from
 * tshark (`tshark -r X -Y "smb2.nt_status != 0 || (smb.nt_status != 0 &&
 * smb.flags.response == 1)"`):
 *
 * - impacket_smb2.pcap: frame 11 STATUS_MORE_PROCESSING_REQUIRED, nothing
 *   else: 1 error by the old rule (severity bits 11), 0 now.
 * - smb3_11.pcap: frame 9 STATUS_MORE_PROCESSING_REQUIRED, frame 15
 *   STATUS_NOT_FOUND, frames 25/258/354/366/374 STATUS_NO_MORE_FILES
 *   (0x80000006, a warning): 2 by the old rule, 1 now.
 * - smb1_badpass.pcap: frame 10 STATUS_MORE_PROCESSING_REQUIRED, frame 12
 *   STATUS_LOGON_FAILURE: 2 by the old rule, 1 now.
 */
import * as assert from "node:assert/strict";
import { parseFilter } from "../cli/repl/filter.ts";
import { Decoder } from "../lib/decoder.ts";
import type { DecodeEvent, SmbEvent, SummaryEvent } from "../lib/events.ts";
import { DocumentBuilder } from "../lib/output/document.ts";
import { formatSummaryText } from "../lib/output/text.ts";
import { isErrorStatus } from "../lib/smb/error_status.ts";
import { NtStatus } from "../lib/smb/status.ts";

function decode(name: string): DecodeEvent[] {
  const d = new Decoder();
  return [
    ...d.push(Deno.readFileSync(new URL(`../fixtures/smb/${name}`, import.meta.url))),
    ...d.end(),
  ];
}

Deno.test("isErrorStatus: MORE_PROCESSING_REQUIRED has error severity but is not an error", () => {
  assert.equal(NtStatus.STATUS_MORE_PROCESSING_REQUIRED >>> 30, 3);
  assert.equal(isErrorStatus(NtStatus.STATUS_MORE_PROCESSING_REQUIRED), false);
  assert.equal(isErrorStatus(NtStatus.STATUS_LOGON_FAILURE), true);
  assert.equal(isErrorStatus(NtStatus.STATUS_NO_MORE_FILES), false); // a warning anyway
  assert.equal(isErrorStatus(NtStatus.STATUS_PENDING), false);
});

for (
  const [name, oldRule, errors] of [
    ["impacket_smb2.pcap", 1, 0],
    ["smb3_11.pcap", 2, 1],
    ["smb1_badpass.pcap", 2, 1],
  ] as const
) {
  Deno.test(`error counts: ${name} has ${errors} error responses everywhere (${oldRule} by severity alone)`, () => {
    const events = decode(name);
    const answers = events.filter((e): e is SmbEvent => e.type === "smb" && e.response);
    // The old rule, for the record: it counted the login's interim answer.
    assert.equal(answers.filter((e) => (e.status ?? 0) >>> 30 === 3).length, oldRule);
    const summary = events.at(-1) as SummaryEvent;
    assert.equal(summary.smb.errorResponses, errors);
    const doc = new DocumentBuilder();
    doc.add(events);
    assert.equal(doc.document.smbSessions.reduce((n, s) => n + s.errors, 0), errors);
    assert.match(
      formatSummaryText(summary),
      new RegExp(`, ${errors} error response${errors === 1 ? "" : "s"};`),
    );
    const smb = events.filter((e): e is SmbEvent => e.type === "smb");
    assert.equal(smb.filter(parseFilter("errors").test).length, errors);
  });
}
