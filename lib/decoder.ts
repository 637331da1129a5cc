/**
 * The synchronous decoding core: capture bytes in, events out. No promises,
 * no streams, no runtime APIs; the stream adapters in `stream.ts` wrap it.
 * @module
 */
import { linkTypeName } from "./capture/linktypes.ts";
import { CaptureReader } from "./capture/reader.ts";
import type { DecodeEvent, SummaryEvent } from "./events.ts";
import type { ObserverFactory, StreamObserver } from "./flow/observer.ts";
import { SmbAnalyzer } from "./smb/analyzer.ts";
import { NBDS_PORT } from "./netbios/nbds.ts";
import { NbdsAnalyzer } from "./smb/nbds_analyzer.ts";
import { FlowTable } from "./flow/table.ts";
import { NetworkLayer } from "./net/network.ts";
import type { IpPacket } from "./net/packet.ts";
import { type DecoderOptions, limitsFrom } from "./options.ts";
import { Reporter } from "./report.ts";
import { SmbTally } from "./tally.ts";

/** Callbacks into the decode, for embedders that want more than events. */
export interface DecoderHooks {
  /** Called for every new conversation; a returned observer receives its reassembled TCP streams. */
  observe?: ObserverFactory;
}

/**
 * Decodes a capture pushed in chunks of any size.
 *
 * @example Decoding a file held in memory
 * ```ts
 * import { Decoder } from "@smbscope/smbscope";
 * const decoder = new Decoder();
 * const bytes = Deno.readFileSync("fixtures/smb/smb3_11.pcap");
 * const events = [...decoder.push(bytes), ...decoder.end()];
 * const summary = events.at(-1);
 * console.log(summary?.type === "summary" ? summary.frames : 0);
 * ```
 */
export class Decoder {
  /** The options in force, defaults filled in. */
  readonly limits: Readonly<Required<DecoderOptions>>;
  readonly #out: DecodeEvent[] = [];
  readonly #reporter: Reporter;
  readonly #capture: CaptureReader;
  readonly #network: NetworkLayer;
  readonly #flows: FlowTable;
  readonly #tally = new SmbTally();
  #gzip = false;
  #ended = false;

  /**
   * Create a decoder for one capture.
   * @param options caps and switches; see {@link DecoderOptions}. Throws `RangeError` on a bad option.
   * @param hooks optional callbacks, e.g. a tap on reassembled streams.
   */
  constructor(options: DecoderOptions = {}, hooks: DecoderHooks = {}) {
    this.limits = limitsFrom(options);
    this.#reporter = new Reporter(this.#out, this.limits.maxAnomaliesPerKind);
    const smb = { out: this.#out, reporter: this.#reporter, limits: this.limits };
    const observe: ObserverFactory = (conn) => {
      const analyzer = !this.limits.decodeSmb
        ? undefined
        : conn.transport === "tcp"
        ? new SmbAnalyzer(conn, smb, !conn.handshake)
        : conn.server.port === NBDS_PORT || conn.client.port === NBDS_PORT
        ? new NbdsAnalyzer(conn, smb)
        : undefined;
      const tap = hooks.observe?.(conn);
      return analyzer && tap ? both(analyzer, tap) : analyzer ?? tap;
    };
    this.#flows = new FlowTable(this.limits, this.#reporter, this.#out, observe);
    const onIp = (packet: IpPacket) => {
      try {
        this.#flows.packet(packet);
      } catch (e) {
        this.#reporter.anomaly(
          "flow",
          "bug",
          `flow layer failed: ${e}`,
          packet.frame.index,
          packet.frame.ts,
        );
      }
    };
    this.#network = new NetworkLayer(onIp, this.#reporter, this.limits);
    this.#capture = new CaptureReader(
      (frame) => this.#network.frame(frame),
      this.#reporter,
      this.limits,
    );
  }

  /** Whether the input so far was recognised as a capture (false once it was not; true before any bytes). */
  get recognised(): boolean {
    return this.#capture.format !== "unknown";
  }

  /**
   * Feed the next bytes of the capture; returns the events they completed.
   * `chunk` may be reused by the caller once this returns.
   */
  push(chunk: Uint8Array): DecodeEvent[] {
    if (this.#ended) throw new TypeError("Cannot push: the decoder has ended");
    this.#capture.push(chunk);
    return this.#drain();
  }

  /** Signal the end of the capture; returns the remaining events, ending with the `summary`. */
  end(): DecodeEvent[] {
    if (this.#ended) throw new TypeError("Cannot end: the decoder has already ended");
    this.#ended = true;
    this.#capture.end();
    this.#network.end();
    this.#flows.end();
    this.#tally.add(this.#out);
    this.#out.push(this.#summary());
    return this.#out.splice(0);
  }

  #drain(): DecodeEvent[] {
    const batch = this.#out.splice(0);
    this.#tally.add(batch);
    return batch;
  }

  /** Adapters that inflated gzip input call this so the summary says so. */
  markGzip(): void {
    this.#gzip = true;
  }

  /** Adapters report a fault of the input outside the capture format here (e.g. corrupt gzip). */
  reportInputError(detail: string): void {
    this.#reporter.anomaly("capture", "malformed", detail, 0, this.#capture.lastTs);
  }

  #summary(): SummaryEvent {
    const c = this.#capture, r = this.#reporter;
    return {
      type: "summary",
      format: c.format ?? "unknown",
      gzip: this.#gzip,
      bytes: c.bytes,
      frames: c.frames,
      firstTs: c.frames > 0 ? c.firstTs : 0,
      lastTs: c.frames > 0 ? c.lastTs : 0,
      linkTypes: [...c.linkTypes].map(linkTypeName),
      ipPackets: this.#network.ipPackets,
      ipFragments: this.#network.ipFragments,
      tcpConnections: this.#flows.tcpConnections,
      udpConversations: this.#flows.udpConversations,
      nonIpFrames: this.#network.nonIpFrames,
      anomalies: r.total,
      anomalyCounts: Object.fromEntries(r.counts),
      limitsHit: [...r.limitsHit].map(([limit, count]) => ({ limit, count })),
      smb: this.#tally.summary,
      truncated: c.stopped,
    };
  }
}

/** Two observers of one connection, called in turn. */
function both(a: StreamObserver, b: StreamObserver): StreamObserver {
  return {
    data: (fromClient, bytes, frame) => {
      a.data(fromClient, bytes, frame);
      b.data(fromClient, bytes, frame);
    },
    datagram: (fromClient, payload, frame) => {
      a.datagram?.(fromClient, payload, frame);
      b.datagram?.(fromClient, payload, frame);
    },
    gap: (fromClient, length, frame) => {
      a.gap(fromClient, length, frame);
      b.gap(fromClient, length, frame);
    },
    close: () => {
      a.close();
      b.close();
    },
  };
}
