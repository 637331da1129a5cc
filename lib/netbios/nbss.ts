/**
 * NetBIOS Session Service framing ([RFC 1002] 4.3, TCP/139) and its direct-TCP
 * form ([MS-SMB2] 2.1: a zero byte and a 24-bit length, TCP/445), one
 * direction of a connection at a time. Splits the reassembled byte stream
 * into messages, survives gaps and garbage by resynchronising on an SMB
 * protocol id, and never buffers more than a cap.
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { MessageBudget } from "../state/message_budget.ts";

/** NBSS packet types. [RFC 1002] 4.3.1 */
export const NbssType = {
  SESSION_MESSAGE: 0x00,
  SESSION_REQUEST: 0x81,
  POSITIVE_RESPONSE: 0x82,
  NEGATIVE_RESPONSE: 0x83,
  RETARGET_RESPONSE: 0x84,
  KEEP_ALIVE: 0x85,
} as const;

const TYPE_NAMES = new Map<number, string>(Object.entries(NbssType).map(([n, c]) => [c, n]));

/** Name of an NBSS packet type, `UNKNOWN_0x..` otherwise. */
export function nbssTypeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `UNKNOWN_0x${type.toString(16).padStart(2, "0")}`;
}

/** Whether `b[at..at+4)` is an SMB protocol id: 0xFF/0xFE/0xFD/0xFC followed by "SMB". */
export function isSmbProtocolId(b: Uint8Array, at: number): boolean {
  const first = b[at];
  return (first === 0xff || first === 0xfe || first === 0xfd || first === 0xfc) &&
    b[at + 1] === 0x53 && b[at + 2] === 0x4d && b[at + 3] === 0x42;
}

/** One NBSS packet. `body` is a view valid only during the call. */
export interface NbssMessage {
  type: number;
  /** Length from the header. */
  length: number;
  /** The body, or its first `body.length` bytes when `partial`. */
  body: Uint8Array;
  /** True when only a prefix of the body was kept (bulk data skipped, never copied, or bytes lost). */
  partial: boolean;
  /** True when the rest of the message was lost to a gap (e.g. a segment cut by the snap length). */
  cut?: true;
  /** Frames that carried it, in order; a long message lists its first 15 and its last. */
  frames: number[];
  /** Capture time of the first frame. */
  ts: number;
  /** Offset of the message in this direction's stream. */
  streamOffset: number;
}

/** What a framer reports besides messages. */
export interface FramerProblem {
  kind: "malformed" | "gap" | "limit" | "truncated";
  detail: string;
  /** Stable anomaly code, e.g. `nbss_no_smb`; default `nbss_<kind>`. */
  code?: string;
  /** For a `limit`: the option whose cap was hit. */
  option?: string;
  frame: Frame | undefined;
}

/**
 * Decides, from the first bytes of a message's body, how many bytes of it to
 * keep: all of it, or only a prefix (for bulk READ/WRITE data).
 */
export type PrefixPolicy = (head: Uint8Array, length: number) => number;

/** Receives the bytes of a message beyond its kept prefix (bulk data), as views, in order. */
export interface BulkReceiver {
  /** `bytes` sit at `at` in the message body; valid only during the call. */
  data(bytes: Uint8Array, at: number, frame: Frame): void;
}

/**
 * Called once a message kept only in part has its prefix: returns a receiver
 * for the rest of its bytes (which are otherwise skipped unseen), or
 * undefined. `prefix` is valid only during the call.
 */
export type BulkStart = (
  prefix: Uint8Array,
  length: number,
  frame: Frame,
) => BulkReceiver | undefined;

/** Most frames listed per message in its evidence. */
const MAX_FRAMES_LISTED = 16;

/** Bytes of a body needed before the prefix policy is asked. */
export const POLICY_HEAD_BYTES = 72;
/** A kept message body starts this large and doubles as its bytes arrive. */
const FIRST_BODY_BYTES = 16_384;

