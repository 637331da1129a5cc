/**
 * The HTTP function on one capture (a benchmark, not a timed test): for each
 * way in, a fresh server (dist/serve.js as `deno task serve` runs it, a
 * subprocess, so its peak RSS, VmHWM, is its own) and one request with curl:
 *
 * - the capture uploaded as the body, answered as JSON, then as NDJSON;
 * - `source=` the capture on Debian's nginx (tests/functions/nginx.ts) on
 *   loopback, NDJSON and JSON;
 * - the CLI writing the same NDJSON to /dev/null, for comparison.
 *
 * Each line: seconds, MB/s of capture, output size, lines, how it ended
 * (complete, or the stop's code), server peak RSS, and the load average
 * before and after. The capture's density (SMB messages per MB) comes from
 * the summary.
 *
 *     deno run -A bench/http.ts /tmp/dense1000.pcap [--v8-flags=…] [--max-seconds 60]
 *       [--only json,ndjson,source-ndjson,source-json,cli] [--piece-mib 8]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startNginx } from "../tests/functions/nginx.ts";
import { taskEnv, taskV8FlagList, taskV8Flags } from "./task_flags.ts";
import { withUsage } from "./usage.ts";

const { values, positionals } = withUsage(
  "usage: deno run -A bench/http.ts CAPTURE [--only json,ndjson,source-ndjson,source-json,cli]\n" +
    "  [--v8-flags FLAGS (default: deno task serve's)] [--max-seconds S] [--max-events N]\n" +
    "  [--piece-mib 8]",
  (args) => {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        // The server's; by default those of `deno task serve` (the CLI row: `deno task decode`'s).
        "v8-flags": { type: "string", default: taskV8FlagList("serve") },
        "max-seconds": { type: "string" },
        "max-events": { type: "string" },
        only: { type: "string", default: "json,ndjson,source-ndjson,source-json,cli" },
        "piece-mib": { type: "string", default: "8" },
      },
    });
    if (parsed.positionals[0] === undefined) throw new Error("missing argument");
    return parsed;
  },
);
const capture = positionals[0]!;
const root = new URL("../", import.meta.url);
const size = Deno.statSync(capture).size;
const only = new Set(values.only.split(","));
const out = await Deno.makeTempFile({ prefix: "smbscope-http-bench-" });

function loadAverage(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

interface Server {
  base: string;
  peakRssMb(): number;
  stop(): Promise<void>;
}

async function startServer(sourceHost?: string): Promise<Server> {
  const port = freePort();
  const env: Record<string, string> = {
    ...taskEnv("serve"),
    PORT: String(port),
    HOST: "127.0.0.1",
  };
  if (sourceHost) env.SMBSCOPE_SOURCE_HOSTS = sourceHost;
  if (values["max-seconds"]) env.SMBSCOPE_MAX_SECONDS = values["max-seconds"];
  if (values["max-events"]) env.SMBSCOPE_MAX_EVENTS = values["max-events"];
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      `--v8-flags=${values["v8-flags"]}`,
      new URL("dist/serve.js", root).pathname,
    ],
    env,
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
  return {
    base,
    peakRssMb() {
      const text = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      return Number(/^VmHWM:\s+(\d+) kB/m.exec(text)?.[1] ?? NaN) / 1024;
    },
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

interface Outcome {
  seconds: number;
  status: string;
  bytes: number;
  lines: number;
  ended: string;
  smbMessages?: number;
}

/** What a finished answer in `out` says: lines, the summary's SMB messages, how it ended. */
async function readAnswer(format: "json" | "ndjson"): Promise<Omit<Outcome, "seconds" | "status">> {
  const bytes = Deno.statSync(out).size;
  if (format === "json") {
    try {
      const doc = JSON.parse(Deno.readTextFileSync(out));
      if (doc.error) return { bytes, lines: 1, ended: doc.error.code };
      return {
        bytes,
        lines: 1,
        ended: doc.truncated ? doc.reason?.code ?? "truncated" : "complete",
        smbMessages: doc.summary?.smb?.messages,
      };
    } catch {
      return { bytes, lines: 0, ended: "not JSON" };
    }
  }
  // Line by line: the answer can be larger than a string may be.
  let lines = 0, last = "", summary = "";
  const file = await Deno.open(out);
  const text = file.readable.pipeThrough(new TextDecoderStream());
  let rest = "";
  for await (const piece of text) {
    const parts = (rest + piece).split("\n");
    rest = parts.pop()!;
    for (const line of parts) {
      if (line === "") continue;
      lines++;
      last = line;
      if (line.startsWith('{"type":"summary"')) summary = line;
    }
  }
  if (rest !== "") {
    lines++;
    last = rest;
  }
  const end = JSON.parse(last || "{}");
  return {
    bytes,
    lines,
    ended: end.type === "error" ? end.error.code : end.type === "summary" ? "complete" : "?",
    smbMessages: summary ? JSON.parse(summary).smb?.messages : undefined,
  };
}

