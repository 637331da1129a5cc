/**
 * Runs the CLI as `deno task decode` does (the bundle, dist/smbscope.js; with
 * SMBSCOPE_BENCH_SOURCES=1, cli/main.ts) with the given arguments in this process and
 * prints, on stderr, one JSON line: seconds, CPU seconds, peak RSS (VmHWM)
 * and the exit status. For bench/hostile.ts, which runs it as a subprocess
 * with standard output going nowhere.
 *
 *     deno run -A --v8-flags=...(those of `deno task decode`) bench/cli_peak.ts decode capture.pcap
 *
 * @module
 */
type Main = { main: (args: string[]) => Promise<number> };
const entry = Deno.env.get("SMBSCOPE_BENCH_SOURCES") === "1"
  ? "../cli/main.ts"
  : "../dist/smbscope.js";
const { main } = await import(new URL(entry, import.meta.url).href) as Main;

const [first] = Deno.args;
if (first === undefined || first === "-h" || first === "--help") {
  // Its own usage; `cli_peak.ts decode --help` is the CLI's.
  const usage =
    "usage: deno run -A [--v8-flags=...] bench/cli_peak.ts COMMAND [ARGS...] (the CLI's command line)";
  if (first === undefined) console.error(usage);
  else console.log(usage);
  Deno.exit(first === undefined ? 2 : 0);
}
const started = performance.now();
const status = await main(Deno.args);
const seconds = (performance.now() - started) / 1000;
const peakKb = Number(/VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))?.[1] ?? 0);
const stat = Deno.readTextFileSync("/proc/self/stat").split(") ")[1]!.split(" ");
const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / 100;
console.error(JSON.stringify({ seconds, cpuSeconds, peakRssMb: peakKb / 1024, status }));
Deno.exit(status);
