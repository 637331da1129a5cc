/**
 * dist/smbscope.js, the bundled CLI that `deno task decode` runs: it is what
 * tools/build.ts makes of the current sources, and it decodes as cli/main.ts
 * does, its workers (loaded from cli/) included.
 */
import * as assert from "node:assert/strict";
import { bundle } from "../../tools/build.ts";
import { fixturePath, runCli } from "../_support/cli.ts";

const BUNDLE = new URL("../../dist/smbscope.js", import.meta.url).pathname;

Deno.test("dist/smbscope.js is the bundle of the current sources", async () => {
  const current = await Deno.readTextFile(BUNDLE);
  // Not assert.equal: its diff of two 1.5 MB texts says nothing useful.
  assert.ok(current === await bundle(), "dist/smbscope.js is stale: run `deno task build`");
});

Deno.test("the bundle decodes as the sources do", async (t) => {
  const runs: [string, string[]][] = [
    ["smb/smb3_11.pcap", ["--format", "ndjson"]],
    ["dcerpc/rpc_smb2.pcap", ["--format", "ndjson"]],
    ["smb/files/files_smb21.pcap", ["--format", "text"]],
    // Sharded: the bundle starts its shard workers from cli/shard_worker.ts.
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
