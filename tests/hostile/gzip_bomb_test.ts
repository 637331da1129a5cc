/**
 * gzip bombs (issue 16, finding 2), made at test time: zeros compress about
 * 1000 to 1, so a few hundred kilobytes of gzip stand for hundreds of
 * megabytes. Input that is no capture is refused from its first inflated
 * bytes and its source is no longer read; a capture that inflates without
 * end reaches the decoder in bounded pieces. Peak memory is measured by
 * bench/hostile.ts, not here.
 */
import * as assert from "node:assert/strict";
import { decode, gunzipIfNeeded } from "../../mod.ts";
import { INFLATE_PIECE } from "../../lib/stream.ts";
import type { SummaryEvent } from "../../lib/events.ts";
import { gzipBomb } from "../../tools/hostile/captures.ts";

const MIB = 1 << 20;

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `bytes` as a stream of 1 KiB chunks that counts the chunks read and says whether it was cancelled. */
function counted(bytes: Uint8Array) {
  const state = { read: 0, cancelled: false, chunks: Math.ceil(bytes.length / 1024) };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (state.read === state.chunks) return c.close();
      c.enqueue(bytes.slice(state.read * 1024, ++state.read * 1024));
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

Deno.test("decode refuses 256 MiB of gzipped zeros from their first bytes and stops reading them", async () => {
  const bomb = await bytesOf(gzipBomb(256, false));
  const input = counted(bomb);
  const events = [];
  for await (const e of decode(input.stream)) events.push(e);
  const summary = events.at(-1) as SummaryEvent;
  assert.equal(summary.format, "unknown");
  assert.equal(summary.gzip, true);
  assert.ok(events.some((e) => e.type === "anomaly" && e.kind === "unrecognized"));
  // Only the first piece (1 KiB of gzip, at most 1 MiB of zeros) was inflated, and the source
  // was cancelled long before its end.
  assert.ok(summary.bytes <= 1032 * 1024 + 16, `${summary.bytes} bytes inflated`);
  assert.equal(input.state.cancelled, true);
  assert.ok(input.state.read < input.state.chunks / 4, `${input.state.read} chunks read`);
});

Deno.test("gunzipIfNeeded hands on a bomb in pieces of at most 16.5 MiB, however it was read", async () => {
  // 64 MiB of zeros after a pcap header, its gzip (about 64 KiB) read in one chunk.
  const bomb = await bytesOf(gzipBomb(64, true));
  const whole = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bomb);
      c.close();
    },
  });
  let largest = 0, total = 0;
  for await (const chunk of gunzipIfNeeded(whole)) {
    largest = Math.max(largest, chunk.length);
    total += chunk.length;
  }
  assert.equal(total, 24 + 64 * MIB);
  assert.ok(largest <= INFLATE_PIECE * 1032, `${largest} bytes in one chunk`);
});

Deno.test("decode reads a capture of empty records inflated from a bomb to its end", async () => {
  // A pcap header and 8 MiB of zeros: 524 288 records of 16 bytes, each a frame of 0 bytes.
  const bomb = await bytesOf(gzipBomb(8, true));
  let summary: SummaryEvent | undefined;
  for await (const e of decode(bomb)) if (e.type === "summary") summary = e;
  assert.equal(summary?.frames, 8 * MIB / 16);
  assert.equal(summary?.bytes, 24 + 8 * MIB);
  assert.equal(summary?.gzip, true);
});
