/** The HTTP function's other routes, its errors, CORS, and its limits from the environment. */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";
import { DEFAULT_HANDLER_LIMITS, limitsFromEnv } from "../../functions/limits.ts";
import { withServer } from "./helpers.ts";

Deno.test("GET /health, GET /api and GET / answer; HEAD has no body", async () => {
  await withServer(createHandler({ maxBytes: 5000 }), async (base) => {
    let response = await fetch(`${base}/health`);
    assert.deepEqual(await response.json(), { ok: true });
    response = await fetch(`${base}/api`);
    const api = await response.json();
    assert.equal(api.limits.maxBytes, 5000);
    assert.ok(api.endpoints["POST /decode"]);
    response = await fetch(`${base}/`);
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
    const html = await response.text();
    assert.match(html, /<input type="file"/);
    assert.doesNotMatch(html, /innerHTML/);
    response = await fetch(`${base}/health`, { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "");
  });
});

Deno.test("wrong method is 405 with Allow; unknown route is 404; both JSON errors", async () => {
  await withServer(createHandler(), async (base) => {
    for (
      const [method, path, allow] of [
        ["GET", "/decode", "POST, OPTIONS"],
        ["PUT", "/decode", "POST, OPTIONS"],
        ["POST", "/", "GET, HEAD, OPTIONS"],
        ["DELETE", "/health", "GET, HEAD, OPTIONS"],
      ]
    ) {
      const response = await fetch(`${base}${path}`, { method: method! });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get("allow"), allow);
      assert.equal(response.headers.get("access-control-allow-origin"), "*");
      assert.equal((await response.json()).error.code, "method_not_allowed");
    }
    const response = await fetch(`${base}/decode/extra`, { method: "POST", body: "x" });
    assert.equal(response.status, 404);
    assert.deepEqual(Object.keys((await response.json()).error), ["code", "message"]);
  });
});

Deno.test("OPTIONS answers the CORS preflight", async () => {
  await withServer(createHandler(), async (base) => {
    const response = await fetch(`${base}/decode`, {
      method: "OPTIONS",
      headers: {
        origin: "https://example.org",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.match(response.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.match(response.headers.get("access-control-allow-headers") ?? "", /content-type/);
    await response.body?.cancel();
  });
});

Deno.test("limitsFromEnv reads SMBSCOPE_MAX_* and refuses nonsense", () => {
  assert.deepEqual(limitsFromEnv(() => undefined), DEFAULT_HANDLER_LIMITS);
  const env: Record<string, string> = {
    SMBSCOPE_MAX_BYTES: "1_000_000",
    SMBSCOPE_MAX_SECONDS: "2.5",
    SMBSCOPE_MAX_EVENTS: "10",
    SMBSCOPE_MAX_STREAM_EVENTS: "20",
    SMBSCOPE_MAX_EXTRACT_BYTES: "2048",
  };
  assert.deepEqual(limitsFromEnv((k) => env[k]), {
    maxBytes: 1_000_000,
    maxSeconds: 2.5,
    maxEvents: 10,
    maxStreamEvents: 20,
    maxExtractBytes: 2048,
  });
  assert.throws(() => limitsFromEnv((k) => k === "SMBSCOPE_MAX_BYTES" ? "lots" : undefined), {
    name: "RangeError",
    message: /SMBSCOPE_MAX_BYTES=lots is not a positive number/,
  });
  assert.throws(() => createHandler({ maxSeconds: -1 }), RangeError);
  assert.throws(() => createHandler({ decoder: { maxConnections: -1 } }), RangeError);
});

Deno.test("functions/ never touches Deno.* outside the serve script", () => {
  const dir = new URL("../../functions/", import.meta.url);
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.endsWith(".ts") || entry.name === "serve.ts") continue;
    const text = Deno.readTextFileSync(new URL(entry.name, dir))
      .replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "");
    assert.doesNotMatch(text, /\bDeno\./, entry.name);
  }
});
