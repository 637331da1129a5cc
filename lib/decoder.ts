/**
 * The synchronous decoding core: capture bytes in, events out. No promises,
 * no streams, no runtime APIs; the stream adapters in `stream.ts` wrap it.
 * @module
 */
import { linkTypeName } from "./capture/linktypes.ts";
import { CaptureReader } from "./capture/reader.ts";
import type { DecodeEvent, SummaryEvent } from "./events.ts";
import type { ObserverFactory } from "./flow/observer.ts";
import { FlowTable } from "./flow/table.ts";
import { NetworkLayer } from "./net/network.ts";
import type { IpPacket } from "./net/packet.ts";
import { type GroupedLimitOptions, type LimitOptions, type Limits, limitsFrom } from "./options.ts";
import { type AnalyzerContext, type EventWatcher, observersOf } from "./registry.ts";
import { Reporter } from "./report.ts";
import { type IoConsumer, IoConsumers } from "./smb/io.ts";
import { KerberosTickets } from "./auth/kerberos_tickets.ts";
import { type KeyOptions, Keyring } from "./auth/keyring.ts";
import { DecompressionBudget } from "./smb/smb2/decompression_budget.ts";
import { MessageBudget } from "./state/message_budget.ts";
import { SharedEntryCap } from "./state/bounded_map.ts";
import { Smb2SessionTable } from "./smb/smb2/sessions.ts";
import { SmbTally } from "./tally.ts";
import { FileTracker } from "./files/tracker.ts";
import { TranscriptCollector } from "./files/transcript.ts";
import type { ContentSink } from "./files/sink.ts";
import { ciphersLoaded } from "./crypto/aes.ts";
import type { FileDigesterFactory } from "./crypto/hashes.ts";
import type { DcerpcContext } from "./dcerpc/association.ts";
import { CallLedger } from "./dcerpc/call_ledger.ts";
import { EndpointMap } from "./dcerpc/endpoint_map.ts";
import { PipeTransport } from "./dcerpc/pipe_transport.ts";
import { chosenRules, DetectionEngine } from "./detect/engine.ts";
import { checkShard, shardOf, type ShardOption } from "./shard/hash.ts";
import { KeyStamper, type ShardProgress } from "./shard/order.ts";
import { MutedReporter } from "./shard/muted_reporter.ts";

/**
 * Options of a {@link Decoder}: caps and switches, flat (as in
 * {@link LimitOptions}) or grouped (`limits`, `smb`), and the values that
 * are not numbers: consumers of SMB I/O facts and watchers of events.
 *
 * @example Receiving every byte written to files
 * ```ts
 * import { Decoder, type SmbIoFact } from "@smbscope/smbscope";
 * let written = 0;
 * const decoder = new Decoder({
 *   limits: { maxConnections: 10_000 },
 *   consumers: [{
 *     wantsFileData: true,
 *     wantsPipeData: false,
 *     io(fact: SmbIoFact) {
 *       if (fact.kind === "write") written += fact.data.length;
 *     },
 *   }],
 * });
 * decoder.push(Deno.readFileSync("fixtures/smb/smb3_bulk.pcap"));
 * decoder.end();
 * // The fixture's script put a 3 MiB file (fixtures/smb/smb3_bulk.expected.json).
 * if (written !== 3_145_728) throw new Error(`${written} bytes written`);
 * ```
 */
export interface DecoderOptions extends LimitOptions, GroupedLimitOptions {
  /** Receivers of typed SMB I/O facts (opens, reads, writes, pipe transactions, set-info, closes). */
  consumers?: readonly IoConsumer[];
  /** Receivers of every event as it is emitted, before front ends see it. */
  watchers?: readonly EventWatcher[];
  /**
   * File switches and caps (see {@link GroupedLimitOptions}), `sink`: where
   * carved content goes, and `hasher`: a factory of MD5/SHA-1/SHA-256
   * digesters to use instead of the pure-JS ones (e.g. native `node:crypto`
   * ones, several times faster); each must give the same hex digests.
   */
  files?: GroupedLimitOptions["files"] & { sink?: ContentSink; hasher?: FileDigesterFactory };
  /**
   * Secrets for SMB3 decryption, SMB2/3 signature checks and NTLM password
   * checks (passwords, NT hashes, session keys), and the hash export switch.
   * Checked when the decoder is made; never copied into events. The AES code
   * they need is loaded on demand: `await loadCiphers()` before making a
   * decoder with secrets (`decode()` does it; the constructor throws otherwise).
   */
  keys?: KeyOptions;
  /**
   * Decode one share of the capture, for a sharded decode (lib/shard/,
   * `decode --jobs`, `fanout`): only the IP traffic whose unordered pair of
   * addresses hashes to `index` of `count` ({@link shardOf}); non-IP frames
   * and the capture's own facts belong to shard 0. The events carry
   * `shardKey` and each push ends with a `{type: "shard", frames}` mark, for
   * {@link ShardMerger}, which turns the shards' streams into what one
   * decoder emits. Detection rules run in the merger, not here, and
   * connection `open` events are always emitted (the merger drops them when
   * `connectionOpenEvents` is false). `0 <= index < count`, else `RangeError`.
   */
  shard?: ShardOption;
}

