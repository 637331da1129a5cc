/**
 * `decode --jobs N`: N workers (shard_worker.ts) each read the capture and
 * decode the traffic of their share of the host pairs; this thread merges
 * their events (ShardMerger) into exactly what one decoder emits and hands
 * them on in batches, like `decodeSource`. Back-pressure both ways: a worker
 * posts at most `MAX_IN_FLIGHT` batches ahead of the merge, and the merge
 * waits for the sink (the output writer) before taking more.
 * @module
 */
import { type DecodeEvent, type DecoderOptions, ShardMerger } from "../mod.ts";
import { isGzip } from "../lib/capture/sniff.ts";
import type { EventSink } from "./input.ts";
import type { FromWorker, ToWorker } from "./shard_worker.ts";
import { workerModule } from "./worker_url.ts";

/** Why `--jobs` cannot split this decode, or undefined when it can. */
export function whyOneJob(
  path: string,
  options: { extract: boolean },
): string | undefined {
  if (path === "-") return "standard input is read once";
  if (options.extract) return "--extract writes files from inside the decoder";
  const head = new Uint8Array(2);
  const file = Deno.openSync(path);
  try {
    const n = file.readSync(head);
    if (n === 2 && isGzip(head)) return "gzip input is inflated as one stream";
  } finally {
    file.close();
  }
  return undefined;
}

/**
 * Decode `path` in `count` workers and hand the merged events to `onEvents`
 * (a promise it returns is awaited). `onBytes` hears the bytes read (by the
 * worker of shard 0, which reads the whole file like the others).
 */
export async function decodeSharded(
  path: string,
  count: number,
  options: DecoderOptions,
  onEvents: EventSink,
  onBytes?: (n: number) => void,
): Promise<void> {
  const merger = new ShardMerger(count, options);
  const received = new Array<number>(count).fill(0);
  const credited = new Array<number>(count).fill(0);
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let readBytes = 0;
  const workers = Array.from({ length: count }, (_, index) => {
    const w = new Worker(workerModule("shard_worker"), { type: "module" });
    w.onmessage = (m: MessageEvent<FromWorker>) => {
      const msg = m.data;
      if (msg.kind === "error") failure ??= new Error(msg.message);
      else {
        merger.push(index, msg.events as DecodeEvent[]);
        received[index]!++;
        if (index === 0 && onBytes !== undefined) {
          onBytes(msg.bytes - readBytes);
          readBytes = msg.bytes;
        }
      }
      wake?.();
    };
    w.onerror = (e) => {
      e.preventDefault();
      failure ??= new Error(e.message);
      wake?.();
    };
    // Functions do not cross to a worker: the worker makes its own native digester.
    const { hasher: _hasher, ...files } = options.files ?? {};
    const start: ToWorker = { kind: "start", path, options: { ...options, files }, index, count };
    w.postMessage(start);
    return w;
  });
  try {
    while (!merger.done) {
      const events = merger.pull();
      // Batches fully merged go back to their workers as credit.
      for (let i = 0; i < count; i++) {
        const merged = received[i]! - merger.queued(i);
        if (merged > credited[i]!) {
          const credit: ToWorker = { kind: "credit", batches: merged - credited[i]! };
          workers[i]!.postMessage(credit);
          credited[i] = merged;
        }
      }
      if (events.length > 0) {
        const wait = onEvents(events);
        if (wait) await wait;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (merger.done) break;
      await new Promise<void>((resolve) => wake = resolve);
      wake = undefined;
    }
  } finally {
    for (const w of workers) w.terminate();
  }
}
