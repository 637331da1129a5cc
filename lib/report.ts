/**
 * The one place layers report anomalies and limit hits, so counting and
 * rate-limiting happen once.
 * @module
 */
import type { AnomalyEvent, AnomalyKind, DecodeEvent, Endpoint, Layer } from "./events.ts";

/** A connection as reporters name it: its id and, when known, its addresses. */
export interface ConnectionRef {
  readonly id: number;
  readonly client: Endpoint;
  readonly server: Endpoint;
}

/** Collects anomalies and cap hits for one decode, appending events to `out`. */
export class Reporter {
  readonly counts = new Map<string, number>();
  readonly limitsHit = new Map<string, number>();
  total = 0;

  constructor(readonly out: DecodeEvent[], readonly maxPerKind: number) {}

  /**
   * Report one anomaly; past `maxPerKind` of the same layer and kind it is
   * only counted. `code` is its stable name (default `<layer>_<kind>`).
   */
  anomaly(
    layer: Layer,
    kind: AnomalyKind,
    detail: string,
    frame: number,
    ts: number,
    connection?: number | ConnectionRef,
    code: string = `${layer}_${kind}`,
  ): void {
    const key = `${layer}.${kind}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    this.total++;
    if (n > this.maxPerKind) return;
    const frames = frame > 0 ? [frame] : [];
    const event: AnomalyEvent = {
      type: "anomaly",
      layer,
      kind,
      code,
      detail,
      evidence: { frames, ts },
    };
    if (typeof connection === "number") event.evidence.connection = connection;
    else if (connection !== undefined) {
      event.evidence.connection = connection.id;
      event.client = connection.client;
      event.server = connection.server;
    }
    this.out.push(event);
  }

  /** Report that a cap was reached: the first hit of each cap is an anomaly, the rest are counted. */
  limit(
    layer: Layer,
    limit: string,
    detail: string,
    frame: number,
    ts: number,
    connection?: number | ConnectionRef,
  ): void {
    const n = (this.limitsHit.get(limit) ?? 0) + 1;
    this.limitsHit.set(limit, n);
    if (n === 1) {
      this.anomaly(
        layer,
        "limit",
        `${limit}: ${detail}`,
        frame,
        ts,
        connection,
        `${layer}_${limit}`,
      );
    } else {
      this.counts.set(`${layer}.limit`, (this.counts.get(`${layer}.limit`) ?? 0) + 1);
      this.total++;
    }
  }
}
