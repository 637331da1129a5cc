/**
 * Making fuzz cases from seed captures: a window of a seed's frames, mutated
 * where the structure is (fields found by dissect.ts), byte by byte, by
 * splices from other seeds, by dropping, repeating and reordering frames and
 * moving their times; written as pcap or pcapng; then perhaps mutated again
 * as a file (record lengths, header fields, flips, cuts, inserted bytes), and
 * perhaps gzip-compressed. The decoder options are varied too, caps lowered
 * so that they are reached.
 * @module
 */
import type { DecoderOptions } from "../../lib/decoder.ts";
import { joinParts } from "../hostile/pcap.ts";
import { type Field, fieldsOf } from "./dissect.ts";
import type { Rng } from "./random.ts";
import type { FuzzCase } from "./run.ts";
import type { Seed, SeedFrame } from "./seeds.ts";

/** A case and what was done to make it. */
export interface MadeCase {
  case: FuzzCase;
  seed: string;
  mutations: string[];
}

/** Frames taken from a seed at most. */
const MAX_WINDOW = 400;

/** Makes one case from `seeds`. */
export function makeCase(rng: Rng, seeds: readonly Seed[]): MadeCase {
  const seed = rng.pick(seeds);
  const mutations: string[] = [];
  const n = seed.frames.length;
  const length = rng.chance(0.1) ? Math.min(n, MAX_WINDOW) : rng.small(Math.min(n, MAX_WINDOW));
  const start = rng.chance(0.4) ? 0 : rng.int(n - length + 1);
  const frames: SeedFrame[] = seed.frames.slice(start, start + length).map((f) => ({
    ...f,
    bytes: f.bytes.slice(),
  }));
  const ops = rng.chance(0.05) ? 0 : rng.small(12);
  for (let i = 0; i < ops && frames.length > 0; i++) {
    mutations.push(frameMutation(rng, frames, seeds));
  }
  let bytes = rng.chance(0.8) ? writePcap(frames, rng, mutations) : writePcapng(frames);
  if (rng.chance(0.25)) bytes = fileMutation(rng, bytes, mutations);
  const gzip = rng.chance(0.02);
  const r = rng.next();
  return {
    case: {
      bytes,
      chunking: r < 0.15 && bytes.length < 64 << 10 ? "bytes" : r < 0.7 ? "random" : "whole",
      chunkSeed: rng.seed(),
      options: randomOptions(rng, mutations),
      gzip,
      outputs: rng.chance(0.1),
    },
    seed: `${seed.name} frames ${start + 1}-${start + length}`,
    mutations,
  };
}

/** Flips bit `bit` of `b[at]`. */
export function flip(b: Uint8Array, at: number, bit: number): void {
  b[at] = b[at]! ^ (1 << bit);
}

/** Values worth trying in a field of `size` bytes now holding `v`. */
function interesting(rng: Rng, size: number, v: number): number {
  const max = size === 1 ? 0xff : size === 2 ? 0xffff : 0xffff_ffff;
  switch (rng.int(12)) {
    case 0:
      return 0;
    case 1:
      return max;
    case 2:
      return (v + 1) & max;
    case 3:
      return (v - 1) & max;
    case 4:
      return (v + rng.range(2, 64)) & max;
    case 5:
      return Math.max(0, v - rng.range(2, 64));
    case 6:
      return (v * 2) & max;
    case 7:
      return v >>> 1;
    case 8:
      return (v ^ (1 << rng.int(size * 8))) >>> 0 & max;
    case 9:
      return Math.floor(max / 2) + rng.int(2);
    case 10:
      return rng.range(1, 64);
    default:
      return rng.int(max + 1);
  }
}

function readField(b: Uint8Array, f: Field): number {
  let v = 0;
  for (let i = 0; i < f.size; i++) {
    const byte = b[f.at + (f.le ? i : f.size - 1 - i)] ?? 0;
    v += byte * 2 ** (8 * i);
  }
  return v;
}

function writeField(b: Uint8Array, f: Field, v: number): void {
  for (let i = 0; i < f.size; i++) {
    const at = f.at + (f.le ? i : f.size - 1 - i);
    if (at < b.length) b[at] = Math.floor(v / 2 ** (8 * i)) & 0xff;
  }
}