/** Callbacks into the decode, for embedders that want more than events. */
export interface DecoderHooks {
  /** Called once per conversation, at its first payload byte (a conversation that carries none, such as a SYN flood's, is never observed); a returned observer receives its reassembled TCP streams or its datagrams. */
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
 * // capinfos: 387 packets.
 * if (summary?.type !== "summary" || summary.frames !== 387) throw new Error("not 387 frames");
 * ```
 */
export class Decoder {
  /** The options in force, defaults filled in. */
  readonly limits: Readonly<Limits>;
  readonly #out: DecodeEvent[] = [];
  readonly #reporter: Reporter;
  readonly #capture: CaptureReader;
  readonly #network: NetworkLayer;
  readonly #flows: FlowTable;
  readonly #tally = new SmbTally();
  readonly #watchers: readonly EventWatcher[];
  readonly #files: FileTracker | undefined;
  readonly #transcripts: TranscriptCollector | undefined;
  readonly #pipes: PipeTransport | undefined;
  #gzip = false;
  /** The share decoded and the keys of its events, in a sharded decode. */
  readonly #shard: ShardOption | undefined;
  readonly #keys: KeyStamper | undefined;
  /** Where the capture and network layers report: muted in shards other than 0. */
  readonly #netReporter: Reporter;
  /** Events of `#out` already shown to the watchers (always 0 between pushes). */
  #watched = 0;
  /** Events numbered so far. */
  #seq = 0;
  #ended = false;

