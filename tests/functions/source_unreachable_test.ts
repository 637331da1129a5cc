/**
 * `source=` on an allowed host where nothing listens: 502 source_unreachable
 * saying why (the fetch's cause: the connection was refused; it said only
 * "fetch failed"), with neither the source's query nor its URL as the
 * cause quotes it.
 */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";

Deno.test("source= that cannot be reached: 502 source_unreachable with the reason, no query", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close(); // nothing listens there now: the connection is refused
  const source = `http://127.0.0.1:${port}/a.pcap?X-Amz-Signature=secret)x`;
  const response = await createHandler({ sourceHosts: [`127.0.0.1:${port}`] }).fetch(
    new Request(
      `http://function.test/decode?format=ndjson&source=${encodeURIComponent(source)}`,
      { method: "POST" },
    ),
  );
  assert.equal(response.status, 502);
  const { error } = await response.json();
  assert.equal(error.code, "source_unreachable");
  assert.match(
    error.message,
    new RegExp(`^could not read http://127\\.0\\.0\\.1:${port}/a\\.pcap: .*Connection refused`),
  );
  assert.ok(!error.message.includes("secret"), error.message);
  assert.ok(!error.message.includes("fetch failed"), error.message);
});
