/**
 * The least NDJSON output can cost: decodes a capture into memory (every
 * event kept), then times turning all its events into UTF-8 NDJSON the way
 * the CLI does (`JSON.stringify` per event, `encodeInto` a reused buffer, no
 * write), best of three. Set against `tshark -n -r` on the same file, it says
 * how much of a speed target serialisation alone takes.
 *
 *     deno run -A bench/output_floor.ts bench/out/dense-200mb.pcap
 *
 * @module
 */
import { Decoder } from "../mod.ts";
import { nativeDigester } from "../cli/native_hashes.ts";
import { positional, withUsage } from "./usage.ts";

const [path] = withUsage(
  "usage: deno run -A bench/output_floor.ts CAPTURE",
  (args) => positional(args, 1).positionals,
) as [string];
const decoder = new Decoder({ files: { hasher: nativeDigester } });
const file = Deno.openSync(path);
const chunk = new Uint8Array(1 << 16);
const events: unknown[] = [];
for (;;) {
  const n = file.readSync(chunk);
  if (n === null) break;
  for (const e of decoder.push(chunk.subarray(0, n))) events.push(e);
}
for (const e of decoder.end()) events.push(e);
file.close();

const encoder = new TextEncoder();
const out = new Uint8Array(1 << 20);
let best = Infinity, bytes = 0;
for (let run = 0; run < 3; run++) {
  const started = performance.now();
  bytes = 0;
  let text = "";
  for (const e of events) {
    text += JSON.stringify(e) + "\n";
    if (text.length > 65_536) {
      bytes += encoder.encodeInto(text, out).written;
      text = "";
    }
  }
  bytes += encoder.encodeInto(text, out).written;
  best = Math.min(best, performance.now() - started);
}
console.log(JSON.stringify({ events: events.length, ndjsonBytes: bytes, seconds: best / 1000 }));
