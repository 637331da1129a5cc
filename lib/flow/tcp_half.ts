/**
 * Reassembly of one direction of a TCP connection: in-order delivery of each
 * byte once, whatever the order, repetition or overlap of segments, with
 * holes reported as gaps. Sequence numbers are compared modulo 2^32.
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { DirectionStats } from "../events.ts";
import { MinHeap } from "../state/min_heap.ts";

/** Where a half sends what it reassembles. */
export interface HalfSink {
  /** In-order bytes (a view valid during the call). */
  deliver(bytes: Uint8Array, frame: Frame): void;
  /** `length` bytes starting at sequence number `seq` never arrived. */
  gap(length: number, seq: number, frame: Frame | undefined, reason: string): void;
  /** Holding a segment that costs `extra` (its bytes and {@link HELD_SEGMENT_COST}) would pass a cap: returns the cap's name, or undefined when it fits (and counts it). */
  reserve(extra: number): string | undefined;
  /** What held segments cost was released (delivered, dropped, or not held after all). */
  release(bytes: number): void;
  /** This direction's own out-of-order cap was reached (a `limit`, besides the gap it causes). */
  capReached(held: number): void;
}

interface PendingSegment {
  seq: number;
  /** Arrival order: of two held segments at the same sequence number, the first is delivered first. */
  order: number;
  /** Captured bytes (a copy). */
  bytes: Uint8Array;
  /** Declared length; more than `bytes.length` when the snap length cut the segment. */
  length: number;
  /** Its frame's number and time, without the frame's bytes (a view would keep the capture chunk alive). */
  frame: Frame;
}

/**
 * What holding one segment costs besides its bytes (the segment, its copy and
 * its frame as objects), counted against the out-of-order caps so that a
 * flood of one-byte segments cannot hold hundreds of bytes for each byte it
 * is charged.
 */
export const HELD_SEGMENT_COST = 256;
const NO_BYTES = new Uint8Array(0);

/** Whether held segment `a` comes before `b`: by sequence number, then arrival. */
const before = (a: PendingSegment, b: PendingSegment): boolean => {
  const d = (a.seq - b.seq) | 0;
  return d < 0 || (d === 0 && a.order < b.order);
};

/** Signed distance from `b` to `a` in sequence space. */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

/** How far ahead of the expected sequence number an ACK may be and still be believed. */
const MAX_BELIEVABLE_ACK_JUMP = 1 << 30;

/** One direction of a TCP connection. */
export class TcpHalf {
  /** Whether `next` holds a sequence number yet. */
  #started = false;
  /** Next sequence number expected in the stream. */
  #next = 0;
  /** Initial sequence number from this side's SYN. */
  isn: number | undefined;
  /** Sequence number just past the last data byte, once a FIN was seen. */
  finSeq: number | undefined;
  /**
   * Segments that arrived ahead of `next`, a binary heap by sequence number
   * (the first at index 0): a flood arriving last first made a sorted
   * array's insertions quadratic.
   */
  readonly #pending = new MinHeap<PendingSegment>(before);
  /** Bytes held. */
  #pendingBytes = 0;
  /** What the held segments cost against the caps: their bytes and {@link HELD_SEGMENT_COST} each. */
  #pendingCost = 0;
  #arrivals = 0;
  /** Highest acknowledgement number the other side sent. */
  #peerAck: number | undefined;

  constructor(
    readonly stats: DirectionStats,
    readonly sink: HalfSink,
    readonly maxBuffered: number,
  ) {}

  /** Next sequence number expected in the stream, undefined until the stream started. */
  get next(): number | undefined {
    return this.#started ? this.#next : undefined;
  }

  /** Buffered out-of-order bytes. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** What the buffered segments count against the out-of-order caps: {@link HELD_SEGMENT_COST} more each. */
  get bufferedCost(): number {
    return this.#pendingCost;
  }

  /**
   * One segment from this side. `seq` is the header's sequence number;
   * `payload` the captured payload and `length` its declared length.
   */
  segment(
    seq: number,
    syn: boolean,
    fin: boolean,
    payload: Uint8Array,
    length: number,
    frame: Frame,
  ) {
    if (syn) {
      if (this.isn !== seq) {
        this.isn = seq;
        if (!this.#started || this.#pendingBytes === 0) {
          this.#next = (seq + 1) >>> 0;
          this.#started = true;
        }
      }
      seq = (seq + 1) >>> 0; // data in a SYN (TCP Fast Open) follows the SYN's own number
    } else if (!this.#started) {
      // Picked up mid-stream: the stream starts at the first segment that carries
      // something. A bare ACK proves little (keep-alives carry the number before).
      if (length === 0 && !fin) return;
      this.#next = seq;
      this.#started = true;
    }
    if (length > 0) this.#data(seq, payload, length, frame);
    if (fin) this.finSeq = (seq + length) >>> 0;
  }

