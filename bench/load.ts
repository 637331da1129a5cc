/**
 * Load test of the HTTP function (not a timed test): starts the server as a
 * subprocess (so its peak RSS is its own, VmHWM from /proc/<pid>/status),
 * then
 *
 * 1. N concurrent uploads of a mid-size fixture (smb3_bulk.pcap, 7 MB):
 *    requests/s, MB/s, latency percentiles, server peak RSS;
 * 2. one streamed 1 GB upload, generated on the fly from smb3_bulk.pcap's
 *    frames (shifted copies, as bench/build_capture.ts builds files), once as
 *    JSON and once as NDJSON, each on a fresh server: MB/s and server peak RSS.
 *
 *     deno run -A bench/load.ts [--concurrency 8] [--requests 48] [--mb 1000]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fixtureFrames } from "./build_capture.ts";
import { withUsage } from "./usage.ts";
import { taskEnv } from "./task_flags.ts";

const { values } = withUsage(
  "usage: deno run -A bench/load.ts [--concurrency 8] [--requests 48] [--mb 1000]\n" +
    "  [--fixture smb3_bulk.pcap] [--v8-flags FLAGS] [--only load|json|ndjson]",
  (args) =>
    parseArgs({
      args,
      options: {
        concurrency: { type: "string", default: "8" },
        requests: { type: "string", default: "48" },
        mb: { type: "string", default: "1000" },
        fixture: { type: "string", default: "smb3_bulk.pcap" },
        "v8-flags": { type: "string" },
        only: { type: "string" },
      },
    }),
);
const root = new URL("../", import.meta.url);
const fixturePath = new URL(`fixtures/smb/${values.fixture}`, root).pathname;

interface Server {
  base: string;
  pid: number;
  /** Peak resident set of the server process so far, in MB (VmHWM). */
  peakRssMb(): number;
  /** Resident set now, in MB (VmRSS). */
  rssMb(): number;
  stop(): Promise<void>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function startServer(): Promise<Server> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      ...(values["v8-flags"] ? [`--v8-flags=${values["v8-flags"]}`] : []),
      new URL("dist/serve.js", root).pathname,
    ],
    env: {
      ...taskEnv("serve"),
      PORT: String(port),
      HOST: "127.0.0.1",
      SMBSCOPE_MAX_SECONDS: "600",
    },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0;; i++) {
    try {
      const r = await fetch(`${base}/health`);
      await r.body?.cancel();
      if (r.ok) break;
    } catch {
      if (i > 200) throw new Error("server did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const status = (field: string) => {
    const text = Deno.readTextFileSync(`/proc/${child.pid}/status`);
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
    return kb / 1024;
  };
  return {
    base,
    pid: child.pid,
    peakRssMb: () => status("VmHWM"),
    rssMb: () => status("VmRSS"),
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))]!;
}

async function concurrentUploads(concurrency: number, requests: number): Promise<void> {
  const body = Deno.readFileSync(fixturePath);
  const server = await startServer();
  const idleRss = server.peakRssMb();
  const latencies: number[] = [];
  let next = 0, failures = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests) {
      next++;
      const t = performance.now();
      const response = await fetch(`${server.base}/decode`, { method: "POST", body });
      const doc = await response.json();
      if (response.status !== 200 || doc.summary?.frames === undefined) failures++;
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ms = (p: number) => percentile(latencies, p).toFixed(0);
  console.log(
    `${requests} uploads of ${values.fixture} (${(body.length / 1e6).toFixed(1)} MB), ` +
      `${concurrency} at a time: ${(requests / seconds).toFixed(1)} req/s, ` +
      `${(requests * body.length / 1e6 / seconds).toFixed(0)} MB/s; latency ms ` +
      `p50 ${ms(50)} p90 ${ms(90)} p99 ${ms(99)} max ${latencies.at(-1)!.toFixed(0)}; ` +
      `failures ${failures}; server peak RSS ${server.peakRssMb().toFixed(0)} MB ` +
      `(idle ${idleRss.toFixed(0)} MB)`,
  );
  await server.stop();
}

