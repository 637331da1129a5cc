/**
 * functions/node_http.ts, the node:http front `deno task serve` uses: HTTP/1.1
 * details a fetch client hides (HEAD, 100-continue, a malformed head, two
 * requests on one connection), spoken over a raw loopback socket.
 */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";
import { fixture, withServer } from "./helpers.ts";

/** Sends `request` on a fresh connection and reads until the server closes it. */
async function exchange(base: string, request: Uint8Array): Promise<string> {
  const { port } = new URL(base);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  await conn.write(request);
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  conn.close();
  return new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
}

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("node:http front: HEAD has headers and no body; CORS and JSON errors as under Deno.serve", async () => {
  await withServer(createHandler(), async (base) => {
    const head = await fetch(`${base}/health`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("access-control-allow-origin"), "*");
    assert.equal(await head.text(), "");
    const wrong = await fetch(`${base}/decode`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST, OPTIONS");
    assert.equal((await wrong.json()).error.code, "method_not_allowed");
  }, "node");
});

Deno.test("node:http front: Expect 100-continue is answered, then the upload decoded; two requests share a connection", async () => {
  await withServer(createHandler(), async (base) => {
    const capture = fixture("smb2_10.pcap");
    const head = text(
      "POST /decode?format=ndjson&types=summary HTTP/1.1\r\nHost: x\r\n" +
        `Content-Length: ${capture.length}\r\nExpect: 100-continue\r\n\r\n`,
    );
    const { port } = new URL(base);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
    await conn.write(head);
    const buf = new Uint8Array(65536);
    const n = await conn.read(buf);
    assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 100 Continue/);
    await conn.write(capture);
    await conn.write(text("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const chunks: Uint8Array[] = [];
    for (;;) {
      const m = await conn.read(buf);
      if (m === null) break;
      chunks.push(buf.slice(0, m));
    }
    conn.close();
    const answer = new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
    assert.match(answer, /^HTTP\/1\.1 200 OK/);
    assert.match(answer, /"type":"summary"/);
    assert.match(answer, /HTTP\/1\.1 200 OK[\s\S]*\{"ok":true\}/, "the second request answered");
  }, "node");
});

Deno.test("node:http front: a malformed request head is a 400 and the connection closes", async () => {
  await withServer(createHandler(), async (base) => {
    const answer = await exchange(base, text("NOT A REQUEST\r\n\r\n"));
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request/);
  }, "node");
});

Deno.test("node:http front: an answer given before the upload is read (413) ends the connection", async () => {
  await withServer(createHandler({ maxBytes: 1000 }), async (base) => {
    // Says 10 MB, sends 4 KB, then waits: the 413 comes and the server closes the connection.
    const head = "POST /decode HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n";
    const answer = await exchange(base, text(head + "x".repeat(4096)));
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /"code":"too_large"/);
    assert.match(answer, /\r\nconnection: close\r\n/i, "the client is told the connection ends");
  }, "node");
});
