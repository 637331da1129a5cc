/**
 * dist/, the bundled CLI that `deno task decode` and `deno task repl` run: it
 * is what tools/build.ts makes of the current sources, and it decodes as
 * cli/main.ts does, its bundled workers and the chunks it loads on demand
 * (AES, the REPL) included.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { staleBundles } from "../../tools/build.ts";
import { Md5Thread } from "../../cli/threaded_hashes.ts";
import { fixturePath, hasTmux, runCli, Terminal } from "../_support/cli.ts";

const BUNDLE = new URL("../../dist/smbscope.js", import.meta.url).pathname;

Deno.test("dist/ holds the bundles of the current sources", async () => {
  // Not a comparison of the texts: a diff of two 1.5 MB bundles says nothing useful.
  assert.deepEqual(await staleBundles(), [], "stale: run `deno task build`");
});

Deno.test("the bundle decodes as the sources do", async (t) => {
  const runs: [string, string[]][] = [
    ["smb/smb3_11.pcap", ["--format", "ndjson"]],
    ["dcerpc/rpc_smb2.pcap", ["--format", "ndjson"]],
    ["smb/files/files_smb21.pcap", ["--format", "text"]],
    // Decrypted: AES, loaded on demand by a dynamic import, is inside the bundle (the session
    // key is the one fixtures/smb/make.sh recorded in smb3_encrypted.expected.json).
    [
      "smb/smb3_encrypted.pcap",
      ["--format", "ndjson", "--session-key", "7354212400000000:5ba2433529e115c107179be650a85886"],
    ],
    // Sharded: the bundle starts its shard workers from dist/shard_worker.js.
    ["smb/smb3_11.pcap", ["--format", "ndjson", "--jobs", "2"]],
  ];
  for (const [name, args] of runs) {
    await t.step(`${name} ${args.join(" ")}`, async () => {
      const path = fixturePath(name);
      const fromSources = await runCli(["decode", path, ...args]);
      const fromBundle = await runCli(["decode", path, ...args], { script: BUNDLE });
      assert.equal(fromBundle.code, 0, fromBundle.stderr);
      assert.equal(fromBundle.stdout, fromSources.stdout);
      assert.equal(fromBundle.stderr, fromSources.stderr);
    });
  }
});

Deno.test("the bundle's REPL answers line commands as the sources' does", async () => {
  // The REPL is a chunk the bundle loads on demand; commands from the REPL's own tests.
  const stdin = ["summary", "conn 0", "next", "show", "list", "files", "rpc", "quit"].join("\n") +
    "\n";
  const path = fixturePath("smb/smb3_11.pcap");
  const fromSources = await runCli(["repl", path], { stdin });
  const fromBundle = await runCli(["repl", path], { stdin, script: BUNDLE });
  assert.equal(fromBundle.code, 0, fromBundle.stderr);
  assert.match(fromBundle.stdout, /users:\s+WORKGROUP\\alice\n/);
  assert.equal(fromBundle.stdout, fromSources.stdout);
});

Deno.test({
  name: "the bundle's interactive REPL (its prompt library a chunk) on a terminal" +
    (hasTmux ? "" : " [skipped: tmux is not installed]"),
  ignore: !hasTmux,
  fn: async () => {
    const t = new Terminal();
    try {
      t.start(fixturePath("smb/smb2_10.pcap"), 120, BUNDLE);
      await t.waitFor("status:        decoded", "\u276f #0 tcp");
      t.keys("Enter");
      await t.waitFor("message 1 of 80", "SMB2 NEGOTIATE request");
      t.keys("q");
      await t.waitFor("REPL-EXIT 0");
    } finally {
      t.close();
    }
  },
});

Deno.test("the bundle's Parquet writer (a chunk) writes the sources' files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = fixturePath("smb/smb3_11.pcap");
    for (const [out, script] of [["sources", undefined], ["bundle", BUNDLE]] as const) {
      const run = await runCli(
        ["decode", path, "-q", "--parquet", `${dir}/${out}`],
        script === undefined ? {} : { script },
      );
      assert.equal(run.code, 0, run.stderr);
    }
    const names = [...Deno.readDirSync(`${dir}/sources`)].map((e) => e.name).sort();
    assert.ok(names.includes("smb.parquet") && names.includes("file.parquet"), names.join());
    for (const name of names) {
      assert.deepEqual(
        Deno.readFileSync(`${dir}/bundle/${name}`),
        Deno.readFileSync(`${dir}/sources/${name}`),
        name,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the bundle carves smb3_bulk.pcap's file with the digest its script recorded", async () => {
  // smbclient puts then gets bulk.bin, 3 MiB; fixtures/smb/make.sh wrote its SHA-256 in
  // smb3_bulk.expected.json.
  const expected = JSON.parse(
    await Deno.readTextFile(fixturePath("smb/smb3_bulk.expected.json")),
  ) as { files: { name: string; size: number; sha256: string }[] };
  const bulk = expected.files.find((f) => f.name === "bulk.bin")!;
  const run = await runCli(
    ["decode", fixturePath("smb/smb3_bulk.pcap"), "--format", "ndjson", "-t", "file"],
    { script: BUNDLE },
  );
  assert.equal(run.code, 0, run.stderr);
  const files = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
  // The put, the get (each carved whole), the delete (no content), and the share's root.
  assert.deepEqual(
    files.map((f) => [f.path, f.actions.join(), f.size, f.hashes?.sha256 ?? null]),
    [
      ["bulk.bin", "write", bulk.size, bulk.sha256],
      ["bulk.bin", "read", bulk.size, bulk.sha256],
      ["bulk.bin", "delete", bulk.size, null],
      ["", "", 0, null],
    ],
  );
});

Deno.test("the bundled MD5 worker (dist/md5_worker.js) gives node:crypto's digests", () => {
  // The bundle's MD5 thread starts dist/md5_worker.js; it engages only past 256 MiB of large
  // files, so it is driven here through the same Md5Thread, pointed at the bundled worker.
  const thread = new Md5Thread(0, new URL("../../dist/md5_worker.js", import.meta.url));
  try {
    const bytes = new Uint8Array(3_000_000).map((_, i) => (i * 2654435761) >>> 24);
    const d = thread.digester({ size: bytes.length });
    for (let at = 0; at < bytes.length; at += 65_536) d.update(bytes.subarray(at, at + 65_536));
    const hashes = d.digest();
    assert.ok(thread.started);
    assert.equal(hashes.md5, createHash("md5").update(bytes).digest("hex"));
    assert.equal(hashes.sha256, createHash("sha256").update(bytes).digest("hex"));
  } finally {
    thread.close();
  }
});
