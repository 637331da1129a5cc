/**
 * The HTTP function's selection (`host=`, `port=`, `smbOnly=`) and its answer
 * to gzip data that does not inflate. Values from tshark: fixtures/net/eth.pcap
 * holds UDP 9999 and TCP 8080 conversations over IPv4 and IPv6, and nothing
 * that is SMB.
 */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";
import { ndjson, withServer } from "./helpers.ts";

const ETH = Deno.readFileSync(new URL("../../fixtures/net/eth.pcap", import.meta.url));

Deno.test("POST /decode?port=&host=&smbOnly= keeps the chosen conversations", async () => {
  await withServer(createHandler(), async (base) => {
    const ends = async (query: string) => {
      const response = await fetch(`${base}/decode?format=ndjson&types=connection&${query}`, {
        method: "POST",
        body: ETH,
      });
      assert.equal(response.status, 200);
      return (await ndjson(response))
        .filter((e) => e.type === "connection" && e.action === "close")
        .map((e) => {
          const c = e.client as { ip: string; port: number }, s = e.server as typeof c;
          return `${c.ip}:${c.port}-${s.ip}:${s.port}`;
        }).sort();
    };
    assert.deepEqual(await ends("port=9999"), [
      "10.0.0.1:36823-10.0.0.2:9999",
      "fd00::1:36879-fd00::2:9999",
    ]);
    assert.deepEqual(await ends("host=10.0.0.2&port=8080"), ["10.0.0.1:50064-10.0.0.2:8080"]);
    assert.deepEqual(await ends("smbOnly=1"), []);
    const bad = await fetch(`${base}/decode?port=http`, { method: "POST", body: ETH });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, "bad_port");
  });
});

Deno.test("POST /decode says gzip data is corrupt, not that the input is empty", async () => {
  await withServer(createHandler(), async (base) => {
    // The gzip magic and header of RFC 1952, then bytes that are no deflate stream.
    const body = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 1, 2]);
    for (const format of ["json", "ndjson"]) {
      const response = await fetch(`${base}/decode?format=${format}`, { method: "POST", body });
      assert.equal(response.status, 400);
      const { error } = await response.json();
      assert.equal(error.code, "gzip_corrupt");
      assert.match(error.message, /^gzip data is corrupt/);
      assert.ok(!error.message.includes("empty input"), error.message);
    }
  });
});
