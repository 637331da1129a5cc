/**
 * `shard=i/N` on the HTTP function: N requests together answer every
 * conversation of the capture once (the decoder's `shard`, tests/shard_test.ts),
 * and a malformed value is a 400 naming it.
 */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";
import { ndjson, withServer } from "./helpers.ts";

const CAPTURE = Deno.readFileSync(new URL("../../fixtures/net/eth.pcap", import.meta.url));

Deno.test("POST /decode?shard=i/N: the shards' conversations are the whole capture's, once each", async () => {
  await withServer(createHandler(), async (base) => {
    const ends = async (query: string) => {
      const response = await fetch(`${base}/decode?format=ndjson&types=connection${query}`, {
        method: "POST",
        body: CAPTURE,
      });
      assert.equal(response.status, 200);
      return (await ndjson(response))
        .filter((e) => e.type === "connection" && e.action === "close")
        .map((e) => {
          const c = e.client as { ip: string; port: number }, s = e.server as typeof c;
          return `${c.ip}:${c.port}-${s.ip}:${s.port}`;
        });
    };
    const whole = (await ends("")).sort();
    assert.ok(whole.length >= 4);
    const parts: string[] = [];
    for (let i = 0; i < 3; i++) parts.push(...await ends(`&shard=${i}/3`));
    assert.deepEqual(parts.sort(), whole);
    for (const bad of ["3/3", "1", "a/b", "-1/2", "0/0"]) {
      const r = await fetch(`${base}/decode?shard=${bad}`, { method: "POST", body: CAPTURE });
      assert.equal(r.status, 400, bad);
      assert.equal((await r.json()).error.code, "bad_shard");
    }
  });
});
