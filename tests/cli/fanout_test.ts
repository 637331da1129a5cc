/**
 * `fanout` against two function instances on loopback (createHandler behind
 * Deno.serve, in this process) merging 3 shards posted as bodies: its NDJSON
 * equals `decode --jobs 1`'s; a refused shard is retried once; a bad shard
 * parameter is a 400.
 */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";
import { fixturePath, runCli } from "../_support/cli.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";

function serve(handler: (r: Request) => Promise<Response>) {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  return { server, url: `http://127.0.0.1:${server.addr.port}` };
}

const CAPTURES = [
  fixturePath("detect/rpc/rpc_lateral.pcap"),
  fixturePath("smb/io_multichannel.pcap"),
  ...(corpusPresent ? [new URL("zeek/mapi.pcap", corpus).pathname] : []),
];

Deno.test("fanout over two function instances, 3 shards, equals decode --jobs 1", async () => {
  const a = serve(createHandler().fetch), b = serve(createHandler().fetch);
  try {
    for (const path of CAPTURES) {
      const one = await runCli(["decode", "-q", "--jobs", "1", "-f", "ndjson", path]);
      assert.equal(one.code, 0, one.stderr);
      const fan = await runCli([
        "fanout",
        "--endpoint",
        a.url,
        "--endpoint",
        b.url,
        "--shards",
        "3",
        path,
      ]);
      assert.equal(fan.code, 0, fan.stderr);
      assert.equal(fan.stdout, one.stdout, path);
      const json = await runCli([
        "fanout",
        "--endpoint",
        a.url,
        "--shards",
        "2",
        "-f",
        "json",
        path,
      ]);
      const oneJson = await runCli(["decode", "-q", "--jobs", "1", "-f", "json", path]);
      assert.equal(json.stdout, oneJson.stdout, `${path} as json`);
    }
  } finally {
    await a.server.shutdown();
    await b.server.shutdown();
  }
});

Deno.test("fanout retries a refused shard once", async () => {
  const handler = createHandler();
  let refused = 0;
  const flaky = serve((r) => {
    if (new URL(r.url).searchParams.get("shard") === "1/2" && refused++ === 0) {
      return Promise.resolve(new Response("busy", { status: 503 }));
    }
    return handler.fetch(r);
  });
  try {
    const path = fixturePath("detect/rpc/rpc_lateral.pcap");
    const one = await runCli(["decode", "-q", "--jobs", "1", "-f", "ndjson", path]);
    const fan = await runCli(["fanout", "--endpoint", flaky.url, "--shards", "2", path]);
    assert.equal(fan.code, 0, fan.stderr);
    assert.equal(fan.stdout, one.stdout);
    assert.equal(refused, 2);
  } finally {
    await flaky.server.shutdown();
  }
});

Deno.test("the function refuses a bad shard= with 400 bad_shard", async () => {
  const handler = createHandler();
  for (const shard of ["2/2", "x", "0/0"]) {
    const r = await handler.fetch(
      new Request(`http://x/decode?format=ndjson&shard=${shard}`, {
        method: "POST",
        body: new Uint8Array(24),
      }),
    );
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error.code, "bad_shard");
  }
});
