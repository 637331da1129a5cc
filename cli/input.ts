/**
 * Reading a capture file or standard input for the CLI.
 * @module
 */
import { isGzip } from "../lib/capture/sniff.ts";
import { decode, type DecodeEvent, Decoder, type DecoderOptions } from "../mod.ts";

/**
 * Bytes per read, into one reused buffer (fresh buffers per read page-fault).
 * 256 KiB rather than more: the events of one read live until it is decoded,
 * and shorter-lived events are collected young instead of growing the heap.
 */
const READ_SIZE = 1 << 18;

/** Something to read capture bytes from; files also read synchronously, which is faster. */
export interface CaptureSource {
  read(buffer: Uint8Array): Promise<number | null>;
  readSync?(buffer: Uint8Array): number | null;
  close?(): void;
}

/** Open a path, or standard input for "-"; throws Deno's errors for a bad path. */
export async function openSource(path: string): Promise<{ source: CaptureSource; size?: number }> {
  // Standard input may be a pipe or a terminal: read it asynchronously.
  if (path === "-") return { source: { read: (b) => Deno.stdin.read(b) } };
  const file = await Deno.open(path);
  const info = await file.stat();
  if (info.isDirectory) {
    file.close();
    throw new Error("is a directory");
  }
  return { source: file, size: info.size };
}

/**
 * Decode a source, yielding batches of events. Plain captures go straight into
 * the synchronous core from one reused buffer (the decoder copies what it
 * keeps); gzip input takes the streaming path, which inflates it.
 * `onBytes` is told how many bytes were read, for progress.
 */
export async function* decodeSource(
  source: CaptureSource,
  options: DecoderOptions,
  onBytes?: (n: number) => void,
): AsyncGenerator<DecodeEvent[], void, undefined> {
  const buffer = new Uint8Array(READ_SIZE);
  // A file read synchronously costs a third of an async read of the same size.
  const readSync = source.readSync?.bind(source);
  const reads = async function* (): AsyncGenerator<Uint8Array> {
    for (;;) {
      const n = readSync ? readSync(buffer) : await source.read(buffer);
      if (n === null) return;
      onBytes?.(n);
      yield buffer.subarray(0, n);
    }
  };
  const chunks = reads();
  const first = await chunks.next();
  if (!first.done && first.value.length >= 2 && isGzip(first.value)) {
    // DecompressionStream may hold chunks: give it copies.
    const copies = async function* () {
      yield first.value.slice();
      for await (const chunk of chunks) yield chunk.slice();
    };
    const batch: DecodeEvent[] = [];
    for await (const event of decode(copies(), options)) {
      batch.push(event);
      if (batch.length >= 1024) yield batch.splice(0);
    }
    if (batch.length) yield batch;
    return;
  }
  const decoder = new Decoder(options);
  if (!first.done) yield decoder.push(first.value);
  for await (const chunk of chunks) {
    const events = decoder.push(chunk);
    if (events.length) yield events;
  }
  yield decoder.end();
}
