/**
 * Folding an event stream into one JSON document (the `json` format of the
 * CLI and of the HTTP function).
 * @module
 */
import type { AnomalyEvent, ConnectionEvent, DecodeEvent, SummaryEvent } from "../events.ts";

/** The `json` output: the summary first, then everything by kind. */
export interface DecodeDocument {
  summary: SummaryEvent | undefined;
  /** One entry per conversation, from its `close` event (it carries the counters). */
  connections: ConnectionEvent[];
  anomalies: AnomalyEvent[];
}

/** Collects events into a {@link DecodeDocument}. */
export class DocumentBuilder {
  readonly document: DecodeDocument = { summary: undefined, connections: [], anomalies: [] };

  add(events: Iterable<DecodeEvent>): void {
    const d = this.document;
    for (const e of events) {
      switch (e.type) {
        case "connection":
          if (e.action === "close") d.connections.push(e);
          break;
        case "anomaly":
          d.anomalies.push(e);
          break;
        case "summary":
          d.summary = e;
          break;
      }
    }
  }
}
