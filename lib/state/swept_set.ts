/**
 * A set of references to things another store owns and may forget (a
 * connection's SMB2 sessions, forgotten by the decode-wide table at its
 * cap). Members the owner forgot are swept out whenever the set has doubled
 * since the last sweep, so the set holds at most about twice what the owner
 * still knows, at constant cost per addition.
 * @module
 */

/** Sweeps below this size are not worth their cost. */
const MIN_SWEEP = 64;

/** A set that drops members its owner no longer knows, once it has doubled. */
export class SweptSet<T> implements Iterable<T> {
  readonly #members = new Set<T>();
  #afterSweep = 0;

  /**
   * @param alive whether the owner still knows a member
   * @param onSwept told of each member swept out (the owner forgot it), to let go of it too
   */
  constructor(
    readonly alive: (member: T) => boolean,
    readonly onSwept?: (member: T) => void,
  ) {}

  get size(): number {
    return this.#members.size;
  }

  has(member: T): boolean {
    return this.#members.has(member);
  }

  add(member: T): void {
    const members = this.#members;
    members.add(member);
    if (members.size < Math.max(MIN_SWEEP, 2 * this.#afterSweep)) return;
    for (const m of members) {
      if (this.alive(m)) continue;
      members.delete(m);
      this.onSwept?.(m);
    }
    this.#afterSweep = members.size;
  }

  clear(): void {
    this.#members.clear();
    this.#afterSweep = 0;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.#members[Symbol.iterator]();
  }
}