  /**
   * The other side acknowledged up to `ack`. If we hold later data, the hole
   * before it was probably lost in capture; it is declared a gap only when the
   * next segment arrives and does not fill it, since a capture merged from two
   * taps can show an ACK before the data it covers.
   */
  acknowledged(ack: number): void {
    if (this.#peerAck === undefined || seqDiff(ack, this.#peerAck) > 0) this.#peerAck = ack;
  }

  /** Deliver everything buffered, declaring the holes between as gaps. Called at close. */
  flush(frame: Frame | undefined): void {
    while (this.#pending.size > 0) {
      const first = this.#pending.peek()!;
      if (seqDiff(first.seq, this.#next) > 0) {
        this.#skipTo(first.seq, frame ?? first.frame, "missing when the connection ended");
      }
      this.#drain();
    }
  }

  #data(seq: number, payload: Uint8Array, length: number, frame: Frame): void {
    const rel = seqDiff(seq, this.#next);
    if (rel <= 0) {
      const seen = -rel;
      if (seen >= length) {
        this.stats.retransmittedBytes += length;
        return;
      }
      this.stats.retransmittedBytes += seen;
      this.#deliver(payload, seen, length, frame);
      if (this.#pending.size > 0) this.#drain();
      return;
    }
    // Ahead of the stream. If the peer already acknowledged past the hole and we
    // hold data beyond it, this segment did not fill it: the capture lost it.
    if (this.#pending.size > 0 && this.#peerAck !== undefined) {
      const ahead = seqDiff(this.#peerAck, this.#next);
      if (ahead > 0 && ahead <= MAX_BELIEVABLE_ACK_JUMP) {
        const first = this.#pending.peek()!;
        const upTo = seqDiff(first.seq, this.#peerAck) < 0 ? first.seq : this.#peerAck;
        this.#skipTo(upTo, frame, "acknowledged by the peer but not in the capture");
        this.#drain();
        if (seqDiff(seq, this.#next) <= 0) return this.#data(seq, payload, length, frame);
      }
    }
    // Hold a copy until the hole fills or is declared a gap.
    const cost = payload.length + HELD_SEGMENT_COST;
    const cap = this.sink.reserve(cost);
    if (cap !== undefined || this.#pendingCost + cost > this.maxBuffered) {
      if (cap === undefined) {
        this.sink.release(cost); // reserved above, not held after all
        this.sink.capReached(this.#pendingBytes);
      }
      // No room: the hole before the oldest held data (or this segment) is a gap.
      const first = this.#pending.peek();
      const target = first && seqDiff(first.seq, seq) < 0 ? first.seq : seq;
      this.#skipTo(target, frame, `out-of-order buffer full (${cap ?? "maxOutOfOrderBytes"})`);
      this.#drain();
      if (seqDiff(seq, this.#next) <= 0) return this.#data(seq, payload, length, frame);
      // Still ahead of the stream even after flushing: the gap runs up to this segment.
      this.#skipTo(seq, frame, "out-of-order buffer full");
      return this.#data(seq, payload, length, frame);
    }
    const held: PendingSegment = {
      seq,
      order: this.#arrivals++,
      bytes: payload.slice(),
      length,
      frame: { ...frame, bytes: NO_BYTES },
    };
    this.#pendingBytes += held.bytes.length;
    this.#pendingCost += cost;
    this.#pending.add(held);
  }

  /** Deliver `payload[skip, length)`, turning uncaptured bytes into a gap. */
  #deliver(payload: Uint8Array, skip: number, length: number, frame: Frame): void {
    const captured = payload.length;
    if (skip < captured) {
      const bytes = skip === 0 ? payload : payload.subarray(skip);
      this.stats.streamBytes += bytes.length;
      this.#next = (this.#next + bytes.length) >>> 0;
      this.sink.deliver(bytes, frame);
    }
    const missing = length - Math.max(skip, captured);
    if (missing > 0) this.#gap(missing, frame, "cut by the snap length");
  }

  #drain(): void {
    const pending = this.#pending;
    while (pending.size > 0) {
      const first = pending.peek()!;
      const rel = seqDiff(first.seq, this.#next);
      if (rel > 0) return;
      pending.take();
      const cost = first.bytes.length + HELD_SEGMENT_COST;
      this.#pendingBytes -= first.bytes.length;
      this.#pendingCost -= cost;
      this.sink.release(cost);
      const seen = -rel;
      if (seen >= first.length) {
        this.stats.retransmittedBytes += first.length;
        continue;
      }
      this.stats.retransmittedBytes += seen;
      this.#deliver(first.bytes, seen, first.length, first.frame);
    }
  }

  #skipTo(seq: number, frame: Frame | undefined, reason: string): void {
    const length = seqDiff(seq, this.#next);
    if (length > 0) this.#gap(length, frame, reason);
  }

  #gap(length: number, frame: Frame | undefined, reason: string): void {
    const at = this.#next;
    this.stats.gapBytes += length;
    this.stats.gaps++;
    this.#next = (this.#next + length) >>> 0;
    this.sink.gap(length, at, frame, reason);
  }
}