/** Splits one direction's stream into NBSS messages. */
export class NbssFramer {
  /** Header bytes being collected (4). */
  #header = new Uint8Array(4);
  /** The first bytes of a message spread over segments, until the prefix policy has seen them. */
  readonly #head = new Uint8Array(POLICY_HEAD_BYTES);
  #headerFill = 0;
  /** The current message, once its header is read. */
  #type = 0;
  #length = 0;
  #keep = 0;
  #body: Uint8Array | undefined;
  #bodyFill = 0;
  #skipped = 0;
  /** Bytes of the current message still to skip once its kept part is in; 0 otherwise. */
  #skipLeft = 0;
  #frames: number[] = [];
  #ts = 0;
  #start = 0;
  /** Stream offset of the next byte. */
  #offset = 0;
  /** After a gap or garbage: looking for a header followed by an SMB protocol id. */
  #resync = false;
  #resyncBuf: Uint8Array | undefined;
  /** Where the current message's bytes past its prefix go, when someone wants them. */
  #receiver: BulkReceiver | undefined;
  /** Bytes of the current body charged to the budget. */
  #charged = 0;

  constructor(
    readonly onMessage: (m: NbssMessage) => void,
    readonly onProblem: (p: FramerProblem) => void,
    readonly maxMessageBytes: number,
    readonly prefixPolicy: PrefixPolicy,
    /** Asked for a receiver of each partly kept message's remaining bytes; none: they are skipped. */
    readonly bulkStart?: BulkStart,
    /**
     * The cap on the bytes kept of a message starting with `head`, when some
     * messages may be kept past `maxMessageBytes` (SMB3 messages to decrypt or
     * verify, which only work whole).
     */
    readonly capOf?: (head: Uint8Array) => number,
    /** The decode's budget for bodies held; none: only the per-message caps apply. */
    readonly budget?: MessageBudget,
  ) {}

