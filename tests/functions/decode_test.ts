/**
 * POST /decode over a real loopback server: the fixture captures uploaded
 * raw, gzip-compressed and as a form, in JSON and streamed NDJSON, checked
 * against the values their fixture script recorded (from what it drove and
 * from tshark), never against this decoder's own output.
 */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";
import type { DecodeDocument } from "../../lib/output/document.ts";
import type { DecodeEvent, SummaryEvent } from "../../mod.ts";
import { chunked, fixture, FIXTURES, gzip, ndjson, withServer } from "./helpers.ts";

interface Expected {
  auth?: { user: string; domain: string; anonymous: boolean; expectedStatus: string };
  shares?: string[];
  files?: { name: string; actions: string[] }[];
  encryption?: { expected: boolean };
  tshark: { frames: number };
}

/** A test run twice: under Deno.serve, and under node:http as `deno task serve` runs. */
function serverTest(name: string, fn: (server: "deno" | "node") => Promise<void>): void {
  for (const server of ["deno", "node"] as const) {
    Deno.test(`${name} (${server} server)`, () => fn(server));
  }
}

type Doc = DecodeDocument & { truncated: boolean; reason?: { code: string; message: string } };

const CAPTURES = [...Deno.readDirSync(FIXTURES)].map((e) => e.name)
  .filter((n) => n.endsWith(".pcap")).sort();

function expected(name: string): Expected {
  return JSON.parse(
    Deno.readTextFileSync(new URL(name.replace(/\.pcap$/, ".expected.json"), FIXTURES)),
  );
}

/** The document agrees with what the fixture script recorded. */
function checkDocument(name: string, doc: Doc): void {
  const want = expected(name);
  assert.equal(doc.truncated, false, name);
  assert.equal(doc.summary?.frames, want.tshark.frames, `${name}: tshark frame count`);
  assert.equal(doc.summary?.truncated, false);
  if (want.auth && !want.auth.anonymous) {
    const login = doc.authentications.find((a) => a.user === want.auth!.user);
    assert.ok(login, `${name}: a login by ${want.auth.user}`);
    assert.equal(login.domain, want.auth.domain);
    assert.equal(login.success, want.auth.expectedStatus === "NT_STATUS_OK", name);
  }
  if (want.encryption?.expected) return; // trees and files travel encrypted
  if (want.auth?.expectedStatus !== "NT_STATUS_OK") return; // refused: no tree
  const paths = doc.trees.map((t) => t.path.toLowerCase());
  for (const share of want.shares ?? []) {
    assert.ok(paths.includes(share.toLowerCase()), `${name}: tree ${share} in ${paths}`);
  }
  const files = doc.smbSessions.flatMap((s) => s.files);
  for (const f of want.files ?? []) {
    if (!f.actions.some((a) => a === "write" || a === "read")) continue;
    assert.ok(files.some((n) => n.endsWith(f.name)), `${name}: file ${f.name} in ${files}`);
  }
}

serverTest(
  "POST /decode returns each fixture's document: raw body, tshark frames, alice, shares, files",
  async (server) => {
    await withServer(createHandler(), async (base) => {
      for (const name of CAPTURES) {
        const response = await fetch(`${base}/decode`, {
          method: "POST",
          headers: { "content-type": "application/vnd.tcpdump.pcap" },
          body: fixture(name),
        });
        assert.equal(response.status, 200, name);
        assert.equal(response.headers.get("access-control-allow-origin"), "*");
        assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
        checkDocument(name, await response.json());
      }
    }, server);
  },
);

Deno.test("POST /decode inflates gzip with or without Content-Encoding, from a streamed body", async () => {
  await withServer(createHandler(), async (base) => {
    const packed = await gzip(fixture("smb2_10.pcap"));
    for (const headers of [{ "content-encoding": "gzip" }, {} as Record<string, string>]) {
      const response = await fetch(`${base}/decode`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/octet-stream" },
        body: chunked(packed, 1000),
      });
      assert.equal(response.status, 200);
      const doc: Doc = await response.json();
      assert.equal(doc.summary?.gzip, true);
      checkDocument("smb2_10.pcap", doc);
    }
  });
});

Deno.test("POST /decode takes the first file of a multipart form, after other fields", async () => {
  await withServer(createHandler(), async (base) => {
    for (const name of ["smb1_session.pcap", "smb3_11.pcap"]) {
      const form = new FormData();
      form.append("comment", "uploaded by the test\r\n--not-a-boundary");
      form.append("capture", new Blob([fixture(name)]), name);
      form.append("after", "ignored");
      const response = await fetch(`${base}/decode?format=json`, { method: "POST", body: form });
      assert.equal(response.status, 200, name);
      checkDocument(name, await response.json());
    }
    const form = new FormData();
    form.append("comment", "no file here");
    const response = await fetch(`${base}/decode`, { method: "POST", body: form });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error.code, "no_file");
  });
});

