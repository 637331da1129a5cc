/**
 * The cost of SMB decoding on an SMB3 bulk transfer (fixtures/smb/smb3_bulk.pcap
 * replicated to the size asked): decodes the capture with SMB decoding off
 * ("conversations only", the foundation) and on, in alternating processes so
 * that drift on a shared machine hits both alike, and prints the best and
 * median wall time of each, their CPU time, peak RSS and the overhead.
 *
 *     deno run -A bench/smb_overhead.ts [--mb 200] [--runs 7] [--reader sync|cli]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fixtureFrames, writeReplicated } from "./build_capture.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    mb: { type: "string", default: "200" },
    runs: { type: "string", default: "7" },
    reader: { type: "string", default: "cli" },
  },
});
const mb = Number(values.mb), runs = Number(values.runs);
/** decode_file.ts's reader: the CLI's, the bare synchronous core, or Deno's file.readable through DecodeStream. */
const READERS: Record<string, string> = { sync: "--sync", cli: "--cli", stream: "--stream" };
const chosen = READERS[values.reader ?? "cli"];
if (chosen === undefined) throw new Error("--reader must be sync, cli or stream");
const reader: string = chosen;
const outDir = new URL("./out/", import.meta.url);
Deno.mkdirSync(outDir, { recursive: true });

/** The bulk capture of `mb` megabytes, built once and kept in bench/out/. */
async function bulkCapture(): Promise<string> {
  const path = new URL(`bulk-${mb}mb.pcap`, outDir).pathname;
  try {
    if (Deno.statSync(path).size >= mb * 1e6) return path;
  } catch { /* build it */ }
  const source = new URL("../fixtures/smb/smb3_bulk.pcap", import.meta.url).pathname;
  console.log(`building ${path}…`);
  await writeReplicated(path, fixtureFrames([source]), mb * 1e6);
  return path;
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  events: number;
}

async function run(path: string, smb: boolean): Promise<Run> {
  const args = ["run", "-A", new URL("./decode_file.ts", import.meta.url).pathname, path, reader];
  if (!smb) args.push("--no-smb");
  const out = await new Deno.Command(Deno.execPath(), { args, stderr: "inherit" }).output();
  if (!out.success) throw new Error("decode run failed");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => Math.min(...xs);

const path = await bulkCapture();
const size = Deno.statSync(path).size;
const off: Run[] = [], on: Run[] = [];
for (let i = 0; i < runs; i++) {
  off.push(await run(path, false));
  on.push(await run(path, true));
}
console.log(
  `${path}: ${(size / 1e6).toFixed(1)} MB of SMB3 bulk transfer, ${runs} runs each ` +
    `(alternating processes, ${reader.slice(2)} reader)`,
);
console.log("                       best s  median s    MB/s   CPU s  peak RSS  events");
for (const [label, rs] of [["conversations only", off], ["with SMB decoding", on]] as const) {
  const wall = rs.map((r) => r.seconds);
  console.log(
    `${label.padEnd(20)} ${min(wall).toFixed(3).padStart(8)} ${
      median(wall).toFixed(3).padStart(9)
    } ` +
      `${(size / 1e6 / min(wall)).toFixed(0).padStart(7)} ` +
      `${median(rs.map((r) => r.cpuSeconds)).toFixed(3).padStart(7)} ` +
      `${median(rs.map((r) => r.peakRssMb)).toFixed(0).padStart(6)} MB ${
        String(rs[0]!.events).padStart(7)
      }`,
  );
}
const pct = (a: number, b: number) => `${(100 * (b - a) / a).toFixed(0)}%`;
const offWall = off.map((r) => r.seconds), onWall = on.map((r) => r.seconds);
console.log(
  `SMB decoding adds ${pct(min(offWall), min(onWall))} (best), ` +
    `${pct(median(offWall), median(onWall))} (median), ` +
    `${
      pct(median(off.map((r) => r.cpuSeconds)), median(on.map((r) => r.cpuSeconds)))
    } CPU (median)`,
);
