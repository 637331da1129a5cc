/**
 * The one bounded store every layer keeps growing state in (ids -> names,
 * requests awaiting responses, transactions being assembled, decode-wide
 * sessions): a Map with a cap on entries and, optionally, on a total weight
 * (bytes), that evicts its oldest entries and tells its owner which.
 * @module
 */

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
  /** Told which entries were evicted (oldest first), before they are gone. */
  onEvict?: (evicted: [K, V][]) => void;
}

/** A Map with caps; inserting past a cap evicts the oldest entries. */
export class BoundedMap<K, V> {
  #map = new Map<K, V>();
  #weight = 0;
  readonly max: number;
  readonly #fraction: number;
  readonly #maxWeight: number;
  readonly #weigh: ((value: V) => number) | undefined;
  readonly #onEvict: ((evicted: [K, V][]) => void) | undefined;

  constructor(options: BoundedMapOptions<K, V>) {
    this.max = options.max;
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
      this.#map.delete(key);
    } else if (this.#map.size >= this.max) {
      if (this.#map.size === 0) {
        // A cap of 0 keeps nothing: the new entry is the oldest, and goes at once.
        this.#onEvict?.([[key, value]]);
        return false;
      }
      this.#evict(Math.max(1, Math.floor(this.#map.size * this.#fraction)));
    }
    while (this.#weight + weight > this.#maxWeight && this.#map.size > 0) this.#evict(1);
    this.#map.set(key, value);
    this.#weight += weight;
    return true;
  }

  delete(key: K): boolean {
    if (this.#weigh !== undefined) {
      const old = this.#map.get(key);
      if (old !== undefined) this.#weight -= this.#weigh(old);
    }
    return this.#map.delete(key);
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
    this.#map.clear();
    this.#weight = 0;
  }

  /** Evict the `n` oldest entries. */
  #evict(n: number): void {
    const all = [...this.#map];
    const evicted = all.slice(0, n);
    this.#onEvict?.(evicted);
    if (n === 1) {
      this.#map.delete(evicted[0]![0]);
    } else {
      this.#map = new Map(all.slice(n));
    }
    if (this.#weigh !== undefined) {
      for (const [, v] of evicted) this.#weight -= this.#weigh(v);
    }
  }
}
