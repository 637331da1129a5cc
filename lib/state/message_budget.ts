/**
 * One decode's allowance for bytes held in SMB messages not yet complete:
 * NBSS bodies still arriving and SMB1 transactions still being assembled,
 * over all connections (`maxTotalSmbMessageBytes`). The per-message and
 * per-connection caps bound one; this bounds thousands of connections each
 * left inside one.
 * @module
 */

/** Bytes held against one cap; whoever takes gives back what it took. */
export class MessageBudget {
  /** Bytes held now. */
  held = 0;
  /** @param max the cap (`maxTotalSmbMessageBytes`) */
  constructor(readonly max: number) {}

  /** Take `n` bytes if they fit under the cap; false (nothing taken) otherwise. */
  take(n: number): boolean {
    if (this.held + n > this.max) return false;
    this.held += n;
    return true;
  }

  /** Give back `n` bytes taken before. */
  give(n: number): void {
    this.held -= n;
  }
}
