/**
 * An intrusive least-recently-used list: O(1) touch, removal and oldest.
 * (A Map's insertion order cannot serve: deleting from its front leaves
 * holes that every later iteration walks over until the next rehash.)
 * @module
 */

/** What the list needs on each item. */
export interface LruItem<T extends LruItem<T>> {
  lruPrev: T | undefined;
  lruNext: T | undefined;
  /** Which list holds it, if any. */
  lruOwner: LruList<T> | undefined;
}

/** Items ordered from least to most recently touched. */
export class LruList<T extends LruItem<T>> {
  oldest: T | undefined;
  newest: T | undefined;
  size = 0;

  /** Add as the newest, or move there if present. */
  touch(item: T): void {
    if (item.lruOwner === this) {
      if (this.newest === item) return;
      this.remove(item);
    }
    item.lruOwner = this;
    item.lruPrev = this.newest;
    item.lruNext = undefined;
    if (this.newest) this.newest.lruNext = item;
    else this.oldest = item;
    this.newest = item;
    this.size++;
  }

  remove(item: T): void {
    if (item.lruOwner !== this) return;
    if (item.lruPrev) item.lruPrev.lruNext = item.lruNext;
    else this.oldest = item.lruNext;
    if (item.lruNext) item.lruNext.lruPrev = item.lruPrev;
    else this.newest = item.lruPrev;
    item.lruPrev = item.lruNext = item.lruOwner = undefined;
    this.size--;
  }
}
