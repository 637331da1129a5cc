/**
 * Cuts one direction of a connection-oriented DCE/RPC byte stream (a TCP
 * stream, or what a named pipe carried) into whole PDUs. Bytes are copied
 * only when a PDU is split across pieces; a PDU is at most 65,535 bytes
 * (frag_length is 16 bits), so that is all a direction ever holds, and only
 * while the PDU is incomplete. What is held is charged to the decode's
 * budget for messages not yet complete, so thousands of connections each
 * left inside a PDU cannot add up to gigabytes.
 * @module
 */
import type { MessageBudget } from "../state/message_budget.ts";
import { CO_HEADER_BYTES, type CoHeader, parseCoHeader } from "./pdu.ts";

/** Where a piece of the stream came from. */
export interface PieceEvidence {
  /** Capture frames of the piece. */
  frames: readonly number[];
  /** Capture time of its first frame. */
  ts: number;
}

/** A whole PDU and the frames it came in. */
export interface FramedPdu {
  /** The PDU's bytes (a view, valid only during the call). */
  bytes: Uint8Array;
  header: CoHeader;
  /** Frames of the pieces it came in (the first 64). */
  frames: number[];
  /** Time of its first piece. */
  ts: number;
}

/** Frames remembered per PDU. */
const MAX_FRAMES = 64;
/** The largest PDU (frag_length is 16 bits). */
const MAX_PDU_BYTES = 0xffff;
const EMPTY = new Uint8Array(0);

/** One direction's PDU framing. */
export class PduFramer {
  /** Bytes of a PDU begun but not complete (copied); let go when it completes. */
  #held = EMPTY;
  #heldLength = 0;
  #frames: number[] = [];
  #ts = 0;
  /**
   * Out of step: what came was not a PDU header. The framer skips until the
   * next piece (pipes: each message usually starts a PDU) or a plausible
   * header within the piece (TCP).
   */
  lost = false;

  constructor(
    /** Called with every whole PDU. */
    readonly onPdu: (pdu: FramedPdu) => void,
    /** Called when bytes are not a PDU header (once per loss of step). */
    readonly onGarbage: (detail: string, ev: PieceEvidence) => void,
    /** Pays for the bytes of incomplete PDUs (none: unbounded, for tests). */
    readonly budget?: MessageBudget,
    /** Called when the budget refuses: the PDU being gathered is dropped. */
    readonly onRefused?: (detail: string, ev: PieceEvidence) => void,
  ) {}

  /** The next bytes of the stream. `startsMessage`: the piece begins a pipe message (a chance to get back in step). */
  push(bytes: Uint8Array, ev: PieceEvidence, startsMessage: boolean): void {
    let at = 0;
    if (this.lost) {
      // After a hole the next bytes usually begin a PDU (TCP segments after a loss, pipe
      // messages); otherwise the first plausible header in them.
      at = startsMessage && parseCoHeader(bytes) !== null ? 0 : resync(bytes, 0);
      if (at < 0) return;
      this.lost = false;
      this.#free();
    }
    while (at < bytes.length) {
      if (this.#heldLength > 0) {
        at = this.#continue(bytes, at, ev);
        continue;
      }
      const rest = bytes.length - at;
      if (rest < CO_HEADER_BYTES) {
        this.#hold(bytes.subarray(at), ev);
        return;
      }
      const header = parseCoHeader(bytes, at);
      if (header === null) {
        this.#lose(bytes, at, ev);
        const next = resync(bytes, at + 1);
        if (next < 0) return;
        this.lost = false;
        at = next;
        continue;
      }
      if (header.fragLength <= rest) {
        this.onPdu({
          bytes: bytes.subarray(at, at + header.fragLength),
          header,
          frames: ev.frames.length <= MAX_FRAMES ? [...ev.frames] : ev.frames.slice(0, MAX_FRAMES),
          ts: ev.ts,
        });
        at += header.fragLength;
      } else {
        this.#hold(bytes.subarray(at), ev);
        return;
      }
    }
  }

