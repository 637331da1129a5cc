/**
 * Requests awaiting their response on one connection, for SMB1 and SMB2
 * alike: capped, and every request that never got one is reported.
 * @module
 */
import type { Layer } from "../events.ts";
import type { SmbConnection } from "./context.ts";

/** A request kept until its response arrives. */
export interface PendingRequest<M> {
  message: M;
  frames: number[];
  ts: number;
}

/** Requests by pairing key (SMB1 MID:PID, SMB2 MessageId). */
export class PendingRequests<M> {
  #map = new Map<string, PendingRequest<M>>();

  /**
   * @param describe names a request in the `unanswered` anomaly, e.g. `SMB2 CREATE request (MessageId 7)`
   */
  constructor(
    readonly conn: SmbConnection,
    readonly layer: Layer,
    readonly describe: (message: M) => string,
  ) {}

  get(key: string): PendingRequest<M> | undefined {
    return this.#map.get(key);
  }

  /** Take a request out: its response came. */
  take(key: string): PendingRequest<M> | undefined {
    const p = this.#map.get(key);
    if (p !== undefined) this.#map.delete(key);
    return p;
  }

  /** Keep a request; one with the same key that is still waiting is reported unanswered. */
  add(key: string, p: PendingRequest<M>): void {
    const old = this.#map.get(key);
    if (old !== undefined) this.#unanswered(old);
    const max = this.conn.ctx.limits.maxPendingRequests;
    if (this.#map.size >= max) {
      // Drop the oldest quarter at once: deleting one at a time from a Map's front
      // leaves holes that every later look at the front walks again.
      const all = [...this.#map];
      const drop = Math.max(1, Math.floor(all.length / 4));
      const first = all[0]![1];
      this.conn.ctx.reporter.limit(
        this.layer,
        "maxPendingRequests",
        `more than ${max} requests awaiting responses; the oldest ${drop} dropped`,
        first.frames[0] ?? 0,
        first.ts,
        this.conn.info.id,
      );
      for (const [, dropped] of all.slice(0, drop)) this.#unanswered(dropped);
      this.#map = new Map(all.slice(drop));
    }
    this.#map.set(key, p);
  }

  /** Forget the requests that match (e.g. a NEGOTIATE answered in another dialect). */
  forget(match: (message: M) => boolean): void {
    for (const [key, p] of this.#map) if (match(p.message)) this.#map.delete(key);
  }

  /** The connection ended: every request still waiting is reported. */
  close(): void {
    for (const p of this.#map.values()) this.#unanswered(p);
    this.#map.clear();
  }

  #unanswered(p: PendingRequest<M>): void {
    this.conn.ctx.reporter.anomaly(
      this.layer,
      "unanswered",
      `${this.describe(p.message)} had no response`,
      p.frames[0] ?? 0,
      p.ts,
      this.conn.info.id,
    );
  }
}
