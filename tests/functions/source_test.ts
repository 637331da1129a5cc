/**
 * `POST /decode?source=URL`: the capture read by the function with Range
 * requests. Against a real static server (Debian's nginx, skipped with the
 * reason printed when it cannot be started) the decode of each fixture read
 * by `source=` must be the decode of the same bytes uploaded as the body;
 * small test servers play the sources that misbehave (ignore Range, change
 * between pieces, redirect away, send short pieces, stall).
 */
import * as assert from "node:assert/strict";
import { createHandler, type HandlerOptions } from "../../functions/handler.ts";
import { parseSourceHosts, SourceError, sourceUrl } from "../../functions/source.ts";
import { FIXTURES, gzip } from "./helpers.ts";
import { startNginx } from "./nginx.ts";

const CAPTURES = [...Deno.readDirSync(FIXTURES)].map((e) => e.name)
  .filter((n) => n.endsWith(".pcap")).sort();

/** POST /decode to an in-process handler; the status and the body's text. */
async function decode(
  options: HandlerOptions,
  query: string,
  body?: Uint8Array<ArrayBuffer>,
): Promise<{ status: number; text: string }> {
  const response = await createHandler(options).fetch(
    new Request(`http://function.test/decode?${query}`, {
      method: "POST",
      ...(body ? { body } : {}),
    }),
  );
  return { status: response.status, text: await response.text() };
}

function errorCode(text: string): string {
  return JSON.parse(text).error.code;
}

/** The last line of an NDJSON answer, parsed. */
function lastLine(text: string): { type: string; error?: { code: string; message: string } } {
  return JSON.parse(text.trimEnd().split("\n").at(-1)!);
}

