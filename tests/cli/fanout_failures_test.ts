/**
 * `fanout` when not every shard runs at once, or a request fails (function
 * instances in this process, behind Deno.serve): fewer requests at once
 * than shards still finishes (it waited forever for the shards not yet
 * started); a 4xx answer is not retried; a failed shard is retried on the
 * next endpoint; a failure names the shard and endpoint without the
 * request's query (which carries the source URL and its signature).
 */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";
import { parseFanoutArgs } from "../../cli/fanout.ts";
import { CLI, type CliRun, fixturePath, runCli } from "../_support/cli.ts";

function serve(handler: (r: Request) => Response | Promise<Response>) {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  return { server, url: `http://127.0.0.1:${server.addr.port}` };
}

/** A loopback port nothing listens on (bound, then closed). */
function deadEndpoint(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

/** `runCli`, but killed after `seconds` (a hang fails the test instead of blocking the suite). */
async function runCliWithin(
  seconds: number,
  args: string[],
): Promise<CliRun & { killed: boolean }> {
  const signal = AbortSignal.timeout(seconds * 1000);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-A", CLI, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    signal,
  }).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
    killed: signal.aborted,
  };
}

Deno.test("fanout --concurrency below --shards finishes and equals decode --jobs 1", async () => {
  // 1.1 MB of file I/O on one host pair: its shard sends more than the merge holds unasked
  // before the other shard has started.
  const path = fixturePath("smb/files/files_gap.pcap");
  const fn = serve(createHandler().fetch);
  try {
    const one = await runCli(["decode", "-q", "--jobs", "1", "-f", "ndjson", path]);
    assert.equal(one.code, 0, one.stderr);
    for (const shards of ["2", "3"]) {
      const fan = await runCliWithin(60, [
        "fanout",
        "--endpoint",
        fn.url,
        "--shards",
        shards,
        "--concurrency",
        "1",
        path,
      ]);
      assert.ok(!fan.killed, `--shards ${shards} --concurrency 1 did not end within 60 s`);
      assert.equal(fan.code, 0, fan.stderr);
      assert.equal(fan.stdout, one.stdout, `--shards ${shards}`);
    }
  } finally {
    await fn.server.shutdown();
  }
});

Deno.test("fanout runs every shard at once unless told otherwise", () => {
  const cmd = parseFanoutArgs(["--endpoint", "http://a", "--shards", "40", "x.pcap"]);
  assert.ok(cmd !== "help");
  assert.equal(cmd.concurrency, 40);
});

Deno.test("fanout does not retry a 4xx answer", async () => {
  let asked = 0;
  const fn = serve(() => {
    asked++;
    return Response.json(
      { error: { code: "source_not_found", message: "the source answered 404 Not Found" } },
      { status: 404 },
    );
  });
  try {
    const run = await runCli([
      "fanout",
      "--endpoint",
      fn.url,
      "--shards",
      "1",
      "--source",
      "http://store.example/a.pcap",
    ]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `smbscope: fanout: shard 0/1 at ${fn.url}: 404 source_not_found: ` +
        "the source answered 404 Not Found\n",
    );
    assert.equal(asked, 1);
  } finally {
    await fn.server.shutdown();
  }
});

Deno.test("fanout retries a failed shard on the next endpoint", async () => {
  let busyAsked = 0;
  const busy = serve(() => {
    busyAsked++;
    return new Response("overloaded", { status: 503 });
  });
  const fn = serve(createHandler().fetch);
  try {
    const path = fixturePath("detect/rpc/rpc_lateral.pcap");
    const one = await runCli(["decode", "-q", "--jobs", "1", "-f", "ndjson", path]);
    // Shard 0 goes to the busy endpoint first, then to the next one; shard 1 to the next one.
    const fan = await runCli([
      "fanout",
      "--endpoint",
      busy.url,
      "--endpoint",
      fn.url,
      "--shards",
      "2",
      path,
    ]);
    assert.equal(fan.code, 0, fan.stderr);
    assert.equal(fan.stdout, one.stdout);
    assert.equal(busyAsked, 1);
  } finally {
    await busy.server.shutdown();
    await fn.server.shutdown();
  }
});

Deno.test("fanout names a refused endpoint and why, never the source's query", async () => {
  const [a, b] = [deadEndpoint(), deadEndpoint()];
  const run = await runCli([
    "fanout",
    "--endpoint",
    a,
    "--endpoint",
    b,
    "--shards",
    "1",
    "--source",
    "http://store.example/a.pcap?X-Amz-Signature=secret",
  ]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.match(
    run.stderr,
    new RegExp(
      `^smbscope: fanout: shard 0/1 at ${a}: could not send the request: .*Connection refused.*; ` +
        `retried at ${b}: could not send the request: .*Connection refused.*\\n$`,
    ),
  );
  assert.ok(!run.stderr.includes("secret"), run.stderr);
});
