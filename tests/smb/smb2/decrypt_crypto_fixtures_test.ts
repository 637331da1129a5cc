/**
 * SMB3 decryption and signature checks on fixtures/crypto (Samba 4.17 smbd
 * and smbclient; made by fixtures/crypto/make.sh, which verified every
 * signature and decrypted every transform itself in Python, had tshark
 * decrypt them, and had hashcat crack the NTLM lines): every encrypted
 * capture decoded from the password, from the NT hash and from smbd's own
 * session key gives the same events, the files the script wrote and read
 * with its own digests, every signed message valid, and the same SMB
 * traffic as the unencrypted twin made by the same script.
 */
import assert from "node:assert/strict";
import {
  decode,
  type DecodeEvent,
  type FileEvent,
  type NtlmEvent,
  type SmbEvent,
  type TreeEvent,
} from "../../../mod.ts";
import type { KeyOptions } from "../../../lib/auth/keyring.ts";

const DIR = new URL("../../../fixtures/crypto/", import.meta.url);

interface Expected {
  scenario: { dialect: string; cipher?: string; signingAlgorithm: string; encryption: string };
  accounts: { user: string; domain: string; password: string; ntHash: string }[];
  sessions: {
    sessionIdWire: string;
    sessionIdDecimal: string;
    user: string;
    keys: { sessionKey: string };
    ntlm: { hashcat: { mode: number; line: string } };
  }[];
  trees: { path: string }[];
  files: { name: string; size: number; sha256: string; actions: string[] }[];
  wireChecks: {
    signaturesVerified: { clientToServer: number; serverToClient: number };
    transformsDecrypted: { clientToServer: number; serverToClient: number };
  };
}

const CAPTURES = [...Deno.readDirSync(DIR)].map((e) => e.name)
  .filter((n) => n.endsWith(".pcap")).map((n) => n.slice(0, -5)).sort();
const expected = (name: string): Expected =>
  JSON.parse(Deno.readTextFileSync(new URL(`${name}.expected.json`, DIR)));

async function run(name: string, keys?: KeyOptions): Promise<DecodeEvent[]> {
  const bytes = await Deno.readFile(new URL(`${name}.pcap`, DIR));
  const out: DecodeEvent[] = [];
  for await (const e of decode(bytes, keys === undefined ? {} : { keys })) out.push(e);
  return out;
}

const smb = (events: DecodeEvent[]) => events.filter((e): e is SmbEvent => e.type === "smb");
const logins = (events: DecodeEvent[]) => events.filter((e): e is NtlmEvent => e.type === "ntlm");
const carved = (events: DecodeEvent[]) =>
  events.filter((e): e is FileEvent => e.type === "file" && e.hashes !== undefined)
    .map((f) => `${f.path} ${f.size} ${f.hashes!.sha256}`);
/** The SMB traffic as a person reads it: one line per message. */
const traffic = (events: DecodeEvent[]) =>
  smb(events).map((e) =>
    [e.command, e.response, e.messageId, e.statusName, e.share, e.file, e.user].join(" ")
  );

/** Expected digests of the files the script wrote or read (a listed-only file has none). */
const contents = (x: Expected) =>
  x.files.filter((f) => f.actions.some((a) => a === "read" || a === "write"))
    .map((f) => `${f.name} ${f.size} ${f.sha256}`);

for (const name of CAPTURES.filter((n) => n !== "clear_twin")) {
  const x = expected(name);
  const ways: [string, KeyOptions][] = [
    ["passwords", { passwords: x.accounts.map((a) => `${a.domain}\\${a.user}:${a.password}`) }],
    ["NT hashes", { ntHashes: x.accounts.map((a) => `${a.user}:${a.ntHash}`) }],
    ["session keys", {
      sessionKeys: x.sessions.map((s) => `${s.sessionIdWire}:${s.keys.sessionKey}`),
    }],
  ];
  const what = `${x.scenario.dialect} ${
    x.scenario.cipher ?? "no cipher"
  } ${x.scenario.signingAlgorithm}`;
  Deno.test(`fixtures/crypto ${name} (${what}): alike from passwords, NT hashes and session keys`, async () => {
    const checks = x.wireChecks;
    const transforms = checks.transformsDecrypted.clientToServer +
      checks.transformsDecrypted.serverToClient;
    const signed = checks.signaturesVerified.clientToServer +
      checks.signaturesVerified.serverToClient;
    let first: string[] | undefined;
    for (const [way, keys] of ways) {
      const events = await run(name, keys);
      const messages = smb(events);
      assert.deepEqual(events.filter((e) => e.type === "anomaly"), [], way);
      assert.equal(messages.filter((e) => e.command === "ENCRYPTED").length, 0, way);
      assert.ok(messages.filter((e) => e.decrypted).length >= transforms, way);
      // The signatures make.sh verified (the clear signed messages), every one valid.
      const verdicts = messages.filter((e) => e.signature !== undefined);
      assert.equal(verdicts.length, signed, way);
      assert.ok(verdicts.every((e) => e.signature === "valid"), way);
      if (way !== "session keys") {
        assert.deepEqual(logins(events).map((l) => l.passwordMatch), x.sessions.map(() => true));
      }
      for (const line of contents(x)) assert.ok(carved(events).includes(line), `${way}: ${line}`);
      const trees = events.filter((e): e is TreeEvent => e.type === "tree" && e.success === true)
        .map((t) => t.path);
      for (const t of x.trees) assert.ok(trees.includes(t.path), `${way}: tree ${t.path}`);
      const t = traffic(events);
      if (first === undefined) first = t;
      else assert.deepEqual(t, first, `${way} decodes as the passwords do`);
    }
  });
}