serverTest(
  "POST /decode?format=ndjson streams events; types= picks kinds; the summary comes last",
  async (server) => {
    await withServer(createHandler(), async (base) => {
      const all = await ndjson(
        await fetch(`${base}/decode?format=ndjson`, {
          method: "POST",
          body: fixture("smb3_11.pcap"),
        }),
      );
      assert.equal(all.at(-1)?.type, "summary");
      assert.equal((all.at(-1) as unknown as SummaryEvent).frames, 387);
      assert.ok(all.some((e) => e.type === "smb"));
      const response = await fetch(`${base}/decode?format=ndjson&types=ntlm,tree`, {
        method: "POST",
        body: fixture("smb3_11.pcap"),
      });
      assert.match(response.headers.get("content-type") ?? "", /^application\/x-ndjson/);
      const some = await ndjson(response);
      assert.deepEqual(new Set(some.map((e) => e.type)), new Set(["ntlm", "tree", "summary"]));
      const ntlm = some.find((e) => e.type === "ntlm") as unknown as DecodeEvent & { user: string };
      assert.equal(ntlm.user, "alice");
      // The JSON document honours types= too.
      const doc: Doc = await (await fetch(`${base}/decode?types=ntlm`, {
        method: "POST",
        body: fixture("smb3_11.pcap"),
      })).json();
      assert.equal(doc.authentications.length, 1);
      assert.deepEqual([doc.trees, doc.connections, doc.smbSessions], [[], [], []]);
    }, server);
  },
);

serverTest(
  "POST /decode?format=ndjson sends its first event before the upload has finished",
  async (server) => {
    await withServer(createHandler(), async (base) => {
      const capture = fixture("smb2_10.pcap");
      const half = capture.length >> 1;
      let firstEventSeen!: () => void;
      const seen = new Promise<void>((resolve) => firstEventSeen = resolve);
      let sentRestAt = 0;
      const body = new ReadableStream<Uint8Array>({
        async start(c) {
          c.enqueue(capture.slice(0, half));
          // Hold the rest back until the client has read an event (or give up after 10 s).
          const timeout = new Promise<void>((r) => setTimeout(r, 10_000));
          let timer: number | undefined;
          await Promise.race([seen, timeout.then(() => timer = 1)]);
          sentRestAt = performance.now();
          if (timer === undefined) {
            c.enqueue(capture.slice(half));
            c.close();
          } else c.error(new Error("no event arrived while the upload was held"));
        },
      });
      const response = await fetch(`${base}/decode?format=ndjson`, {
        method: "POST",
        body,
        duplex: "half",
      } as RequestInit);
      assert.equal(response.status, 200);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      while (!text.includes("\n")) {
        const { done, value } = await reader.read();
        if (done) break;
        text += value;
      }
      const firstAt = performance.now();
      assert.equal(sentRestAt, 0, "the first event came before the rest of the upload was sent");
      firstEventSeen();
      assert.equal(JSON.parse(text.split("\n")[0]!).type, "connection");
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += value;
      }
      assert.ok(sentRestAt >= firstAt);
      const lines = text.trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(lines.at(-1).type, "summary");
      assert.equal(lines.at(-1).frames, 151);
    }, server);
  },
);

Deno.test("POST /decode answers 415 naming what a non-capture looks like", async () => {
  await withServer(createHandler(), async (base) => {
    const cases: [string, RegExp][] = [
      ["<!DOCTYPE html><html><body>Not found</body></html>", /HTML/],
      ["hello, this is a text file\nnot a capture\n", /text: "hello, this is a text file"/],
      ["", /empty input/],
    ];
    for (const format of ["json", "ndjson"]) {
      for (const [body, detail] of cases) {
        const response = await fetch(`${base}/decode?format=${format}`, { method: "POST", body });
        assert.equal(response.status, 415, body);
        const error = (await response.json()).error;
        assert.equal(error.code, "not_a_capture");
        assert.match(error.message, detail);
      }
    }
    // gzip around a non-capture: still 415, and it says what was inside.
    const response = await fetch(`${base}/decode`, {
      method: "POST",
      body: await gzip(new TextEncoder().encode("<html><head></head></html>")),
    });
    assert.equal(response.status, 415);
    assert.match((await response.json()).error.message, /HTML/);
  });
});