  /** Bytes are missing: a PDU being assembled is lost, and the next piece must start one. */
  gap(): void {
    this.#free();
    this.lost = true;
  }

  /** The stream ended: what is held is let go. */
  end(): void {
    this.#free();
  }

  #lose(bytes: Uint8Array, at: number, ev: PieceEvidence): void {
    const b = bytes.subarray(at, at + 4);
    this.onGarbage(
      `not a DCE/RPC PDU header (${
        [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ")
      }\u2026)`,
      ev,
    );
    this.lost = true;
    this.#free();
  }

  #hold(piece: Uint8Array, ev: PieceEvidence): void {
    this.#heldLength = 0;
    if (!this.#grow(Math.max(CO_HEADER_BYTES, piece.length), ev)) return;
    this.#held.set(piece, 0);
    this.#heldLength = piece.length;
    this.#frames = [...ev.frames].slice(0, MAX_FRAMES);
    this.#ts = ev.ts;
  }

  /** Add to a held PDU from `bytes[at...]`; returns where the unused rest starts. */
  #continue(bytes: Uint8Array, at: number, ev: PieceEvidence): number {
    for (const f of ev.frames) {
      if (this.#frames.length < MAX_FRAMES && this.#frames.at(-1) !== f) this.#frames.push(f);
    }
    let need = CO_HEADER_BYTES;
    if (this.#heldLength >= CO_HEADER_BYTES) {
      need = parseCoHeader(this.#held)!.fragLength;
    }
    const take = Math.min(need - this.#heldLength, bytes.length - at);
    if (!this.#grow(this.#heldLength + take, ev)) return bytes.length;
    this.#held.set(bytes.subarray(at, at + take), this.#heldLength);
    this.#heldLength += take;
    at += take;
    if (this.#heldLength === CO_HEADER_BYTES && need === CO_HEADER_BYTES) {
      const header = parseCoHeader(this.#held);
      if (header === null) {
        this.#lose(this.#held, 0, ev);
        return bytes.length;
      }
      if (header.fragLength > CO_HEADER_BYTES) return at;
    }
    if (this.#heldLength >= CO_HEADER_BYTES) {
      const header = parseCoHeader(this.#held)!;
      if (this.#heldLength === header.fragLength) {
        this.onPdu({
          bytes: this.#held.subarray(0, header.fragLength),
          header,
          frames: this.#frames,
          ts: this.#ts,
        });
        this.#free();
      }
    }
    return at;
  }

  /**
   * Room for `n` bytes, doubling up to the largest PDU and charged to the
   * budget; false when the budget refuses, the PDU being gathered then
   * dropped and the framer out of step until the next plausible header.
   */
  #grow(n: number, ev: PieceEvidence): boolean {
    const had = this.#held.length;
    if (had >= n) return true;
    const size = Math.max(n, Math.min(had * 2, MAX_PDU_BYTES));
    if (this.budget !== undefined && !this.budget.take(size - had)) {
      this.onRefused?.(
        `a DCE/RPC PDU split across pieces does not fit maxTotalSmbMessageBytes ` +
          `(${this.budget.max}), held by messages not yet complete; it is skipped`,
        ev,
      );
      this.#free();
      this.lost = true;
      return false;
    }
    const bigger = new Uint8Array(size);
    bigger.set(this.#held.subarray(0, this.#heldLength));
    this.#held = bigger;
    return true;
  }

  /** Let the held bytes go and give back what they cost. */
  #free(): void {
    this.budget?.give(this.#held.length);
    this.#held = EMPTY;
    this.#heldLength = 0;
  }
}

/** The first offset from `from` where a plausible PDU header starts, or -1. */
function resync(b: Uint8Array, from: number): number {
  for (let i = from; i + CO_HEADER_BYTES <= b.length; i++) {
    if (b[i] !== 5 || b[i + 1]! > 1 || b[i + 2]! > 19) continue;
    if ((b[i + 4] !== 0x10 && b[i + 4] !== 0) || b[i + 5] !== 0) continue;
    if (parseCoHeader(b, i) !== null) return i;
  }
  return -1;
}