function frameMutation(rng: Rng, frames: SeedFrame[], seeds: readonly Seed[]): string {
  const i = rng.int(frames.length);
  const f = frames[i]!;
  const op = rng.int(100);
  if (op < 45) {
    const fields = fieldsOf(f.bytes, f.linktype);
    if (fields.length > 0) {
      const field = rng.pick(fields);
      const before = readField(f.bytes, field);
      const after = interesting(rng, field.size, before);
      writeField(f.bytes, field, after);
      return `frame ${i}: ${field.kind} ${before} -> ${after}`;
    }
  }
  if (op < 60 && f.bytes.length > 0) {
    const flips = rng.small(8);
    for (let k = 0; k < flips; k++) flip(f.bytes, rng.int(f.bytes.length), rng.int(8));
    return `frame ${i}: ${flips} bit flips`;
  }
  if (op < 67 && f.bytes.length > 0) {
    const at = rng.int(f.bytes.length);
    f.bytes[at] = rng.int(256);
    return `frame ${i}: byte ${at} set`;
  }
  if (op < 74) {
    // Splice: a piece of another seed's frame over or into this one.
    const other = rng.pick(rng.pick(seeds).frames).bytes;
    const from = rng.int(other.length), len = rng.small(Math.max(1, other.length - from));
    const piece = other.subarray(from, from + len);
    const at = rng.int(f.bytes.length + 1);
    if (rng.chance(0.5)) {
      const grown = new Uint8Array(Math.max(f.bytes.length, at + piece.length));
      grown.set(f.bytes);
      grown.set(piece, at);
      f.bytes = grown;
    } else {
      const grown = new Uint8Array(f.bytes.length + piece.length);
      grown.set(f.bytes.subarray(0, at));
      grown.set(piece, at);
      grown.set(f.bytes.subarray(at), at + piece.length);
      f.bytes = grown;
    }
    f.origlen = Math.max(f.origlen, f.bytes.length);
    return `frame ${i}: splice of ${piece.length} bytes at ${at}`;
  }
  if (op < 79 && f.bytes.length > 1) {
    const keep = rng.int(f.bytes.length);
    f.bytes = f.bytes.slice(0, keep);
    return `frame ${i}: cut to ${keep} bytes (snap length)`;
  }
  if (op < 84 && frames.length > 1) {
    frames.splice(i, 1);
    return `frame ${i}: dropped`;
  }
  if (op < 89) {
    const copies = rng.chance(0.2) ? rng.small(200) : 1;
    for (let k = 0; k < copies; k++) frames.splice(i, 0, { ...f, bytes: f.bytes.slice() });
    return `frame ${i}: repeated ${copies} times`;
  }
  if (op < 95 && i + 1 < frames.length) {
    const far = Math.min(frames.length - 1, i + rng.small(8));
    frames[i] = frames[far]!;
    frames[far] = f;
    return `frames ${i} and ${far} swapped`;
  }
  const shift = rng.pick([-86400, -1, 0.000001, 31, 121, 3601, 86400 * 365]);
  for (let k = i; k < frames.length; k++) frames[k]!.ts += shift;
  return `frames ${i}-: time moved by ${shift} s`;
}

/** A little-endian microsecond pcap of `frames` (the first frame's link type); some records' lengths lie. */
function writePcap(frames: SeedFrame[], rng: Rng, mutations: string[]): Uint8Array {
  const total = frames.reduce((n, f) => n + 16 + f.bytes.length, 24);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 262144, true);
  v.setUint32(20, frames[0]?.linktype ?? 1, true);
  let at = 24;
  for (const f of frames) {
    const s = Math.floor(f.ts);
    v.setUint32(at, s >>> 0, true);
    v.setUint32(at + 4, Math.min(999_999, Math.max(0, Math.round((f.ts - s) * 1e6))), true);
    v.setUint32(at + 8, f.bytes.length, true);
    v.setUint32(at + 12, Math.max(f.origlen, f.bytes.length), true);
    out.set(f.bytes, at + 16);
    at += 16 + f.bytes.length;
  }
  if (rng.chance(0.1) && frames.length > 0) {
    // A record header that lies: its captured or original length.
    let rec = 24;
    const which = rng.int(frames.length);
    for (let k = 0; k < which; k++) rec += 16 + frames[k]!.bytes.length;
    const field = rng.chance(0.5) ? 8 : 12;
    const value = interesting(rng, 4, v.getUint32(rec + field, true));
    v.setUint32(rec + field, value, true);
    mutations.push(`record ${which}: ${field === 8 ? "caplen" : "origlen"} -> ${value}`);
  }
  return out;
}

