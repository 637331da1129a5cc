/**
 * Requests awaiting their response on one connection, for SMB1 and SMB2
 * alike: capped, and every request that never got one is reported.
 * @module
 */
import type { Layer } from "../events.ts";
import { BoundedMap } from "../state/bounded_map.ts";
import type { SmbConnection } from "./context.ts";

/** A request kept until its response arrives. */
export interface PendingRequest<M> {
  message: M;
  frames: number[];
  ts: number;
}

/** Requests by pairing key (SMB1 MID:PID, SMB2 MessageId). */
export class PendingRequests<M> {
  readonly #map: BoundedMap<string, PendingRequest<M>>;

  /**
   * @param describe names a request in the `unanswered` anomaly, e.g. `SMB2 CREATE request (MessageId 7)`
   */
  constructor(
    readonly conn: SmbConnection,
    readonly layer: Layer,
    readonly describe: (message: M) => string,
  ) {
    const max = conn.ctx.limits.maxPendingRequests;
    const shared = conn.ctx.pendingRequests;
    this.#map = new BoundedMap({
      max,
      // The oldest quarter at once (see BoundedMap): each reported unanswered.
      evictFraction: 0.25,
      // Over all connections too: the connection waiting on the most gives up its oldest.
      shared,
      onEvict: (dropped, cause) => {
        const first = dropped[0]![1];
        this.conn.ctx.reporter.limit(
          this.layer,
          cause === "own" ? "maxPendingRequests" : "maxTotalPendingRequests",
          cause === "own"
            ? `more than ${max} requests awaiting responses; the oldest ${dropped.length} dropped`
            : `more than ${shared?.max} requests awaiting responses over all connections; ` +
              `the oldest ${dropped.length} of this one dropped`,
          first.frames[0] ?? 0,
          first.ts,
          this.conn.info,
        );
        for (const [, p] of dropped) this.#unanswered(p);
      },
    });
  }

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
    this.#map.set(key, p);
  }

  /** Forget the requests that match (e.g. a NEGOTIATE answered in another dialect). */
  forget(match: (message: M) => boolean): void {
    for (const [key, p] of [...this.#map.entries()]) if (match(p.message)) this.#map.delete(key);
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
      this.conn.info,
    );
  }
}
