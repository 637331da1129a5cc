/**
 * The AES code loads on demand: importing the library leaves it out, a decoder
 * with secrets asks for `loadCiphers()` first, and the async entry points load
 * it themselves. Each case runs in a fresh process, since a load lasts for the
 * process (and other test files of this run load it).
 */
import * as assert from "node:assert/strict";

const MOD = new URL("../../mod.ts", import.meta.url).href;
const FIXTURE = new URL("../../fixtures/smb/smb3_encrypted.pcap", import.meta.url);
const expected = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../fixtures/smb/smb3_encrypted.expected.json", import.meta.url),
  ),
);

/** Runs `code` (a module importing the library as `m`) in a new process; its stdout lines. */
async function fresh(code: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `import * as m from ${JSON.stringify(MOD)};\n${code}`],
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return new TextDecoder().decode(out.stdout).trim().split("\n");
}

Deno.test("importing mod.ts does not load AES; a decoder with secrets asks for loadCiphers()", async () => {
  const lines = await fresh(`
console.log(m.ciphersLoaded());
try { new m.Decoder({ keys: { passwords: ["alice:x"] } }); console.log("made"); }
catch (e) { console.log(e.message); }
new m.Decoder({ keys: { exportHashes: true } }); // no secret, no AES needed
console.log("hash export only: made");
await m.loadCiphers();
new m.Decoder({ keys: { passwords: ["alice:x"] } });
console.log(m.ciphersLoaded());
`);
  assert.deepEqual(lines, [
    "false",
    "Cannot create decoder: keys need the AES code, which loads asynchronously; " +
    "await loadCiphers() first (decode() does)",
    "hash export only: made",
    "true",
  ]);
});

Deno.test("decode() with a session key loads AES itself and decrypts smb3_encrypted.pcap", async () => {
  const key = expected.sessionKeys[0];
  assert.ok(key, "the fixture's expected results list its session key");
  const lines = await fresh(`
const keys = { sessionKeys: [${JSON.stringify(`${key.sessionIdWire}:${key.sessionKey}`)}] };
const bytes = Deno.readFileSync(new URL(${JSON.stringify(FIXTURE.href)}));
const digests = new Set();
for await (const e of m.decode(bytes, { keys })) {
  if (e.type === "file" && e.hashes) digests.add(e.path + " " + e.hashes.sha256);
}
console.log(m.ciphersLoaded());
console.log([...digests].sort().join(","));
`);
  assert.equal(lines[0], "true");
  // The digests of what the fixture's script wrote and read: only a decrypted capture gives them.
  const files = (expected.files as { name: string; sha256: string }[])
    .map((f) => `${f.name} ${f.sha256}`).sort();
  assert.equal(files.length, 2);
  assert.deepEqual(lines[1]!.split(","), files);
});

Deno.test("the HTTP function with keys in its decoder options loads AES at the first request", async () => {
  const key = expected.sessionKeys[0];
  const handler = new URL("../../functions/handler.ts", import.meta.url).href;
  const lines = await fresh(`
const { createHandler } = await import(${JSON.stringify(handler)});
const keys = { sessionKeys: [${JSON.stringify(`${key.sessionIdWire}:${key.sessionKey}`)}] };
const h = createHandler({ decoder: { keys } }); // checks the secrets without AES
console.log(m.ciphersLoaded());
const body = Deno.readFileSync(new URL(${JSON.stringify(FIXTURE.href)}));
const r = await h.fetch(new Request("http://x/decode?format=ndjson", { method: "POST", body }));
const digests = new Set();
for (const line of (await r.text()).trim().split("\\n")) {
  const e = JSON.parse(line);
  if (e.type === "file" && e.hashes) digests.add(e.path + " " + e.hashes.sha256);
}
console.log(r.status, m.ciphersLoaded());
console.log([...digests].sort().join(","));
`);
  assert.deepEqual(lines.slice(0, 2), ["false", "200 true"]);
  const files = (expected.files as { name: string; sha256: string }[])
    .map((f) => `${f.name} ${f.sha256}`).sort();
  assert.deepEqual(lines[2]!.split(","), files);
});
