/**
 * Sharding a decode by host pair: the hash every shard agrees on, the sort
 * keys a sharded decoder stamps on its events, and the merger that turns
 * the shards' streams into one decoder's.
 * @module
 */
export { checkShard, MAX_SHARDS, pairHash, parseShard, shardOf, type ShardOption } from "./hash.ts";
export {
  compareKeys,
  END,
  type ShardEvent,
  type ShardItem,
  type ShardKey,
  type ShardProgress,
} from "./order.ts";
export { mergeSummaries, PER_SHARD_LIMITS } from "./summary.ts";
