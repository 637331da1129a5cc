/**
 * Decoding one fuzz case the way the fuzzer's worker does and the regression
 * test replays it: chunked pushes of the chosen sizes, or the stream adapter
 * when the case is gzip-compressed; then, for some cases, every output
 * writer over the events.
 * @module
 */
import { Decoder, type DecoderOptions } from "../../lib/decoder.ts";
import type { DecodeEvent } from "../../lib/events.ts";
import { decode } from "../../lib/stream.ts";
import { formatEventText } from "../../lib/output/text.ts";
import { safeJson } from "../../lib/output/sanitize.ts";
import { DocumentBuilder } from "../../lib/output/document.ts";
import { Rng } from "./random.ts";

/** How a case's bytes are pushed: at once, one byte at a time, or in random pieces of 1 to 4096 bytes. */
export type Chunking = "whole" | "bytes" | "random";

/** One input and how to decode it; JSON-safe apart from `bytes`. */
export interface FuzzCase {
  bytes: Uint8Array;
  chunking: Chunking;
  /** Seeds the piece sizes of `random` chunking. */
  chunkSeed: number;
  /** Decoder options (caps lowered at random, switches flipped). */
  options: DecoderOptions;
  /** `bytes` is gzip data: decode through the stream adapter. */
  gzip: boolean;
  /** Also run the text, JSON and document writers over the events. */
  outputs: boolean;
}

/** What decoding a case showed. */
export interface CaseResult {
  /** Milliseconds the decode took. */
  ms: number;
  events: number;
  /** Event types seen. */
  types: string[];
  /** Anomaly codes seen. */
  codes: string[];
  /** Details of `bug` anomalies (a decoder fault, never the input's). */
  bugs: string[];
  /** What was thrown, if anything was (the decoder must never throw on input). */
  threw?: string;
}

/** The piece sizes of a case's pushes. */
export function* pieces(length: number, chunking: Chunking, chunkSeed: number): Generator<number> {
  if (chunking === "whole") {
    yield length;
    return;
  }
  const rng = new Rng(chunkSeed);
  for (let at = 0; at < length;) {
    const n = chunking === "bytes" ? 1 : rng.range(1, 4096);
    yield Math.min(n, length - at);
    at += n;
  }
}

/** Decodes a case; never throws (a throw is part of the result). */
export async function runCase(c: FuzzCase): Promise<CaseResult> {
  const events: DecodeEvent[] = [];
  const started = performance.now();
  let threw: string | undefined;
  try {
    if (c.gzip) {
      for await (const e of decode(chunked(c), c.options)) events.push(e);
    } else {
      const d = new Decoder(c.options);
      let at = 0;
      for (const n of pieces(c.bytes.length, c.chunking, c.chunkSeed)) {
        for (const e of d.push(c.bytes.subarray(at, at + n))) events.push(e);
        at += n;
      }
      for (const e of d.end()) events.push(e);
    }
    if (c.outputs) {
      for (const e of events) {
        formatEventText(e);
        safeJson(e);
      }
      const doc = new DocumentBuilder();
      doc.add(events);
      safeJson(doc.finish());
    }
  } catch (e) {
    threw = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e);
  }
  const ms = performance.now() - started;
  const types = new Set<string>(), codes = new Set<string>();
  const bugs: string[] = [];
  for (const e of events) {
    types.add(e.type);
    if (e.type === "anomaly") {
      codes.add(e.code);
      if (e.kind === "bug") bugs.push(e.detail);
    }
    if (e.type === "rpc" && /decoder failed/.test(e.argumentsNote ?? "")) {
      bugs.push(`rpc arguments: ${e.argumentsNote}`);
    }
  }
  return {
    ms,
    events: events.length,
    types: [...types],
    codes: [...codes],
    bugs,
    ...(threw === undefined ? {} : { threw }),
  };
}

/** The case's bytes as an async iterable of its pieces (for the stream adapter). */
async function* chunked(c: FuzzCase): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (
    const n of pieces(c.bytes.length, c.chunking === "bytes" ? "random" : c.chunking, c.chunkSeed)
  ) {
    yield c.bytes.slice(at, at + n);
    at += n;
  }
}
