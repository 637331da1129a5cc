/**
 * Interim and informational statuses are not errors, in every summary: the
 * summary event, the JSON document, the REPL's `errors` filter (tests/cli).
 * Figures from tshark on the fixtures (`smb2.nt_status != 0` on responses).
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../../lib/decoder.ts";
import type { SummaryEvent } from "../../lib/events.ts";
import { DocumentBuilder } from "../../lib/output/document.ts";
import { INTERIM_STATUSES, isErrorStatus } from "../../lib/smb/error_status.ts";
import { ntStatusName } from "../../lib/smb/status.ts";

const fixture = (name: string) =>
  Deno.readFileSync(new URL(`../../fixtures/smb/${name}`, import.meta.url));

Deno.test("error statuses: interim ones are not errors", () => {
  assert.deepEqual([...INTERIM_STATUSES].map(ntStatusName).sort(), [
    "STATUS_BUFFER_OVERFLOW",
    "STATUS_MORE_PROCESSING_REQUIRED",
    "STATUS_NOTIFY_ENUM_DIR",
    "STATUS_NO_MORE_FILES",
    "STATUS_PENDING",
  ]);
  for (const s of INTERIM_STATUSES) assert.equal(isErrorStatus(s), false);
  assert.equal(isErrorStatus(0xc0000225), true); // STATUS_NOT_FOUND
  assert.equal(isErrorStatus(0xc000006d), true); // STATUS_LOGON_FAILURE
  assert.equal(isErrorStatus(0), false);
});

for (
  const [name, errors] of [
    // tshark: frames 9 (MORE_PROCESSING_REQUIRED), 17 (STATUS_NOT_FOUND), 29/130/138 (NO_MORE_FILES).
    ["smb2_10.pcap", 1],
    // tshark: frames 9 (MORE_PROCESSING_REQUIRED) and 15 (STATUS_NOT_FOUND).
    ["smb1_session.pcap", 1],
  ] as const
) {
  Deno.test(`error statuses: ${name} has ${errors} error response in every summary`, () => {
    const d = new Decoder();
    const events = [...d.push(fixture(name)), ...d.end()];
    const summary = events.at(-1) as SummaryEvent;
    assert.equal(summary.smb.errorResponses, errors);
    const doc = new DocumentBuilder();
    doc.add(events);
    const sessions = (doc.document as { smbSessions?: { errors: number }[] }).smbSessions ?? [];
    assert.equal(sessions.reduce((n, s) => n + s.errors, 0), errors);
  });
}
