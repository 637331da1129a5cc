/**
 * NTLMv1 logins against known passwords (fixtures/detect/auth/ntlmv1.pcap,
 * accounts in its expected file): alice over SMB 3.1.1 with NTLMv1 and
 * extended session security, bob over SMB1 without extended security. Their
 * NT responses were recomputed apart from our code (pycryptodome's MD4 and
 * DES: DESL(MD4(password), challenge), with ESS the challenge
 * MD5(server challenge + client challenge)[0..8]) and equal the captured ones
 * below, so `passwordMatch: true` is right; the session key alice's login
 * yields must verify her SMB 3.1.1 signatures.
 */
import assert from "node:assert/strict";
import { decode, type DecodeEvent, type NtlmEvent, type SmbEvent } from "../../mod.ts";

const capture = new URL("../../fixtures/detect/auth/ntlmv1.pcap", import.meta.url);
const accounts: Record<string, string> = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../fixtures/detect/auth/ntlmv1.expected.json", import.meta.url),
  ),
).accounts;

async function run(passwords: string[]): Promise<DecodeEvent[]> {
  const out: DecodeEvent[] = [];
  const keys = { passwords, exportHashes: true };
  for await (const e of decode(await Deno.readFile(capture), { keys })) out.push(e);
  return out;
}

Deno.test("NTLMv1 (ESS over SMB 3.1.1, and SMB1 legacy): passwords checked, hashcat 5500 lines, keys", async () => {
  const events = await run(["alice", "bob"].map((u) => `${u}:${accounts[u]}`));
  const logins = new Map(
    events.filter((e): e is NtlmEvent => e.type === "ntlm").map((e) => [e.user, e]),
  );
  const alice = logins.get("alice")!, bob = logins.get("bob")!;
  assert.equal(alice.passwordMatch, true);
  assert.equal(bob.passwordMatch, true);
  assert.equal(alice.hashcatMode, 5500);
  // user::domain:LM response:NT response:server challenge, as captured (recomputed, see above).
  assert.equal(
    alice.hashcat,
    "alice::WORKGROUP:b750f8152db5dca900000000000000000000000000000000:" +
      "450fc3e5d069a8bfe0b87d9df70c533566cd8174fdf297be:af5f9857c1591057",
  );
  assert.equal(
    bob.hashcat,
    "bob::WORKGROUP:65f21d1e5640d11ae125f686e890f3bedc74bd1614080b60:" +
      "1cdd1959e373f594149dd279eb53bcdc0dca9015a6e4d723:7bdd7c41e6d2cc37",
  );
  // The key alice's NTLMv1 login gave the session signs her SMB 3.1.1 messages.
  const signed = events.filter((e): e is SmbEvent => e.type === "smb" && e.signature !== undefined);
  assert.ok(signed.length >= 5);
  assert.ok(signed.every((e) => e.signature === "valid" && e.user === "WORKGROUP\\alice"));
});

Deno.test("NTLMv1: a wrong password does not match, and verifies no signature", async () => {
  const events = await run(["alice:Fixture-Pass-2025", "bob:bob"]);
  const logins = events.filter((e): e is NtlmEvent => e.type === "ntlm");
  assert.deepEqual(
    logins.filter((l) => l.user === "alice" || l.user === "bob").map((l) => l.passwordMatch),
    [false, false],
  );
  const verdicts = events.filter((e): e is SmbEvent =>
    e.type === "smb" && e.signature !== undefined
  );
  assert.ok(verdicts.length >= 5);
  assert.ok(verdicts.every((e) => e.signature === "unchecked"));
});

Deno.test("an LM response alone and a password in clear are checked too (SMB1 without NTLMSSP)", async () => {
  const right = await run(["carol", "dave"].map((u) => `${u}:${accounts[u]}`));
  const wrong = await run(["carol:Carol-Pass-3", "dave:dave-fixture-3"]);
  const verdicts = (events: DecodeEvent[]) =>
    events.filter((e): e is NtlmEvent =>
      e.type === "ntlm" && (e.user === "carol" || e.user === "dave")
    )
      .map((e) => [e.user, e.lmResponseLength, e.ntResponseLength, e.passwordMatch]);
  // carol: a 24-byte LM response, no NT response; dave: his password in the OEM field.
  assert.deepEqual(verdicts(right), [["carol", 24, 0, true], ["dave", 14, 0, true]]);
  // dave's clear password is sent upper-cased: only its LM hash (case-blind) could match, and
  // "dave-fixture-3" has the same LM hash as his password. carol's is simply wrong.
  assert.deepEqual(verdicts(wrong), [["carol", 24, 0, false], ["dave", 14, 0, true]]);
  const other = await run(["dave:Dave-Fixture-9"]);
  assert.deepEqual(verdicts(other), [["carol", 24, 0, undefined], ["dave", 14, 0, false]]);
});
