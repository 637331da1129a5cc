/**
 * The one place layers report anomalies and limit hits, so counting and
 * rate-limiting happen once.
 * @module
 */
import type { AnomalyKind, DecodeEvent, Layer } from "./events.ts";

/** Collects anomalies and cap hits for one decode, appending events to `out`. */
export class Reporter {
  readonly counts = new Map<string, number>();
  readonly limitsHit = new Map<string, number>();
  total = 0;

  constructor(readonly out: DecodeEvent[], readonly maxPerKind: number) {}

  /** Report one anomaly; past `maxPerKind` of the same layer and kind it is only counted. */
  anomaly(
    layer: Layer,
    kind: AnomalyKind,
    detail: string,
    frame: number,
    ts: number,
    connection?: number,
  ): void {
    const key = `${layer}.${kind}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    this.total++;
    if (n > this.maxPerKind) return;
    const evidence = connection === undefined
      ? { frames: frame > 0 ? [frame] : [], ts }
      : { frames: frame > 0 ? [frame] : [], ts, connection };
    this.out.push({ type: "anomaly", layer, kind, detail, evidence });
  }

  /** Report that a cap was reached: the first hit of each cap is an anomaly, the rest are counted. */
  limit(
    layer: Layer,
    limit: string,
    detail: string,
    frame: number,
    ts: number,
    connection?: number,
  ): void {
    const n = (this.limitsHit.get(limit) ?? 0) + 1;
    this.limitsHit.set(limit, n);
    if (n === 1) this.anomaly(layer, "limit", `${limit}: ${detail}`, frame, ts, connection);
    else {
      this.counts.set(`${layer}.limit`, (this.counts.get(`${layer}.limit`) ?? 0) + 1);
      this.total++;
    }
  }
}
