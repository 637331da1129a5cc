/** Test-only: one decoder, and N shard decoders merged, over the same chunks. */
import { type DecodeEvent, Decoder, type DecoderOptions, ShardMerger } from "../../mod.ts";
import { decodeInChunks } from "../_support/decode.ts";

/** The CLI's read size, so batches end where the CLI's do. */
export const CHUNK = 1 << 16;

/** Events of one decoder, pushed in `chunk`-byte pieces. */
export const decodeWhole = (bytes: Uint8Array, options: DecoderOptions = {}, chunk = CHUNK) =>
  decodeInChunks(bytes, options, chunk);

/** Events of `count` shard decoders, merged as they go (each pull after every chunk). */
export function decodeSharded(
  bytes: Uint8Array,
  count: number,
  options: DecoderOptions = {},
  chunk = CHUNK,
) {
  const merger = new ShardMerger(count, options);
  const shards = Array.from(
    { length: count },
    (_, index) => new Decoder({ ...options, shard: { index, count } }),
  );
  const events: DecodeEvent[] = [];
  for (let at = 0; at < bytes.length; at += chunk) {
    shards.forEach((d, i) => merger.push(i, d.push(bytes.subarray(at, at + chunk))));
    events.push(...merger.pull());
  }
  shards.forEach((d, i) => merger.push(i, d.end()));
  events.push(...merger.pull());
  return events;
}

/** Events as NDJSON lines, what byte-identical output compares. */
export const lines = (events: DecodeEvent[]): string[] => events.map((e) => JSON.stringify(e));
