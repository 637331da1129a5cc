/**
 * The secret flags of `decode` and `repl`: --password, --nt-hash,
 * --session-key, --keys FILE, --export-hashes FILE. Values from
 * fixtures/smb/smb3_encrypted (password Fixture-Pass-2024 for
 * WORKGROUP\alice, session key from smbclient's own key log).
 */
import assert from "node:assert/strict";
import { fixturePath, runCli } from "../_support/cli.ts";

const CAPTURE = fixturePath("smb/smb3_encrypted.pcap");
const PASSWORD = "Fixture-Pass-2024";
const SESSION_KEY = "7354212400000000:5ba2433529e115c107179be650a85886";

const lines = (stdout: string) => stdout.trim().split("\n").map((l) => JSON.parse(l));

Deno.test("decode --password decrypts; the password is nowhere in stdout or stderr", async () => {
  const run = await runCli([
    "decode",
    CAPTURE,
    "-f",
    "ndjson",
    "-q",
    "--password",
    `WORKGROUP\\alice:${PASSWORD}`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const events = lines(run.stdout);
  assert.ok(events.filter((e) => e.type === "smb" && e.decrypted).length > 20);
  assert.ok(!run.stdout.includes(PASSWORD) && !run.stderr.includes(PASSWORD));
  // Text output says so too.
  const text = await runCli(["decode", CAPTURE, "-q", "--password", `alice:${PASSWORD}`]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /secret_put\.bin/);
});

Deno.test("decode --keys FILE takes the same secrets, comments and blank lines allowed", async () => {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(
    file,
    `# secrets\n\nsession-key ${SESSION_KEY}\nnt-hash bob:${"0".repeat(32)}\n`,
  );
  const run = await runCli(["decode", CAPTURE, "-f", "ndjson", "-q", "--keys", file]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(lines(run.stdout).filter((e) => e.type === "smb" && e.decrypted).length > 20);
  await Deno.writeTextFile(file, "passwd alice:x\n");
  const bad = await runCli(["decode", CAPTURE, "--keys", file]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /:1: expected "password", "nt-hash" or "session-key"/);
  await Deno.remove(file);
});

Deno.test("decode: malformed secrets are usage errors that never quote the secret", async () => {
  for (
    const [args, message] of [
      [["--password", "alice-TopSecret"], /--password takes \[DOMAIN\\\]USER:VALUE/],
      [["--nt-hash", "alice:TopSecret"], /keys\.ntHashes\[0\]: the NT hash must be 32 hex digits/],
      [["--session-key", "12:TopSecret"], /keys\.sessionKeys\[0\]: the session key must be/],
    ] as const
  ) {
    const run = await runCli(["decode", CAPTURE, ...args]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, message);
    assert.ok(!run.stderr.includes("TopSecret"));
  }
});

Deno.test("decode --export-hashes writes each login's hashcat line, owner-readable only", async () => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/hashes.txt`;
  const run = await runCli(["decode", CAPTURE, "-f", "ndjson", "--export-hashes", out]);
  assert.equal(run.code, 0, run.stderr);
  const [login] = lines(run.stdout).filter((e) => e.type === "ntlm");
  const written = (await Deno.readTextFile(out)).trim().split("\n");
  assert.deepEqual(written, [login.hashcat]);
  assert.match(login.hashcat, /^alice::WORKGROUP:[0-9a-f]{16}:[0-9a-f]{32}:0101/);
  assert.equal((await Deno.stat(out)).mode! & 0o777, 0o600);
  assert.match(run.stderr, /wrote 1 hash \(1 NetNTLMv2, 0 NetNTLMv1\)/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("repl takes the secret flags: decrypted messages are listed", async () => {
  const run = await runCli(["repl", CAPTURE, "--session-key", SESSION_KEY], {
    stdin: "files\n",
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /secret_put\.bin/);
  // A decrypted message and a signed one say so when shown.
  const shown = await runCli(["repl", CAPTURE, "--password", `alice:${PASSWORD}`], {
    stdin: "conn 0\ngoto 6\nshow\ngoto 20\nshow\n",
  });
  assert.match(
    shown.stdout,
    /message 6 of \d+ .*SESSION_SETUP response[\s\S]*security: +signed; signature valid/,
  );
  assert.match(shown.stdout, /message 20 of [\s\S]*security: +came encrypted, decrypted/);
  const bad = await runCli(["repl", CAPTURE, "--password", "nocolon"]);
  assert.equal(bad.code, 2);
});
