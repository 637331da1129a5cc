/**
 * Users in the summary: every account that logged in or tried to, refused
 * ones marked; anonymous logins counted, never listed. The accounts and
 * outcomes are those fixtures/smb/make.sh drove (its expected.json `auth`).
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../lib/decoder.ts";
import type { SummaryEvent } from "../lib/events.ts";
import { formatSummaryText } from "../lib/output/text.ts";

function summary(name: string): SummaryEvent {
  const d = new Decoder();
  d.push(Deno.readFileSync(new URL(`../fixtures/smb/${name}`, import.meta.url)));
  return d.end().at(-1) as SummaryEvent;
}

Deno.test("summary users: a refused password is listed, marked refused (smb1_badpass)", () => {
  const s = summary("smb1_badpass.pcap");
  assert.deepEqual(s.smb.users, [{ name: "WORKGROUP\\alice", refused: true }]);
  assert.equal(s.smb.failedAuthentications, 1);
  assert.match(formatSummaryText(s), /users: WORKGROUP\\alice \(refused\)/);
});

Deno.test("summary users: an anonymous login is counted, not named (smb1_guest_139)", () => {
  const s = summary("smb1_guest_139.pcap");
  assert.deepEqual(s.smb.users, []);
  assert.equal(s.smb.anonymousLogins, 1);
  assert.match(formatSummaryText(s), /users: none; anonymous logins: 1/);
});

Deno.test("summary users: a successful login is not refused (smb3_11)", () => {
  const s = summary("smb3_11.pcap");
  assert.deepEqual(s.smb.users, [{ name: "WORKGROUP\\alice", refused: false }]);
  assert.equal(s.smb.anonymousLogins, 0);
});