/** A loopback test server for the duration of `fn`. */
async function withSource(
  handler: (request: Request) => Response | Promise<Response>,
  fn: (base: string, host: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, `127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

/** A 206 answer to `range` (bytes=a-b) of `bytes`, with `etag`. */
function ranged(bytes: Uint8Array<ArrayBuffer>, range: string | null, etag: string): Response {
  const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? "");
  if (m === null) return new Response(bytes, { headers: { etag } });
  const start = Number(m[1]), end = Math.min(Number(m[2]), bytes.length - 1);
  return new Response(bytes.slice(start, end + 1), {
    status: 206,
    headers: { etag, "content-range": `bytes ${start}-${end}/${bytes.length}` },
  });
}

Deno.test("sourceUrl: http(s) only, no credentials, the host on the list exactly", () => {
  const hosts = parseSourceHosts(" Captures.Example:8443, store.example ,,");
  assert.deepEqual(hosts, ["captures.example:8443", "store.example"]);
  assert.equal(sourceUrl("https://store.example/a.pcap?sig=1", hosts).host, "store.example");
  assert.equal(sourceUrl("http://STORE.example:80/a.pcap", hosts).host, "store.example");
  assert.equal(sourceUrl("https://store.example:443/a.pcap", hosts).host, "store.example");
  assert.equal(sourceUrl("https://captures.example:8443/x", hosts).host, "captures.example:8443");
  const refused = (raw: string, list: string[] = hosts) => {
    try {
      sourceUrl(raw, list);
    } catch (e) {
      assert.ok(e instanceof SourceError);
      return `${e.status} ${e.code}`;
    }
    return "allowed";
  };
  assert.equal(refused("https://evil-store.example/a"), "403 source_not_allowed");
  assert.equal(refused("https://store.example.evil.net/a"), "403 source_not_allowed");
  assert.equal(refused("https://sub.store.example/a"), "403 source_not_allowed");
  assert.equal(refused("https://store.example:8080/a"), "403 source_not_allowed");
  assert.equal(refused("https://captures.example/x"), "403 source_not_allowed");
  assert.equal(refused("https://store.example@evil.net/a"), "400 bad_source");
  assert.equal(refused("https://user:pw@store.example/a"), "400 bad_source");
  assert.equal(refused("ftp://store.example/a"), "400 bad_source");
  assert.equal(refused("file:///etc/passwd"), "400 bad_source");
  assert.equal(refused("/relative.pcap"), "400 bad_source");
  assert.equal(refused("https://store.example/a", []), "403 source_not_allowed");
});

Deno.test("source= is off by default (403), refuses a body (400), and /api tells whether it is on", async () => {
  const off = await decode({}, "source=https://store.example/a.pcap");
  assert.equal(off.status, 403);
  assert.equal(errorCode(off.text), "source_not_allowed");
  const withBody = await decode(
    { sourceHosts: ["store.example"] },
    "source=https://store.example/a.pcap",
    new Uint8Array([1, 2, 3]),
  );
  assert.equal(withBody.status, 400);
  assert.equal(errorCode(withBody.text), "bad_source");
  const api = async (options: HandlerOptions) =>
    (await (await createHandler(options).fetch(new Request("http://function.test/api"))).json())
      .limits;
  assert.equal((await api({})).source, false);
  const on = await api({ sourceHosts: ["store.example"] });
  assert.equal(on.source, true);
  assert.equal(on.env.sourceHosts, "SMBSCOPE_SOURCE_HOSTS");
  assert.ok(!JSON.stringify(on).includes("store.example"), "the hosts are not told");
});

Deno.test("source= through nginx: each fixture's decode equals its upload's; gzip too; 404; wrong host", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "smbscope-sources-" });
  for (const name of CAPTURES) await Deno.copyFile(new URL(name, FIXTURES), `${root}/${name}`);
  const bulk = Deno.readFileSync(new URL("smb3_bulk.pcap", FIXTURES));
  const bulkGzip = await gzip(bulk);
  await Deno.writeFile(`${root}/smb3_bulk.pcap.gz`, bulkGzip);
  const nginx = await startNginx(root);
  if (typeof nginx === "string") {
    console.log(`skipped: ${nginx}`);
    await Deno.remove(root, { recursive: true });
    return;
  }
  try {
    // Pieces of an odd size, so that records and messages straddle them.
    const options = { sourceHosts: [nginx.host], sourcePieceBytes: 65_521 };
    await t.step("every fixture, NDJSON and JSON", async () => {
      for (const name of CAPTURES) {
        const bytes = Deno.readFileSync(`${root}/${name}`);
        for (const format of ["ndjson", "json"]) {
          const read = await decode(options, `format=${format}&source=${nginx.base}/${name}`);
          const sent = await decode(options, `format=${format}`, bytes);
          assert.equal(read.status, 200, `${name}: ${read.text.slice(0, 200)}`);
          assert.equal(read.text, sent.text, `${name} as ${format}`);
        }
      }
    });
    await t.step("a gzip capture, in pieces of 1 MiB", async () => {
      const read = await decode(
        { ...options, sourcePieceBytes: 1 << 20 },
        `format=ndjson&source=${nginx.base}/smb3_bulk.pcap.gz`,
      );
      const sent = await decode(options, "format=ndjson", bulkGzip);
      assert.equal(read.status, 200);
      assert.equal(read.text, sent.text);
      assert.equal(lastLine(read.text).type, "summary");
      assert.match(read.text, /"gzip":true/);
    });
    await t.step("a missing object is a 404 naming it, before any output", async () => {
      const missing = await decode(options, `source=${nginx.base}/no-such.pcap&format=ndjson`);
      assert.equal(missing.status, 404);
      assert.equal(errorCode(missing.text), "source_not_found");
      assert.match(missing.text, /no-such\.pcap/);
    });
    await t.step("a host not on the list is a 403; nothing is fetched", async () => {
      const other = await decode(
        { sourceHosts: ["127.0.0.2"] },
        `source=${nginx.base}/smb3_11.pcap`,
      );
      assert.equal(other.status, 403);
      assert.equal(errorCode(other.text), "source_not_allowed");
    });
  } finally {
    await nginx.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("source=: a server that ignores Range (200) is read whole, as it streams", async () => {
  const bytes = Deno.readFileSync(new URL("smb2_10.pcap", FIXTURES));
  let requests = 0;
  await withSource(() => {
    requests++;
    return new Response(bytes);
  }, async (base, host) => {
    const options = { sourceHosts: [host], sourcePieceBytes: 4096 };
    const read = await decode(options, `format=ndjson&source=${base}/a.pcap`);
    const sent = await decode(options, "format=ndjson", bytes);
    assert.equal(read.status, 200);
    assert.equal(read.text, sent.text);
    assert.equal(requests, 1, "one request: the whole object");
  });
});

Deno.test("source=: an object that changes between pieces (ETag) ends in source_changed", async () => {
  const bytes = Deno.readFileSync(new URL("smb3_11.pcap", FIXTURES));
  let requests = 0;
  await withSource((request) => {
    requests++;
    // The object is replaced after the first piece was served.
    return ranged(bytes, request.headers.get("range"), requests === 1 ? '"v1"' : '"v2"');
  }, async (base, host) => {
    const options = { sourceHosts: [host], sourcePieceBytes: 16_384 };
    const ndjson = await decode(options, `format=ndjson&source=${base}/a.pcap`);
    assert.equal(ndjson.status, 200, "the answer had begun");
    const last = lastLine(ndjson.text);
    assert.equal(last.type, "error");
    assert.equal(last.error?.code, "source_changed");
    assert.match(last.error!.message, /"v1" then "v2"/);
    requests = 0;
    const json = await decode(options, `format=json&source=${base}/a.pcap`);
    assert.equal(json.status, 502);
    assert.equal(errorCode(json.text), "source_changed");
  });
});

Deno.test("source=: a short piece, a redirect away, a stall, a slow source and an error status", async () => {
  const bytes = Deno.readFileSync(new URL("smb3_11.pcap", FIXTURES));
  await withSource(async (request) => {
    const path = new URL(request.url).pathname;
    const range = request.headers.get("range");
    if (path === "/short.pcap") {
      const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? "")!;
      const start = Number(m[1]), end = Math.min(Number(m[2]), bytes.length - 1);
      // Says the whole range, sends half of it (streamed: no Content-Length to contradict).
      const half = bytes.slice(start, start + ((end - start + 1) >> 1));
      return new Response(ReadableStream.from([half]), {
        status: 206,
        headers: { "content-range": `bytes ${start}-${end}/${bytes.length}` },
      });
    }
    if (path === "/away.pcap") {
      return new Response(null, { status: 302, headers: { location: "http://127.0.0.9/x" } });
    }
    if (path === "/here.pcap") {
      return new Response(null, { status: 307, headers: { location: "/real.pcap" } });
    }
    if (path === "/real.pcap") return ranged(bytes, range, '"r"');
    if (path === "/private.pcap") {
      return new Response("no", { status: 403, statusText: "Forbidden" });
    }
    if (path === "/stall.pcap") {
      await new Promise((r) => setTimeout(r, 1500));
      return ranged(bytes, range, '"s"');
    }
    if (path === "/slow.pcap") {
      // The first piece at once, the next ones after the time budget.
      if (!range?.startsWith("bytes=0-")) await new Promise((r) => setTimeout(r, 1500));
      return ranged(bytes, range, '"w"');
    }
    return new Response("no", { status: 500, statusText: "Internal Server Error" });
  }, async (base, host) => {
    const options = { sourceHosts: [host], sourcePieceBytes: 16_384 };
    const short = await decode(options, `format=ndjson&source=${base}/short.pcap`);
    assert.equal(lastLine(short.text).error?.code, "source_short_read");
    const away = await decode(options, `source=${base}/away.pcap`);
    assert.equal(away.status, 502);
    assert.equal(errorCode(away.text), "source_redirect");
    assert.match(away.text, /127\.0\.0\.9/);
    const here = await decode(options, `format=ndjson&types=summary&source=${base}/here.pcap`);
    assert.equal(here.status, 200);
    assert.equal(lastLine(here.text).type, "summary", "a redirect on the same host is followed");
    const stall = await decode({ ...options, maxSeconds: 0.3 }, `source=${base}/stall.pcap`);
    assert.equal(stall.status, 504);
    assert.equal(errorCode(stall.text), "source_timeout");
    // A source slower than the time budget: the output so far, marked truncated, as for an upload.
    const slow = await decode({ ...options, maxSeconds: 0.5 }, `source=${base}/slow.pcap`);
    assert.equal(slow.status, 200);
    assert.equal(JSON.parse(slow.text).truncated, true);
    assert.equal(JSON.parse(slow.text).reason.code, "time_budget");
    const slowLines = await decode(
      { ...options, maxSeconds: 0.5 },
      `format=ndjson&source=${base}/slow.pcap`,
    );
    assert.equal(lastLine(slowLines.text).error?.code, "time_budget");
    const forbidden = await decode(options, `format=ndjson&source=${base}/private.pcap`);
    assert.equal(forbidden.status, 403);
    assert.equal(errorCode(forbidden.text), "source_forbidden");
    const broken = await decode(options, `source=${base}/broken.pcap?sig=secret`);
    assert.equal(broken.status, 502);
    assert.equal(errorCode(broken.text), "source_status");
    assert.match(broken.text, /500 Internal Server Error/);
    assert.ok(!broken.text.includes("secret"), "the query (a signature) is never echoed");
  });
});
