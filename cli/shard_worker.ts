/**
 * One worker of `decode --jobs N`: reads the capture file itself, in the
 * CLI's read size, decodes its shard and posts each push's events (with
 * their sort keys and progress mark) to the main thread, which merges them.
 * At most {@link MAX_IN_FLIGHT} batches wait unmerged: past that it waits
 * for the main thread's credit, so memory stays bounded.
 * @module
 */
/// <reference lib="deno.worker" />
import { Decoder, type DecoderOptions, loadCiphers } from "../mod.ts";
import { READ_SIZE } from "./input.ts";
import { nativeDigester } from "./native_hashes.ts";

/** Batches posted and not yet merged, at most. */
export const MAX_IN_FLIGHT = 4;

/** What the main thread sends: the job, then credits. */
export type ToWorker =
  | { kind: "start"; path: string; options: DecoderOptions; index: number; count: number }
  | { kind: "credit"; batches: number };

/** What a worker sends: each push's events and the bytes read so far, or its failure. */
export type FromWorker =
  | { kind: "batch"; events: unknown[]; bytes: number }
  | { kind: "error"; message: string };

let credits = MAX_IN_FLIGHT;
let wake: (() => void) | undefined;

self.onmessage = (m: MessageEvent<ToWorker>) => {
  const msg = m.data;
  if (msg.kind === "credit") {
    credits += msg.batches;
    wake?.();
    return;
  }
  run(msg).catch((e) =>
    post({ kind: "error", message: e instanceof Error ? e.message : String(e) })
  );
};

function post(msg: FromWorker): void {
  self.postMessage(msg);
}

async function run(job: ToWorker & { kind: "start" }): Promise<void> {
  if (job.options.keys !== undefined) await loadCiphers();
  const decoder = new Decoder({
    ...job.options,
    files: { ...job.options.files, hasher: nativeDigester },
    shard: { index: job.index, count: job.count },
  });
  const file = Deno.openSync(job.path);
  const buffer = new Uint8Array(READ_SIZE);
  let bytes = 0;
  try {
    for (let n = file.readSync(buffer); n !== null; n = file.readSync(buffer)) {
      bytes += n;
      const events = decoder.push(buffer.subarray(0, n));
      while (credits <= 0) await new Promise<void>((resolve) => wake = resolve);
      credits--;
      post({ kind: "batch", events, bytes });
    }
  } finally {
    file.close();
  }
  post({ kind: "batch", events: decoder.end(), bytes });
}
