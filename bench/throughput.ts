/**
 * `deno task bench`: full decode throughput and peak RSS on SMB-dense and
 * bulk captures, with tshark and capinfos timed on the same files in the
 * same run, and the load average printed with every table (this machine is
 * shared). Each figure is the CLI as `deno task decode` runs it (its V8
 * flag, output to nowhere, timed from its first line: Deno start-up
 * excluded) or the library's synchronous core (`decode_file.ts --sync`),
 * each in its own process; best of `--runs`.
 *
 * The captures (built once, kept in bench/out/):
 * - `dense`: the public SMB captures of the shared corpus replicated with
 *   shifted addresses (bench/build_dense.ts); needs ../shared/pcaps/public;
 * - `office`: bench/out/office.pcap, the MTU-1500 office workload made by
 *   bench/office/make.sh (Samba and real clients on a veth pair);
 * - `fixtures`: this project's SMB fixtures replicated (bench/build_capture.ts);
 * - `bulk`: an SMB 3.1.1 bulk transfer replicated (bench/smb_overhead.ts).
 *
 *     deno task bench [--mb N] [--also-mb N] [--captures dense,office,…] [--runs N]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fixtureFrames, writeReplicated } from "./build_capture.ts";
import { buildDense } from "./build_dense.ts";
import { bulkCapture } from "./smb_overhead.ts";
import { taskV8Flags } from "./task_flags.ts";

const HELP = `Usage: deno task bench [--mb N] [--also-mb N] [--captures LIST] [--runs N]

Full decode throughput and peak RSS of the CLI (ndjson, json and text, output
to nowhere) and of the library's synchronous core, on SMB-dense and bulk
captures built once in bench/out/, with tshark (one pass) and capinfos timed
on the same files in the same run, and the load average of the machine.

  --mb N          size of the built captures, megabytes (default 200)
  --also-mb N     also measure the dense and bulk captures at N megabytes
                  (memory must stay flat from --mb to N)
  --captures L    which captures, comma-separated: dense (public SMB traces
                  replicated; needs ../shared/pcaps/public), office (the
                  MTU-1500 office workload of bench/office/make.sh, when built),
                  fixtures, bulk (default: all that can be had)
  --runs N        runs per figure, the best is shown (default 3)
  -h, --help      this help`;

let values: {
  mb: string;
  "also-mb"?: string | undefined;
  captures?: string | undefined;
  runs: string;
  help: boolean;
};
try {
  values = parseArgs({
    args: Deno.args,
    options: {
      mb: { type: "string", default: "200" },
      "also-mb": { type: "string" },
      captures: { type: "string" },
      runs: { type: "string", default: "3" },
      help: { type: "boolean", short: "h", default: false },
    },
  }).values;
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : e}\n\n${HELP}`);
  Deno.exit(2);
}
if (values.help) {
  console.log(HELP);
  Deno.exit(0);
}
for (const key of ["mb", "also-mb", "runs"] as const) {
  const v = values[key];
  if (v !== undefined && !(Number(v) > 0)) {
    console.error(`bench: --${key} takes a positive number, not ${v}\n\n${HELP}`);
    Deno.exit(2);
  }
}
const KINDS = ["dense", "office", "fixtures", "bulk"] as const;
type Kind = typeof KINDS[number];
const chosen = (values.captures ?? KINDS.join(",")).split(",").map((s) => s.trim());
for (const c of chosen) {
  if (!(KINDS as readonly string[]).includes(c)) {
    console.error(`bench: --captures takes ${KINDS.join(", ")}, not ${c}\n\n${HELP}`);
    Deno.exit(2);
  }
}
const RUNS = Number(values.runs);
const outDir = new URL("./out/", import.meta.url);
Deno.mkdirSync(outDir, { recursive: true });

/** The capture of this kind and size, built once; undefined when it cannot be had. */
async function capture(kind: Kind, mb: number): Promise<string | undefined> {
  const path = new URL(kind === "office" ? "office.pcap" : `${kind}-${mb}mb.pcap`, outDir).pathname;
  try {
    if (kind === "office" || Deno.statSync(path).size >= mb * 1e6) {
      return Deno.statSync(path) && path;
    }
  } catch {
    if (kind === "office") {
      console.log(`(no ${path}: run bench/office/make.sh to build the office workload)`);
      return undefined;
    }
  }
  console.log(`building ${path}…`);
  if (kind === "bulk") return await bulkCapture(mb);
  if (kind === "dense") {
    try {
      await buildDense(path, mb);
    } catch (e) {
      console.log(`(no dense capture: ${e instanceof Error ? e.message : e})`);
      return undefined;
    }
    return path;
  }
  const dir = new URL("../fixtures/smb/", import.meta.url);
  const inputs = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".pcap"))
    .map((e) => new URL(e.name, dir).pathname).sort();
  await writeReplicated(path, fixtureFrames(inputs), mb * 1e6);
  return path;
}

