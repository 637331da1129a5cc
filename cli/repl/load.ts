/**
 * Decoding a capture in the background for the REPL: batches of events go
 * into the model, with a pause between chunks so the screen stays live.
 * @module
 */
import { isGzip } from "../../lib/capture/sniff.ts";
import {
  type DecodeEvent,
  Decoder,
  type DecoderOptions,
  type KeyOptions,
  loadCiphers,
} from "../../mod.ts";
import { EventSelection, type SelectOptions } from "../../lib/output/select.ts";
import type { CaptureSource } from "../input.ts";
import { nativeDigester } from "../native_hashes.ts";
import type { CaptureModel } from "./model.ts";
import type { StreamStore } from "./streams.ts";
import { idRecorder } from "./save.ts";

/** Bytes per read: small enough that the first screen comes at once. */
const READ_SIZE = 256 * 1024;

/** Let timers, key presses and redraws run between two chunks. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Decoding time between two breaths, at most (a screen refresh): a timer
 * takes a millisecond or more to come back, so breathing after every chunk
 * left the loader idle half the time (1.9 s of a 200 MB capture's 3.5 s).
 */
const BREATH_MS = 16;

async function* chunksOf(source: CaptureSource, model: CaptureModel): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(READ_SIZE);
  for (;;) {
    const n = source.readSync ? source.readSync(buffer) : await source.read(buffer);
    if (n === null) return;
    model.bytesRead += n;
    yield buffer.subarray(0, n);
  }
}

/** Gzip input inflated as it streams; everything else passed through. */
async function* inflated(chunks: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  const first = await chunks.next();
  if (first.done) return;
  if (!(first.value.length >= 2 && isGzip(first.value))) {
    yield first.value;
    yield* chunks;
    return;
  }
  const copies = async function* () {
    yield first.value.slice();
    for await (const chunk of chunks) yield chunk.slice();
  };
  yield* ReadableStream.from(copies()).pipeThrough(new DecompressionStream("gzip"));
}

/**
 * Decode `source` into `model` (only the conversations `select` keeps),
 * keeping message bytes in `store`. Resolves
 * when the decode is done; a read error ends it with `model.error` set.
 */
export async function loadCapture(
  source: CaptureSource,
  model: CaptureModel,
  store: StreamStore,
  select: SelectOptions = {},
  keys?: KeyOptions,
): Promise<void> {
  // Native digests, as the decode command's (the pure-JS default hashes 25-40 MB/s of content).
  const options: DecoderOptions = {
    files: { sink: idRecorder(model.fileIds), hasher: nativeDigester },
  };
  if (keys !== undefined) {
    options.keys = keys;
    await loadCiphers();
  }
  const decoder = new Decoder(options, {
    observe: store.observe,
  });
  // --host, --port, --smb-only: the other conversations never reach the model.
  const selection = new EventSelection(select);
  const chosen = (events: DecodeEvent[]) =>
    selection.passesAll ? events : events.flatMap((e) => selection.add(e));
  try {
    let breathed = performance.now();
    for await (const chunk of inflated(chunksOf(source, model))) {
      model.add(chosen(decoder.push(chunk)));
      if (performance.now() - breathed >= BREATH_MS) {
        await breathe();
        breathed = performance.now();
      }
    }
  } catch (e) {
    model.error = e instanceof Error ? e.message : String(e);
  }
  model.add(chosen(decoder.end()));
  model.done = true;
  source.close?.();
}
