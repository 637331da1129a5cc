/**
 * Merging the event streams of a capture's shards into the stream one
 * decoder of the whole capture emits: the same events in the same order,
 * with the same `seq`, connection ids and summary. Synchronous and
 * streaming: it holds only what it needs to order events across shards
 * (what one shard has sent ahead of the others) and a map of connection
 * ids (4 bytes per connection).
 * @module
 */
import type { DecoderOptions } from "./decoder.ts";
import type { DecodeEvent, SummaryEvent } from "./events.ts";
import { chosenRules, DetectionEngine } from "./detect/engine.ts";
import { type Limits, limitsFrom } from "./options.ts";
import { Reporter } from "./report.ts";
import { SmbTally } from "./tally.ts";
import { compareKeys, END, type ShardEvent, type ShardItem, type ShardKey } from "./shard/order.ts";
import { mergeSummaries } from "./shard/summary.ts";

/** One shard's input: batches as they came, the one being read, and how far it is known. */
interface ShardQueue {
  batches: (readonly ShardItem[])[];
  /** Index in `batches[0]`. */
  at: number;
  /** Frames this shard has read (its last progress mark): later events have later frames. */
  frames: number;
  /** Progress marks consumed (the batch its next event belongs to). */
  marks: number;
  /** Its summary, once its stream ended. */
  summary: SummaryEvent | undefined;
  /** Global id of each local connection id (-1: not seen). */
  ids: Int32Array;
}

/**
 * Merges the streams of shards `0..count-1` of one capture, each decoded by
 * a {@link Decoder} with option `shard: {index, count}` and the same other
 * options. Feed each shard's output with {@link push} in the order it came
 * (any batching), take what can be emitted with {@link pull}; after every
 * shard's summary came, the last pull ends with the merged summary.
 *
 * @example Two shards of a capture merged
 * ```ts
 * import { Decoder, ShardMerger } from "@smbscope/smbscope";
 * const bytes = Deno.readFileSync("fixtures/smb/smb3_11.pcap");
 * const merger = new ShardMerger(2);
 * for (const index of [0, 1]) {
 *   const d = new Decoder({ shard: { index, count: 2 } });
 *   merger.push(index, [...d.push(bytes), ...d.end()]);
 * }
 * const events = merger.pull();
 * const one = new Decoder();
 * const whole = [...one.push(bytes), ...one.end()];
 * if (JSON.stringify(events) !== JSON.stringify(whole)) throw new Error("not the same");
 * ```
 */
export class ShardMerger {
  readonly #shards: ShardQueue[];
  readonly #limits: Limits;
  readonly #engine: DetectionEngine | undefined;
  /** Alerts (and the rules' anomalies) raised by the event just placed, emitted right after it. */
  readonly #pending: DecodeEvent[] = [];
  readonly #reporter: Reporter;
  readonly #tally = new SmbTally();
  /** Frames at which shard 0's pushes ended: where one decoder's batches end. */
  readonly #boundaries: number[] = [];
  #flushed = 0;
  #seq = 0;
  #nextId = 0;
  #ended = false;
  /** Connections in one decoder's table now (opened, not yet closed), against `maxConnections`. */
  #live = 0;
  #wouldHit: string[] = [];
  /** Anomalies shown per `layer.kind`, and the limits whose first hit was shown. */
  readonly #shown = new Map<string, number>();
  readonly #limitsShown: string[] = [];
  readonly #limitSeen = new Set<string>();