/** One measured run: wall seconds (start-up excluded where the tool allows), CPU seconds, peak RSS. */
interface Run {
  seconds: number;
  cpuSeconds?: number;
  peakRssMb?: number;
}

const CLI_PEAK = new URL("./cli_peak.ts", import.meta.url).pathname;
const DECODE_FILE = new URL("./decode_file.ts", import.meta.url).pathname;

async function cliRun(path: string, format: string): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      taskV8Flags("decode"),
      CLI_PEAK,
      "decode",
      path,
      "-q",
      "--format",
      format,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  const last = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1) ?? "";
  const r = JSON.parse(last) as Run & { status: number };
  if (r.status !== 0) throw new Error(`decode ${path} --format ${format} exited ${r.status}`);
  return r;
}

async function libraryRun(path: string): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      taskV8Flags("decode"),
      DECODE_FILE,
      path,
      "--sync",
    ],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("library run failed");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** An external tool's wall time (its start-up included), or undefined when it is not installed. */
async function toolRun(cmd: string, args: string[]): Promise<Run | undefined> {
  try {
    const started = performance.now();
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return out.success ? { seconds: (performance.now() - started) / 1000 } : undefined;
  } catch {
    return undefined;
  }
}

async function best(make: () => Promise<Run | undefined>): Promise<Run | undefined> {
  let top: Run | undefined;
  for (let i = 0; i < RUNS; i++) {
    const r = await make();
    if (r === undefined) return undefined;
    if (top === undefined || r.seconds < top.seconds) top = r;
  }
  return top;
}

/** SMB messages and frames, from one NDJSON decode's summary. */
async function density(path: string): Promise<{ smb: number; frames: number }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../cli/main.ts", import.meta.url).pathname,
      "decode",
      path,
      "-q",
      "-t",
      "summary",
      "--format",
      "ndjson",
      "--no-hashes",
    ],
  }).output();
  const summary = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  return { smb: summary.smb?.messages ?? 0, frames: summary.frames ?? 0 };
}

function loadAverage(): string {
  try {
    return Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  } catch {
    return "unknown";
  }
}

async function benchCapture(kind: Kind, mb: number): Promise<void> {
  const path = await capture(kind, mb);
  if (path === undefined) return;
  const size = Deno.statSync(path).size;
  const { smb, frames } = await density(path);
  console.log(
    `\n${kind}: ${path}: ${(size / 1e6).toFixed(1)} MB, ${frames.toLocaleString("en")} frames, ` +
      `${smb.toLocaleString("en")} SMB messages (${(smb / (size / 1e6)).toFixed(0)} per MB); ` +
      `load average before: ${loadAverage()}`,
  );
  const rows: [string, Run | undefined][] = [];
  for (const format of ["ndjson", "json", "text"]) {
    rows.push([`smbscope CLI --format ${format}`, await best(() => cliRun(path, format))]);
  }
  rows.push(["smbscope library (sync core)", await best(() => libraryRun(path))]);
  const tshark = await best(() => toolRun("tshark", ["-n", "-r", path]));
  rows.push(["tshark -n -r (one pass)", tshark]);
  rows.push(["capinfos", await best(() => toolRun("capinfos", [path]))]);
  console.log(
    "tool                              seconds     MB/s   CPU s  peak RSS   vs tshark",
  );
  for (const [label, run] of rows) {
    if (run === undefined) {
      console.log(`${label.padEnd(32)} (not installed)`);
      continue;
    }
    const cells = [
      run.seconds.toFixed(2).padStart(9),
      (size / 1e6 / run.seconds).toFixed(0).padStart(8),
      (run.cpuSeconds === undefined ? "" : run.cpuSeconds.toFixed(2)).padStart(7),
      (run.peakRssMb === undefined ? "" : `${run.peakRssMb.toFixed(0)} MB`).padStart(9),
      (tshark === undefined ? "" : `${(tshark.seconds / run.seconds).toFixed(1)}×`).padStart(11),
    ];
    console.log(`${label.padEnd(32)} ${cells.join(" ")}`);
  }
  console.log(
    `(best of ${RUNS}; smbscope timed from its first line, Deno start-up excluded; tshark and ` +
      `capinfos include their start-up; CPU counts every thread; load average after: ${loadAverage()})`,
  );
}

console.log(`deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`);
for (const kind of chosen as Kind[]) await benchCapture(kind, Number(values.mb));
if (values["also-mb"]) {
  for (const kind of chosen as Kind[]) {
    if (kind === "dense" || kind === "bulk") await benchCapture(kind, Number(values["also-mb"]));
  }
}
