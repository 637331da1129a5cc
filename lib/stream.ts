/**
 * Web Streams and async-iterator adapters around the synchronous
 * {@link Decoder}. They move chunks and batches of events, never single
 * packets.
 * @module
 */
import { loadCiphers } from "./crypto/aes.ts";
import { isGzip } from "./capture/sniff.ts";
import { Decoder, type DecoderHooks } from "./decoder.ts";
import type { DecodeEvent } from "./events.ts";
import type { DecoderOptions } from "./decoder.ts";

/** What {@link decode} accepts: a stream, a whole capture, or any (async) iterable of chunks. */
export type CaptureInput =
  | ReadableStream<Uint8Array>
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

/** What {@link gunzipIfNeeded} tells its caller about the input. */
export interface GunzipEvents {
  /** The input began with the gzip magic and is being inflated. */
  onGzip?: () => void;
  /** The gzip data was corrupt; the stream ends where inflating failed. */
  onError?: (detail: string) => void;
}

/**
 * Compressed bytes handed to the inflater at once. Deflate expands at most
 * 1032 to 1, and DecompressionStream gives back what one write inflates as
 * one chunk: 16 KiB in is at most 16.5 MiB out, where a 256 KiB read of a
 * bomb was a 264 MiB chunk.
 */
export const INFLATE_PIECE = 16 << 10;

/**
 * Passes bytes through unchanged unless the first two are the gzip magic,
 * in which case they are inflated as they stream (DecompressionStream), so a
 * `.pcap.gz` decodes like a `.pcap`. Pull-based and in bounded pieces
 * ({@link INFLATE_PIECE}): nothing is inflated faster than the consumer reads,
 * and no chunk is larger than 16.5 MiB, so a decompression bomb costs time,
 * not memory; a consumer that stops reading (cancels) stops the inflating.
 */
export function gunzipIfNeeded(
  input: ReadableStream<Uint8Array>,
  events: GunzipEvents = {},
): ReadableStream<Uint8Array> {
  const reader = input.getReader();
  let head: Uint8Array | undefined = new Uint8Array(0);
  let gzip = false;
  /** What is left of the chunk being handed on in pieces (gzip only). */
  let rest: Uint8Array = new Uint8Array(0);
  /** The first pieces are small, so input that is no capture is refused after little inflating. */
  let size = 1024;
  const piece = (c: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    const n = gzip ? Math.min(size, chunk.length) : chunk.length;
    c.enqueue(n === chunk.length ? chunk : chunk.subarray(0, n));
    rest = chunk.subarray(n);
    if (gzip) size = Math.min(size * 2, INFLATE_PIECE);
  };
  const replay = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (rest.length > 0) return piece(c, rest);
      if (head !== undefined) {
        const first = head;
        head = undefined;
        // A pull that enqueues nothing is not called again: only return once something is.
        if (first.length > 0) return piece(c, first);
      }
      const { done, value } = await reader.read();
      if (done) c.close();
      else piece(c, value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
  let source: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async start() {
      while (head !== undefined && head.length < 2) {
        const { done, value } = await reader.read();
        if (done) break;
        const joined = new Uint8Array(head.length + value.length);
        joined.set(head);
        joined.set(value, head.length);
        head = joined;
      }
      gzip = head !== undefined && isGzip(head);
      if (gzip) events.onGzip?.();
      // DecompressionStream is typed as taking any BufferSource; our chunks are Uint8Arrays.
      const inflate = new DecompressionStream("gzip") as unknown as ReadableWritablePair<
        Uint8Array,
        Uint8Array
      >;
      source = (gzip ? replay.pipeThrough(inflate) : replay).getReader();
    },
    async pull(c) {
      try {
        const { done, value } = await source!.read();
        if (done) c.close();
        else c.enqueue(value);
      } catch (e) {
        if (!gzip) throw e;
        events.onError?.(
          `gzip data is corrupt or cut short: ${e instanceof Error ? e.message : e}`,
        );
        c.close();
      }
    },
    cancel: (reason) => source?.cancel(reason),
  }, { highWaterMark: 0 });
}

