/**
 * Speed-up of `decode --jobs N`: the CLI decodes one capture to NDJSON
 * (written to /dev/null) with --jobs 1, 2, … up to the cores here, each
 * timed over `runs` runs (best kept), with the load average before each
 * run, since the machine may be shared.
 *
 *     deno run -A bench/build_capture.ts /tmp/x.pcap 200
 *     deno run -A bench/jobs.ts /tmp/x.pcap [runs=2] [format=ndjson]
 *
 * @module
 */
import { taskV8Flags } from "./task_flags.ts";

const USAGE = "usage: deno run -A bench/jobs.ts <capture> [runs=2] [format=ndjson]";
const [path, runsArg = "2", format = "ndjson"] = Deno.args;
if (path === "-h" || path === "--help") {
  console.log(USAGE);
  Deno.exit(0);
}
if (path === undefined || !(Number(runsArg) >= 1)) {
  console.error(USAGE);
  Deno.exit(2);
}
/** The CLI as `deno task decode` runs it: the bundle (tools/build.ts). */
const cli = new URL("../dist/smbscope.js", import.meta.url).pathname;
let size: number;
try {
  size = Deno.statSync(path).size;
} catch (e) {
  console.error(`bench/jobs.ts: ${path}: ${e instanceof Error ? e.message : e}\n${USAGE}`);
  Deno.exit(2);
}
const cores = navigator.hardwareConcurrency || 1;
const runs = Number(runsArg);

function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
}

const jobsList = [...new Set([1, 2, cores])].filter((j) => j <= Math.max(cores, 2)).sort((a, b) =>
  a - b
);
let base = 0;
console.log(`${path}: ${(size / 1e6).toFixed(0)} MB, ${cores} cores, --format ${format}`);
for (const jobs of jobsList) {
  let best = Infinity;
  const loads: string[] = [];
  for (let r = 0; r < runs; r++) {
    loads.push(loadAverage());
    const start = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        // The V8 flags of `deno task decode`.
        taskV8Flags("decode"),
        cli,
        "decode",
        "-q",
        "--jobs",
        String(jobs),
        "-f",
        format,
        path,
      ],
      stdout: "null",
      stderr: "inherit",
      env: { DENO_NO_UPDATE_CHECK: "1" },
    }).output();
    if (!out.success) throw new Error(`--jobs ${jobs} failed`);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  if (jobs === 1) base = best;
  console.log(
    `--jobs ${jobs}: ${best.toFixed(2)} s, ${(size / 1e6 / best).toFixed(0)} MB/s, ` +
      `speed-up ${(base / best).toFixed(2)}× (load average before runs: ${loads.join(" | ")})`,
  );
}
