/**
 * `deno task fuzz [--seconds N] [--inputs N] [--seed S] [--jobs J]` (60 s by
 * default; with --inputs alone, until that many): makes
 * structure-aware mutations of every fixture capture and, when present, of
 * the shared corpus (../shared/pcaps), and decodes each under a watchdog in a
 * worker, in pieces of 1 to 4096 bytes. A throw, a `bug` anomaly, a decode
 * over its time budget (`--ms-base` + `--ms-per-mb` for each MB of input,
 * confirmed by a second run), or resident memory over `--rss-mb` is a
 * finding: the input is saved under tests/regressions/ with a note of how to
 * decode it, and tests/regressions/regressions_test.ts replays it. Prints
 * iterations, inputs per second, the event types and anomaly codes reached,
 * and the findings; exits 1 when there were findings.
 *
 * `--jobs J` runs J processes with seeds S, S+1, … and adds up their counts.
 * @module
 */
import { parseArgs } from "node:util";
import { EVENT_TYPES } from "../../lib/events.ts";
import { flip, type MadeCase, makeCase } from "./mutate.ts";
import { Rng } from "./random.ts";
import type { FuzzCase } from "./run.ts";
import { loadSeeds } from "./seeds.ts";
import type { WorkerAnswer, WorkerRequest } from "./worker.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string" },
    inputs: { type: "string" },
    seed: { type: "string", default: String(Date.now() % 1_000_000) },
    jobs: { type: "string", default: "1" },
    corpus: { type: "string", default: `${root}/../shared/pcaps` },
    out: { type: "string", default: `${root}/tests/regressions` },
    "ms-base": { type: "string", default: "3000" },
    "ms-per-mb": { type: "string", default: "2000" },
    "rss-mb": { type: "string", default: "1024" },
    "report-every": { type: "string", default: "30" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  console.log(
    "usage: deno task fuzz [--seconds N] [--inputs N] [--seed S] [--jobs J]\n" +
      "  [--corpus DIR] [--out DIR] [--ms-base MS] [--ms-per-mb MS] [--rss-mb MB]\n" +
      "  [--report-every S] [--json]\n" +
      "Mutates the fixture captures (and ../shared/pcaps when present) and decodes each under a\n" +
      "watchdog; throws, bug anomalies, timeouts and memory over --rss-mb are saved to\n" +
      "tests/regressions/. 60 s by default; exits 1 on findings.",
  );
  Deno.exit(0);
}

const seed = Number(flags.seed), jobs = Number(flags.jobs);
const maxInputs = flags.inputs === undefined ? Infinity : Number(flags.inputs);
/** 60 s unless a number of inputs was asked for (then as long as they take). */
const seconds = flags.seconds !== undefined
  ? Number(flags.seconds)
  : Number.isFinite(maxInputs)
  ? Infinity
  : 60;

/** Counts one run reports. */
interface Tally {
  inputs: number;
  bytes: number;
  seconds: number;
  types: string[];
  codes: string[];
  findings: string[];
}

/** Several processes, seeds S to S + J - 1, their lines prefixed, their tallies added up. */
async function runJobs(): Promise<void> {
  const own = /^--(jobs|seed)(=|$)/;
  const args = Deno.args.filter((a, i, all) =>
    !own.test(a) && !/^--(jobs|seed)$/.test(all[i - 1] ?? "")
  );
  const tallies = await Promise.all(Array.from({ length: jobs }, async (_, j) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        import.meta.filename!,
        ...args,
        `--seed=${seed + j}`,
        "--jobs=1",
        "--json",
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let last = "{}";
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines());
    for await (const line of lines) {
      if (line.startsWith("{")) last = line;
      else console.log(`[job ${j}] ${line}`);
    }
    await child.status;
    return JSON.parse(last) as Tally;
  }));
  const total: Tally = { inputs: 0, bytes: 0, seconds: 0, types: [], codes: [], findings: [] };
  for (const t of tallies) {
    total.inputs += t.inputs ?? 0;
    total.bytes += t.bytes ?? 0;
    total.seconds = Math.max(total.seconds, t.seconds ?? 0);
    total.types = [...new Set([...total.types, ...(t.types ?? [])])];
    total.codes = [...new Set([...total.codes, ...(t.codes ?? [])])];
    total.findings.push(...(t.findings ?? []));
  }
  console.log(
    `all ${jobs} jobs: ${total.inputs} inputs, ${(total.bytes / 1e6).toFixed(0)} MB, ` +
      `${(total.inputs / total.seconds).toFixed(0)} inputs/s, event types ${total.types.length}/` +
      `${EVENT_TYPES.length}, anomaly codes ${total.codes.length}, findings ${total.findings.length}`,
  );
  for (const f of total.findings) console.log(`  finding: ${f}`);
  Deno.exit(total.findings.length > 0 ? 1 : 0);
}

