/**
 * `deno install` of the bundled CLI (dist/smbscope.js) as a `smbscope` command
 * (as the README says), into a temporary root with an empty Deno cache:
 * `smbscope decode` works and fetches no npm package at all (the hashing and
 * cipher packages are inside the bundle; not the prompt library, the Parquet
 * writer or the test-only browser driver and DuckDB either). Skips, saying
 * why, when the npm registry cannot be reached.
 */
import * as assert from "node:assert/strict";
import { fixturePath } from "../_support/cli.ts";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("deno install -g -n smbscope: decode runs and fetches nothing", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const env = { DENO_DIR: `${dir}/cache`, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
    const install = await new Deno.Command(Deno.execPath(), {
      args: [
        "install",
        "-g",
        "--root",
        `${dir}/root`,
        "-n",
        "smbscope",
        "--no-lock",
        "--config",
        `${root}deno.json`,
        "-R",
        "-W",
        "-E",
        "--v8-flags=--max-semi-space-size=8,--heap-growing-percent=30,--no-memory-pool,--memory-pool-timeout=0",
        `${root}dist/smbscope.js`,
      ],
      cwd: root,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!install.success) {
      const why = new TextDecoder().decode(install.stderr);
      if (/registry|network|dns|connect|fetch/i.test(why)) {
        console.log(
          `install test skipped: the npm registry cannot be reached: ${why.slice(0, 200)}`,
        );
        return;
      }
      assert.fail(why);
    }
    const run = await new Deno.Command(`${dir}/root/bin/smbscope`, {
      args: ["decode", fixturePath("smb/smb1_session.pcap"), "-q", "-t", "summary"],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(run.stdout);
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    // tshark: 88 frames.
    assert.match(out, /^capture: pcap, 53\.2 kB, 88 frames/);
    await t.step("no npm package was fetched", () => {
      let fetched: string[] = [];
      try {
        fetched = [...Deno.readDirSync(`${dir}/cache/npm/registry.npmjs.org`)].map((e) => e.name);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      assert.deepEqual(fetched, []);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
