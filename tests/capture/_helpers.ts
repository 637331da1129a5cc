/**
 * Shared helpers for the capture tests: read a capture through a
 * CaptureReader in chunks of a given size and collect what came out.
 * @module
 */
import { createHash } from "node:crypto";
import type { DecodeEvent } from "../../lib/events.ts";
import type { DecoderOptions } from "../../lib/decoder.ts";
import { limitsFrom } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";
import { CaptureReader } from "../../lib/capture/reader.ts";

/** A frame as the reader handed it over, with its bytes copied. */
export interface CollectedFrame {
  index: number;
  ts: number;
  linktype: number;
  interfaceId: number;
  origlen: number;
  bytes: Uint8Array;
}

/** Everything one read produced. */
export interface ReadResult {
  frames: CollectedFrame[];
  events: DecodeEvent[];
  reader: CaptureReader;
}

/**
 * Push `input` in chunks of `chunkSize` bytes, then end. Each chunk is copied
 * into one reused scratch buffer that is scribbled over after every push, so a
 * reader that kept a view of a chunk (instead of copying its tail) is caught.
 */
export function readInChunks(
  input: Uint8Array,
  chunkSize = input.length || 1,
  options: DecoderOptions = {},
): ReadResult {
  const limits = limitsFrom(options);
  const events: DecodeEvent[] = [];
  const frames: CollectedFrame[] = [];
  const reader = new CaptureReader(
    (f) => frames.push({ ...f, bytes: f.bytes.slice() }),
    new Reporter(events, limits.maxAnomaliesPerKind),
    limits,
  );
  const scratch = new Uint8Array(chunkSize);
  for (let at = 0; at < input.length; at += chunkSize) {
    const piece = input.subarray(at, at + chunkSize);
    scratch.set(piece);
    reader.push(scratch.subarray(0, piece.length));
    scratch.fill(0xee);
  }
  reader.end();
  return { frames, events, reader };
}

/** Anomaly events only, as `layer.kind` strings. */
export function anomalyKinds(events: DecodeEvent[]): string[] {
  return events.flatMap((e) => (e.type === "anomaly" ? [`${e.layer}.${e.kind}`] : []));
}

/** The detail of every anomaly event. */
export function anomalyDetails(events: DecodeEvent[]): string[] {
  return events.flatMap((e) => (e.type === "anomaly" ? [e.detail] : []));
}

const FIXTURES = new URL("../../fixtures/formats/", import.meta.url);

/** Bytes of a fixture in fixtures/formats/. */
export function fixture(name: string): Uint8Array {
  return Deno.readFileSync(new URL(name, FIXTURES));
}

/** A fixture's oracle, written by fixtures/formats/expected.ts from tshark and capinfos. */
export interface Expected {
  file: string;
  format: "pcap" | "pcapng";
  fileType: string;
  packets: number;
  /** Link type of each interface, per section. */
  sections: number[][];
  /** `[time_epoch or "" when the frame has no time, len, cap_len, section, interface_id, md5]`. */
  frames: [string, number, number, number, number, string][];
}

/** Fixture names that have an expected.json, with their capture file names. */
export function fixtureNames(): { capture: string; expected: Expected }[] {
  const out = [];
  for (const entry of Deno.readDirSync(FIXTURES)) {
    if (!entry.name.endsWith(".expected.json")) continue;
    const expected: Expected = JSON.parse(Deno.readTextFileSync(new URL(entry.name, FIXTURES)));
    out.push({ capture: expected.file, expected });
  }
  return out.sort((a, b) => a.capture.localeCompare(b.capture));
}

/** Lower-case hex MD5, as tshark's frame.md5_hash prints it. */
export function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** Little-endian byte writer for hand-built hostile inputs. */
export class Bytes {
  #parts: number[] = [];
  u8(...v: number[]): this {
    for (const x of v) this.#parts.push(x & 0xff);
    return this;
  }
  u16(v: number, le = true): this {
    return le ? this.u8(v, v >> 8) : this.u8(v >> 8, v);
  }
  u32(v: number, le = true): this {
    return le ? this.u8(v, v >> 8, v >> 16, v >>> 24) : this.u8(v >>> 24, v >> 16, v >> 8, v);
  }
  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.#parts.push(0);
    return this;
  }
  bytes(b: Uint8Array): this {
    for (const x of b) this.#parts.push(x);
    return this;
  }
  get length(): number {
    return this.#parts.length;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}