  /**
   * Make a merger for `count` shards decoded with `options`.
   * @param count how many shards; the shards' own count (throws `RangeError` below 1)
   * @param options the options every shard was decoded with (caps, `connectionOpenEvents`, `detect`...)
   */
  constructor(readonly count: number, options: DecoderOptions = {}) {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError("Cannot merge shards: count must be a positive integer");
    }
    const { shard: _shard, consumers: _c, watchers: _w, keys: _k, ...rest } = options;
    this.#limits = limitsFrom(rest);
    this.#reporter = new Reporter(this.#pending, this.#limits.maxAnomaliesPerKind);
    if (this.#limits.alerts) {
      const d = options.detect ?? {};
      this.#engine = new DetectionEngine(chosenRules(d), this.#reporter, d.thresholds ?? {});
    }
    this.#shards = Array.from({ length: count }, () => ({
      batches: [],
      at: 0,
      frames: 0,
      marks: 0,
      summary: undefined,
      ids: new Int32Array(256).fill(-1),
    }));
  }

  /** Hand over the next events of shard `index` (its decoder's output, in order). */
  push(index: number, items: readonly ShardItem[]): void {
    const q = this.#shards[index];
    if (q === undefined) throw new RangeError(`Cannot push: no shard ${index}`);
    if (q.summary !== undefined && items.length > 0) {
      throw new TypeError(`Cannot push: shard ${index} has already ended`);
    }
    if (items.length > 0) q.batches.push(items);
  }

  /** Batches of shard `index` handed over and not yet merged (for back-pressure). */
  queued(index: number): number {
    return this.#shards[index]?.batches.length ?? 0;
  }

  /** Whether the merged summary was emitted. */
  get done(): boolean {
    return this.#ended;
  }

  /** The shards whose next event (or progress mark) the merge waits for. */
  waitingFor(): number[] {
    const heads = this.#shards.map((q) => this.#head(q));
    if (this.#ended) return [];
    const best = this.#best(heads);
    return this.#shards.flatMap((q, i) =>
      heads[i] === undefined && q.summary === undefined &&
        (best === undefined || best.key[0]! > q.frames)
        ? [i]
        : []
    );
  }

  /** Every event that can be placed now, in order (the merged summary last, at the end). */
  pull(): DecodeEvent[] {
    const out: DecodeEvent[] = [];
    if (this.#ended) return out;
    for (;;) {
      const heads = this.#shards.map((q) => this.#head(q));
      const best = this.#best(heads);
      if (best === undefined) {
        if (this.#shards.every((q) => q.summary !== undefined)) this.#finish(out);
        return out;
      }
      const f = best.key[0]!;
      for (let i = 0; i < this.count; i++) {
        const q = this.#shards[i]!;
        if (heads[i] === undefined && q.summary === undefined && f > q.frames) return out;
      }
      const q = this.#shards[best.shard]!;
      q.at++;
      this.#batchEnds(best.shard === 0 ? undefined : f, q.marks, out);
      this.#emit(best.event, q, out);
    }
  }

  /** The earliest head (lowest key; between equal keys the lower shard). */
  #best(heads: (ShardEvent | undefined)[]) {
    let best: { event: ShardEvent; key: ShardKey; shard: number } | undefined;
    for (let i = 0; i < heads.length; i++) {
      const e = heads[i];
      if (e === undefined) continue;
      const key = e.shardKey ?? [END, 9];
      if (best === undefined || compareKeys(key, best.key) < 0) best = { event: e, key, shard: i };
    }
    return best;
  }

  /** A shard's next event, past the marks and summary before it (consumed on the way). */
  #head(q: ShardQueue): ShardEvent | undefined {
    for (;;) {
      const batch = q.batches[0];
      if (batch === undefined) return undefined;
      if (q.at >= batch.length) {
        q.batches.shift();
        q.at = 0;
        continue;
      }
      const item = batch[q.at]!;
      if (item.type === "shard") {
        q.frames = item.frames;
        if (q === this.#shards[0]) this.#boundaries.push(item.frames);
        q.marks++;
        q.at++;
      } else if (item.type === "summary") {
        q.summary = item;
        q.frames = Infinity;
        q.at++;
      } else return item;
    }
  }

  /**
   * Alerts pending at a push's end (none since raised events follow the
   * event that raised them: kept so that a rule raising outside an event
   * still comes out where one decoder would put it). Shard 0's marks say
   * where its pushes ended; its own events carry their push (`marks`), the
   * others' are placed by frame.
   */
  #batchEnds(frame: number | undefined, marks: number, out: DecodeEvent[]): void {
    const b = this.#boundaries;
    while (
      this.#flushed < b.length &&
      (frame === undefined ? this.#flushed < marks : b[this.#flushed]! < frame)
    ) {
      this.#flushed++;
      this.#flushPending(out);
    }
  }

  /** Number, watch and emit the alerts raised so far (and those they raise). */
  #flushPending(out: DecodeEvent[]): void {
    const pending = this.#pending;
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i]!;
      if (e.type === "anomaly") this.#noteAnomaly(e);
      this.#place(e, out);
    }
    pending.length = 0;
  }

  /** Number the event, show it to the rules, tally it, emit it. */
  #place(e: DecodeEvent, out: DecodeEvent[]): void {
    e.seq = ++this.#seq;
    this.#engine?.event(e, this.#pending);
    this.#tally.add([e]);
    out.push(e);
  }

  #emit(event: ShardEvent, q: ShardQueue, out: DecodeEvent[]): void {
    delete event.shardKey;
    const e = event as DecodeEvent;
    if (e.type === "connection" && e.action === "open") {
      if (e.id >= q.ids.length) {
        const grown = new Int32Array(Math.max(q.ids.length * 2, e.id + 1)).fill(-1);
        grown.set(q.ids);
        q.ids = grown;
      }
      q.ids[e.id] = this.#nextId++;
      // One decoder's table would hold every shard's connections: would it have evicted one?
      if (this.#live++ >= this.#limits.maxConnections && this.#wouldHit.length === 0) {
        this.#wouldHit.push("maxConnections");
      }
      if (!this.#limits.connectionOpenEvents) return;
    } else if (e.type === "connection") this.#live--;
    this.#renumber(e, q.ids);
    if (e.type === "anomaly") {
      if (capName(e) !== undefined) {
        // Each shard reports the first hit of a cap; one decoder reports the first of all.
        if (this.#limitSeen.has(e.code)) return;
        this.#limitSeen.add(e.code);
      }
      const key = `${e.layer}.${e.kind}`;
      const shown = (this.#shown.get(key) ?? 0) + 1;
      if (shown > this.#limits.maxAnomaliesPerKind) return;
      this.#noteAnomaly(e);
    }
    this.#place(e, out);
    // What the rules raise follows the event that raised it, as in one decoder.
    this.#flushPending(out);
  }

  /** Remember the first appearance of an anomaly's key and of a limit, for the summary's order. */
  #noteAnomaly(e: DecodeEvent & { type: "anomaly" }): void {
    const key = `${e.layer}.${e.kind}`;
    this.#shown.set(key, (this.#shown.get(key) ?? 0) + 1);
    const name = capName(e);
    if (name !== undefined) {
      this.#limitSeen.add(e.code);
      if (!this.#limitsShown.includes(name)) this.#limitsShown.push(name);
    }
  }

  /** Shard-local connection ids to the capture's. */
  #renumber(e: DecodeEvent, ids: Int32Array): void {
    const map = (id: number) => (id < ids.length && ids[id]! >= 0 ? ids[id]! : id);
    if (e.type === "summary") return;
    const c = e.evidence.connection;
    // A copy, not an assignment: events of one message may share their evidence object.
    if (c !== undefined && map(c) !== c) e.evidence = { ...e.evidence, connection: map(c) };
    if (e.type === "connection") e.id = map(e.id);
    else if (e.type === "transcript") e.connection = map(e.connection);
    else if (e.type === "file" && e.connections !== undefined) {
      e.connections = e.connections.map(map);
    }
  }

  /** Every shard ended: the last alerts, the rules' end, the merged summary. */
  #finish(out: DecodeEvent[]): void {
    this.#flushPending(out);
    if (this.#engine !== undefined) {
      this.#engine.end(this.#pending);
      this.#flushPending(out);
    }
    const r = this.#reporter;
    const summary = mergeSummaries(this.#shards.map((q) => q.summary!), {
      anomalyOrder: [...this.#shown.keys()],
      limitOrder: this.#limitsShown,
      ownTotal: r.total,
      ownCounts: r.counts,
      ownLimits: r.limitsHit,
      smb: this.#tally.summary,
      rpc: this.#tally.rpc,
      alerts: this.#tally.alerts,
      wouldHit: this.#wouldHit,
    });
    summary.seq = ++this.#seq;
    out.push(summary);
    this.#ended = true;
  }
}

/**
 * The cap an anomaly reports the first hit of, when `Reporter.limit` made it
 * (lib/report.ts: code `<layer>_<cap>`, detail `<cap>: ...`); undefined for
 * other anomalies, `limit` ones reported directly included.
 */
function capName(e: DecodeEvent & { type: "anomaly" }): string | undefined {
  if (e.kind !== "limit") return undefined;
  const name = e.code.slice(e.layer.length + 1);
  return e.detail.startsWith(`${name}: `) ? name : undefined;
}
