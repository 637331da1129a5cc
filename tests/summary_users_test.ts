/**
 * Users in the summary: logins by account, refused ones marked; anonymous
 * logins counted, never listed. The accounts and outcomes are those
 * fixtures/smb/make.sh drove (its expected.json `auth`); tshark shows one
 * NTLMSSP AUTHENTICATE in each (`-Y "ntlmssp.messagetype == 3"`): frame 11
 * WORKGROUP\alice (smb1_badpass), frame 12 WORKGROUP\NULL (smb1_guest_139),
 * frame 10 WORKGROUP\alice (smb3_11).
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../lib/decoder.ts";
import type { KerberosEvent, NtlmEvent, SummaryEvent } from "../lib/events.ts";
import { accountText, formatSummaryText } from "../lib/output/text.ts";
import { AccountTally } from "../lib/tally.ts";

function summary(name: string): SummaryEvent {
  const d = new Decoder();
  d.push(Deno.readFileSync(new URL(`../fixtures/smb/${name}`, import.meta.url)));
  return d.end().at(-1) as SummaryEvent;
}

Deno.test("summary users: a refused password is listed, marked refused (smb1_badpass)", () => {
  const s = summary("smb1_badpass.pcap");
  assert.deepEqual(s.smb.users, [{ user: "alice", domain: "WORKGROUP", refused: true, logins: 1 }]);
  assert.equal(s.smb.failedAuthentications, 1);
  assert.equal(s.smb.anonymousLogins, 0);
  assert.equal(s.smb.unlistedLogins, 0);
  assert.match(formatSummaryText(s), /users: WORKGROUP\\alice \(refused\)$/m);
});

Deno.test("summary users: an anonymous login is counted, not named (smb1_guest_139)", () => {
  const s = summary("smb1_guest_139.pcap");
  assert.deepEqual(s.smb.users, []);
  assert.equal(s.smb.anonymousLogins, 1);
  assert.match(formatSummaryText(s), /users: none; anonymous logins: 1$/m);
});

Deno.test("summary users: a successful login is not refused (smb3_11)", () => {
  const s = summary("smb3_11.pcap");
  assert.deepEqual(s.smb.users, [{
    user: "alice",
    domain: "WORKGROUP",
    refused: false,
    logins: 1,
  }]);
  assert.equal(s.smb.anonymousLogins, 0);
  assert.match(formatSummaryText(s), /users: WORKGROUP\\alice$/m);
});

// Synthetic events from here: the rules of AccountTally one at a time.
const base = { evidence: { frames: [1], ts: 0 } } as const;
const ntlm = (user: string, domain: string, success: boolean | undefined, anonymous = false) =>
  ({
    ...base,
    type: "ntlm",
    user,
    domain,
    anonymous,
    ntlmVersion: anonymous ? "anonymous" : "v2",
    ...(success === undefined ? {} : { success }),
  }) as unknown as NtlmEvent;

Deno.test("AccountTally: one success makes an account not refused, whatever the order", () => {
  for (const order of [[false, true, false], [true, false, false]]) {
    const t = new AccountTally();
    for (const ok of order) t.add(ntlm("bob", "CORP", ok));
    assert.deepEqual(t.users, [{ user: "bob", domain: "CORP", refused: false, logins: 3 }]);
  }
});

Deno.test("AccountTally: an attempt whose answer was not seen is not a refusal", () => {
  const t = new AccountTally();
  t.add(ntlm("bob", "CORP", false));
  t.add(ntlm("bob", "CORP", undefined));
  assert.equal(t.users[0]!.refused, false);
});

Deno.test("AccountTally: same user in two domains is two accounts; domain may be empty", () => {
  const t = new AccountTally();
  t.add(ntlm("bob", "CORP", true));
  t.add(ntlm("bob", "", false));
  assert.deepEqual(t.users.map(accountText), ["CORP\\bob", "bob (refused)"]);
});

Deno.test("AccountTally: anonymous logins are counted, never listed", () => {
  const t = new AccountTally();
  t.add(ntlm("", "WORKGROUP", true, true));
  t.add(ntlm("", "", undefined, true));
  assert.deepEqual(t.users, []);
  assert.equal(t.anonymousLogins, 2);
});

Deno.test("AccountTally: Kerberos logins by client principal; an unknown client is not listed", () => {
  const kerberos = (clientPrincipal: string | undefined, success: boolean) =>
    ({
      ...base,
      type: "kerberos",
      realm: "CONTOSO.LOCAL",
      ...(clientPrincipal === undefined ? {} : { clientPrincipal, clientRealm: "CONTOSO.LOCAL" }),
      success,
    }) as unknown as KerberosEvent;
  const t = new AccountTally();
  t.add(kerberos("alice", false));
  t.add(kerberos(undefined, true));
  assert.deepEqual(t.users, [{ user: "alice", domain: "CONTOSO.LOCAL", refused: true, logins: 1 }]);
});

Deno.test("AccountTally: keeps 100 accounts and counts the logins of the others", () => {
  const t = new AccountTally();
  for (let i = 0; i < 150; i++) t.add(ntlm(`u${i}`, "CORP", true));
  t.add(ntlm("u0", "CORP", true)); // a listed account still counts
  t.add(ntlm("u120", "CORP", true)); // an unlisted one again
  assert.equal(t.users.length, 100);
  assert.equal(t.users[0]!.logins, 2);
  assert.equal(t.unlistedLogins, 51);
});

Deno.test("AccountTally: users are copies (a caller cannot change the tally)", () => {
  const t = new AccountTally();
  t.add(ntlm("bob", "CORP", false));
  t.users[0]!.refused = false;
  assert.equal(t.users[0]!.refused, true);
});
