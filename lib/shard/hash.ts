/**
 * Which shard a conversation belongs to when a capture is decoded in N
 * parts (decoder option `shard`): by the unordered pair of its IP
 * addresses, ports ignored, so an SMB session, all its channels and the
 * DCE/RPC connections between the same two hosts land in the same shard.
 *
 * The hash is fixed so that shards decoded on different machines agree:
 * 32-bit FNV-1a over the lower address (compared byte by byte, IPv4 as its
 * 4 bytes, IPv6 as its 16), then the higher one, then `% count`.
 * @module
 */

/** The shard (0 to `count` - 1) of the conversation between addresses `a` and `b`. */
export function shardOf(a: Uint8Array, b: Uint8Array, count: number): number {
  if (count <= 1) return 0;
  const [low, high] = compare(a, b) <= 0 ? [a, b] : [b, a];
  let h = 0x811c9dc5;
  for (let i = 0; i < low.length; i++) h = Math.imul(h ^ low[i]!, 0x01000193);
  for (let i = 0; i < high.length; i++) h = Math.imul(h ^ high[i]!, 0x01000193);
  return (h >>> 0) % count;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** A shard choice as the decoder option takes it. */
export interface ShardOption {
  /** This decoder's shard, 0 to `count` - 1. */
  index: number;
  /** How many shards the capture is decoded in. */
  count: number;
}

/** The option checked: whole numbers, 0 ≤ index < count. Throws `RangeError` naming it. */
export function checkedShard(shard: unknown): ShardOption | undefined {
  if (shard === undefined) return undefined;
  const s = shard as Partial<ShardOption> | null;
  if (
    s === null || typeof s !== "object" || !Number.isInteger(s.count) ||
    !Number.isInteger(s.index) ||
    s.count! < 1 || s.index! < 0 || s.index! >= s.count!
  ) {
    throw new RangeError(
      "Cannot create decoder: option shard must be { index, count } with whole numbers, 0 <= index < count",
    );
  }
  return { index: s.index!, count: s.count! };
}
