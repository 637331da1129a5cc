/**
 * SMB3 decryption, signature checks, password checks and hash export on our
 * own Samba fixtures (fixtures/smb: made by fixtures/smb/make.sh with the
 * password Fixture-Pass-2024 for WORKGROUP\alice; the session keys in their
 * expected files come from smbclient's and impacket's own key logs). The NT
 * hash below was computed apart from our code (pycryptodome's MD4 of the
 * UTF-16LE password); the NTLMv2 proof is recomputed here with @noble/hashes.
 */
import assert from "node:assert/strict";
import { hmac } from "npm:@noble/hashes@2.4.0/hmac.js";
import { md5 } from "npm:@noble/hashes@2.4.0/legacy.js";
import {
  decode,
  type DecodeEvent,
  type FileEvent,
  type NtlmEvent,
  type SmbEvent,
} from "../../../mod.ts";
import type { KeyOptions } from "../../../lib/auth/keyring.ts";

const PASSWORD = "Fixture-Pass-2024";
const NT_HASH = "90b74a7fb5c269b2c1358e48b35b1b9b";
const fixture = (name: string) => new URL(`../../../fixtures/smb/${name}`, import.meta.url);

interface Expected {
  auth: { user: string; domain: string };
  sessionKeys: { sessionIdWire: string; sessionKey: string }[];
  files: { name: string; size: number; sha256: string; actions: string[] }[];
}
const expected = (name: string): Expected =>
  JSON.parse(Deno.readTextFileSync(fixture(`${name}.expected.json`)));

async function decodeWith(name: string, keys?: KeyOptions): Promise<DecodeEvent[]> {
  const bytes = await Deno.readFile(fixture(`${name}.pcap`));
  const events: DecodeEvent[] = [];
  for await (const e of decode(bytes, keys === undefined ? {} : { keys })) events.push(e);
  return events;
}

const smb = (events: DecodeEvent[]) => events.filter((e): e is SmbEvent => e.type === "smb");
const files = (events: DecodeEvent[]) =>
  events.filter((e): e is FileEvent => e.type === "file" && e.hashes !== undefined)
    .map((f) => `${f.path} ${f.size} ${f.hashes!.sha256}`).sort();
/** What a decode says of the session's traffic, for comparing decodes. */
const transcript = (events: DecodeEvent[]) =>
  smb(events).map((e) =>
    `${e.evidence.frames.at(-1)} ${e.command} ${e.messageId} ${e.statusName ?? ""} ${
      e.share ?? ""
    } ${e.file ?? ""}`
  );

for (const name of ["smb3_encrypted", "impacket_smb2"]) {
  const x = expected(name);
  const [session] = x.sessionKeys;
  const ways: [string, KeyOptions][] = [
    ["password", { passwords: [`${x.auth.domain}\\${x.auth.user}:${PASSWORD}`] }],
    ["NT hash", { ntHashes: [`${x.auth.user}:${NT_HASH}`] }],
    ["session key", { sessionKeys: [`${session!.sessionIdWire}:${session!.sessionKey}`] }],
  ];
  Deno.test(`${name}: decrypted alike from the password, the NT hash and the session key`, async () => {
    const clear = await decodeWith(name);
    const transforms = smb(clear).filter((e) => e.command === "ENCRYPTED").length;
    assert.ok(transforms > 10);
    let first: string[] | undefined;
    for (const [way, keys] of ways) {
      const events = await decodeWith(name, keys);
      const messages = smb(events);
      // impacket sends one last transform with SessionId 0 after its LOGOFF: no session, no key.
      const left = messages.filter((e) => e.command === "ENCRYPTED");
      assert.ok(left.every((e) => e.sessionId === "0"), `${way}: every session message decrypted`);
      assert.ok(messages.filter((e) => e.decrypted).length >= transforms - left.length);
      assert.equal(events.filter((e) => e.type === "anomaly").length, 0, way);
      // The files the script wrote or read (not only listed), with the script's own digests.
      const want = x.files.filter((f) => f.actions.some((a) => a === "read" || a === "write"))
        .map((f) => `${f.name} ${f.size} ${f.sha256}`);
      assert.ok(want.length > 0);
      for (const line of want) assert.ok(files(events).includes(line), `${way}: ${line}`);
      const t = transcript(events);
      if (first === undefined) first = t;
      else assert.deepEqual(t, first, `${way} decodes as the password does`);
      const logins = events.filter((e): e is NtlmEvent => e.type === "ntlm");
      if (way !== "session key") assert.deepEqual(logins.map((l) => l.passwordMatch), [true]);
      // The secrets never reach the output.
      const text = JSON.stringify(events);
      for (const secret of [PASSWORD, NT_HASH, session!.sessionKey]) {
        assert.ok(!text.includes(secret), `${way}: no secret in the output`);
      }
    }
  });
}

