/**
 * The capture layer: bytes of a pcap or pcapng file in, frames out. A
 * synchronous state machine (`push`, `end`) that sniffs the format, walks the
 * records and hands each frame to a callback.
 *
 * Frames whose record lies inside one pushed chunk are zero-copy views of it;
 * a record that straddles chunks is gathered into one held buffer first. Only
 * the unfinished tail of a chunk is ever copied, and never more than the record
 * limit (`maxRecordBytes`), which is checked before waiting for a record's bytes.
 * @module
 */
import type { Limits } from "../options.ts";
import type { Reporter } from "../report.ts";
import type { FrameHandler } from "./frame.ts";
import { CaptureState, type FormatParser } from "./parser.ts";
import { PcapParser } from "./pcap.ts";
import { PcapngParser } from "./pcapng.ts";
import { describeInput, sniff, SNIFF_BYTES, type Sniffed } from "./sniff.ts";

/** What the input turned out to be; `undefined` until enough bytes were seen. */
export type CaptureFormat = "pcap" | "pcapng" | "unknown";

/** Held tails above this size are released once consumed, not kept for reuse. */
const KEEP_TAIL_CAPACITY = 1 << 20;
const EMPTY = new Uint8Array(0);

/**
 * Reads a pcap or pcapng capture pushed in chunks of any size.
 *
 * @example Counting frames
 * ```ts
 * import { CaptureReader } from "./reader.ts";
 * import { Reporter } from "../report.ts";
 * import { DEFAULT_LIMITS } from "../options.ts";
 * let n = 0;
 * const reader = new CaptureReader(() => n++, new Reporter([], 1000), DEFAULT_LIMITS);
 * reader.push(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, ...new Array(16).fill(0)]));
 * reader.end();
 * if (reader.format !== "pcap" || n !== 0) throw new Error("expected an empty pcap");
 * ```
 */
export class CaptureReader {
  readonly #state: CaptureState;
  #parser: FormatParser | undefined;
  #format: CaptureFormat | undefined;
  #stopped = false;
  #ended = false;
  #bytes = 0;
  /** Unconsumed bytes held across pushes: the sniffed head or a straddling record. */
  #tail: Uint8Array = EMPTY;
  #tailLen = 0;

  /**
   * A reader for one capture file; it sniffs the format from the first bytes.
   * @param onFrame called with each frame, during `push`
   * @param reporter where capture anomalies go
   * @param limits `maxRecordBytes` is the largest record or block accepted
   */
  constructor(onFrame: FrameHandler, reporter: Reporter, limits: Readonly<Limits>) {
    this.#state = new CaptureState(onFrame, reporter, limits);
  }

  /** `pcap`, `pcapng`, `unknown` (not a capture), or `undefined` until sniffed. */
  get format(): CaptureFormat | undefined {
    return this.#format;
  }
  /** True once reading stopped early: the input was not a capture, or its framing was lost. Later pushes are ignored. */
  get stopped(): boolean {
    return this.#stopped;
  }
  /** Frames handed over so far. */
  get frames(): number {
    return this.#state.frames;
  }
  /** Input bytes read (pushes after a stop are not counted). */
  get bytes(): number {
    return this.#bytes;
  }
  /** Time of the first frame, seconds since the epoch (0 before any). */
  get firstTs(): number {
    return this.#state.firstTs;
  }
  /** Time of the last frame handed over (0 before any). */
  get lastTs(): number {
    return this.#state.lastTs;
  }
  /** LINKTYPE_ values of the file (pcap) or of every interface defined (pcapng). */
  get linkTypes(): ReadonlySet<number> {
    return this.#state.linkTypes;
  }

