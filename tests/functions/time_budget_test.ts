/**
 * The time budget stops a decode at once, even inside one large chunk of
 * input, and the upload is released (issue 16, finding 6). The handler is
 * called directly with a Request whose body is our stream, so its
 * cancellation is seen here. The inputs: a pcap header and 2 000 000 empty
 * records (16 bytes of zeros each: 0 bytes captured) in one 32 MB chunk,
 * which takes seconds to decode; then the stream waits until cancelled.
 */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";
import { pcapHeader } from "../../tools/hostile/pcap.ts";
import { fixture } from "./helpers.ts";

const RECORDS = 2_000_000;

/** One chunk of `RECORDS` empty records after a pcap header, then silence until cancelled. */
function emptyRecords() {
  const state = { sent: false, cancelled: false };
  const chunk = new Uint8Array(24 + 16 * RECORDS);
  chunk.set(pcapHeader());
  let release = () => {};
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (!state.sent) {
        state.sent = true;
        return c.enqueue(chunk);
      }
      await new Promise<void>((resolve) => release = resolve);
    },
    cancel() {
      state.cancelled = true;
      release();
    },
  }, { highWaterMark: 0 });
  return { body, state };
}

interface Doc {
  truncated: boolean;
  reason?: { code: string };
  summary: { frames: number; truncated: boolean };
}

Deno.test("POST /decode past its time budget stops inside a large chunk, releases the upload, and the next request is served", async () => {
  const handler = createHandler({ maxSeconds: 0.5 });
  for (const format of ["json", "ndjson"]) {
    const upload = emptyRecords();
    const response = await handler.fetch(
      new Request(`http://x/decode?format=${format}`, {
        method: "POST",
        body: upload.body,
        duplex: "half",
      } as RequestInit),
    );
    assert.equal(response.status, 200);
    const text = await response.text();
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    const doc: Doc = format === "json"
      ? JSON.parse(text)
      : { truncated: true, reason: lines.at(-1).error, summary: lines.at(-2) };
    assert.equal(doc.reason?.code, "time_budget", format);
    assert.equal(doc.summary.truncated, true, format);
    // It stopped inside the one chunk: not every record of it was read.
    assert.ok(doc.summary.frames < RECORDS, `${format}: ${doc.summary.frames} frames`);
    assert.equal(upload.state.cancelled, true, format);
  }
  // The same handler serves the next request whole (smb3_11.pcap: 387 frames by capinfos).
  const next = await handler.fetch(
    new Request("http://x/decode", { method: "POST", body: fixture("smb3_11.pcap") }),
  );
  const doc: Doc = await next.json();
  assert.equal(doc.truncated, false);
  assert.equal(doc.summary.frames, 387);
});