serverTest(
  "POST /decode answers 413 from Content-Length before reading, and while streaming",
  async (server) => {
    await withServer(createHandler({ maxBytes: 10_000 }), async (base) => {
      const capture = fixture("smb2_10.pcap");
      let response = await fetch(`${base}/decode`, { method: "POST", body: capture });
      assert.equal(response.status, 413);
      let error = (await response.json()).error;
      assert.equal(error.code, "too_large");
      assert.match(error.message, /103521 bytes\) is larger than the limit of 10000 bytes/);

      // No Content-Length (chunked): counted as it streams; json has not answered yet: 413.
      response = await fetch(`${base}/decode`, {
        method: "POST",
        body: chunked(capture, 4096),
        duplex: "half",
      } as RequestInit);
      assert.equal(response.status, 413);
      error = (await response.json()).error;
      assert.equal(error.code, "too_large");
      assert.match(error.message, /limit of 10000 bytes/);

      // NDJSON has answered 200 by then: the stream ends with an error line.
      response = await fetch(`${base}/decode?format=ndjson`, {
        method: "POST",
        body: chunked(capture, 4096),
        duplex: "half",
      } as RequestInit);
      assert.equal(response.status, 200);
      const lines = await ndjson(response);
      assert.deepEqual(lines.at(-1), {
        type: "error",
        error: {
          code: "too_large",
          message: "the upload is larger than the limit of 10000 bytes (SMBSCOPE_MAX_BYTES)",
        },
      });
      const summary = lines.at(-2) as unknown as SummaryEvent;
      assert.equal(summary.type, "summary");
      assert.equal(summary.truncated, true);
    }, server);
  },
);

/** A body that sends the first `bytes` and then stalls until `release` is called. */
function stalled(bytes: Uint8Array): { body: ReadableStream<Uint8Array>; release: () => void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(bytes);
    },
  });
  return {
    body,
    release: () => {
      try {
        controller.close();
      } catch { /* already cancelled */ }
    },
  };
}

Deno.test("POST /decode past its time budget returns what was decoded, marked truncated", async () => {
  await withServer(createHandler({ maxSeconds: 0.5 }), async (base) => {
    const capture = fixture("smb3_11.pcap");
    const half = capture.slice(0, capture.length >> 1);
    let upload = stalled(half);
    const started = performance.now();
    let response = await fetch(`${base}/decode`, {
      method: "POST",
      body: upload.body,
      duplex: "half",
    } as RequestInit);
    assert.equal(response.status, 200);
    const doc: Doc = await response.json();
    upload.release();
    assert.ok(performance.now() - started < 5000);
    assert.equal(doc.truncated, true);
    assert.equal(doc.reason?.code, "time_budget");
    assert.match(doc.reason!.message, /0\.5 seconds/);
    assert.equal(doc.summary?.truncated, true);
    assert.ok(doc.summary!.frames > 10 && doc.summary!.frames < 387, `${doc.summary?.frames}`);
    assert.equal(doc.authentications[0]?.user, "alice");

    upload = stalled(half);
    response = await fetch(`${base}/decode?format=ndjson`, {
      method: "POST",
      body: upload.body,
      duplex: "half",
    } as RequestInit);
    const lines = await ndjson(response);
    upload.release();
    assert.equal((lines.at(-1)?.error as { code: string }).code, "time_budget");
    assert.equal(lines.at(-2)?.type, "summary");
    assert.ok(lines.some((e) => e.type === "ntlm"));
  });
});

Deno.test("POST /decode stops at maxStreamEvents (NDJSON) and maxEvents (JSON), each with the summary", async () => {
  const lines = (base: string) =>
    fetch(`${base}/decode?format=ndjson`, { method: "POST", body: fixture("smb3_11.pcap") })
      .then(ndjson);
  const doc = (base: string): Promise<Doc> =>
    fetch(`${base}/decode`, { method: "POST", body: fixture("smb3_11.pcap") })
      .then((r) => r.json());
  await withServer(createHandler({ maxStreamEvents: 3 }), async (base) => {
    const cut = await lines(base);
    assert.deepEqual(cut.map((l) => l.type), ["connection", "smb", "smb", "summary", "error"]);
    const error = cut.at(-1)?.error as { code: string; message: string };
    assert.equal(error.code, "too_many_events");
    assert.match(error.message, /limit of 3 events \(SMBSCOPE_MAX_STREAM_EVENTS\)/);
    // The document's own cap is another one: it is whole.
    assert.equal((await doc(base)).truncated, false);
  });
  await withServer(createHandler({ maxEvents: 3 }), async (base) => {
    const d = await doc(base);
    assert.equal(d.truncated, true);
    assert.equal(d.reason?.code, "too_many_events");
    assert.match(d.reason?.message ?? "", /\(SMBSCOPE_MAX_EVENTS\)/);
    assert.ok(d.summary !== undefined);
    // NDJSON lines are streamed, not held: maxEvents does not cut them.
    const whole = await lines(base);
    assert.equal(whole.at(-1)?.type, "summary");
    assert.ok(whole.length > 100);
  });
});

