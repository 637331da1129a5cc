/**
 * The one bounded store every layer keeps growing state in (ids -> names,
 * requests awaiting responses, transactions being assembled, decode-wide
 * sessions): a Map with a cap on entries and, optionally, on a total weight
 * (bytes), that evicts its oldest entries and tells its owner which.
 * @module
 */

/**
 * A cap on entries shared by many maps (one decode's SMB users, trees and
 * open files over all connections and sessions): each map has its own
 * `max`, and this bounds thousands of maps each filled to theirs. When it
 * is full, the map holding the most gives up its oldest entries, whichever
 * map is inserting: a flood on some sessions costs them, not the others.
 */
export class SharedEntryCap {
  /** Entries held now, over every map that shares the cap. */
  held = 0;
  /** The maps holding at least one entry. */
  readonly holders = new Set<BoundedMap<unknown, unknown>>();
  /** @param max entries at most, over all the maps */
  constructor(readonly max: number) {}

  /** The map holding the most entries (scanned: evictions free a batch, so they are rare). */
  largest(): BoundedMap<unknown, unknown> | undefined {
    let most: BoundedMap<unknown, unknown> | undefined;
    for (const m of this.holders) if (most === undefined || m.size > most.size) most = m;
    return most;
  }
}

/** Why entries were evicted: a map's own cap, or the cap it shares. */
export type EvictionCause = "own" | "shared";

/** How a {@link BoundedMap} evicts. */
export interface BoundedMapOptions<K, V> {
  /** Entries kept at most. */
  max: number;
  /**
   * Share of the entries dropped at once when `max` is reached (0 <= f <= 1;
   * at least one, so 0 means one at a time). Dropping a batch and rebuilding costs O(n) once per
   * `f*n` inserts; deleting one at a time from a Map's front leaves holes
   * that every later look at the front walks again. @default {0.5}
   */
  evictFraction?: number;
  /** Total weight kept at most (with `weigh`); the oldest go first. */
  maxWeight?: number;
  /** Weight of one value, e.g. its buffered bytes. */
  weigh?: (value: V) => number;
  /**
   * A cap shared with other maps: when it is full, a new entry makes the map holding the most
   * evict its oldest (the same fraction of its entries), told with cause `shared`.
   */
  shared?: SharedEntryCap | undefined;
  /** Told which entries were evicted (oldest first), before they are gone, and why. */
  onEvict?: (evicted: [K, V][], cause: EvictionCause) => void;
}

/** A Map with caps; inserting past a cap evicts the oldest entries. */
export class BoundedMap<K, V> {
  #map = new Map<K, V>();
  #weight = 0;
  readonly max: number;
  readonly #fraction: number;
  readonly #maxWeight: number;
  readonly #weigh: ((value: V) => number) | undefined;
  readonly #onEvict: ((evicted: [K, V][], cause: EvictionCause) => void) | undefined;
  readonly #shared: SharedEntryCap | undefined;

  constructor(options: BoundedMapOptions<K, V>) {
    this.max = options.max;
    this.#shared = options.shared;
    this.#fraction = options.evictFraction ?? 0.5;
    this.#maxWeight = options.maxWeight ?? Infinity;
    this.#weigh = options.weigh;
    this.#onEvict = options.onEvict;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Insert or replace. Returns false when the value alone weighs more than `maxWeight`, or `max` is 0 (not kept). */
  set(key: K, value: V): boolean {
    const weight = this.#weigh?.(value) ?? 0;
    if (weight > this.#maxWeight) return false;
    const old = this.#map.get(key);
    if (old !== undefined || this.#map.has(key)) {
      this.#weight -= this.#weigh?.(old as V) ?? 0;
      // Re-inserted below, so that it becomes the newest; counted again there.
      const before = this.#map.size;
      this.#map.delete(key);
      this.#counted(before);
    } else {
      const shared = this.#shared;
      if (this.#map.size >= this.max) {
        if (this.#map.size === 0) {
          // A cap of 0 keeps nothing: the new entry is the oldest, and goes at once.
          this.#onEvict?.([[key, value]], "own");
          return false;
        }
        this.#evict(Math.max(1, Math.floor(this.#map.size * this.#fraction)), "own");
      } else if (shared !== undefined && shared.held >= shared.max) {
        const victim = shared.largest() as BoundedMap<unknown, unknown> | undefined;
        if (victim === undefined) {
          // A shared cap of 0 keeps nothing.
          this.#onEvict?.([[key, value]], "shared");
          return false;
        }
        victim.#evict(Math.max(1, Math.floor(victim.size * victim.#fraction)), "shared");
      }
    }
    while (this.#weight + weight > this.#maxWeight && this.#map.size > 0) this.#evict(1, "own");
    const before = this.#map.size;
    this.#map.set(key, value);
    this.#counted(before);
    this.#weight += weight;
    return true;
  }

  /** Tell the shared cap how the size changed since it was `before`. */
  #counted(before: number): void {
    const shared = this.#shared;
    if (shared === undefined) return;
    const size = this.#map.size;
    shared.held += size - before;
    if (before === 0 && size > 0) shared.holders.add(this as BoundedMap<unknown, unknown>);
    else if (before > 0 && size === 0) shared.holders.delete(this as BoundedMap<unknown, unknown>);
  }

  delete(key: K): boolean {
    if (this.#weigh !== undefined) {
      const old = this.#map.get(key);
      if (old !== undefined) this.#weight -= this.#weigh(old);
    }
    const before = this.#map.size;
    const deleted = this.#map.delete(key);
    this.#counted(before);
    return deleted;
  }

  /** Entries kept. */
  get size(): number {
    return this.#map.size;
  }

  /** Total weight kept. */
  get weight(): number {
    return this.#weight;
  }

  /** The oldest key, if any. */
  oldestKey(): K | undefined {
    return this.#map.keys().next().value;
  }

  keys(): IterableIterator<K> {
    return this.#map.keys();
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.#map.entries();
  }

  clear(): void {
    const before = this.#map.size;
    this.#map.clear();
    this.#counted(before);
    this.#weight = 0;
  }

  /** Evict the `n` oldest entries. */
  #evict(n: number, cause: EvictionCause): void {
    const all = [...this.#map];
    const evicted = all.slice(0, n);
    this.#onEvict?.(evicted, cause);
    // Counted from here: what the owner deleted while told was counted by delete().
    const before = this.#map.size;
    if (n === 1) {
      this.#map.delete(evicted[0]![0]);
    } else {
      this.#map = new Map(all.slice(n));
    }
    this.#counted(before);
    if (this.#weigh !== undefined) {
      for (const [, v] of evicted) this.#weight -= this.#weigh(v);
    }
  }
}
