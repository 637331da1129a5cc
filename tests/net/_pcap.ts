/**
 * Test-only: a tiny pcap reader (either byte order, µs or ns) and helpers to
 * push fixtures through NetworkLayer. The real reader lives in lib/capture.
 * @module
 */
import type { Frame } from "../../lib/capture/frame.ts";
import type { DecodeEvent } from "../../lib/events.ts";
import { DEFAULT_LIMITS, type Limits } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";
import { NetworkLayer } from "../../lib/net/network.ts";
import type { IpPacket } from "../../lib/net/packet.ts";

/** Frames of a classic pcap file (`bytes` are views into `file`). */
export function readPcap(file: Uint8Array): Frame[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = v.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && v.getUint32(0, false) !== 0xa1b2c3d4 && v.getUint32(0, false) !== 0xa1b23c4d) {
    throw new Error("not a pcap file");
  }
  const nano = (le ? magic : v.getUint32(0, false)) === 0xa1b23c4d;
  const linktype = v.getUint32(20, le) & 0x0fffffff;
  const frames: Frame[] = [];
  for (let off = 24; off + 16 <= file.length;) {
    const sec = v.getUint32(off, le), frac = v.getUint32(off + 4, le);
    const incl = v.getUint32(off + 8, le), orig = v.getUint32(off + 12, le);
    const bytes = file.subarray(off + 16, off + 16 + incl);
    frames.push({
      index: frames.length + 1,
      ts: sec + frac / (nano ? 1e9 : 1e6),
      linktype,
      interfaceId: 0,
      origlen: orig,
      bytes,
    });
    off += 16 + incl;
  }
  return frames;
}

export function fixture(name: string): Uint8Array {
  return Deno.readFileSync(new URL(`../../fixtures/net/${name}`, import.meta.url));
}

/** What a test keeps of an IpPacket (copies: the packet's views are only valid during the call). */
export interface Seen {
  frame: number;
  version: 4 | 6;
  src: Uint8Array;
  dst: Uint8Array;
  protocol: number;
  payload: Uint8Array;
  payloadLength: number;
  reassembled: boolean;
  fragmentFrames?: number[];
}

export interface Run {
  packets: Seen[];
  events: DecodeEvent[];
  layer: NetworkLayer;
}

/** Push frames through a fresh NetworkLayer and end it. */
export function run(frames: Iterable<Frame>, limits: Partial<Limits> = {}): Run {
  const events: DecodeEvent[] = [];
  const packets: Seen[] = [];
  const full = { ...DEFAULT_LIMITS, ...limits };
  const reporter = new Reporter(events, full.maxAnomaliesPerKind);
  const layer = new NetworkLayer(
    (p: IpPacket) => {
      const seen: Seen = {
        frame: p.frame.index,
        version: p.version,
        src: p.src.slice(),
        dst: p.dst.slice(),
        protocol: p.protocol,
        payload: p.payload.slice(),
        payloadLength: p.payloadLength,
        reassembled: p.reassembled,
      };
      if (p.fragmentFrames) seen.fragmentFrames = [...p.fragmentFrames];
      packets.push(seen);
    },
    reporter,
    full,
  );
  for (const f of frames) layer.frame(f);
  layer.end();
  return { packets, events, layer };
}

/** A frame around `bytes`, for hand-made input. */
export function frameOf(
  bytes: Uint8Array,
  linktype = 1,
  index = 1,
  ts = 1,
  origlen = bytes.length,
): Frame {
  return { index, ts, linktype, interfaceId: 0, origlen, bytes };
}

/** Bytes from spaced hex, a group per field: "4500 0014 ...". */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
