/**
 * Which shard a host pair belongs to: the one hash every sharded decode
 * agrees on, on every machine and runtime (CLI workers, HTTP functions on
 * different machines, `fanout`).
 * @module
 */

/** FNV-1a 32-bit offset basis. */
const FNV_OFFSET = 0x811c9dc5;
/** FNV-1a 32-bit prime. */
const FNV_PRIME = 0x01000193;

/**
 * The shard of the unordered pair of IP addresses `a` and `b` among `count`
 * shards: ports are ignored, and `shardOf(a, b, n) === shardOf(b, a, n)`, so
 * an SMB session, all its channels between the same two hosts and its
 * DCE/RPC connections on dynamic ports land in one shard.
 *
 * The hash is fixed: the two addresses as bytes (4 for IPv4, 16 for IPv6,
 * network order), the smaller first (compared byte by byte; when one is a
 * prefix of the other, the shorter first), run through 32-bit FNV-1a
 * (offset basis 2166136261, prime 16777619, each byte xored in then
 * multiplied modulo 2^32); the shard is that unsigned 32-bit value modulo
 * `count`. The fixture 10.0.0.1 / 10.0.0.2 hashes to 0x17fe6360: shard 0 of 2, 1 of 3.
 *
 * @param a one address (4 or 16 bytes)
 * @param b the other
 * @param count how many shards (at least 1)
 * @returns a shard index in `[0, count)`
 *
 * @example Both directions agree
 * ```ts
 * import { shardOf } from "@smbscope/smbscope";
 * const client = new Uint8Array([10, 0, 0, 1]), server = new Uint8Array([10, 0, 0, 2]);
 * if (shardOf(client, server, 3) !== shardOf(server, client, 3)) throw new Error("unordered");
 * ```
 */
export function shardOf(a: Uint8Array, b: Uint8Array, count: number): number {
  return pairHash(a, b) % count;
}

/** The 32-bit FNV-1a hash of the ordered pair, then MurmurHash3's finaliser, behind {@link shardOf} (unsigned). */
export function pairHash(a: Uint8Array, b: Uint8Array): number {
  let first = a, second = b;
  const n = Math.min(a.length, b.length);
  let order = 0;
  for (let i = 0; i < n && order === 0; i++) order = a[i]! - b[i]!;
  if (order > 0 || (order === 0 && a.length > b.length)) {
    first = b;
    second = a;
  }
  let h = FNV_OFFSET;
  for (let i = 0; i < first.length; i++) h = Math.imul(h ^ first[i]!, FNV_PRIME);
  for (let i = 0; i < second.length; i++) h = Math.imul(h ^ second[i]!, FNV_PRIME);
  // MurmurHash3's 32-bit finaliser: FNV-1a's low k bits depend only on the low k bits of each
  // byte (its lowest bit is the parity of the bytes' lowest bits), so modulo a power of two it
  // put every copy of a host pair with both addresses shifted alike in one shard.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Which share of a capture a decoder decodes: `index` of `count` (0 <= index < count). */
export interface ShardOption {
  /** This decoder's shard, 0-based. */
  index: number;
  /** How many shards the capture is split into. */
  count: number;
}

/** Most shards a capture may be split into. */
export const MAX_SHARDS = 1024;

/** `shard` checked: throws `TypeError`/`RangeError` like the other options. */
export function checkShard(shard: unknown): ShardOption | undefined {
  if (shard === undefined) return undefined;
  if (shard === null || typeof shard !== "object" || Array.isArray(shard)) {
    throw new TypeError("Cannot create decoder: option shard must be an object { index, count }");
  }
  const { index, count } = shard as Record<string, unknown>;
  if (
    typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_SHARDS
  ) {
    throw new RangeError(
      `Cannot create decoder: option shard.count must be an integer from 1 to ${MAX_SHARDS}`,
    );
  }
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(
      `Cannot create decoder: option shard.index must be an integer from 0 to ${count - 1}`,
    );
  }
  return { index, count };
}

/** Parse `i/N` (0-based i, as in `shard=1/4`); undefined when it is not that. */
export function parseShard(text: string): ShardOption | undefined {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text);
  if (m === null) return undefined;
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS || index >= count) return undefined;
  return { index, count };
}
