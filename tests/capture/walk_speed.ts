/**
 * Throughput sanity check, not a test: walk a ~200 MB in-memory capture made
 * of a fixture's records repeated, pushed in 64 KiB chunks and whole, and
 * print MB/s and frames/s. Run:
 *   deno run --allow-read tests/capture/walk_speed.ts
 */
import { DEFAULT_LIMITS } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";
import { CaptureReader } from "../../lib/capture/reader.ts";
import { fixture } from "./_helpers.ts";

const TARGET = 200 * 1024 * 1024;

/** `head` once, then `body` repeated up to about TARGET bytes. */
function repeat(head: Uint8Array, body: Uint8Array): Uint8Array {
  const n = Math.max(1, Math.floor((TARGET - head.length) / body.length));
  const out = new Uint8Array(head.length + n * body.length);
  out.set(head);
  for (let i = 0, at = head.length; i < n; i++, at += body.length) out.set(body, at);
  return out;
}

/** Split a pcapng file after its SHB and IDB (the first two blocks). */
function pcapngHead(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset);
  const shb = v.getUint32(4, true);
  return shb + v.getUint32(shb + 4, true);
}

const inputs: [string, Uint8Array][] = [];
const pcap = fixture("lo_usec_le.pcap");
inputs.push(["pcap µs", repeat(pcap.subarray(0, 24), pcap.subarray(24))]);
for (const name of ["lo_usec_ng.pcapng", "lo_nsec_ng.pcapng"]) {
  const ng = fixture(name);
  const h = pcapngHead(ng);
  inputs.push([name, repeat(ng.subarray(0, h), ng.subarray(h))]);
}

for (const [name, input] of inputs) {
  // The first pass warms the JIT up; both are printed.
  for (const chunk of [65536, 65536, input.length]) {
    let frames = 0, sum = 0;
    const reader = new CaptureReader(
      (f) => {
        frames++;
        sum += f.bytes.length;
      },
      new Reporter([], 10),
      DEFAULT_LIMITS,
    );
    const t0 = performance.now();
    for (let at = 0; at < input.length; at += chunk) reader.push(input.subarray(at, at + chunk));
    reader.end();
    const s = (performance.now() - t0) / 1000;
    const mb = input.length / 1e6;
    console.log(
      `${name.padEnd(18)} chunk ${String(chunk).padStart(9)}: ${(mb / s).toFixed(0)} MB/s, ` +
        `${(frames / s / 1e6).toFixed(1)} M frames/s (${frames} frames, ${sum} bytes, ${
          s.toFixed(3)
        } s)`,
    );
  }
}