/** Text in, lines out. */
function splitLines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, c) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) c.enqueue(p);
    },
    flush(c) {
      if (rest !== "") c.enqueue(rest);
    },
  });
}

/** One worker that can be replaced when it overruns. */
class Watchdog {
  #worker: Worker | undefined;
  #next = 0;

  #start(): Worker {
    return this.#worker ??= new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  }

  /** Decodes `c`; "timeout" when it took longer than `ms` (the worker is then replaced). */
  run(c: FuzzCase, ms: number): Promise<WorkerAnswer | "timeout"> {
    const worker = this.#start();
    const id = ++this.#next;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        worker.terminate();
        this.#worker = undefined;
        resolve("timeout");
      }, ms);
      worker.onmessage = (e: MessageEvent<WorkerAnswer>) => {
        if (e.data.id !== id) return;
        clearTimeout(timer);
        resolve(e.data);
      };
      worker.postMessage({ id, case: c } satisfies WorkerRequest);
    });
  }

  stop(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
  }
}

async function fuzz(): Promise<Tally> {
  const corpus = (() => {
    try {
      return Deno.statSync(flags.corpus).isDirectory ? flags.corpus : undefined;
    } catch {
      return undefined;
    }
  })();
  const seeds = loadSeeds(root, corpus);
  const frames = seeds.reduce((n, s) => n + s.frames.length, 0);
  console.log(
    `fuzz: seed ${seed}, ${seeds.length} seed captures (${frames} frames; ` +
      `${corpus === undefined ? "no shared corpus" : `corpus ${corpus}`}), ` +
      `${Number.isFinite(maxInputs) ? `${maxInputs} inputs` : `${seconds} s`}`,
  );
  const rng = new Rng(seed);
  const dog = new Watchdog();
  const types = new Set<string>(), codes = new Set<string>();
  const findings: string[] = [];
  const signatures = new Map<string, number>();
  const started = performance.now();
  let inputs = 0, bytes = 0, lastReport = started;
  const budgetMs = (c: FuzzCase) =>
    Number(flags["ms-base"]) + Number(flags["ms-per-mb"]) * c.bytes.length / 1e6 *
      (c.chunking === "bytes" ? 4 : 1);
  const rssLimit = Number(flags["rss-mb"]) * 1e6;
  while (inputs < maxInputs && performance.now() - started < seconds * 1000) {
    const made = makeCase(rng, seeds);
    if (made.case.gzip) made.case.bytes = await gzip(made.case.bytes, rng);
    const c = made.case;
    inputs++;
    bytes += c.bytes.length;
    const answer = await dog.run(c, budgetMs(c));
    let finding: { kind: string; detail: string } | undefined;
    if (answer === "timeout") {
      // Confirmed by a second run with twice the time, so a busy machine does not cry wolf.
      const again = await dog.run(c, 2 * budgetMs(c));
      if (again === "timeout") {
        finding = { kind: "hang", detail: `no answer within ${(2 * budgetMs(c)).toFixed(0)} ms` };
      }
    } else {
      for (const t of answer.result.types) types.add(t);
      for (const k of answer.result.codes) codes.add(k);
      if (answer.result.threw !== undefined) {
        finding = { kind: "throw", detail: answer.result.threw };
      } else if (answer.result.bugs.length > 0) {
        finding = { kind: "bug", detail: answer.result.bugs[0]! };
      } else if (answer.rss > rssLimit) {
        finding = {
          kind: "rss",
          detail: `${(answer.rss / 1e6).toFixed(0)} MB resident after the decode`,
        };
        dog.stop(); // a fresh worker, so the next input starts small
      }
    }
    if (finding !== undefined) {
      const signature = `${finding.kind}: ${finding.detail.split("\n")[0]!.replace(/\d+/g, "N")}`;
      const seen = signatures.get(signature) ?? 0;
      signatures.set(signature, seen + 1);
      if (seen < 3) {
        const path = save(made, finding, seed, inputs);
        findings.push(`${finding.kind} (${path}): ${finding.detail.split("\n")[0]}`);
        console.log(
          `FINDING ${finding.kind} at input ${inputs}: ${
            finding.detail.split("\n")[0]
          }\n  saved ${path}`,
        );
      }
    }
    const now = performance.now();
    if (now - lastReport > Number(flags["report-every"]) * 1000) {
      lastReport = now;
      report(inputs, bytes, (now - started) / 1000, types, codes, findings.length);
    }
  }
  dog.stop();
  const elapsed = (performance.now() - started) / 1000;
  report(inputs, bytes, elapsed, types, codes, findings.length);
  const missing = EVENT_TYPES.filter((t) => !types.has(t));
  if (missing.length > 0) console.log(`  event types not reached: ${missing.join(", ")}`);
  for (const [signature, count] of signatures) console.log(`  ${count} × ${signature}`);
  return {
    inputs,
    bytes,
    seconds: elapsed,
    types: [...types],
    codes: [...codes],
    findings,
  };
}

