/**
 * The MD5 thread of the CLI's file digests (threaded_hashes.ts): pieces of
 * files arrive as places in the shared ring, tagged with a slot; at a slot's end the
 * hex digest goes into the shared result area and the waiting main thread is
 * woken. MD5 is the slowest of the three digests (480 MiB/s here against
 * 1.5 GiB/s for SHA-1 and SHA-256), so it is the one moved off the decode.
 * @module
 */
/// <reference lib="deno.worker" />
import { createHash, type Hash } from "node:crypto";
import { type Md5Message, RESULT_READY, slotLayout } from "./threaded_hashes.ts";

let layout: ReturnType<typeof slotLayout> | undefined;
let ring: Uint8Array | undefined;
const open = new Map<number, Hash>();
const ascii = new TextEncoder();

self.onmessage = (m: MessageEvent<Md5Message>) => {
  const msg = m.data;
  if (msg.kind === "init") {
    layout = slotLayout(msg.shared);
    ring = new Uint8Array(msg.ring);
    return;
  }
  const { control, digests, consumed } = layout!;
  if (msg.kind === "piece") {
    let hash = open.get(msg.slot);
    if (hash === undefined) open.set(msg.slot, hash = createHash("md5"));
    hash.update(ring!.subarray(msg.at, msg.at + msg.length));
    Atomics.add(control, consumed, msg.length);
    Atomics.notify(control, consumed);
    return;
  }
  if (msg.kind === "drop") {
    open.delete(msg.slot);
    return;
  }
  const hash = open.get(msg.slot) ?? createHash("md5");
  open.delete(msg.slot);
  ascii.encodeInto(hash.digest("hex"), digests.subarray(msg.slot * 32, msg.slot * 32 + 32));
  Atomics.store(control, msg.slot, RESULT_READY);
  Atomics.notify(control, msg.slot);
};
