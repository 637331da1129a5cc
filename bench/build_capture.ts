/**
 * Builds a large capture deterministically from the fixture captures: every
 * IPv4-over-Ethernet frame of the fixtures is replayed in many copies, each
 * copy with its addresses shifted (so it is a separate conversation) and its
 * timestamps moved on; copies are interleaved a few at a time so the
 * connection table holds several live flows at once.
 *
 *     deno run -R -W bench/build_capture.ts out.pcap [megabytes=200] [fixture folder=smb]
 *
 * (`dcerpc` as the folder gives a capture dense in DCE/RPC calls.)
 *
 * @module
 */
import { CaptureReader } from "../lib/capture/reader.ts";
import { DEFAULT_LIMITS } from "../lib/options.ts";
import { Reporter } from "../lib/report.ts";
import { positional, withUsage } from "./usage.ts";

interface Record {
  ts: number;
  origlen: number;
  bytes: Uint8Array;
}

/** Ethernet IPv4 frames of every fixture capture, in file order. */
export function fixtureFrames(paths: string[]): Record[] {
  const frames: Record[] = [];
  for (const path of paths) {
    const reader = new CaptureReader(
      (f) => {
        const b = f.bytes;
        if (f.linktype === 1 && b.length >= 34 && b[12] === 0x08 && b[13] === 0x00) {
          frames.push({ ts: f.ts, origlen: f.origlen, bytes: b.slice() });
        }
      },
      new Reporter([], 0),
      DEFAULT_LIMITS,
    );
    reader.push(Deno.readFileSync(path));
    reader.end();
  }
  return frames;
}

/** Writes `copies` shifted copies of `frames` as a little-endian µs pcap, `interleave` copies at a time. */
export async function writeReplicated(
  out: string,
  frames: Record[],
  targetBytes: number,
  interleave = 8,
): Promise<{ bytes: number; frames: number }> {
  const file = await Deno.open(out, { write: true, create: true, truncate: true });
  const writer = file.writable.getWriter();
  const header = new Uint8Array(24);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 0xa1b2c3d4, true);
  hv.setUint16(4, 2, true);
  hv.setUint16(6, 4, true);
  hv.setUint32(16, 262144, true);
  hv.setUint32(20, 1, true);
  await writer.write(header);
  const perCopy = frames.reduce((n, f) => n + 16 + f.bytes.length, 0);
  const copies = Math.max(1, Math.ceil((targetBytes - 24) / perCopy));
  const base = frames[0]?.ts ?? 0;
  const span = (frames.at(-1)?.ts ?? 0) - base + 1;
  let written = 24, count = 0;
  let buffer = new Uint8Array(1 << 22);
  let used = 0;
  const flush = async () => {
    await writer.write(buffer.slice(0, used));
    used = 0;
  };
  for (let group = 0; group < copies; group += interleave) {
    const members = Math.min(interleave, copies - group);
    for (let i = 0; i < frames.length; i++) {
      for (let m = 0; m < members; m++) {
        const copy = group + m;
        const f = frames[i]!;
        const need = 16 + f.bytes.length;
        if (used + need > buffer.length) {
          await flush();
          if (need > buffer.length) buffer = new Uint8Array(need);
        }
        const ts = f.ts - base + 1_700_000_000 + Math.floor(copy / interleave) * span + m * 1e-6;
        const sec = Math.floor(ts);
        const rv = new DataView(buffer.buffer, used, 16);
        rv.setUint32(0, sec, true);
        rv.setUint32(4, Math.round((ts - sec) * 1e6) % 1_000_000, true);
        rv.setUint32(8, f.bytes.length, true);
        rv.setUint32(12, f.origlen, true);
        buffer.set(f.bytes, used + 16);
        // Shift both IPv4 addresses' 2nd and 3rd octets by the copy number.
        for (const at of [used + 16 + 26, used + 16 + 30]) {
          buffer[at + 1] = (buffer[at + 1]! + (copy & 0xff)) & 0xff;
          buffer[at + 2] = (buffer[at + 2]! + (copy >> 8)) & 0xff;
        }
        used += need;
        written += need;
        count++;
      }
    }
  }
  await flush();
  await writer.close();
  return { bytes: written, frames: count };
}

if (import.meta.main) {
  const [out, mb = "200", folder = "smb"] = withUsage(
    "usage: deno run -R -W bench/build_capture.ts OUT.pcap [megabytes=200] [fixture folder=smb]",
    (args) => positional(args, 1).positionals as [string, ...string[]],
  );
  const dir = new URL(`../fixtures/${folder}/`, import.meta.url);
  const paths = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".pcap"))
    .map((e) => new URL(e.name, dir).pathname).sort();
  const result = await writeReplicated(out, fixtureFrames(paths), Number(mb) * 1e6);
  console.log(JSON.stringify(result));
}