  /** The cap on a message starting with `head`. */
  #cap(head: Uint8Array): number {
    return this.capOf === undefined ? this.maxMessageBytes : this.capOf(head);
  }

  /** Bytes of the stream, in order. */
  push(bytes: Uint8Array, frame: Frame): void {
    // Most segments fall inside bulk data being skipped: a few operations, in a
    // function small enough for V8 to optimise (and inline) early.
    if (bytes.length < this.#skipLeft) {
      this.#receiver?.data(bytes, this.#length - this.#skipLeft, frame);
      this.#skipLeft -= bytes.length;
      this.#skipped += bytes.length;
      this.#offset += bytes.length;
      this.#noteFrame(frame.index);
      return;
    }
    this.#pushSlow(bytes, frame);
  }

  #pushSlow(bytes: Uint8Array, frame: Frame): void {
    let at = 0;
    while (at < bytes.length) {
      if (this.#resync) {
        at = this.#seek(bytes, at, frame);
        continue;
      }
      if (this.#body === undefined && this.#skipped === 0 && this.#length === 0) {
        // Reading a header; the fast path takes a whole message straight from `bytes`.
        if (this.#headerFill === 0 && bytes.length - at >= 4) {
          const type = bytes[at]!;
          const length = this.#lengthOf(type, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
          if (length < 0) {
            this.#lost(
              frame,
              `NBSS header with unknown type 0x${type.toString(16)}`,
              "nbss_unknown_type",
            );
            continue;
          }
          if (
            type === 0 && length >= 4 && bytes.length - at >= 8 && !isSmbProtocolId(bytes, at + 4)
          ) {
            // A session message always carries SMB: this "header" is garbage.
            this.#lost(
              frame,
              `NBSS session message at stream offset ${this.#offset} holds no SMB`,
              "nbss_no_smb",
            );
            at++;
            this.#offset++;
            continue;
          }
          if (bytes.length - at - 4 >= length) {
            // The same prefix as when the message spans segments, so results never
            // depend on how the stream was cut.
            const head = bytes.subarray(at + 4, at + 4 + Math.min(length, POLICY_HEAD_BYTES));
            const wanted = Math.min(length, this.prefixPolicy(head, length));
            const cap = this.#cap(head);
            if (wanted > cap) this.#overLimit(length, frame, cap);
            const kept = Math.max(Math.min(wanted, cap), head.length);
            if (kept < length && this.bulkStart !== undefined) {
              const body = bytes.subarray(at + 4, at + 4 + length);
              this.bulkStart(body.subarray(0, kept), length, frame)?.data(
                body.subarray(kept),
                kept,
                frame,
              );
            }
            this.#emit(
              type,
              length,
              bytes.subarray(at + 4, at + 4 + kept),
              kept < length,
              [frame.index],
              frame.ts,
              this.#offset,
            );
            this.#offset += 4 + length;
            at += 4 + length;
            continue;
          }
          at += 4;
          this.#offset += 4;
          this.#begin(type, length, frame);
          continue;
        }
        const take = Math.min(4 - this.#headerFill, bytes.length - at);
        this.#header.set(bytes.subarray(at, at + take), this.#headerFill);
        this.#headerFill += take;
        at += take;
        this.#offset += take;
        if (this.#headerFill < 4) continue;
        this.#headerFill = 0;
        const h = this.#header;
        const length = this.#lengthOf(h[0]!, h[1]!, h[2]!, h[3]!);
        if (length < 0) {
          this.#lost(
            frame,
            `NBSS header with unknown type 0x${h[0]!.toString(16)}`,
            "nbss_unknown_type",
          );
          continue;
        }
        this.#begin(h[0]!, length, frame);
        if (length === 0) this.#finish();
        continue;
      }
      at = this.#fill(bytes, at, frame);
    }
  }

  /** Look for the next SMB message header before framing (a stream picked up mid-way). */
  resynchronise(): void {
    this.#reset();
    this.#resync = true;
    this.#resyncBuf = undefined;
  }

  /**
   * `length` bytes of the stream are missing. Inside the bulk data of a
   * message whose kept prefix is in, framing goes on past them (the bytes
   * after the hole still reach the receiver at their places); otherwise the
   * partial message is dropped and the framer resynchronises.
   */
  gap(length: number, frame: Frame | undefined): void {
    const body = this.#body;
    const left = this.#length - this.#bodyFill - this.#skipped;
    if (
      this.#length > 0 && this.#keep > 0 && this.#bodyFill === this.#keep &&
      this.#keep < this.#length && length < left
    ) {
      const at = this.#bodyFill + this.#skipped;
      this.onProblem({
        kind: "gap",
        detail: `NBSS message of ${this.#length} bytes at stream offset ${this.#start} lost ` +
          `bytes ${at}-${at + length} of its bulk data to a gap; the rest is still delivered`,
        frame,
        code: "nbss_bulk_gap",
      });
      this.#skipped += length;
      this.#skipLeft = left - length;
      this.#offset += length;
      return;
    }
    if (
      this.#length > 0 && this.#type === NbssType.SESSION_MESSAGE && body !== undefined &&
      this.#bodyFill >= 4 && isSmbProtocolId(body, 0)
    ) {
      // What arrived still names the message (a segment cut by the snap length, or
      // loss): decode its header and fields from the bytes present.
      this.onProblem({
        kind: "truncated",
        detail: `NBSS message of ${this.#length} bytes at stream offset ${this.#start} lost ` +
          `${length} bytes to a gap; decoded from its first ${this.#bodyFill} bytes`,
        frame,
      });
      this.onMessage({
        type: this.#type,
        length: this.#length,
        body: body.subarray(0, this.#bodyFill),
        partial: true,
        cut: true,
        frames: this.#frames,
        ts: this.#ts,
        streamOffset: this.#start,
      });
    } else if (this.#length > 0 || this.#headerFill > 0) {
      this.onProblem({
        kind: "gap",
        detail:
          `NBSS message at stream offset ${this.#start} lost ${length} bytes to a gap; dropped`,
        frame,
      });
    }
    this.#reset();
    this.#offset += length;
    this.#resync = true;
    this.#resyncBuf = undefined;
  }

  /** The stream ended: report a message left incomplete. */
  end(): void {
    if (this.#length > 0 || this.#headerFill > 0) {
      this.onProblem({
        kind: "gap",
        detail:
          `NBSS message at stream offset ${this.#start} cut short by the end of the connection`,
        frame: undefined,
      });
    }
    this.#reset();
  }

  /** Body length from a header, or -1 when the type is not one NBSS defines. */
  #lengthOf(type: number, b1: number, b2: number, b3: number): number {
    // Session messages use all 24 bits (direct TCP; on 139 the top 7 are zero).
    if (type === 0) return (b1 << 16) | (b2 << 8) | b3;
    if (type >= 0x81 && type <= 0x85 && (b1 & 0xfe) === 0) return ((b1 & 1) << 16) | (b2 << 8) | b3;
    return -1;
  }

  #begin(type: number, length: number, frame: Frame): void {
    this.#type = type;
    this.#length = length;
    this.#start = this.#offset - 4;
    this.#frames = [frame.index];
    this.#ts = frame.ts;
    this.#keep = -1; // decided once the policy head is in
    this.#bodyFill = 0;
    this.#skipped = 0;
    this.#skipLeft = 0;
    // The head goes into one buffer per framer; the message gets its own once its size is known.
    this.#body = this.#head.subarray(0, Math.min(length, POLICY_HEAD_BYTES));
  }

  /**
   * The body buffer, grown (doubling, at most to the kept length) to hold `n`
   * bytes; undefined when the decode's budget cannot pay for the growth: the
   * message then keeps what it has and the rest is skipped.
   */
  #room(n: number, frame: Frame): Uint8Array | undefined {
    const body = this.#body!;
    if (body.length >= n) return body;
    const size = Math.min(this.#keep, Math.max(n, body.length * 2));
    if (!this.#charge(size - body.length, frame)) {
      this.#keep = this.#bodyFill;
      return undefined;
    }
    const grown = new Uint8Array(size);
    grown.set(body.subarray(0, this.#bodyFill));
    this.#body = grown;
    return grown;
  }

  /** Charge `n` more body bytes to the budget; false (and a `limit`) when they do not fit. */
  #charge(n: number, frame: Frame): boolean {
    const budget = this.budget;
    if (budget === undefined) return true;
    if (!budget.take(n)) {
      this.onProblem({
        kind: "limit",
        detail: `NBSS message of ${this.#length} bytes at stream offset ${this.#start} does not ` +
          `fit maxTotalSmbMessageBytes (${budget.max}), held by messages not yet complete; ` +
          `only its first ${this.#bodyFill} bytes are decoded`,
        option: "maxTotalSmbMessageBytes",
        frame,
      });
      return false;
    }
    this.#charged += n;
    return true;
  }

  /** Long messages list their first frames and always the last one. */
  #noteFrame(index: number): void {
    const frames = this.#frames;
    if (frames[frames.length - 1] !== index) {
      if (frames.length < MAX_FRAMES_LISTED) frames.push(index);
      else frames[MAX_FRAMES_LISTED - 1] = index;
    }
  }

  #fill(bytes: Uint8Array, at: number, frame: Frame): number {
    this.#noteFrame(frame.index);
    const consumed = this.#bodyFill + this.#skipped;
    const want = this.#length - consumed;
    const n = Math.min(want, bytes.length - at);
    if (this.#keep < 0) {
      // Still collecting the head the policy looks at.
      const head = this.#body!;
      const take = Math.min(n, head.length - this.#bodyFill);
      head.set(bytes.subarray(at, at + take), this.#bodyFill);
      this.#bodyFill += take;
      this.#offset += take;
      if (this.#type === 0 && this.#bodyFill >= 4 && !isSmbProtocolId(head, 0)) {
        this.#lost(
          frame,
          `NBSS session message at stream offset ${this.#start} holds no SMB`,
          "nbss_no_smb",
        );
        this.#reset();
        return at + take;
      }
      if (this.#bodyFill < head.length) return at + take;
      const wanted = Math.min(this.#length, this.prefixPolicy(head, this.#length));
      const cap = this.#cap(head);
      if (wanted > cap) this.#overLimit(this.#length, frame, cap, this.#start);
      const keep = Math.min(wanted, cap);
      this.#keep = Math.max(keep, head.length);
      // Always a buffer of the message's own: the shared head is reused by the next message.
      // It grows as bytes come (#room): a connection cut inside a large message, which a
      // capture has thousands of, holds what arrived, not the whole declared length.
      let size = Math.min(this.#keep, Math.max(FIRST_BODY_BYTES, head.length));
      // Over the decode's budget the message keeps its head only (and no bulk reader: the
      // prefix it would read may not be all there).
      const starved = size > head.length && !this.#charge(size, frame);
      if (starved) size = this.#keep = head.length;
      const body = new Uint8Array(size);
      body.set(head);
      this.#body = body;
      if (this.#bodyFill === this.#length) this.#finish();
      else if (this.#bodyFill === this.#keep && !starved) {
        this.#receiver = this.bulkStart?.(body, this.#length, frame);
      }
      return at + take;
    }
    const room = this.#keep - this.#bodyFill;
    let copy = Math.min(room, n);
    const body = copy > 0 ? this.#room(this.#bodyFill + copy, frame) : undefined;
    if (body === undefined) copy = 0;
    else body.set(bytes.subarray(at, at + copy), this.#bodyFill);
    this.#bodyFill += copy;
    if (copy > 0 && this.#bodyFill === this.#keep && this.#keep < this.#length) {
      // The prefix is in: whoever wants the rest says so now.
      this.#receiver = this.bulkStart?.(this.#body!.subarray(0, this.#keep), this.#length, frame);
    }
    if (n > copy) {
      this.#receiver?.data(
        bytes.subarray(at + copy, at + n),
        this.#bodyFill + this.#skipped,
        frame,
      );
    }
    this.#skipped += n - copy;
    this.#offset += n;
    if (this.#bodyFill + this.#skipped === this.#length) this.#finish();
    else if (this.#bodyFill === this.#keep) {
      this.#skipLeft = this.#length - this.#bodyFill - this.#skipped;
    }
    return at + n;
  }

  #overLimit(length: number, frame: Frame, cap: number, start = this.#offset): void {
    const option = cap === this.maxMessageBytes ? "maxSmbMessageBytes" : "maxEncryptedMessageBytes";
    this.onProblem({
      kind: "limit",
      detail: `NBSS message of ${length} bytes at stream offset ${start} is over ` +
        `${option} (${cap}); only its first bytes are decoded`,
      option,
      frame,
    });
  }

  #finish(): void {
    const partial = this.#bodyFill < this.#length;
    this.#emit(
      this.#type,
      this.#length,
      this.#body!.subarray(0, this.#bodyFill),
      partial,
      this.#frames,
      this.#ts,
      this.#start,
    );
    this.#reset();
  }

  #emit(
    type: number,
    length: number,
    body: Uint8Array,
    partial: boolean,
    frames: number[],
    ts: number,
    streamOffset: number,
  ): void {
    if (type === NbssType.SESSION_MESSAGE && length >= 4 && !isSmbProtocolId(body, 0)) {
      this.onProblem({
        kind: "malformed",
        detail:
          `NBSS session message at stream offset ${streamOffset} does not start with an SMB ` +
          `protocol id; skipped`,
        frame: undefined,
      });
    }
    this.onMessage({ type, length, body, partial, frames, ts, streamOffset });
  }

  #reset(): void {
    this.budget?.give(this.#charged);
    this.#charged = 0;
    this.#receiver = undefined;
    this.#headerFill = 0;
    this.#length = 0;
    this.#keep = 0;
    this.#body = undefined;
    this.#bodyFill = 0;
    this.#skipped = 0;
    this.#skipLeft = 0;
  }

  /** Bytes that cannot be a header: note it and start looking for the next SMB message. */
  #lost(frame: Frame, detail: string, code: string): void {
    this.onProblem({ kind: "malformed", detail: `${detail}; resynchronising`, frame, code });
    this.#resync = true;
    this.#resyncBuf = undefined;
  }

  /**
   * Resynchronising: find `00 LL LL LL FF|FE|FD|FC 'S' 'M' 'B'` with a sane
   * length. The last 7 bytes of each chunk are held back (copied) so a header
   * split across segments is still found. Returns how much of `bytes` it used.
   */
  #seek(bytes: Uint8Array, at: number, frame: Frame): number {
    const held = this.#resyncBuf ?? new Uint8Array(0);
    this.#resyncBuf = undefined;
    let window = bytes.subarray(at);
    if (held.length > 0) {
      window = new Uint8Array(held.length + bytes.length - at);
      window.set(held);
      window.set(bytes.subarray(at), held.length);
    }
    // #offset already counts the held bytes; the window starts that far back.
    const windowStart = this.#offset - held.length;
    const found = this.#scan(window, 0);
    if (found < 0) {
      this.#resyncBuf = window.slice(Math.max(0, window.length - 7));
      this.#offset = windowStart + window.length;
      return bytes.length;
    }
    this.#resync = false;
    this.#offset = windowStart + found;
    this.push(window.subarray(found), frame);
    return bytes.length;
  }

  /** Index of the first plausible SMB-over-NBSS header at or after `from`, or -1. */
  #scan(b: Uint8Array, from: number): number {
    for (let i = from; i + 8 <= b.length; i++) {
      if (b[i] !== 0 || !isSmbProtocolId(b, i + 4)) continue;
      const length = (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
      if (length >= 32) return i;
    }
    return -1;
  }
}
