/**
 * `fanout --source` against one decode (a benchmark, not a timed test):
 * Debian's nginx serves the capture on loopback (tests/functions/nginx.ts;
 * the capture is symlinked into its root, never copied), F function
 * processes run as `deno task serve` runs them (fresh ones for every run, so
 * each one's peak RSS, VmHWM read just before it is stopped, is that run's),
 * and the CLI's `fanout --shards N --source …` merges their NDJSON. Against
 * it, the CLI's `decode --jobs 1` of the same file, with the decode task's
 * V8 flags (fanout runs with them too). Every run writes its NDJSON to a
 * temporary file; each fanout output is compared with the decode's bytes.
 * Each configuration runs `--runs` times (best wall time kept: the machine
 * may be shared), with the load average before each run.
 *
 *     deno run -A bench/fanout.ts CAPTURE [--functions 2] [--shards 2,4] [--runs 3]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startNginx } from "../tests/functions/nginx.ts";
import { type FunctionProcess, startFunction } from "../tests/functions/function_process.ts";
import { taskV8Flags } from "./task_flags.ts";

const USAGE = `Usage: deno run -A bench/fanout.ts CAPTURE [--functions N] [--shards N,N…] [--runs N]

  --functions <N>   function processes (default 2); shards go round-robin over them
  --shards <N,N…>   shard counts to run (default 2,4)
  --runs <N>        runs of each, best wall time kept (default 3)
  --max-seconds <S> the functions' SMBSCOPE_MAX_SECONDS (default: theirs, 60)
  -h, --help        this help`;

function usage(message: string): never {
  console.error(`bench/fanout.ts: ${message}\n\n${USAGE}`);
  Deno.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      functions: { type: "string", default: "2" },
      shards: { type: "string", default: "2,4" },
      runs: { type: "string", default: "3" },
      "max-seconds": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (e) {
  usage(e instanceof Error ? e.message : String(e));
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const capture = positionals[0];
if (capture === undefined || positionals.length > 1) usage("give one capture");
const functionCount = Number(values.functions);
const shardCounts = values.shards.split(",").map(Number);
const runs = Number(values.runs);
if (!Number.isInteger(functionCount) || functionCount < 1) usage("--functions takes N ≥ 1");
if (!shardCounts.every((n) => Number.isInteger(n) && n >= 1)) usage("--shards takes N,N… ≥ 1");
if (!Number.isInteger(runs) || runs < 1) usage("--runs takes N ≥ 1");
let size: number;
try {
  size = Deno.statSync(capture).size;
} catch (e) {
  usage(`${capture}: ${e instanceof Error ? e.message : e}`);
}

const root = new URL("../", import.meta.url);
const cli = new URL("cli/main.ts", root).pathname;
const decodeV8Flags = taskV8Flags("decode");
const timeBinary = (() => {
  try {
    return Deno.statSync("/usr/bin/time").isFile ? "/usr/bin/time" : undefined;
  } catch {
    return undefined;
  }
})();

function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
}

/** A CLI run: wall seconds, CPU seconds (user + system) and peak RSS in MB. */
interface Timed {
  seconds: number;
  cpu: number;
  rssMb: number;
}

/** One CLI run, stdout to `out`, measured (CPU and RSS through /usr/bin/time, when there). */
async function timedCli(args: string[], out: string): Promise<Timed> {
  const argv = [Deno.execPath(), "run", "-q", "-A", decodeV8Flags, cli, ...args];
  const command = timeBinary ? [timeBinary, "-f", "%M %U %S", ...argv] : argv;
  const file = await Deno.open(out, { write: true, create: true, truncate: true });
  const started = performance.now();
  const child = new Deno.Command(command[0]!, {
    args: command.slice(1),
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
    child.stdout.pipeTo(file.writable),
  ]);
  const seconds = (performance.now() - started) / 1000;
  const lines = stderr.trimEnd().split("\n");
  const [rssKb = NaN, user = NaN, system = NaN] = timeBinary
    ? lines.pop()!.split(" ").map(Number)
    : [];
  if (!status.success) throw new Error(`${args[0]} failed: ${lines.join("\n")}`);
  return { seconds, cpu: user + system, rssMb: rssKb / 1024 };
}