async function curl(args: string[]): Promise<{ seconds: number; status: string }> {
  const started = performance.now();
  const result = await new Deno.Command("curl", {
    args: ["-s", "-o", out, "-w", "%{http_code}", ...args],
    stdout: "piped",
  }).output();
  return {
    seconds: (performance.now() - started) / 1000,
    status: new TextDecoder().decode(result.stdout),
  };
}

let density: number | undefined;

function report(name: string, outcome: Outcome, rssMb: number | undefined, loads: string[]) {
  if (outcome.smbMessages !== undefined && outcome.ended === "complete") {
    density = outcome.smbMessages / (size / 1e6);
  }
  console.log(
    `| ${name.padEnd(24)} | ${outcome.seconds.toFixed(1).padStart(6)} s | ` +
      `${(size / 1e6 / outcome.seconds).toFixed(0).padStart(4)} MB/s | ` +
      `${outcome.status} | ${(outcome.bytes / 1e6).toFixed(1)} MB, ${outcome.lines} lines | ` +
      `${outcome.ended} | ${rssMb === undefined ? "-" : `${rssMb.toFixed(0)} MB`} | ` +
      `${loads.join(" → ")} |`,
  );
}

console.log(
  `capture ${capture}: ${(size / 1e6).toFixed(1)} MB; server v8 flags ${values["v8-flags"]}`,
);
console.log(
  "| way in                   | time     | speed     | HTTP | answer | ended | server peak RSS | load average |",
);
console.log("|---|---|---|---|---|---|---|---|");

for (const format of ["json", "ndjson"] as const) {
  if (!only.has(format)) continue;
  const before = loadAverage();
  const server = await startServer();
  const { seconds, status } = await curl([
    "-X",
    "POST",
    "-T",
    capture,
    `${server.base}/decode?format=${format}`,
  ]);
  const rss = server.peakRssMb();
  await server.stop();
  report(`upload, ${format}`, { seconds, status, ...await readAnswer(format) }, rss, [
    before,
    loadAverage(),
  ]);
}

if (only.has("source-ndjson") || only.has("source-json")) {
  const dir = await Deno.makeTempDir({ prefix: "smbscope-http-bench-root-" });
  const name = capture.split("/").at(-1)!;
  await Deno.link(capture, `${dir}/${name}`).catch(() => Deno.copyFile(capture, `${dir}/${name}`));
  const nginx = await startNginx(dir);
  if (typeof nginx === "string") console.log(`source=: skipped (${nginx})`);
  else {
    try {
      for (const format of ["ndjson", "json"] as const) {
        if (!only.has(`source-${format}`)) continue;
        const before = loadAverage();
        const server = await startServer(nginx.host);
        const url = `${nginx.base}/${encodeURIComponent(name)}`;
        const { seconds, status } = await curl([
          "-X",
          "POST",
          `${server.base}/decode?format=${format}&source=${encodeURIComponent(url)}`,
        ]);
        const rss = server.peakRssMb();
        await server.stop();
        report(
          `source= (nginx), ${format}`,
          { seconds, status, ...await readAnswer(format) },
          rss,
          [
            before,
            loadAverage(),
          ],
        );
      }
    } finally {
      await nginx.stop();
    }
  }
  await Deno.remove(dir, { recursive: true });
}

if (only.has("cli")) {
  const before = loadAverage();
  const started = performance.now();
  const timeFile = `${out}.time`;
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const command = [
    "/usr/bin/time",
    "-f",
    "%M",
    "-o",
    timeFile,
    Deno.execPath(),
    "run",
    taskV8Flags("decode"),
    "--allow-read",
    "--allow-write",
    new URL("cli/main.ts", root).pathname,
    "decode",
    "--format",
    "ndjson",
    capture,
  ].map(quote).join(" ");
  const result = await new Deno.Command("sh", {
    args: ["-c", `${command} > ${quote(out)}`],
    stderr: "null",
  }).output().catch(() => undefined);
  const seconds = (performance.now() - started) / 1000;
  const kb = Number(Deno.readTextFileSync(timeFile).trim().split("\n").at(-1));
  await Deno.remove(timeFile);
  report(
    "CLI, ndjson (peak RSS)",
    {
      seconds,
      status: result?.success ? "-  " : "err",
      ...await readAnswer("ndjson"),
    },
    Number.isFinite(kb) ? kb / 1024 : undefined,
    [before, loadAverage()],
  );
}

if (density !== undefined) {
  console.log(`density: ${density.toFixed(0)} SMB messages per MB (from the summary)`);
}
await Deno.remove(out);
