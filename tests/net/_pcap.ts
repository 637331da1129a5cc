/**
 * Test-only helpers to read fixtures (with the real CaptureReader) and push
 * their frames through NetworkLayer.
 * @module
 */
import type { Frame } from "../../lib/capture/frame.ts";
import { CaptureReader } from "../../lib/capture/reader.ts";
import type { DecodeEvent } from "../../lib/events.ts";
import { DEFAULT_LIMITS, type Limits } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";
import { NetworkLayer } from "../../lib/net/network.ts";
import type { IpPacket } from "../../lib/net/packet.ts";

/** Frames of a capture file, read by the real CaptureReader (`bytes` are views into `file`). */
export function readPcap(file: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  const reader = new CaptureReader((f) => frames.push(f), new Reporter([], 0), DEFAULT_LIMITS);
  reader.push(file);
  reader.end();
  if (reader.format === "unknown") throw new Error("not a capture file");
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