Deno.test("POST /decode of a damaged capture returns what could be decoded and its anomalies", async () => {
  await withServer(createHandler(), async (base) => {
    const capture = fixture("smb2_10.pcap");
    const cut = capture.slice(0, 50_017);
    const noisy = capture.slice();
    for (let i = 2000; i < noisy.length; i += 997) noisy[i] = noisy[i]! ^ 0x5a;
    for (const body of [cut, noisy, await gzip(capture).then((g) => g.slice(0, g.length >> 1))]) {
      const response = await fetch(`${base}/decode`, { method: "POST", body });
      assert.equal(response.status, 200);
      const doc: Doc = await response.json();
      assert.ok(doc.summary!.frames > 0);
      assert.ok(doc.anomalies.length > 0);
    }
  });
});

Deno.test("POST /decode rejects a bad format or event type with 400", async () => {
  await withServer(createHandler(), async (base) => {
    for (const query of ["format=xml", "types=smb,bogus"]) {
      const response = await fetch(`${base}/decode?${query}`, { method: "POST", body: "x" });
      assert.equal(response.status, 400, query);
      assert.match((await response.json()).error.code, /^bad_/);
    }
  });
});

serverTest("POST /decode survives a client that goes away mid-stream", async (server) => {
  await withServer(createHandler(), async (base) => {
    const capture = fixture("smb3_bulk.pcap");
    for (const format of ["ndjson", "json"]) {
      const abort = new AbortController();
      const response = fetch(`${base}/decode?format=${format}`, {
        method: "POST",
        body: chunked(capture, 65536),
        duplex: "half",
        signal: abort.signal,
      } as RequestInit).then(async (r) => {
        await r.body?.getReader().read();
        abort.abort();
      });
      setTimeout(() => abort.abort(), 20);
      await response.catch(() => {});
    }
    const health = await fetch(`${base}/health`);
    assert.deepEqual(await health.json(), { ok: true });
  }, server);
});

Deno.test("POST /decode: secrets as form fields before the file decrypt SMB3; bad ones are a 400", async () => {
  // fixtures/smb/smb3_encrypted: WORKGROUP\\alice, password from its fixture script.
  const secret = "Fixture-Pass-2024";
  await withServer(createHandler(), async (base) => {
    const post = (fields: [string, string][]) => {
      const form = new FormData();
      for (const [k, v] of fields) form.append(k, v);
      form.append("capture", new Blob([fixture("smb3_encrypted.pcap")]), "x.pcap");
      return fetch(`${base}/decode?format=ndjson`, { method: "POST", body: form });
    };
    const plain = await ndjson(await post([]));
    assert.equal(plain.filter((e) => e.type === "smb" && e.decrypted).length, 0);
    for (
      const fields of [[["password", `alice:${secret}`]], [["keys", `password alice:${secret}`]]]
    ) {
      const response = await post(fields as [string, string][]);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.ok(!text.includes(secret));
      const events = text.trim().split("\n").map((l) => JSON.parse(l) as DecodeEvent);
      assert.ok(events.filter((e) => e.type === "smb" && e.decrypted).length > 20);
    }
    const bad = await post([["nt_hash", "alice:Fixture-Pass"]]);
    assert.equal(bad.status, 400);
    const error = (await bad.json()).error;
    assert.equal(error.code, "bad_keys");
    assert.match(error.message, /keys\.ntHashes\[0\]: the NT hash must be 32 hex digits/);
    assert.ok(!error.message.includes("Fixture-Pass"));
  });
});

Deno.test("POST /decode: the JSON document is the same whatever pieces the upload arrives in", async () => {
  // The share tree follows paths in stream order. The function once added each batch's SMB
  // messages before its other events, so a capture sent whole gave another tree than the same
  // capture in pieces: io_multichannel.pcap's replaytestdir got a "parent" source it lacks in the
  // CLI's document (the directory's own CREATE comes before its children's).
  const handler = createHandler();
  for (const name of ["io_multichannel.pcap", "smb3_bulk.pcap", "smb1_session.pcap"]) {
    const bytes = fixture(name);
    const texts = new Set<string>();
    for (const size of [bytes.length, 65_536, 4_096, 1_000]) {
      const response = await handler.fetch(
        new Request("http://function.test/decode?format=json", {
          method: "POST",
          body: chunked(bytes, size),
        }),
      );
      texts.add(await response.text());
    }
    assert.equal(texts.size, 1, `${name}: ${texts.size} different documents`);
    if (name === "io_multichannel.pcap") {
      const doc: Doc = JSON.parse([...texts][0]!);
      const dir = doc.shareTree?.shares[0]?.entries.find((e) => e.path === "replaytestdir");
      assert.deepEqual(dir?.sources, ["open"]);
    }
  }
});
