/**
 * Reading a capture file or standard input for the CLI.
 * @module
 */
import { isGzip } from "../lib/capture/sniff.ts";
import { decode, type DecodeEvent, Decoder, type DecoderOptions, loadCiphers } from "../mod.ts";

/**
 * Bytes per read, into one reused buffer (fresh buffers per read page-fault).
 * 64 KiB rather than more: the events of one read live until it is decoded,
 * and shorter-lived events are collected young instead of growing the heap
 * (a SYN flood makes two events per 70 bytes: 256 KiB reads peaked 10-30 MB
 * higher; the fixture mix decodes as fast, 17 MB lower).
 */
export const READ_SIZE = 1 << 16;

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

/** Receives each batch of events; a promise it returns is awaited before decoding goes on. */
export type EventSink = (events: DecodeEvent[]) => void | Promise<void>;

/**
 * Decode a source, handing each batch of events to `onEvents` as soon as it is
 * made. Plain captures go straight into the synchronous core from one reused
 * buffer (the decoder copies what it keeps); gzip input takes the streaming
 * path, which inflates it. `onBytes` is told how many bytes were read, for
 * progress.
 *
 * A callback rather than an async iterator: batches handed on through promises
 * (an async generator, or `next()` results) were still alive at V8's next
 * scavenges, so nearly every SMB event was promoted to the old generation; on
 * a 1 GB SMB3 bulk capture that cost 30 MB of RSS and a quarter more time
 * (bench/smb_overhead.ts). A plain callback does not have the problem.
 */
export async function decodeSource(
  source: CaptureSource,
  options: DecoderOptions,
  onEvents: EventSink,
  onBytes?: (n: number) => void,
): Promise<void> {
  if (options.keys !== undefined) await loadCiphers();
  const buffer = new Uint8Array(READ_SIZE);
  // A file read synchronously costs a third of an async read of the same size.
  const readSync = source.readSync?.bind(source);
  const take = (n: number | null): Uint8Array | undefined => {
    if (n === null) return undefined;
    onBytes?.(n);
    return buffer.subarray(0, n);
  };
  const read = async () => take(readSync ? readSync(buffer) : await source.read(buffer));
  const first = await read();
  if (first !== undefined && first.length >= 2 && isGzip(first)) {
    // DecompressionStream may hold chunks: give it copies.
    const copies = async function* () {
      yield first.slice();
      for (let chunk = await read(); chunk !== undefined; chunk = await read()) yield chunk.slice();
    };
    let batch: DecodeEvent[] = [];
    for await (const event of decode(copies(), options)) {
      batch.push(event);
      if (batch.length >= 1024) {
        await onEvents(batch);
        batch = [];
      }
    }
    if (batch.length) await onEvents(batch);
    return;
  }
  const decoder = new Decoder(options);
  let chunk = first;
  while (chunk !== undefined) {
    const events = decoder.push(chunk);
    if (events.length) {
      const wait = onEvents(events);
      if (wait) await wait;
    }
    chunk = readSync ? take(readSync(buffer)) : await read();
  }
  await onEvents(decoder.end());
}
