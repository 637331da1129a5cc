/**
 * A Map with a size cap for per-connection SMB state (ids → names).
 * @module
 */

/**
 * Forgets its older half at once when full, so a flood of ids costs O(1)
 * per insert (deleting one entry at a time from a Map's front makes later
 * iterations walk the holes).
 */
export class BoundedMap<K, V> {
  #map = new Map<K, V>();

  /** @param max entries kept; `onOverflow` is told when the older half is dropped */
  constructor(readonly max: number, readonly onOverflow: () => void) {}

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  set(key: K, value: V): void {
    if (!this.#map.has(key) && this.#map.size >= this.max) {
      this.onOverflow();
      const keep = [...this.#map].slice(Math.floor(this.#map.size / 2));
      this.#map = new Map(keep);
    }
    this.#map.set(key, value);
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  get size(): number {
    return this.#map.size;
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.#map.entries();
  }

  clear(): void {
    this.#map.clear();
  }
}