Deno.test("fixtures/crypto: the hashcat lines are the ones hashcat cracked", async () => {
  for (const name of CAPTURES) {
    const x = expected(name);
    const events = await run(name, { exportHashes: true });
    assert.deepEqual(
      logins(events).map((l) => [l.hashcatMode, l.hashcat]),
      x.sessions.map((s) => [s.ntlm.hashcat.mode, s.ntlm.hashcat.line]),
      name,
    );
  }
});

Deno.test("fixtures/crypto: the decrypted session is the clear twin's traffic and files", async () => {
  const twin = await run("clear_twin", { passwords: ["alice:Fixture-Passw0rd!"] });
  const enc = await run("enc_311_gcm", { passwords: ["alice:Fixture-Passw0rd!"] });
  // After the login (whose signatures and ids differ by nature), message for message, leaving
  // out interim STATUS_PENDING answers (their number is timing); ids differ, names do not.
  const after = (events: DecodeEvent[]) => {
    const all = smb(events);
    const start = all.findIndex((e) => e.command === "TREE_CONNECT");
    return all.slice(start).filter((e) => e.statusName !== "STATUS_PENDING")
      .map((e) => [e.command, e.response, e.statusName, e.file, e.user].join(" ")).sort();
  };
  assert.deepEqual(after(enc), after(twin));
  const files = (events: DecodeEvent[]) =>
    events.filter((e): e is FileEvent => e.type === "file" && e.path !== "")
      .map((f) => `${f.path} ${f.actions.join(",")} ${f.size} ${f.hashes?.sha256 ?? ""}`).sort();
  assert.deepEqual(files(enc), files(twin));
  assert.ok(smb(enc).filter((e) => e.decrypted).length > 200);
  assert.equal(smb(twin).filter((e) => e.decrypted).length, 0);
});

Deno.test("fixtures/crypto enc_two_users: one password decrypts its own session only", async () => {
  const x = expected("enc_two_users");
  const alice = x.accounts.find((a) => a.user === "alice")!;
  const bob = x.sessions.find((s) => s.user === "bob")!;
  const events = await run("enc_two_users", { passwords: [`alice:${alice.password}`] });
  const messages = smb(events);
  const left = messages.filter((e) => e.command === "ENCRYPTED");
  assert.ok(left.length > 10);
  assert.deepEqual([...new Set(left.map((e) => e.sessionId))], [bob.sessionIdDecimal]);
  assert.ok(messages.filter((e) => e.decrypted).every((e) => e.user === "WORKGROUP\\alice"));
  // No secret for bob: nothing failed, nothing to say but what stays encrypted.
  assert.deepEqual(events.filter((e) => e.type === "anomaly"), []);
  const summary = events.at(-1)!;
  assert.ok(summary.type === "summary" && summary.smb.encryptedMessages === left.length);
  // bob's password has non-ASCII characters (UTF-16LE for the NT hash): it decrypts his.
  const both = await run("enc_two_users", {
    passwords: x.accounts.map((a) => `${a.user}:${a.password}`),
  });
  assert.equal(smb(both).filter((e) => e.command === "ENCRYPTED").length, 0);
  assert.ok(smb(both).some((e) => e.decrypted && e.file === "bob.txt"));
});

Deno.test("fixtures/crypto: a wrong session key fails once per session, named", async () => {
  const x = expected("enc_two_users");
  const events = await run("enc_two_users", {
    sessionKeys: x.sessions.map((s) => `${s.sessionIdWire}:${"11".repeat(16)}`),
  });
  const failed = events.filter((e) => e.type === "anomaly" && e.code === "smb2_decrypt_failed")
    .map((e) => (e as { detail: string }).detail);
  assert.equal(failed.length, 2);
  for (const s of x.sessions) {
    assert.ok(failed.some((d) => d.includes(`SessionId ${s.sessionIdDecimal}`)));
  }
  assert.ok(
    failed.every((d) => /authentication tag fails with the key from the given session-key/.test(d)),
  );
});
