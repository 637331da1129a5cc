/** bench/fanout.ts --help prints its usage; a missing capture or a bad option is a usage error. */
import * as assert from "node:assert/strict";

const script = new URL("../../bench/fanout.ts", import.meta.url).pathname;

async function bench(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-A", script, ...args],
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("bench/fanout.ts --help prints its usage; mistakes are usage errors, exit 2", async () => {
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
