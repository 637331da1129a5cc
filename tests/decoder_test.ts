import * as assert from "node:assert/strict";
import { decode, type DecodeEvent, Decoder, DecodeStream, type SummaryEvent } from "../mod.ts";

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const eth = Deno.readFileSync(fixture("net/eth.pcap"));
const ethExpected = JSON.parse(Deno.readTextFileSync(fixture("net/eth.expected.json")));

function decodeInChunks(bytes: Uint8Array, size: number): DecodeEvent[] {
  const decoder = new Decoder();
  const events: DecodeEvent[] = [];
  const scratch = new Uint8Array(size);
  for (let at = 0; at < bytes.length; at += size) {
    // The caller may reuse its buffer after push(): scribble over it to prove nothing kept a view.
    const n = Math.min(size, bytes.length - at);
    scratch.set(bytes.subarray(at, at + n));
    events.push(...decoder.push(scratch.subarray(0, n)));
    scratch.fill(0xee);
  }
  events.push(...decoder.end());
  return events;
}

async function collect(iterable: AsyncIterable<DecodeEvent>): Promise<DecodeEvent[]> {
  const events: DecodeEvent[] = [];
  for await (const e of iterable) events.push(e);
  return events;
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("Decoder emits the same events whatever the chunk size", () => {
  const whole = decodeInChunks(eth, eth.length);
  assert.equal((whole.at(-1) as SummaryEvent).frames, ethExpected.frames);
  for (const size of [1, 3, 64, 1500]) {
    assert.deepEqual(decodeInChunks(eth, size), whole, `chunk ${size}`);
  }
});

Deno.test("decode accepts a Uint8Array, a ReadableStream and an async iterable alike", async () => {
  const fromBytes = await collect(decode(eth));
  const fromStream = await collect(decode(new Blob([eth]).stream()));
  async function* pieces() {
    for (let at = 0; at < eth.length; at += 777) yield eth.slice(at, at + 777);
  }
  const fromIterable = await collect(decode(pieces()));
  assert.deepEqual(fromStream, fromBytes);
  assert.deepEqual(fromIterable, fromBytes);
  assert.deepEqual(fromBytes, decodeInChunks(eth, eth.length));
});

Deno.test("decode inflates gzip input and says so in the summary", async () => {
  const events = await collect(decode(await gzip(eth)));
  const summary = events.at(-1) as SummaryEvent;
  assert.equal(summary.gzip, true);
  assert.equal(summary.frames, ethExpected.frames);
  const plain = decodeInChunks(eth, eth.length);
  assert.deepEqual(events.slice(0, -1), plain.slice(0, -1));
});

Deno.test("decode reports corrupt gzip as an anomaly and still ends with a summary", async () => {
  const packed = await gzip(eth);
  const cut = packed.slice(0, Math.floor(packed.length / 2));
  const events = await collect(decode(cut));
  const summary = events.at(-1) as SummaryEvent;
  assert.equal(summary.type, "summary");
  assert.ok(summary.frames > 0 && summary.frames < ethExpected.frames);
  assert.ok(events.some((e) => e.type === "anomaly" && /gzip/.test(e.detail)));
});

Deno.test("DecodeStream yields batches of events, one summary last", async () => {
  const batches: DecodeEvent[][] = [];
  for await (const b of new Blob([eth]).stream().pipeThrough(new DecodeStream())) batches.push(b);
  const flat = batches.flat();
  assert.equal(flat.filter((e) => e.type === "summary").length, 1);
  assert.equal(flat.at(-1)?.type, "summary");
});

Deno.test("Decoder rejects misuse and bad options", () => {
  assert.throws(() => new Decoder({ maxConnections: -1 }), {
    name: "RangeError",
    message: "Cannot create decoder: option maxConnections must be a non-negative number",
  });
  // A boolean option says "boolean", not "non-negative boolean".
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new Decoder({ fileHashes: 0 } as any), {
    name: "RangeError",
    message: "Cannot create decoder: option fileHashes must be a boolean",
  });
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new Decoder({ nonsense: 1 } as any), TypeError);
  const d = new Decoder();
  d.end();
  assert.throws(() => d.push(eth), TypeError);
  assert.throws(() => d.end(), TypeError);
});

Deno.test("Decoder names what it saw when the input is not a capture", () => {
  for (
    const [text, pattern] of [
      ["<!DOCTYPE html><html>", /HTML/],
      ["GET / HTTP/1.1\r\n", /text/i],
      ["", /empty/],
    ] as const
  ) {
    const d = new Decoder();
    const events = [...d.push(new TextEncoder().encode(text)), ...d.end()];
    const anomaly = events.find((e) => e.type === "anomaly" && e.kind === "unrecognized");
    assert.ok(anomaly && anomaly.type === "anomaly", text);
    assert.match(anomaly.detail, pattern);
    assert.equal(d.recognised, false);
    const summary = events.at(-1) as SummaryEvent;
    assert.equal(summary.format, "unknown");
    assert.equal(summary.truncated, true);
  }
});

Deno.test("Decoder caps open connections and reports the cap once", () => {
  const d = new Decoder({ maxConnections: 1 });
  const events = [...d.push(eth), ...d.end()];
  const limits = events.filter((e) => e.type === "anomaly" && e.kind === "limit");
  assert.equal(limits.length, 1);
  const summary = events.at(-1) as SummaryEvent;
  assert.deepEqual(summary.limitsHit, [{ limit: "maxConnections", count: 3 }]);
  // eth.pcap holds 4 conversations (tshark): each new one pushes out the one before, the
  // closed TCP ones keep their state, the open UDP one is evicted.
  const states = events.filter((e) => e.type === "connection" && e.action === "close")
    .map((e) => e.type === "connection" && e.state);
  assert.deepEqual(states, ["closed_fin", "closed_fin", "evicted", "capture_end"]);
});

Deno.test("decode of an empty stream ends with an unrecognized anomaly and a summary", async () => {
  const empty = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const events = await collect(decode(empty));
  assert.deepEqual(events.map((e) => e.type), ["anomaly", "summary"]);
  assert.match(events[0]!.type === "anomaly" ? events[0]!.detail : "", /empty/);
});