Deno.test("a wrong password: the login says it does not match, the session stays encrypted, once said", async () => {
  const events = await decodeWith("smb3_encrypted", { passwords: ["alice:not-the-password"] });
  const [login] = events.filter((e): e is NtlmEvent => e.type === "ntlm");
  assert.equal(login!.passwordMatch, false);
  assert.equal(login!.success, true);
  const encrypted = smb(events).filter((e) => e.command === "ENCRYPTED");
  assert.ok(encrypted.length > 10);
  assert.equal(smb(events).filter((e) => e.decrypted).length, 0);
  const said = events.filter((e) => e.type === "anomaly" && e.code === "smb2_decrypt_failed");
  assert.equal(said.length, 1);
  assert.match((said[0] as { detail: string }).detail, /does not match/);
});

Deno.test("a password for another user decrypts nothing and checks nothing", async () => {
  const events = await decodeWith("smb3_encrypted", { passwords: ["bob:Fixture-Pass-2024"] });
  const [login] = events.filter((e): e is NtlmEvent => e.type === "ntlm");
  assert.equal(login!.passwordMatch, undefined);
  assert.equal(smb(events).filter((e) => e.decrypted).length, 0);
});

for (
  const [name, dialect] of [
    ["smb2_02", "2.0.2"],
    ["smb2_10", "2.1"],
    ["smb3_signed", "3.1.1"],
    ["smb3_bulk", "3.1.1"],
  ] as const
) {
  Deno.test(`${name}: every signed message verifies (${dialect}); a flipped byte does not`, async () => {
    const keys = { passwords: [`alice:${PASSWORD}`] };
    const events = await decodeWith(name, keys);
    const signed = smb(events).filter((e) => ((e.header.flags as number) & 8) !== 0);
    assert.ok(signed.length >= 5);
    assert.ok(signed.every((e) => e.dialect === dialect));
    assert.deepEqual([...new Set(signed.map((e) => e.signature))], ["valid"]);
    // Unsigned messages carry no verdict; with no secrets given, no message does.
    assert.ok(smb(events).every((e) => (e.signature !== undefined) === signed.includes(e)));
    assert.ok(smb(await decodeWith(name)).every((e) => e.signature === undefined));
    // Flip one byte inside the last signed message's body: that message, and only it, fails.
    const last = signed.at(-1)!;
    const bytes = await Deno.readFile(fixture(`${name}.pcap`));
    const at = offsetOfFrame(bytes, last.evidence.frames.at(-1)!);
    const tampered = bytes.slice();
    tampered[at - 1] = tampered[at - 1]! ^ 0x01; // the frame's last byte: inside the message body
    const again: DecodeEvent[] = [];
    for await (const e of decode(tampered, { keys })) again.push(e);
    const verdicts = smb(again).filter((e) => e.signature !== undefined);
    assert.deepEqual(verdicts.filter((e) => e.signature === "invalid").map((e) => e.seq), [
      verdicts.find((e) => e.evidence.frames.at(-1) === last.evidence.frames.at(-1))!.seq,
    ]);
  });
}

/** Where the bytes of frame `n` (1-based) end in a classic pcap. */
function offsetOfFrame(pcap: Uint8Array, n: number): number {
  const view = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  let at = 24;
  for (let i = 1; i <= n; i++) {
    const caplen = view.getUint32(at + 8, true);
    at += 16 + caplen;
  }
  return at;
}

Deno.test("hash export: the NetNTLMv2 line recomputes from the known password", async () => {
  const events = await decodeWith("smb3_signed", { exportHashes: true });
  const [login] = events.filter((e): e is NtlmEvent => e.type === "ntlm");
  assert.equal(login!.hashcatMode, 5600);
  const [user, empty, domain, challenge, proof, blob] = login!.hashcat!.split(":");
  assert.equal(user, "alice");
  assert.equal(empty, "");
  assert.equal(domain, login!.domain);
  assert.equal(challenge, login!.serverChallenge);
  // NTOWFv2 = HMAC-MD5(NT hash, UTF-16LE(UPPER(user) + domain)); NTProofStr = HMAC-MD5(NTOWFv2, challenge + blob).
  const utf16 = (s: string) => new Uint8Array([...s].flatMap((c) => [c.charCodeAt(0), 0]));
  const ntowf2 = hmac(md5, hex(NT_HASH), utf16("ALICE" + domain));
  const recomputed = hmac(md5, ntowf2, new Uint8Array([...hex(challenge!), ...hex(blob!)]));
  assert.equal(toHex(recomputed), proof);
  // Not asked for: no line.
  const plain = await decodeWith("smb3_signed");
  assert.ok(plain.every((e) => e.type !== "ntlm" || e.hashcat === undefined));
});

function hex(s: string): Uint8Array {
  return new Uint8Array(s.match(/../g)!.map((b) => parseInt(b, 16)));
}
function toHex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}