  /**
   * Read the next bytes of the input. Frames are handed to the callback before
   * this returns. `chunk` is not kept: it may be reused once this returns.
   */
  push(chunk: Uint8Array): void {
    if (this.#ended) throw new Error("Cannot push to the capture reader: end() was called");
    if (this.#stopped || chunk.length === 0) return;
    this.#bytes += chunk.length;
    try {
      let off = 0;
      if (this.#parser === undefined) {
        off = this.#sniff(chunk);
        if (this.#parser === undefined) return;
      }
      off = this.#drainTail(chunk, off);
      if (off < 0) return;
      const parser = this.#parser;
      const used = parser.parse(chunk, off, chunk.length);
      if (parser.failed) return this.#stop();
      if (used < chunk.length) this.#hold(chunk, used, chunk.length - used);
    } catch (e) {
      this.#bug(e);
    }
  }

  /** The input ended: report a record or header left unfinished, or input that was never a capture. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#stopped) return;
    if (this.#parser === undefined) {
      // Fewer bytes than a magic number (known magics are recognised at 4 bytes).
      return this.#unrecognized(describeInput(this.#tail.subarray(0, this.#tailLen)));
    }
    if (this.#tailLen > 0) {
      this.#state.anomaly(
        "truncated",
        `capture ends inside a record: ${this.#parser.incomplete(this.#tailLen)}`,
      );
      this.#release();
    }
  }

  /** Gather the first bytes until the format is known; returns how much of `chunk` was taken. */
  #sniff(chunk: Uint8Array): number {
    let head = chunk, used = 0;
    if (this.#tailLen > 0 || chunk.length < SNIFF_BYTES) {
      used = Math.min(SNIFF_BYTES - this.#tailLen, chunk.length);
      this.#append(chunk, 0, used);
      head = this.#tail.subarray(0, this.#tailLen);
    }
    const found = sniff(head, false);
    if (found !== undefined) this.#start(found);
    return used;
  }

  #start(found: Sniffed): void {
    if (found.format === "unknown") return this.#unrecognized(found.detail);
    this.#format = found.format;
    this.#parser = found.format === "pcap"
      ? new PcapParser(this.#state, found)
      : new PcapngParser(this.#state);
  }

  /**
   * Finish the held record with bytes from `chunk[off...]`. Returns where the
   * rest of the chunk starts, or -1 when the chunk was used up (or reading stopped).
   */
  #drainTail(chunk: Uint8Array, off: number): number {
    const parser = this.#parser!;
    while (this.#tailLen > 0) {
      const want = parser.need;
      if (this.#tailLen < want) {
        const take = Math.min(want - this.#tailLen, chunk.length - off);
        this.#append(chunk, off, take);
        off += take;
        if (this.#tailLen < want) return -1;
      }
      const used = parser.parse(this.#tail, 0, this.#tailLen);
      if (parser.failed) {
        this.#stop();
        return -1;
      }
      if (used === 0 && this.#tailLen >= parser.need) {
        throw new Error(`capture parser made no progress with ${this.#tailLen} bytes held`);
      }
      if (used === this.#tailLen) this.#release();
      else {
        this.#tail.copyWithin(0, used, this.#tailLen);
        this.#tailLen -= used;
      }
    }
    return off;
  }

  /** Hold `chunk[from, from + n)` (the tail is empty). */
  #hold(chunk: Uint8Array, from: number, n: number): void {
    this.#append(chunk, from, n);
  }

  #append(chunk: Uint8Array, from: number, n: number): void {
    const len = this.#tailLen + n;
    if (len > this.#tail.length) {
      // Callers never hold more than a parser's `need`, which is checked against the record limit.
      const grown = new Uint8Array(
        Math.max(len, Math.min(this.#tail.length * 2, len + (1 << 16)), 256),
      );
      grown.set(this.#tail.subarray(0, this.#tailLen));
      this.#tail = grown;
    }
    this.#tail.set(chunk.subarray(from, from + n), this.#tailLen);
    this.#tailLen = len;
  }

  #release(): void {
    this.#tailLen = 0;
    if (this.#tail.length > KEEP_TAIL_CAPACITY) this.#tail = EMPTY;
  }

  #stop(): void {
    this.#stopped = true;
    this.#tailLen = 0;
    this.#tail = EMPTY;
  }

  #unrecognized(detail: string): void {
    this.#format = "unknown";
    this.#state.reporter.anomaly(
      "capture",
      "unrecognized",
      `not a pcap or pcapng capture: ${detail}`,
      0,
      0,
    );
    this.#stop();
  }

  #bug(e: unknown): void {
    this.#state.reporter.anomaly(
      "capture",
      "bug",
      `reading stopped after frame ${this.#state.frames}: ${
        e instanceof Error ? e.message : String(e)
      }`,
      0,
      this.#state.lastTs,
    );
    this.#stop();
  }
}