  /**
   * Create a decoder for one capture.
   * @param options caps and switches; see {@link DecoderOptions}. Throws `RangeError` on a bad option.
   * @param hooks optional callbacks, e.g. a tap on reassembled streams.
   */
  constructor(options: DecoderOptions = {}, hooks: DecoderHooks = {}) {
    this.limits = limitsFrom(options);
    this.#shard = checkShard(options.shard);
    const consumers = checked(options.consumers, "consumers", ["io"]);
    const watchers = checked(options.watchers, "watchers", ["event"]);
    this.#reporter = new Reporter(this.#out, this.limits.maxAnomaliesPerKind);
    const shard = this.#shard;
    this.#keys = shard === undefined ? undefined : new KeyStamper(this.#out);
    this.#netReporter = shard === undefined || shard.index === 0
      ? this.#reporter
      : new MutedReporter(this.#out, this.limits.maxAnomaliesPerKind);
    // A sharded decode leaves the rules to the merger, which sees every shard's events.
    if (this.limits.alerts && shard === undefined) {
      // Rules see events before embedders' watchers, so those see the alerts too.
      const d = options.detect ?? {};
      watchers.unshift(new DetectionEngine(chosenRules(d), this.#reporter, d.thresholds ?? {}));
    }
    this.#watchers = watchers;
    const sink = options.files?.sink;
    if (sink !== undefined) checked([sink], "files.sink", ["write", "end"]);
    const hasher = options.files?.hasher;
    if (hasher !== undefined && typeof hasher !== "function") {
      throw new TypeError(
        "Cannot create decoder: files.hasher must be a function making digesters",
      );
    }
    if (this.limits.fileEvents && this.limits.decodeSmb) {
      const l = this.limits;
      this.#files = new FileTracker(this.#out, this.#reporter, {
        hashes: l.fileHashes,
        maxTrackedFiles: l.maxTrackedFiles,
        maxFileRanges: l.maxFileRanges,
        maxFileBufferBytes: l.maxFileBufferBytes,
        maxTotalFileBufferBytes: l.maxTotalFileBufferBytes,
        maxHashingFiles: l.maxHashingFiles,
        sink: sink as ContentSink | undefined,
        hasher,
      });
      consumers.unshift(this.#files);
      this.#transcripts = new TranscriptCollector(
        (t) => this.#out.push({ type: "transcript", ...t }),
        {},
        (cap, detail) => this.#reporter.limit("files", `transcript_${cap}`, detail, 0, 0),
      );
      consumers.push(this.#transcripts);
    }
    const tickets = new KerberosTickets(this.limits.maxSmbSessions, () =>
      this.#reporter.limit(
        "auth",
        "maxSmbSessions",
        `more than ${this.limits.maxSmbSessions} Kerberos tickets remembered; the older half forgotten`,
        0,
        0,
      ));
    const keyring = options.keys === undefined ? undefined : new Keyring(options.keys);
    if (keyring !== undefined && !keyring.empty && !ciphersLoaded()) {
      throw new Error(
        "Cannot create decoder: keys need the AES code, which loads asynchronously; " +
          "await loadCiphers() first (decode() does)",
      );
    }
    // One allowance for every message not yet complete: NBSS bodies, SMB1 transactions,
    // DCE/RPC PDUs split across pieces, Kerberos messages over TCP.
    const messages = new MessageBudget(this.limits.maxTotalSmbMessageBytes);
    const dcerpc: DcerpcContext = {
      keyring,
      out: this.#out,
      reporter: this.#reporter,
      limits: this.limits,
      endpoints: new EndpointMap(this.limits.maxRpcEndpoints, () =>
        this.#reporter.limit(
          "dcerpc",
          "maxRpcEndpoints",
          `more than ${this.limits.maxRpcEndpoints} endpoints learned from the endpoint mapper; the older half forgotten`,
          0,
          0,
        )),
      tickets,
      heldStubBytes: 0,
      messages,
      calls: new CallLedger(this.limits.maxTotalRpcCalls, (dropped) =>
        this.#reporter.limit(
          "dcerpc",
          "maxTotalRpcCalls",
          `more than ${this.limits.maxTotalRpcCalls} DCE/RPC calls awaiting answers over all associations; the oldest ${dropped} reported unanswered`,
          0,
          0,
        )),
    };
    if (this.limits.decodeDcerpc && this.limits.decodeSmb) {
      this.#pipes = new PipeTransport(dcerpc);
      consumers.push(this.#pipes);
    }
    const io = new IoConsumers(consumers);
    let opens = 0;
    const ctx: AnalyzerContext = {
      limits: this.limits,
      smb: {
        out: this.#out,
        reporter: this.#reporter,
        limits: this.limits,
        io,
        smb2Sessions: new Smb2SessionTable(this.limits, this.#reporter, (files) => {
          for (const file of files) io.emit({ kind: "lost", file, reason: "evicted" });
        }),
        nextOpenId: () => ++opens,
        tickets,
        keyring,
        decompression: new DecompressionBudget(
          this.limits,
          this.#reporter,
          io.fileData || io.pipeData,
        ),
        messages,
        pendingRequests: new SharedEntryCap(this.limits.maxTotalPendingRequests),
      },
      dcerpc,
    };
    const observe: ObserverFactory = (conn) => observersOf(conn, ctx, hooks.observe?.(conn));
    // A shard always emits open events: the merger numbers connections by them.
    const flowLimits = shard === undefined
      ? this.limits
      : { ...this.limits, connectionOpenEvents: true };
    const keys = this.#keys;
    this.#flows = new FlowTable(flowLimits, this.#reporter, this.#out, observe, keys);
    const onIp = (packet: IpPacket) => {
      try {
        if (shard === undefined) this.#flows.packet(packet);
        else if (shardOf(packet.src, packet.dst, shard.count) === shard.index) {
          keys!.packet();
          this.#flows.packet(packet);
        } else {
          // Another shard's packet costs a hash; its capture time still drives the timeouts here.
          this.#flows.tick(packet.frame.ts, packet.frame.index);
        }
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
    this.#network = new NetworkLayer(onIp, this.#netReporter, this.limits);
    this.#capture = new CaptureReader(
      keys === undefined ? (frame) => this.#network.frame(frame) : (frame) => {
        keys.frame(frame.index);
        this.#network.frame(frame);
        keys.between();
      },
      this.#netReporter,
      this.limits,
    );
  }

  /** Whether the input so far was recognised as a capture (false once it was not; true before any bytes). */
  get recognised(): boolean {
    return this.#capture.format !== "unknown";
  }

  /**
   * True once reading stopped early (the input is not a capture, or its
   * framing was lost): later pushes are ignored, so a caller may stop
   * reading, and inflating, its input, and call `end()`.
   */
  get stopped(): boolean {
    return this.#capture.stopped;
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
    const keys = this.#keys;
    keys?.ending(0);
    this.#capture.end();
    this.#network.end();
    if (this.#files !== undefined) this.#files.ending = true;
    // Each layer's end in its own try: a fault in one is a `bug` anomaly, never a throw.
    keys?.ending(1);
    this.#ending("flow", () => this.#flows.end());
    keys?.ending(2);
    this.#ending("dcerpc", () => this.#pipes?.end());
    keys?.ending(3);
    this.#ending("files", () => this.#files?.end());
    keys?.ending(4);
    this.#ending("files", () => this.#transcripts?.end());
    this.#watch(this.#out);
    // What watchers raise at the end (rules counting to a threshold) is numbered and watched too.
    keys?.ending(5);
    const from = this.#out.length;
    for (const w of this.#watchers) w.end?.(this.#out);
    this.#watched = from;
    this.#watch(this.#out);
    this.#tally.add(this.#out);
    keys?.stamp();
    const summary = this.#summary();
    summary.seq = ++this.#seq;
    this.#out.push(summary);
    return this.#out.splice(0);
  }

  #ending(layer: "flow" | "dcerpc" | "files", end: () => void): void {
    try {
      end();
    } catch (e) {
      this.#reporter.anomaly(layer, "bug", `${layer} layer failed at the end: ${e}`, 0, 0);
    }
  }

  #drain(): DecodeEvent[] {
    this.#watch(this.#out);
    this.#keys?.stamp();
    const batch = this.#out.splice(0);
    this.#tally.add(batch);
    if (this.#keys !== undefined) {
      this.#keys.drained();
      const mark: ShardProgress = { type: "shard", frames: this.#capture.frames };
      batch.push(mark as unknown as DecodeEvent);
    }
    return batch;
  }

  /**
   * Number each new event and hand it to the watchers (events they add are
   * numbered and watched in turn).
   */
  #watch(out: DecodeEvent[]): void {
    const watchers = this.#watchers;
    if (watchers.length === 0) {
      for (let i = this.#watched; i < out.length; i++) out[i]!.seq = ++this.#seq;
      this.#watched = 0;
      return;
    }
    // What a watcher raises follows the event that raised it, so the stream is the same
    // however the input was cut into pushes (appended to the batch, an alert's place and
    // every later seq depended on where a push ended). Rebuilt in one pass: linear.
    const batch = out.splice(this.#watched);
    const raised: DecodeEvent[] = [];
    for (const e of batch) {
      raised.push(e);
      for (let i = 0; i < raised.length; i++) {
        const r = raised[i]!;
        r.seq = ++this.#seq;
        out.push(r);
        for (const w of watchers) w.event(r, raised);
      }
      raised.length = 0;
    }
    this.#watched = 0;
  }

  /** Adapters that inflated gzip input call this so the summary says so. */
  markGzip(): void {
    this.#gzip = true;
  }

  /** Adapters report a fault of the input outside the capture format here (e.g. corrupt gzip). */
  reportInputError(detail: string): void {
    this.#netReporter.anomaly("capture", "malformed", detail, 0, this.#capture.lastTs);
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
      rpc: this.#tally.rpc,
      alerts: this.#tally.alerts,
      truncated: c.stopped,
    };
  }
}

/** A list option checked: an array of objects with the named methods. */
function checked<T>(list: readonly T[] | undefined, name: string, methods: string[]): T[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    throw new TypeError(`Cannot create decoder: option ${name} must be an array`);
  }
  list.forEach((item, i) => {
    for (const m of methods) {
      if (
        item === null || typeof item !== "object" ||
        typeof (item as Record<string, unknown>)[m] !== "function"
      ) {
        throw new TypeError(`Cannot create decoder: ${name}[${i}] must have a method ${m}()`);
      }
    }
  });
  return [...list];
}
