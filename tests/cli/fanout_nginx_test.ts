/**
 * `fanout --source` end to end, as the issue asks: Debian's nginx serving
 * captures with byte ranges on loopback, three function processes
 * (dist/serve.js as `deno task serve` runs it, each allowing nginx's
 * host only), and the CLI merging the shards. Its NDJSON and JSON must be
 * `decode --jobs 1`'s bytes for fixtures, one multi-host public capture
 * (when ../shared is present) and a gzip capture; a missing source and a
 * host the functions do not allow end fanout with one clear line on stderr.
 * Skipped, saying why, without nginx.
 */
import * as assert from "node:assert/strict";
import { type CliRun, fixturePath, runCli } from "../_support/cli.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";
import { gzip } from "../functions/helpers.ts";
import { startNginx } from "../functions/nginx.ts";
import { type FunctionProcess, startFunction } from "../functions/function_process.ts";

/** Fixtures with more than one host pair, tunnels, pcapng sections, and over 1 MB of file I/O. */
const FIXTURES = [
  "detect/rpc/rpc_drs.pcap",
  "detect/rpc/rpc_lateral.pcap",
  "net/tunnels.pcap",
  "formats/multi_section.pcapng",
  "smb/files/files_gap.pcap",
];
/** 12 host pairs, PsExec (alerts that the merger must place as one decoder does). */
const PUBLIC = "suricata-verify/20171220_smb_psexec_add_user.pcap";

/** A fanout run must fail with one line naming `what`, and nothing on stdout. */
function assertClearFailure(run: { code: number; stdout: string; stderr: string }, what: RegExp) {
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, what);
  assert.equal(run.stderr.trimEnd().split("\n").length, 1, `one line:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
}

Deno.test("fanout --source: nginx, three function processes, the CLI; equals decode --jobs 1", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "smbscope-fanout-sources-" });
  const captures: { name: string; path: string }[] = [];
  for (const fixture of FIXTURES) {
    const name = fixture.split("/").at(-1)!;
    await Deno.copyFile(fixturePath(fixture), `${root}/${name}`);
    captures.push({ name, path: `${root}/${name}` });
  }
  if (corpusPresent) {
    const name = PUBLIC.split("/").at(-1)!;
    await Deno.copyFile(new URL(PUBLIC, corpus), `${root}/${name}`);
    captures.push({ name, path: `${root}/${name}` });
  } else console.log(`public capture skipped: the corpus is not at ${corpus.pathname}`);
  await Deno.writeFile(
    `${root}/rpc_lateral.pcap.gz`,
    await gzip(Deno.readFileSync(fixturePath("detect/rpc/rpc_lateral.pcap"))),
  );
  const nginx = await startNginx(root);
  if (typeof nginx === "string") {
    console.log(`skipped: ${nginx}`);
    await Deno.remove(root, { recursive: true });
    return;
  }
  const functions: FunctionProcess[] = [];
  try {
    const env = { SMBSCOPE_SOURCE_HOSTS: nginx.host };
    const started = await Promise.allSettled([1, 2, 3].map(() => startFunction(env)));
    for (const s of started) if (s.status === "fulfilled") functions.push(s.value);
    for (const s of started) if (s.status === "rejected") throw s.reason;
    const [a, b, c] = functions.map((f) => f.base);
    const fanout = (source: string, ...args: string[]): Promise<CliRun> =>
      runCli([
        "fanout",
        "--endpoint",
        a!,
        "--endpoint",
        b!,
        "--shards",
        "3",
        "--source",
        source,
        ...args,
      ]);
    const decode = (path: string, format: string): Promise<CliRun> =>
      runCli(["decode", "-q", "--jobs", "1", "-f", format, path]);

    /** fanout of `name` on nginx against decode of `path`, as NDJSON and as JSON. */
    const sameAsDecode = async (name: string, path: string) => {
      const source = `${nginx.base}/${name}`;
      const [fan, one, fanJson, oneJson] = await Promise.all([
        fanout(source),
        decode(path, "ndjson"),
        fanout(source, "-f", "json"),
        decode(path, "json"),
      ]);
      assert.equal(one.code, 0, one.stderr);
      assert.equal(fan.code, 0, `${name}: ${fan.stderr}`);
      assert.ok(fan.stdout.endsWith("\n") && fan.stdout.includes('"type":"summary"'), name);
      assert.equal(fan.stdout, one.stdout, `${name} as ndjson`);
      assert.equal(fanJson.code, 0, `${name}: ${fanJson.stderr}`);
      assert.equal(fanJson.stdout, oneJson.stdout, `${name} as json`);
    };

    await t.step("each capture, NDJSON and JSON, 3 shards over two processes", async () => {
      for (const { name, path } of captures) await sameAsDecode(name, path);
    });

    await t.step("every process takes a shard: 3 endpoints, 3 shards; and 2 shards", async () => {
      const { name, path } = captures.at(-1)!;
      const one = await decode(path, "ndjson");
      for (const shards of ["3", "2"]) {
        const fan = await runCli([
          "fanout",
          ...[a!, b!, c!].flatMap((e) => ["--endpoint", e]),
          "--shards",
          shards,
          "--source",
          `${nginx.base}/${name}`,
        ]);
        assert.equal(fan.code, 0, fan.stderr);
        assert.equal(fan.stdout, one.stdout, `${name}, ${shards} shards`);
      }
    });

    await t.step("a gzip capture through source=", async () => {
      const path = `${root}/rpc_lateral.pcap.gz`;
      const [fan, one] = await Promise.all([
        fanout(`${nginx.base}/rpc_lateral.pcap.gz`),
        decode(path, "ndjson"),
      ]);
      assert.equal(fan.code, 0, fan.stderr);
      assert.equal(fan.stdout, one.stdout);
      assert.match(fan.stdout, /"gzip":true/);
    });

    await t.step(
      "a missing source: exit 1, one line naming it, its query never echoed",
      async () => {
        const run = await fanout(`${nginx.base}/no-such.pcap?sig=secret`);
        assertClearFailure(
          run,
          /^smbscope: fanout: shard \d\/3 at http:\/\/127\.0\.0\.1:\d+: 404 /,
        );
        assert.match(run.stderr, /source_not_found: .*\/no-such\.pcap/);
        assert.ok(!run.stderr.includes("secret"), run.stderr);
      },
    );

    await t.step(
      "a source host the functions do not allow: exit 1, one line saying so",
      async () => {
        // The same nginx by another name: only 127.0.0.1:PORT is on the list, exactly.
        const port = new URL(nginx.base).port;
        const run = await fanout(`http://localhost:${port}/rpc_lateral.pcap`);
        assertClearFailure(run, /: 403 source_not_allowed: localhost:\d+ is not on the list/);
        assert.match(run.stderr, /SMBSCOPE_SOURCE_HOSTS/);
      },
    );
  } finally {
    await Promise.all(functions.map((f) => f.stop()));
    await nginx.stop();
    await Deno.remove(root, { recursive: true });
  }
});