/** A pcap of at least `target` bytes, made as it is read: shifted copies of `path`'s frames. */
function generatedCapture(path: string, target: number): ReadableStream<Uint8Array> {
  const frames = fixtureFrames([path]);
  const perCopy = frames.reduce((n, f) => n + 16 + f.bytes.length, 0);
  const copies = Math.max(1, Math.ceil((target - 24) / perCopy));
  const interleave = 8;
  const base = frames[0]?.ts ?? 0;
  const span = (frames.at(-1)?.ts ?? 0) - base + 1;
  function* records(): Generator<Uint8Array> {
    const header = new Uint8Array(24);
    const hv = new DataView(header.buffer);
    hv.setUint32(0, 0xa1b2c3d4, true);
    hv.setUint16(4, 2, true);
    hv.setUint16(6, 4, true);
    hv.setUint32(16, 262144, true);
    hv.setUint32(20, 1, true);
    yield header;
    const chunk = 1 << 20;
    let buffer = new Uint8Array(chunk), used = 0;
    for (let group = 0; group < copies; group += interleave) {
      const members = Math.min(interleave, copies - group);
      for (const f of frames) {
        for (let m = 0; m < members; m++) {
          const copy = group + m, need = 16 + f.bytes.length;
          if (used + need > buffer.length) {
            yield buffer.subarray(0, used);
            buffer = new Uint8Array(Math.max(chunk, need));
            used = 0;
          }
          const ts = f.ts - base + 1_700_000_000 + Math.floor(copy / interleave) * span + m * 1e-6;
          const sec = Math.floor(ts);
          const rv = new DataView(buffer.buffer, used, 16);
          rv.setUint32(0, sec, true);
          rv.setUint32(4, Math.round((ts - sec) * 1e6) % 1_000_000, true);
          rv.setUint32(8, f.bytes.length, true);
          rv.setUint32(12, f.origlen, true);
          buffer.set(f.bytes, used + 16);
          for (const at of [used + 16 + 26, used + 16 + 30]) {
            buffer[at + 1] = (buffer[at + 1]! + (copy & 0xff)) & 0xff;
            buffer[at + 2] = (buffer[at + 2]! + (copy >> 8)) & 0xff;
          }
          used += need;
        }
      }
    }
    if (used > 0) yield buffer.subarray(0, used);
  }
  const it = records();
  return new ReadableStream({
    pull(c) {
      const { done, value } = it.next();
      if (done) c.close();
      else c.enqueue(value);
    },
  }, { highWaterMark: 0 });
}

async function bigUpload(mb: number, format: "json" | "ndjson"): Promise<void> {
  const server = await startServer();
  let sent = 0;
  const body = generatedCapture(fixturePath, mb * 1e6).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        sent += chunk.length;
        c.enqueue(chunk);
      },
      flush() {
        sendDone = true;
      },
    }),
  );
  const timeline: string[] = [];
  let nextMark = 100e6;
  let sendPeak = 0, sendDone = false;
  const sampler = setInterval(() => {
    if (!sendDone) sendPeak = Math.max(sendPeak, server.rssMb());
    if (sent >= nextMark) {
      timeline.push(`${(sent / 1e6).toFixed(0)}MB:${server.rssMb().toFixed(0)}`);
      nextMark += 100e6;
    }
  }, 20);
  const started = performance.now();
  const response = await fetch(`${server.base}/decode?format=${format}`, {
    method: "POST",
    body,
    duplex: "half",
  } as RequestInit);
  let frames = 0, connections = 0, lines = 0, truncated: unknown;
  if (format === "json") {
    const doc = await response.json();
    frames = doc.summary?.frames;
    connections = doc.connections?.length;
    truncated = doc.truncated;
  } else {
    let tail = "";
    for await (const text of response.body!.pipeThrough(new TextDecoderStream())) {
      const parts = (tail + text).split("\n");
      tail = parts.pop()!;
      for (const line of parts) {
        lines++;
        if (line.startsWith('{"type":"summary"')) {
          const summary = JSON.parse(line);
          frames = summary.frames;
          connections = summary.tcpConnections;
          truncated = summary.truncated;
        }
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(
    `streamed ${(sent / 1e6).toFixed(0)} MB upload, ${format}: status ${response.status}, ` +
      `${seconds.toFixed(1)} s (${(sent / 1e6 / seconds).toFixed(0)} MB/s), ${frames} frames, ` +
      `${connections} connections${format === "ndjson" ? `, ${lines} lines` : ""}, ` +
      `truncated ${truncated}; server peak RSS ${server.peakRssMb().toFixed(0)} MB`,
  );
  console.log(
    `  server RSS (MB) by bytes sent: ${timeline.join(" ")}; highest seen while sending ` +
      `${sendPeak.toFixed(0)}`,
  );
  await server.stop();
}

const only = values.only;
if (!only || only === "load") {
  await concurrentUploads(Number(values.concurrency), Number(values.requests));
}
if (!only || only === "json") await bigUpload(Number(values.mb), "json");
if (!only || only === "ndjson") await bigUpload(Number(values.mb), "ndjson");
