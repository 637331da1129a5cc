/** `deno task bench --help` prints its usage; a bad option is a usage error, not a stack trace. */
import assert from "node:assert/strict";

const script = new URL("../bench/throughput.ts", import.meta.url).pathname;

async function bench(...args: string[]) {
  return await runScript(script, ...args);
}

async function runScript(path: string, ...args: string[]) {
  return await runIn(undefined, path, ...args);
}

async function runIn(cwd: string | undefined, path: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-A", path, ...args],
    env: { DENO_NO_UPDATE_CHECK: "1" },
    ...(cwd === undefined ? {} : { cwd }),
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("bench --help prints its usage and builds nothing", async () => {
  const run = await bench("--help");
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^Usage: deno task bench \[--mb N\] \[--also-mb N\]/);
  assert.equal(run.stderr, "");
});

Deno.test("bench with a bad option or size says so, exit 2", async () => {
  for (const args of [["--nope"], ["--mb", "x"], ["--also-mb", "-5"]]) {
    const run = await bench(...args);
    assert.equal(run.code, 2, args.join(" "));
    assert.match(run.stderr, /^bench: .*\n\nUsage:/s);
  }
});

Deno.test("bench/jobs.ts --help prints its usage; a missing capture is a usage error", async () => {
  const jobs = new URL("../bench/jobs.ts", import.meta.url).pathname;
  const run = (...args: string[]) => runScript(jobs, ...args);
  const help = await run("--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: deno run -A bench\/jobs.ts <capture>/);
  const missing = await run("/nonexistent/capture.pcap");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nonexistent\/capture.pcap: .*\nusage:/s);
});

Deno.test("bench/fanout.ts --help prints its usage; mistakes are usage errors, exit 2", async () => {
  const fanout = new URL("../bench/fanout.ts", import.meta.url).pathname;
  const bench = (...args: string[]) => runScript(fanout, ...args);
  const help = await bench("--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: deno run -A bench\/fanout.ts CAPTURE/);
  assert.equal(help.stderr, "");
  const missing = await bench("/nonexistent/capture.pcap");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^bench\/fanout.ts: \/nonexistent\/capture.pcap: .*\n\nUsage:/s);
  for (const args of [[], ["--shards", "0", "x.pcap"], ["--runs", "x", "x.pcap"], ["--nope"]]) {
    const run = await bench(...args);
    assert.equal(run.code, 2, args.join(" "));
    assert.match(run.stderr, /^bench\/fanout.ts: .*\n\nUsage:/s, args.join(" "));
    assert.equal(run.stdout, "");
  }
});

Deno.test("every other bench script: --help prints its usage and does nothing; a bad option is exit 2", async () => {
  // The capture builders once took "--help" for the file to write (200 MB named --help).
  const scripts = [
    "build_capture.ts",
    "build_dense.ts",
    "cli_peak.ts",
    "decode_file.ts",
    "detect_cost.ts",
    "detect_replay.ts",
    "extract.ts",
    "http.ts",
    "load.ts",
    "output_floor.ts",
    "smb_overhead.ts",
  ];
  const cwd = await Deno.makeTempDir();
  try {
    for (const name of scripts) {
      const path = new URL(`../bench/${name}`, import.meta.url).pathname;
      const help = await runIn(cwd, path, "--help");
      assert.equal(help.code, 0, name);
      assert.match(
        help.stdout,
        new RegExp(`^usage: deno run .*bench/${name.replace(".", "\\.")}`),
        name,
      );
      assert.equal(help.stderr, "", name);
      assert.deepEqual([...Deno.readDirSync(cwd)], [], `${name} --help wrote a file`);
      if (name === "cli_peak.ts") continue; // the rest of its command line is the CLI's
      const bad = await runIn(cwd, path, "--nope");
      assert.equal(bad.code, 2, name);
      assert.match(bad.stderr, /\n\nusage: deno run /, name);
      assert.deepEqual([...Deno.readDirSync(cwd)], [], `${name} --nope wrote a file`);
    }
  } finally {
    Deno.removeSync(cwd, { recursive: true });
  }
});
