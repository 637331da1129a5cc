/**
 * Bytes gathered piece by piece into one buffer that doubles as it fills.
 * Keeping each piece as its own copy costs an object per piece (about a
 * hundred bytes for a one-byte piece) and a join at the end; this costs at
 * most twice the bytes, however small the pieces.
 * @module
 */

const EMPTY = new Uint8Array(0);

/** A buffer that grows as pieces are appended and can give back its front. */
export class GrowingBytes {
  #buffer: Uint8Array = EMPTY;
  #length = 0;

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  /** Room reserved (what the buffer costs). */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** Copies `piece` after the bytes held. */
  append(piece: Uint8Array): void {
    const need = this.#length + piece.length;
    if (need > this.#buffer.length) {
      let size = Math.max(64, this.#buffer.length * 2);
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = next;
    }
    this.#buffer.set(piece, this.#length);
    this.#length = need;
  }

  /** The bytes held: a view, valid until the next change. */
  view(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  /** Forgets the first `n` bytes; the buffer itself goes once nothing is held. */
  consume(n: number): void {
    if (n >= this.#length) {
      this.clear();
      return;
    }
    this.#buffer.copyWithin(0, n, this.#length);
    this.#length -= n;
  }

  /** Forgets everything and lets the buffer go. */
  clear(): void {
    this.#buffer = EMPTY;
    this.#length = 0;
  }
}
