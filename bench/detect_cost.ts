/**
 * The cost of the detection engine on one capture: decodes it with the
 * synchronous core (1 MiB `readSync`s, no file hashes, like
 * `decode_file.ts --sync --no-hashes`), once with the rules and once
 * without, each in its own process, best of N rounds, and prints the
 * seconds of both and their difference as JSON: wall-clock seconds and CPU
 * seconds (user + system of all threads, GC helpers too), the latter less
 * disturbed when other work shares the cores.
 *
 *     deno run -A bench/detect_cost.ts capture.pcap [--rounds 3]
 *
 * A child run (`--child on|off`) decodes once and prints its seconds. The
 * children get the V8 flags of `deno task decode`. The machine's load
 * average is printed with each round: compare runs made under like load.
 *
 * @module
 */
import { Decoder } from "../mod.ts";
import { taskV8Flags } from "./task_flags.ts";
import { withUsage } from "./usage.ts";

const V8_FLAGS = taskV8Flags("decode");

const args = withUsage("usage: deno run -A bench/detect_cost.ts CAPTURE [--rounds N]", (a) => {
  if (a[0] === undefined || a[0].startsWith("-")) throw new Error("missing argument");
  return a;
});
const path = args[0]!;
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const child = flag("--child");

/** One decode's cost. */
interface Run {
  seconds: number;
  cpuSeconds: number;
}

if (child !== undefined) {
  // One decode: the rules on or off, nothing else changed.
  const started = performance.now();
  const decoder = new Decoder({ alerts: child === "on", files: { hashes: false } });
  const file = Deno.openSync(path);
  const chunk = new Uint8Array(1 << 20);
  let events = 0, alerts = 0;
  const count = (batch: { type: string }[]) => {
    events += batch.length;
    for (const e of batch) if (e.type === "alert") alerts++;
  };
  for (;;) {
    const n = file.readSync(chunk);
    if (n === null) break;
    count(decoder.push(chunk.subarray(0, n)));
  }
  count(decoder.end());
  file.close();
  const seconds = (performance.now() - started) / 1000;
  // utime and stime of all threads, in clock ticks (read as decode_file.ts does).
  const stat = Deno.readTextFileSync("/proc/self/stat").split(") ")[1]!.split(" ");
  const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / 100;
  console.log(JSON.stringify({ seconds, cpuSeconds, events, alerts }));
} else {
  const rounds = Number(flag("--rounds") ?? 3);
  const run = async (mode: "on" | "off"): Promise<Run> => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", V8_FLAGS, "-A", new URL(import.meta.url).pathname, path, "--child", mode],
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`child run ${mode} failed`);
    const { seconds, cpuSeconds } = JSON.parse(new TextDecoder().decode(out.stdout));
    return { seconds, cpuSeconds };
  };
  const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  const show = (r: Run) => `${r.seconds.toFixed(2)} s (CPU ${r.cpuSeconds.toFixed(2)} s)`;
  const on: Run[] = [], off: Run[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate so a change of load hits both alike.
    off.push(await run("off"));
    on.push(await run("on"));
    console.error(
      `round ${i + 1}: off ${show(off.at(-1)!)}, on ${show(on.at(-1)!)}, load ${load()}`,
    );
  }
  const best = (runs: Run[], k: keyof Run) => Math.min(...runs.map((r) => r[k]));
  const wall = { on: best(on, "seconds"), off: best(off, "seconds") };
  const cpu = { on: best(on, "cpuSeconds"), off: best(off, "cpuSeconds") };
  console.log(JSON.stringify({
    best: { wall, cpu },
    engine: { wall: wall.on - wall.off, cpu: cpu.on - cpu.off },
    on,
    off,
    load: load(),
  }));
}