/**
 * Capture bytes in, batches of events out (one batch per input chunk that
 * completed any). gzip input is inflated transparently.
 *
 * @example Decoding a file as a stream
 * ```ts
 * import { DecodeStream } from "@smbscope/smbscope";
 * const file = await Deno.open("fixtures/smb/smb3_11.pcap");
 * const ids = new Set<number>();
 * for await (const batch of file.readable.pipeThrough(new DecodeStream())) {
 *   for (const event of batch) if (event.type === "connection") ids.add(event.id);
 * }
 * // tshark -z conv,tcp: one conversation.
 * if (ids.size !== 1) throw new Error(`${ids.size} connections`);
 * ```
 */
export class DecodeStream implements ReadableWritablePair<DecodeEvent[], Uint8Array> {
  /** Batches of events; the last batch ends with the `summary`. */
  readonly readable: ReadableStream<DecodeEvent[]>;
  /** Capture bytes (pcap, pcapng, or either gzip-compressed). */
  readonly writable: WritableStream<Uint8Array>;

  /**
   * Create the transform for one capture.
   * @param options decoder caps; see {@link DecoderOptions} (with `keys`,
   *   `await loadCiphers()` first).
   * @param hooks optional callbacks, e.g. a tap on reassembled streams.
   */
  constructor(options?: DecoderOptions, hooks?: DecoderHooks) {
    const decoder = new Decoder(options, hooks);
    const input = new TransformStream<Uint8Array, Uint8Array>();
    let ended = false;
    const decoding = new TransformStream<Uint8Array, DecodeEvent[]>({
      transform(chunk, controller) {
        const batch = decoder.push(chunk);
        if (batch.length > 0) controller.enqueue(batch);
        if (decoder.stopped) {
          // Not a capture, or its framing lost: nothing more will be read, so nothing more is
          // inflated or read. The input is cancelled; the summary still comes.
          ended = true;
          controller.enqueue(decoder.end());
          controller.terminate();
        }
      },
      flush(controller) {
        if (!ended) controller.enqueue(decoder.end());
      },
    });
    this.writable = input.writable;
    this.readable = gunzipIfNeeded(input.readable, {
      onGzip: () => decoder.markGzip(),
      onError: (detail) => decoder.reportInputError(detail),
    }).pipeThrough(decoding);
  }
}

/**
 * Decode a capture, yielding events as they are decoded. The last event is
 * always the `summary`.
 *
 * @example Listing TCP connections
 * ```ts
 * import { decode } from "@smbscope/smbscope";
 * const file = await Deno.open("fixtures/smb/smb3_11.pcap");
 * const seen: string[] = [];
 * for await (const event of decode(file.readable)) {
 *   if (event.type === "connection" && event.action === "close") {
 *     seen.push(`${event.client.ip}:${event.client.port} -> ${event.server.ip}:${event.server.port}`);
 *   }
 * }
 * // tshark -z conv,tcp: 10.77.0.2:35316 <-> 10.77.0.1:445.
 * if (seen.join() !== "10.77.0.2:35316 -> 10.77.0.1:445") throw new Error(seen.join());
 * ```
 * @param input a ReadableStream, a Uint8Array, or an (async) iterable of chunks
 * @param options decoder caps; see {@link DecoderOptions}
 * @returns the events, in capture order
 */
export async function* decode(
  input: CaptureInput,
  options?: DecoderOptions,
): AsyncGenerator<DecodeEvent, void, undefined> {
  if (options?.keys !== undefined) await loadCiphers();
  const batches = toStream(input).pipeThrough(new DecodeStream(options));
  for await (const batch of batches) yield* batch;
}

/**
 * Bytes of an in-memory capture pushed at a time: a push's events live until
 * it returns (see the README's Library section for what larger pushes cost).
 */
const IN_MEMORY_SLICE_BYTES = 64 << 10;

function toStream(input: CaptureInput): ReadableStream<Uint8Array> {
  if (input instanceof ReadableStream) return input;
  if (input instanceof Uint8Array) {
    // In slices, as they are read: one push of a whole capture held all its events at once.
    let at = 0;
    return new ReadableStream({
      pull(c) {
        if (at >= input.length) c.close();
        else c.enqueue(input.subarray(at, at += IN_MEMORY_SLICE_BYTES));
      },
    }, { highWaterMark: 0 });
  }
  return ReadableStream.from(input as AsyncIterable<Uint8Array>);
}