/** "same bytes as decode", or how the two outputs differ in size and lines. */
async function compared(one: string, fan: string): Promise<string> {
  if ((await new Deno.Command("cmp", { args: ["-s", one, fan] }).output()).success) {
    return "same bytes as decode";
  }
  const lines = async (path: string) =>
    new TextDecoder().decode((await new Deno.Command("wc", { args: ["-l", path] }).output()).stdout)
      .split(" ")[0];
  return `NOT decode's bytes: ${await lines(fan)} lines against ${await lines(one)}`;
}

const mb = (n: number) => n.toFixed(0);
const dir = await Deno.makeTempDir({ prefix: "smbscope-fanout-bench-" });
const name = "capture" + (capture.endsWith(".gz") ? ".pcap.gz" : ".pcap");
await Deno.symlink(await Deno.realPath(capture), `${dir}/${name}`);
const nginx = await startNginx(dir);
if (typeof nginx === "string") {
  await Deno.remove(dir, { recursive: true });
  console.error(`bench/fanout.ts: ${nginx}`);
  Deno.exit(1);
}
const oneOut = `${dir}/decode.ndjson`, fanOut = `${dir}/fanout.ndjson`;
try {
  console.log(
    `${capture}: ${(size / 1e6).toFixed(1)} MB, ${navigator.hardwareConcurrency} cores, ` +
      `${functionCount} function processes, nginx ${nginx.base}; CLI ${decodeV8Flags}`,
  );
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const load = loadAverage();
    const run = await timedCli(["decode", "-q", "--jobs", "1", "-f", "ndjson", capture], oneOut);
    best = Math.min(best, run.seconds);
    console.log(
      `decode --jobs 1, run ${r + 1}: ${run.seconds.toFixed(2)} s ` +
        `(${mb(size / 1e6 / run.seconds)} MB/s), CPU ${run.cpu.toFixed(1)} s, ` +
        `peak RSS ${mb(run.rssMb)} MB; load before ${load}`,
    );
  }
  for (const shards of shardCounts) {
    let bestFan = Infinity;
    for (let r = 0; r < runs; r++) {
      const load = loadAverage();
      const functions: FunctionProcess[] = [];
      try {
        const env: Record<string, string> = { SMBSCOPE_SOURCE_HOSTS: nginx.host };
        if (values["max-seconds"]) env.SMBSCOPE_MAX_SECONDS = values["max-seconds"];
        for (let f = 0; f < functionCount; f++) functions.push(await startFunction(env));
        // What starting them cost is left out: the CPU they use from here on.
        const cpuBefore = functions.map((f) => f.cpuSeconds() ?? NaN);
        const run = await timedCli([
          "fanout",
          ...functions.flatMap((f) => ["--endpoint", f.base]),
          "--shards",
          String(shards),
          "--source",
          `${nginx.base}/${name}`,
        ], fanOut);
        const peaks = functions.map((f) => mb((f.peakRssKb() ?? NaN) / 1024));
        const cpus = functions.map((f, i) => ((f.cpuSeconds() ?? NaN) - cpuBefore[i]!).toFixed(1));
        bestFan = Math.min(bestFan, run.seconds);
        console.log(
          `fanout --shards ${shards}, run ${r + 1}: ${run.seconds.toFixed(2)} s ` +
            `(${mb(size / 1e6 / run.seconds)} MB/s); fanout CPU ${run.cpu.toFixed(1)} s, ` +
            `peak RSS ${mb(run.rssMb)} MB; functions CPU ${cpus.join(" + ")} s, ` +
            `peak RSS ${peaks.join(" + ")} MB; ` +
            `${await compared(oneOut, fanOut)}; load before ${load}`,
        );
      } finally {
        await Promise.all(functions.map((f) => f.stop()));
      }
    }
    console.log(
      `fanout --shards ${shards}: best ${bestFan.toFixed(2)} s, ` +
        `${(best / bestFan).toFixed(2)}× decode --jobs 1`,
    );
  }
} finally {
  await nginx.stop();
  await Deno.remove(dir, { recursive: true });
}
