/**
 * Which byte ranges of a file were seen: a sorted set of disjoint half-open
 * intervals, merged when they touch. Appending after the last range (the
 * common case: a file read or written front to back) costs O(1).
 * @module
 */

/** A half-open byte range `[start, end)`, as `[start, end]` in events. */
export type ByteRange = [start: number, end: number];

/** Byte ranges seen, at most `maxRanges` separate ones (then `overflowed` and adds are ignored). */
export class RangeSet {
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  /** Bytes covered. */
  covered = 0;
  /** Set once a new range would have exceeded the cap: the set is no longer exact. */
  overflowed = false;

  constructor(readonly maxRanges: number) {}

  /** Number of separate ranges. */
  get size(): number {
    return this.#starts.length;
  }

  /**
   * Adds `[start, end)`; returns how many of its bytes were already covered
   * (0 for new bytes only). Ignored, returning 0, once overflowed.
   */
  add(start: number, end: number): number {
    if (end <= start || this.overflowed) return 0;
    const starts = this.#starts, ends = this.#ends;
    const n = starts.length;
    // Fast path: at or after the end of the last range.
    if (n > 0 && start >= ends[n - 1]!) {
      if (start === ends[n - 1]) {
        ends[n - 1] = end;
        this.covered += end - start;
        return 0;
      }
      return this.#insert(n, start, end);
    }
    if (n === 0) return this.#insert(0, start, end);
    // First range whose end reaches `start` (ranges touching it merge).
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    let last = lo;
    let overlap = 0;
    let newStart = start, newEnd = end;
    while (last < n && starts[last]! <= end) {
      overlap += Math.max(0, Math.min(end, ends[last]!) - Math.max(start, starts[last]!));
      newStart = Math.min(newStart, starts[last]!);
      newEnd = Math.max(newEnd, ends[last]!);
      last++;
    }
    if (last === lo) return this.#insert(lo, start, end);
    let before = 0;
    for (let i = lo; i < last; i++) before += ends[i]! - starts[i]!;
    starts.splice(lo, last - lo, newStart);
    ends.splice(lo, last - lo, newEnd);
    this.covered += newEnd - newStart - before;
    return overlap;
  }

  #insert(at: number, start: number, end: number): number {
    if (this.#starts.length >= this.maxRanges) {
      this.overflowed = true;
      return 0;
    }
    this.#starts.splice(at, 0, start);
    this.#ends.splice(at, 0, end);
    this.covered += end - start;
    return 0;
  }

  /** Whether `[0, size)` is covered entirely. */
  covers(size: number): boolean {
    if (size === 0) return true;
    return this.#starts.length > 0 && this.#starts[0] === 0 && this.#ends[0]! >= size;
  }

  /** The covered ranges, clipped to `[0, size)` when a size is given. */
  ranges(size?: number): ByteRange[] {
    const out: ByteRange[] = [];
    for (let i = 0; i < this.#starts.length; i++) {
      const s = this.#starts[i]!,
        e = size === undefined ? this.#ends[i]! : Math.min(this.#ends[i]!, size);
      if (e > s) out.push([s, e]);
    }
    return out;
  }

  /** The ranges of `[0, size)` not covered, at most `max` of them (the rest counted in `more`). */
  missing(size: number, max: number): { ranges: ByteRange[]; more: number } {
    const ranges: ByteRange[] = [];
    let more = 0, at = 0;
    const push = (s: number, e: number) => {
      if (e <= s) return;
      if (ranges.length < max) ranges.push([s, e]);
      else more++;
    };
    for (let i = 0; i < this.#starts.length && at < size; i++) {
      push(at, Math.min(this.#starts[i]!, size));
      at = Math.max(at, this.#ends[i]!);
    }
    push(at, size);
    return { ranges, more };
  }

  /** Covered bytes below `size`. */
  coveredBelow(size: number): number {
    let n = 0;
    for (let i = 0; i < this.#starts.length; i++) {
      n += Math.max(0, Math.min(this.#ends[i]!, size) - this.#starts[i]!);
    }
    return n;
  }
}