/** A pcapng of `frames`: one section, an interface per link type, enhanced packet blocks. */
function writePcapng(frames: SeedFrame[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array) => {
    const len = 12 + ((body.length + 3) & ~3);
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, true);
    v.setUint32(4, len, true);
    b.set(body, 8);
    v.setUint32(len - 4, len, true);
    blocks.push(b);
  };
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, true);
  sv.setUint16(4, 1, true);
  sv.setBigInt64(8, -1n, true);
  block(0x0a0d0d0a, shb);
  const interfaces = new Map<number, number>();
  for (const f of frames) {
    if (interfaces.has(f.linktype)) continue;
    interfaces.set(f.linktype, interfaces.size);
    const idb = new Uint8Array(8);
    const iv = new DataView(idb.buffer);
    iv.setUint16(0, f.linktype, true);
    iv.setUint32(4, 262144, true);
    block(1, idb);
  }
  for (const f of frames) {
    const epb = new Uint8Array(20 + f.bytes.length);
    const ev = new DataView(epb.buffer);
    const us = BigInt(Math.max(0, Math.round(f.ts * 1e6)));
    ev.setUint32(0, interfaces.get(f.linktype)!, true);
    ev.setUint32(4, Number(us >> 32n) >>> 0, true);
    ev.setUint32(8, Number(us & 0xffff_ffffn), true);
    ev.setUint32(12, f.bytes.length, true);
    ev.setUint32(16, Math.max(f.origlen, f.bytes.length), true);
    epb.set(f.bytes, 20);
    block(6, epb);
  }
  return joinParts(blocks);
}

/** Mutations of the written file: header fields, flips, cuts, inserted or removed bytes. */
function fileMutation(rng: Rng, b: Uint8Array, mutations: string[]): Uint8Array {
  const op = rng.int(6);
  if (op === 0 && b.length >= 24) {
    const at = rng.pick([4, 6, 16, 20]);
    const v = new DataView(b.buffer, b.byteOffset);
    const size = at < 8 ? 2 : 4;
    const before = size === 2 ? v.getUint16(at, true) : v.getUint32(at, true);
    const after = interesting(rng, size, before);
    if (size === 2) v.setUint16(at, after, true);
    else v.setUint32(at, after, true);
    mutations.push(`file header at ${at}: ${before} -> ${after}`);
    return b;
  }
  if (op === 1 && b.length > 0) {
    const cut = rng.int(b.length);
    mutations.push(`file cut at ${cut}`);
    return b.slice(0, cut);
  }
  if (op === 2 && b.length > 24) {
    const at = 24 + rng.int(b.length - 24), n = rng.small(64);
    const out = new Uint8Array(b.length + n);
    out.set(b.subarray(0, at));
    for (let i = 0; i < n; i++) out[at + i] = rng.int(256);
    out.set(b.subarray(at), at + n);
    mutations.push(`${n} bytes inserted at ${at}`);
    return out;
  }
  if (op === 3 && b.length > 24) {
    const at = 24 + rng.int(b.length - 24), n = Math.min(rng.small(64), b.length - at);
    mutations.push(`${n} bytes removed at ${at}`);
    return new Uint8Array([...b.subarray(0, at), ...b.subarray(at + n)]);
  }
  const flips = rng.small(32);
  for (let i = 0; i < flips && b.length > 0; i++) flip(b, rng.int(b.length), rng.int(8));
  mutations.push(`${flips} bit flips in the file`);
  return b;
}

/** Decoder options: mostly the defaults; sometimes caps low enough to be reached, switches off. */
function randomOptions(rng: Rng, mutations: string[]): DecoderOptions {
  if (rng.chance(0.75)) return {};
  const o: Record<string, number | boolean> = {};
  const low: [string, number][] = [
    ["maxConnections", 16],
    ["maxOutOfOrderBytes", 4096],
    ["maxTotalOutOfOrderBytes", 8192],
    ["maxFragmentedDatagrams", 4],
    ["maxFragmentBytes", 4096],
    ["maxSmbMessageBytes", 2048],
    ["maxPendingRequests", 4],
    ["maxTotalPendingRequests", 6],
    ["maxSmbStateEntries", 4],
    ["maxTotalSmbStateEntries", 6],
    ["maxSmbSessions", 4],
    ["smbProbeBytes", 512],
    ["maxTrackedFiles", 4],
    ["maxFileRanges", 4],
    ["maxFileBufferBytes", 1024],
    ["maxTotalFileBufferBytes", 2048],
    ["maxHashingFiles", 4],
    ["maxRpcCalls", 4],
    ["maxTotalRpcCalls", 4],
    ["maxRpcStubBytes", 512],
    ["maxTotalRpcStubBytes", 1024],
    ["maxRpcAssociations", 4],
    ["maxRpcEndpoints", 4],
    ["maxAnomaliesPerKind", 4],
    ["maxDecompressionRatio", 4],
    ["maxTotalDecompressedBytes", 1 << 20],
    ["maxRecordBytes", 2048],
  ];
  for (const [name, max] of low) if (rng.chance(0.3)) o[name] = rng.int(max + 1);
  for (
    const name of [
      "fileEvents",
      "fileHashes",
      "decodeDcerpc",
      "rpcArguments",
      "alerts",
      "connectionOpenEvents",
    ]
  ) {
    if (rng.chance(0.15)) o[name] = false;
  }
  mutations.push(`options ${JSON.stringify(o)}`);
  return o as DecoderOptions;
}
