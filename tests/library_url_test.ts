/**
 * The library by URL, as the README says: a script of one's own imports
 * mod.ts from a static server with `--allow-import=<host>`; the server must
 * give `.ts` a TypeScript media type (a module served as text/plain is
 * refused). Served here from this checkout on 127.0.0.1.
 */
import * as assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

/** Serve this checkout; `.ts` as `type` (the README's point). */
function serve(type: string) {
  return Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname.replace(/^\/smbscope\//, "");
    try {
      const body = await Deno.readFile(new URL(path, root));
      return new Response(body, {
        headers: { "content-type": path.endsWith(".ts") ? type : "application/octet-stream" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

const SCRIPT = (host: string) =>
  `import { decode } from "http://${host}/smbscope/mod.ts";
const file = await Deno.open(Deno.args[0]!);
const counts: Record<string, number> = {};
for await (const event of decode(file.readable)) {
  counts[event.type] = (counts[event.type] ?? 0) + 1;
  if (event.type === "ntlm") console.log("login:", event.domain, event.user, event.success);
  if (event.type === "summary") console.log(event.frames, "frames;", counts.smb, "smb");
}
`;

async function run(
  dir: string,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...args],
    cwd: dir,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const t = new TextDecoder();
  return { code: o.code, out: t.decode(o.stdout), err: t.decode(o.stderr) };
}

Deno.test("mod.ts by URL: a script runs with --allow-import=<host> and -R", async () => {
  const dir = await Deno.makeTempDir();
  const server = serve("application/typescript; charset=utf-8");
  try {
    const host = `127.0.0.1:${server.addr.port}`;
    Deno.writeTextFileSync(`${dir}/summarise.ts`, SCRIPT(host));
    const capture = new URL("fixtures/smb/smb1_session.pcap", root).pathname;
    const ok = await run(dir, [
      `--allow-import=${host}`,
      "-R",
      "--reload",
      "summarise.ts",
      capture,
    ]);
    assert.equal(ok.code, 0, ok.err);
    // The fixture's script logged in as WORKGROUP\alice; capinfos: 88 packets, 44 carrying SMB.
    assert.match(ok.out, /^login: WORKGROUP alice true$/m);
    assert.match(ok.out, /^88 frames; 44 smb$/m);
    const refused = await run(dir, ["-R", "summarise.ts", capture]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /allow-import|Requires import access/i);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mod.ts by URL: served as text/html, the module is refused", async () => {
  const dir = await Deno.makeTempDir();
  const server = serve("text/html");
  try {
    const host = `127.0.0.1:${server.addr.port}`;
    Deno.writeTextFileSync(`${dir}/summarise.ts`, SCRIPT(host));
    const r = await run(dir, [
      `--allow-import=${host}`,
      "-R",
      "--reload",
      "summarise.ts",
      "x.pcap",
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /Expected a JavaScript or TypeScript module/);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mod.ts by URL: decode() with a session key loads AES on demand and decrypts", async () => {
  const expected = JSON.parse(
    Deno.readTextFileSync(new URL("fixtures/smb/smb3_encrypted.expected.json", root)),
  );
  const key = expected.sessionKeys[0];
  const dir = await Deno.makeTempDir();
  const server = serve("application/typescript; charset=utf-8");
  try {
    const host = `127.0.0.1:${server.addr.port}`;
    Deno.writeTextFileSync(
      `${dir}/decrypt.ts`,
      `import { ciphersLoaded, decode } from "http://${host}/smbscope/mod.ts";
const keys = { sessionKeys: [Deno.args[1]!] };
const file = await Deno.open(Deno.args[0]!);
const seen = new Set<string>();
for await (const e of decode(file.readable, { keys })) {
  if (e.type === "file" && e.hashes) seen.add(e.path + " " + e.hashes.sha256);
}
console.log(ciphersLoaded(), [...seen].sort().join(","));
`,
    );
    const capture = new URL("fixtures/smb/smb3_encrypted.pcap", root).pathname;
    const r = await run(dir, [
      `--allow-import=${host}`,
      "-R",
      "--reload",
      "decrypt.ts",
      capture,
      `${key.sessionIdWire}:${key.sessionKey}`,
    ]);
    assert.equal(r.code, 0, r.err);
    // The fixture script's sha256sum of the two files it wrote and read, only readable decrypted.
    const files = (expected.files as { name: string; sha256: string }[])
      .map((f) => `${f.name} ${f.sha256}`).sort().join(",");
    assert.equal(r.out.trim(), `true ${files}`);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
