/**
 * Decodes one capture file through the streaming API and prints its cost as
 * JSON. Run in its own process so its peak RSS is its own.
 *
 *     deno run -A bench/decode_file.ts capture.pcap [--sync | --cli | --stream]
 *       [--no-smb | --no-files | --no-hashes | --core-only]
 *
 * `--sync`: the synchronous core fed `readSync`s of the CLI's size (64 KiB) into one buffer;
 * `--cli`: the CLI's reader (async reads into one reused buffer, then the
 * core); `--stream` (the default): Deno's `file.readable` through `DecodeStream`.
 *
 * @module
 */
import { Decoder, type DecoderOptions, DecodeStream } from "../mod.ts";
import { decodeSource, READ_SIZE } from "../cli/input.ts";
import { positional, withUsage } from "./usage.ts";

const MODES = ["--sync", "--cli", "--stream"];
const OPTIONS = ["--no-smb", "--no-files", "--no-hashes", "--core-only"];
const { positionals: [path = ""], flags } = withUsage(
  "usage: deno run -A bench/decode_file.ts CAPTURE [--sync | --cli | --stream]\n" +
    "  [--no-smb | --no-files | --no-hashes | --core-only]",
  (args) => positional(args, 1, [...MODES, ...OPTIONS]),
);
const mode = flags.find((f) => f === "--sync" || f === "--cli" || f === "--stream");
/**
 * `--no-smb`: conversations only, for the cost of SMB decoding; `--no-files`:
 * no file events; `--no-hashes`: file events without digests; `--core-only`:
 * SMB without the layers added since (file events, DCE/RPC, detection), to
 * compare with releases that had only that.
 */
const options: DecoderOptions = flags.includes("--no-smb")
  ? { decodeSmb: false }
  : flags.includes("--core-only")
  ? { files: { events: false }, alerts: false, decodeDcerpc: false }
  : flags.includes("--no-files")
  ? { files: { events: false } }
  : flags.includes("--no-hashes")
  ? { files: { hashes: false } }
  : {};
const started = performance.now();
let frames = 0, events = 0, bytes = 0, connections = 0;
const count = (batch: { type: string; frames?: number; tcpConnections?: number }[]) => {
  events += batch.length;
  for (const e of batch) {
    if (e.type === "summary") {
      frames = e.frames ?? 0;
      connections = e.tcpConnections ?? 0;
    }
  }
};
if (mode === "--sync") {
  // The synchronous core fed the CLI's reads, with no stream machinery. Not 1 MiB: a push's
  // events live until it returns, and pushes of 1 MiB made scavenges copy 2.5 times as much.
  const decoder = new Decoder(options);
  const file = Deno.openSync(path);
  const chunk = new Uint8Array(READ_SIZE);
  for (;;) {
    const n = file.readSync(chunk);
    if (n === null) break;
    bytes += n;
    count(decoder.push(chunk.subarray(0, n)));
  }
  count(decoder.end());
  file.close();
} else if (mode === "--cli") {
  const file = await Deno.open(path);
  await decodeSource(file, options, count, (n) => (bytes += n));
} else {
  const file = await Deno.open(path);
  const counted = file.readable.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(c, ctl) {
        bytes += c.length;
        ctl.enqueue(c);
      },
    }),
  );
  for await (const batch of counted.pipeThrough(new DecodeStream(options))) count(batch);
}
const seconds = (performance.now() - started) / 1000;
const status = Deno.readTextFileSync("/proc/self/status");
const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
// utime and stime of all threads (GC and compiler threads included), in clock ticks.
const stat = Deno.readTextFileSync("/proc/self/stat").split(") ")[1]!.split(" ");
const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / 100;
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds,
    bytes,
    frames,
    events,
    connections,
    peakRssMb: peakKb / 1024,
  }),
);
