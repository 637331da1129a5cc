/**
 * DCE/RPC calls awaiting their answer over all associations and
 * conversations (`maxTotalRpcCalls`). `maxRpcCalls` bounds one association;
 * this bounds thousands of connections each filled to that cap. Past it the
 * oldest quarter of the calls waiting anywhere are reported unanswered by
 * their owners, with one `limit`.
 * @module
 */
import { BoundedMap } from "../state/bounded_map.ts";

/** The calls waiting decode-wide, each with what reports and forgets it. */
export class CallLedger {
  readonly #waiting: BoundedMap<object, () => void>;

  /**
   * @param max the cap (`maxTotalRpcCalls`)
   * @param onFull told how many of the oldest calls are being dropped, before they are
   */
  constructor(readonly max: number, onFull: (dropped: number) => void) {
    this.#waiting = new BoundedMap({
      max,
      evictFraction: 0.25,
      onEvict: (dropped) => {
        onFull(dropped.length);
        for (const [, drop] of dropped) drop();
      },
    });
  }

  /** Calls waiting now. */
  get size(): number {
    return this.#waiting.size;
  }

  /** `call` now waits; `drop` reports it unanswered and forgets it, should the room be needed. */
  add(call: object, drop: () => void): void {
    this.#waiting.set(call, drop);
  }

  /** `call` no longer waits (answered, faulted, dropped by its association, or its end). */
  remove(call: object): void {
    this.#waiting.delete(call);
  }
}
