/**
 * The sort keys of a sharded decode. A decoder given a `shard` stamps each
 * event it emits with `shardKey`, its place in the order one decoder of the
 * whole capture would have emitted it, and ends each push with a
 * {@link ShardProgress} mark; the merger (merge.ts) interleaves the shards'
 * events by key. Keys are arrays of numbers compared element by element (a
 * prefix comes first):
 *
 * - `[f, 0]` the link and network layers on frame `f` (shard 0 only)
 * - `[f, 1, phase, ...position]` a connection retired by the idle sweep that
 *   frame `f`'s capture time set off (phases and positions: `FlowOrder`)
 * - `[f, 2]` the handling of frame `f`'s packet (only its pair's shard)
 * - `[f, 3]` the capture reader after frame `f` (shard 0 only)
 * - `[END, 0]` the capture and network layers ending (shard 0 only),
 *   `[END, 1, phase, ...position]` connections closed at the end, `[END, 2]`
 *   DCE/RPC on pipes, `[END, 3]` files, `[END, 4]` transcripts ending,
 *   `[END, 5]` the embedder's watchers ending.
 *
 * One decoder emits events in increasing key order, equal keys in stream
 * order, and only the shard that handles a packet emits keys `[f, 2]`.
 * @module
 */
import type { FlowOrder } from "../flow/table.ts";
import type { DecodeEvent } from "../events.ts";

/** A place in capture order (see the module doc). */
export type ShardKey = number[];

/** The first element of the keys of what happens at the end of the capture. */
export const END = Number.MAX_SAFE_INTEGER;

/** An event of a sharded decode: `shardKey` is added, the merger removes it. */
export type ShardEvent = DecodeEvent & { shardKey?: ShardKey };

/**
 * The mark a sharded decoder adds at the end of each push: every event it
 * emits later has a key whose first element is above `frames` (or, from
 * shard 0, equal to `[frames, 3]`).
 */
export interface ShardProgress {
  /** Discriminant. */
  type: "shard";
  /** Frames read so far. */
  frames: number;
}

/** What a sharded decoder emits: events with keys, progress marks, and last the summary. */
export type ShardItem = ShardEvent | ShardProgress;

/** Compare two keys: negative, zero or positive. */
export function compareKeys(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Stamps the events a decoder appends to its output array with the key in
 * force when they were appended; the decoder and its flow table move the
 * key on as they go from one unit of work to the next.
 */
export class KeyStamper implements FlowOrder {
  #key: ShardKey = [0, 3];
  #stamped = 0;
  /** The frame being handled (its key's first element). */
  #frame = 0;

  constructor(readonly out: DecodeEvent[]) {}

  /** Set the key of what follows; what came before keeps the old one. */
  set(key: ShardKey): void {
    this.stamp();
    this.#key = key;
  }

  /** A frame begins: the network layer's part of it. */
  frame(index: number): void {
    this.#frame = index;
    this.set([index, 0]);
  }

  /** The frame's packet, when this shard handles it. */
  packet(): void {
    this.set([this.#frame, 2]);
  }

  /** The capture reader, between frames. */
  between(): void {
    this.set([this.#frame, 3]);
  }

  retiring(phase: number, position: readonly number[]): void {
    this.set([this.#frame, 1, phase, ...position]);
  }

  /** The capture has ended: what follows belongs to end stage `stage`. */
  ending(stage: number): void {
    this.#frame = END;
    this.set([END, stage]);
  }

  /** Stamp what was appended since the last call. */
  stamp(): void {
    const out = this.out as ShardEvent[], key = this.#key;
    for (let i = this.#stamped; i < out.length; i++) out[i]!.shardKey = key;
    this.#stamped = out.length;
  }

  /** The output array was emptied. */
  drained(): void {
    this.#stamped = 0;
  }
}
