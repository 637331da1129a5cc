/**
 * The detection rules alone: decodes a capture once without them, keeps
 * its events, then hands them to a fresh detection engine (every rule, the
 * default thresholds) N times and prints the best and median seconds of one
 * pass (its garbage collections included) and the alerts raised. Short
 * passes, best of many: steadier than timing two whole decodes when other
 * work shares the cores.
 *
 *     deno run -A bench/detect_replay.ts capture.pcap [--rounds 10]
 *
 * @module
 */
import { Decoder } from "../mod.ts";
import { chosenRules, DetectionEngine } from "../lib/detect/engine.ts";
import type { DecodeEvent } from "../lib/events.ts";
import { Reporter } from "../lib/report.ts";
import { withUsage } from "./usage.ts";
import { parseArgs } from "node:util";

const { path, rounds } = withUsage(
  "usage: deno run -A bench/detect_replay.ts CAPTURE [--rounds N=10]",
  (args) => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { rounds: { type: "string", default: "10" } },
    });
    if (positionals[0] === undefined) throw new Error("missing argument");
    return { path: positionals[0], rounds: Number(values.rounds) };
  },
);

const events: DecodeEvent[] = [];
const decoder = new Decoder({ alerts: false, files: { hashes: false } });
const file = Deno.openSync(path);
const chunk = new Uint8Array(1 << 20);
for (;;) {
  const n = file.readSync(chunk);
  if (n === null) break;
  for (const e of decoder.push(chunk.subarray(0, n))) events.push(e);
}
for (const e of decoder.end()) events.push(e);
file.close();

/** One pass: every event to a new engine, then its end; the alerts it raised. */
function pass(): number {
  const out: DecodeEvent[] = [];
  const engine = new DetectionEngine(chosenRules(), new Reporter(out, 100));
  let alerts = 0;
  for (const e of events) {
    engine.event(e, out);
    alerts += out.length;
    out.length = 0;
  }
  engine.end(out);
  return alerts + out.length;
}

const seconds: number[] = [];
let alerts = 0;
for (let r = 0; r < rounds; r++) {
  const started = performance.now();
  alerts = pass();
  seconds.push((performance.now() - started) / 1000);
}
seconds.sort((a, b) => a - b);
console.log(JSON.stringify({
  events: events.length,
  alerts,
  best: seconds[0],
  median: seconds[Math.floor(seconds.length / 2)],
  load: Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" "),
}));
