/**
 * The cost of SMB decoding on an SMB3 bulk transfer (fixtures/smb/smb3_bulk.pcap
 * replicated to the size asked; file events on, file digests off: their cost
 * is bench/extract.ts's): decodes the capture with SMB decoding off
 * ("conversations only", the foundation) and on, in alternating processes so
 * that drift on a shared machine hits both alike, and prints the best and
 * median wall time of each, their CPU time (all threads, Deno start-up
 * included), peak RSS and the overhead. `deno task bench` runs it too.
 *
 *     deno run -A bench/smb_overhead.ts [--mb 200] [--runs 7] [--reader cli|sync|stream]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fixtureFrames, writeReplicated } from "./build_capture.ts";
import { withUsage } from "./usage.ts";

/** decode_file.ts's readers: the CLI's, the bare synchronous core, Deno's file.readable through DecodeStream. */
const READERS: Record<string, string> = { cli: "--cli", sync: "--sync", stream: "--stream" };

/** One decode_file.ts run. */
interface Run {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  events: number;
}

/** The bulk capture of `mb` megabytes, built once and kept in bench/out/. */
export async function bulkCapture(mb: number): Promise<string> {
  const outDir = new URL("./out/", import.meta.url);
  Deno.mkdirSync(outDir, { recursive: true });
  const path = new URL(`bulk-${mb}mb.pcap`, outDir).pathname;
  try {
    if (Deno.statSync(path).size >= mb * 1e6) return path;
  } catch { /* build it */ }
  const source = new URL("../fixtures/smb/smb3_bulk.pcap", import.meta.url).pathname;
  console.log(`building ${path}…`);
  await writeReplicated(path, fixtureFrames([source]), mb * 1e6);
  return path;
}

async function run(path: string, reader: string, smb: boolean): Promise<Run> {
  const args = ["run", "-A", new URL("./decode_file.ts", import.meta.url).pathname, path, reader];
  // File digests are carving's cost, measured by bench/extract.ts: SMB decoding here is the rest.
  args.push(smb ? "--no-hashes" : "--no-smb");
  const out = await new Deno.Command(Deno.execPath(), { args, stderr: "inherit" }).output();
  if (!out.success) throw new Error("decode run failed");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => Math.min(...xs);
const pct = (a: number, b: number) => `${(100 * (b - a) / a).toFixed(0)}%`;

/** Measures and prints the overhead of SMB decoding on the bulk capture of `mb` megabytes. */
export async function benchSmbOverhead(mb: number, runs = 7, readerName = "cli"): Promise<void> {
  const reader = READERS[readerName];
  if (reader === undefined) throw new Error("--reader must be cli, sync or stream");
  const path = await bulkCapture(mb);
  const size = Deno.statSync(path).size;
  const off: Run[] = [], on: Run[] = [];
  for (let i = 0; i < runs; i++) {
    off.push(await run(path, reader, false));
    on.push(await run(path, reader, true));
  }
  console.log(
    `\n${path}: ${(size / 1e6).toFixed(1)} MB of SMB3 bulk transfer, ${runs} runs each ` +
      `(alternating processes, ${readerName} reader)`,
  );
  console.log("                       best s  median s    MB/s   CPU s  peak RSS  events");
  for (const [label, rs] of [["conversations only", off], ["SMB, no file hashes", on]] as const) {
    const wall = rs.map((r) => r.seconds);
    const cells = [
      min(wall).toFixed(3).padStart(8),
      median(wall).toFixed(3).padStart(9),
      (size / 1e6 / min(wall)).toFixed(0).padStart(7),
      median(rs.map((r) => r.cpuSeconds)).toFixed(3).padStart(7),
      `${median(rs.map((r) => r.peakRssMb)).toFixed(0).padStart(6)} MB`,
      String(rs[0]!.events).padStart(7),
    ];
    console.log(`${label.padEnd(20)} ${cells.join(" ")}`);
  }
  const offWall = off.map((r) => r.seconds), onWall = on.map((r) => r.seconds);
  const offCpu = off.map((r) => r.cpuSeconds), onCpu = on.map((r) => r.cpuSeconds);
  console.log(
    `SMB decoding adds ${pct(min(offWall), min(onWall))} (best), ` +
      `${pct(median(offWall), median(onWall))} (median), ` +
      `${pct(median(offCpu), median(onCpu))} CPU (median)`,
  );
}

if (import.meta.main) {
  const { values } = withUsage(
    "usage: deno run -A bench/smb_overhead.ts [--mb 200] [--runs 7] [--reader cli|sync|stream]",
    (args) =>
      parseArgs({
        args,
        options: {
          mb: { type: "string", default: "200" },
          runs: { type: "string", default: "7" },
          reader: { type: "string", default: "cli" },
        },
      }),
  );
  await benchSmbOverhead(Number(values.mb), Number(values.runs), values.reader);
}