function report(
  inputs: number,
  bytes: number,
  elapsed: number,
  types: Set<string>,
  codes: Set<string>,
  findings: number,
): void {
  console.log(
    `${elapsed.toFixed(0)} s: ${inputs} inputs (${(inputs / elapsed).toFixed(0)}/s, ` +
      `${(bytes / 1e6).toFixed(0)} MB), event types ${types.size}/${EVENT_TYPES.length}, ` +
      `anomaly codes ${codes.size}, findings ${findings}, rss ${
        (Deno.memoryUsage().rss / 1e6).toFixed(0)
      } MB`,
  );
}

/** gzip-compresses `bytes`, sometimes corrupting the result. */
async function gzip(bytes: Uint8Array, rng: Rng): Promise<Uint8Array> {
  const stream = ReadableStream.from([bytes]).pipeThrough(
    new CompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
  const out = new Uint8Array(await new Response(stream).arrayBuffer());
  if (rng.chance(0.2) && out.length > 10) flip(out, 10 + rng.int(out.length - 10), rng.int(8));
  return out;
}

/** Saves a finding's input and how to decode it; returns its path. */
function save(
  made: MadeCase,
  finding: { kind: string; detail: string },
  seed: number,
  input: number,
): string {
  Deno.mkdirSync(flags.out, { recursive: true });
  const c = made.case;
  const name = `${finding.kind}-s${seed}-i${input}`;
  Deno.writeFileSync(`${flags.out}/${name}.${c.gzip ? "pcap.gz" : "pcap"}`, c.bytes);
  const note = {
    kind: finding.kind,
    detail: finding.detail.split("\n").slice(0, 8).join("\n"),
    input: `${name}.${c.gzip ? "pcap.gz" : "pcap"}`,
    chunking: c.chunking,
    chunkSeed: c.chunkSeed,
    options: c.options,
    gzip: c.gzip,
    outputs: c.outputs,
    found: { seed, input, from: made.seed, mutations: made.mutations },
  };
  Deno.writeTextFileSync(`${flags.out}/${name}.json`, JSON.stringify(note, null, 2) + "\n");
  return `${flags.out.replace(root + "/", "")}/${name}.json`;
}

if (jobs > 1) {
  await runJobs();
} else {
  const tally = await fuzz();
  if (flags.json) console.log(JSON.stringify(tally));
  Deno.exit(tally.findings.length > 0 ? 1 : 0);
}
