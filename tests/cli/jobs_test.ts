/**
 * `decode --jobs N` gives what `--jobs 1` gives: the merged events of N
 * workers equal one decoder's (in process, through the real workers), and the CLI's ndjson, text and json output is byte for
 * byte the same on a selection of fixtures and multi-host corpus captures.
 */
import * as assert from "node:assert/strict";
import type { DecodeEvent } from "../../mod.ts";
import { decodeSharded, whyOneJob } from "../../cli/jobs.ts";
import { decodeSource, openSource } from "../../cli/input.ts";
import { fixturePath, runCli } from "../_support/cli.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";
import { capturesUnder } from "../_support/decode.ts";

const root = new URL("../../fixtures/", import.meta.url);

/** Per-capture SMB2 decompression allowance: differs by design, flagged (tests/shard/merge_test.ts). */
const FLAGGED = new Set([
  "hostile/compression_lz77_bomb.pcap",
  "hostile/compression_pattern_bomb.pcap",
]);

async function collect(run: (sink: (e: DecodeEvent[]) => void) => Promise<void>) {
  const lines: string[] = [];
  await run((batch) => {
    for (const e of batch) lines.push(JSON.stringify(e));
  });
  return lines;
}

// Every fixture goes through the merger in tests/shard/merge_test.ts; through the workers, one
// capture in four (a worker costs its start-up: all of them took 90 s here).
Deno.test("decodeSharded in 2 and 3 workers equals decodeSource (a quarter of the fixtures)", async () => {
  for (const [i, path] of capturesUnder(root).filter((p) => !p.endsWith(".gz")).entries()) {
    const name = path.slice(root.pathname.length);
    if (i % 4 !== 0 && !name.startsWith("detect/")) continue;
    if (FLAGGED.has(name) || whyOneJob(path, { extract: false }) !== undefined) continue;
    const { source } = await openSource(path);
    const one = await collect((sink) => decodeSource(source, {}, sink));
    source.close?.();
    for (const count of [2, 3]) {
      const merged = await collect((sink) => decodeSharded(path, count, {}, sink));
      assert.deepEqual(merged, one, `${name} in ${count} workers`);
    }
  }
});

const CLI_FIXTURES = [
  "detect/rpc/rpc_lateral.pcap",
  "detect/auth/spray.pcap",
  "smb/smb3_11.pcap", // one host pair only
  "smb/io/io_smb2_5mib.pcap",
].map(fixturePath);
const CLI_CORPUS = [
  "zeek/mapi.pcap",
  "arkime/ntlm_synthetic.pcap",
  "corelight-petitpotam/PatchedDCAuthenticatedTryWithRpcEncryptFileSrv.pcapng",
].map((name) => new URL(name, corpus).pathname);

for (const format of ["ndjson", "text", "json"]) {
  Deno.test(`decode --jobs 2 and 3 write what --jobs 1 writes (${format})`, async () => {
    const paths = [...CLI_FIXTURES, ...(corpusPresent ? CLI_CORPUS : [])];
    for (const path of paths) {
      const one = await runCli(["decode", "-q", "--jobs", "1", "-f", format, path]);
      assert.equal(one.code, 0, one.stderr);
      for (const jobs of ["2", "3"]) {
        const many = await runCli(["decode", "-q", "--jobs", jobs, "-f", format, path]);
        assert.equal(many.code, 0, many.stderr);
        assert.equal(many.stdout, one.stdout, `${path} --jobs ${jobs}`);
      }
    }
  });
}

Deno.test("decode --jobs falls back to one job for standard input and says so", async () => {
  const path = fixturePath("smb/smb3_11.pcap");
  const bytes = Deno.readFileSync(path);
  const one = await runCli(["decode", "--jobs", "1", "-f", "ndjson", path]);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      "-A",
      new URL("../../cli/main.ts", import.meta.url).pathname,
      "decode",
      "--jobs",
      "2",
      "-f",
      "ndjson",
      "-",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(bytes);
  await w.close();
  const out = await child.output();
  assert.equal(new TextDecoder().decode(out.stdout), one.stdout);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /decoding in one job: standard input is read once/,
  );
});

Deno.test("decode --jobs refuses a bad number", async () => {
  const run = await runCli(["decode", "--jobs", "0", fixturePath("smb/smb3_11.pcap")]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--jobs takes a number of workers from 1 to 256, not "0"/);
});
