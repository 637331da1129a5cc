/**
 * `deno task bench`: builds a large capture from the fixtures (once, cached
 * in bench/out/), decodes it through the streaming API and the synchronous
 * core in separate processes, and prints MB/s, packets/s and peak RSS; when
 * `capinfos` and `tshark` are installed it times them on the same file in
 * the same run and prints the ratios. Then the cost of SMB decoding on an
 * SMB3 bulk transfer of the same size (and of 1 GB with `--also-mb`), from
 * smb_overhead.ts.
 *
 *     deno task bench [--mb 200] [--also-mb 2000]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fixtureFrames, writeReplicated } from "./build_capture.ts";
import { benchSmbOverhead } from "./smb_overhead.ts";

const HELP = `Usage: deno task bench [--mb N] [--also-mb N]

Builds (once, in bench/out/) a capture of N megabytes (default 200) from the
fixtures of fixtures/smb, decodes it through the streaming API and the
synchronous core in separate processes, and prints MB/s, packets/s and peak
RSS, with capinfos and tshark timed on the same file when installed; then the
cost of SMB decoding on an SMB3 bulk transfer of the same size (and of
--also-mb megabytes).

  --mb N        size of the capture, megabytes (default 200)
  --also-mb N   also measure the bulk transfer at N megabytes
  -h, --help    this help`;

let values: { mb: string; "also-mb"?: string | undefined; help: boolean };
try {
  values = parseArgs({
    args: Deno.args,
    options: {
      mb: { type: "string", default: "200" },
      "also-mb": { type: "string" },
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
for (const key of ["mb", "also-mb"] as const) {
  const v = values[key];
  if (v !== undefined && !(Number(v) > 0)) {
    console.error(`bench: --${key} takes a positive number of megabytes, not ${v}\n\n${HELP}`);
    Deno.exit(2);
  }
}
const outDir = new URL("./out/", import.meta.url);
Deno.mkdirSync(outDir, { recursive: true });

/** Build (once) a capture of `mb` megabytes from the fixtures. */
async function ensureCapture(mb: number): Promise<string> {
  const path = new URL(`fixtures-${mb}mb.pcap`, outDir).pathname;
  try {
    if (Deno.statSync(path).size >= mb * 1e6) return path;
  } catch { /* build it */ }
  const dir = new URL("../fixtures/smb/", import.meta.url);
  const inputs = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".pcap"))
    .map((e) => new URL(e.name, dir).pathname).sort();
  console.log(`building ${path} from ${inputs.length} fixture captures…`);
  const made = await writeReplicated(path, fixtureFrames(inputs), mb * 1e6);
  console.log(`  ${(made.bytes / 1e6).toFixed(1)} MB, ${made.frames} frames`);
  return path;
}

interface DecodeRun {
  seconds: number;
  bytes: number;
  frames: number;
  connections: number;
  peakRssMb: number;
}

async function decodeRun(path: string, mode: string[]): Promise<DecodeRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./decode_file.ts", import.meta.url).pathname, path, ...mode],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("decode run failed");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

async function timeTool(cmd: string, args: string[]): Promise<number | undefined> {
  try {
    const started = performance.now();
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return out.success ? (performance.now() - started) / 1000 : undefined;
  } catch {
    return undefined; // not installed
  }
}

function best<T extends { seconds: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

async function benchOne(mb: number) {
  const path = await ensureCapture(mb);
  const size = Deno.statSync(path).size;
  console.log(`\n${path}: ${(size / 1e6).toFixed(1)} MB`);
  const rows: [string, number, DecodeRun | undefined][] = [];
  const modes = [
    ["smbscope CLI reader", ["--cli"]],
    ["  no file hashes", ["--cli", "--no-hashes"]],
    ["  no file events", ["--cli", "--no-files"]],
    ["  conversations only", ["--cli", "--no-smb"]],
    ["smbscope sync core", ["--sync"]],
    ["smbscope DecodeStream", []],
  ] as const;
  for (const [label, mode] of modes) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await decodeRun(path, [...mode]));
    const run = best(runs);
    rows.push([label, run.seconds, run]);
  }
  const capinfos = await timeTool("capinfos", ["-c", path]);
  if (capinfos !== undefined) rows.push(["capinfos -c", capinfos, undefined]);
  // Conversations with TCP analysis: tshark's nearest equivalent of what we do.
  const tshark = await timeTool("tshark", ["-n", "-r", path, "-q", "-z", "conv,tcp"]);
  if (tshark !== undefined) rows.push(["tshark -z conv,tcp", tshark, undefined]);
  const ours = rows[0]![1];
  console.log("tool                     seconds     MB/s    packets/s  peak RSS  time vs CLI");
  for (const [label, seconds, run] of rows) {
    const rate = (size / 1e6 / seconds).toFixed(0).padStart(8);
    const pps = run
      ? Math.round(run.frames / seconds).toLocaleString("en").padStart(12)
      : "".padStart(12);
    const rss = run ? `${run.peakRssMb.toFixed(0)} MB`.padStart(9) : "".padStart(9);
    const ratio = `${(seconds / ours).toFixed(2)}×`.padStart(8);
    console.log(
      `${label.padEnd(22)} ${seconds.toFixed(3).padStart(8)} ${rate} ${pps} ${rss} ${ratio}`,
    );
  }
  const frames = rows[0]![2]!.frames, conns = rows[0]![2]!.connections;
  console.log(
    `(${frames.toLocaleString("en")} frames, ${conns} TCP connections; best of 3 for smbscope, ` +
      `each in its own process, timed from its first line (Deno start-up excluded); the last column is each tool's time over ` +
      `the CLI reader's. The CLI reads 256 KiB at a time into one reused buffer; DecodeStream ` +
      `reads Deno's file.readable, which allocates a fresh 64 KiB chunk per read.)`,
  );
}

await benchOne(Number(values.mb));
await benchSmbOverhead(Number(values.mb));
if (values["also-mb"]) await benchSmbOverhead(1000);
if (values["also-mb"]) await benchOne(Number(values["also-mb"]));
