/**
 * Cuts one direction of a connection-oriented DCE/RPC byte stream (a TCP
 * stream, or what a named pipe carried) into whole PDUs. Bytes are copied
 * only when a PDU is split across pieces; a PDU is at most 65,535 bytes
 * (frag_length is 16 bits), so that is all a direction ever holds.
 * @module
 */
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

/** One direction's PDU framing. */
export class PduFramer {
  /** Bytes of a PDU begun but not complete (copied). */
  #held = new Uint8Array(0);
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
      this.#heldLength = 0;
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
    this.#heldLength = 0;
    this.lost = true;
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
    this.#heldLength = 0;
  }

  #hold(piece: Uint8Array, ev: PieceEvidence): void {
    if (this.#held.length < CO_HEADER_BYTES + piece.length) {
      this.#held = new Uint8Array(Math.max(CO_HEADER_BYTES, piece.length));
    }
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
    this.#grow(this.#heldLength + take);
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
        this.#heldLength = 0;
        this.onPdu({
          bytes: this.#held.subarray(0, header.fragLength),
          header,
          frames: this.#frames,
          ts: this.#ts,
        });
      }
    }
    return at;
  }

  #grow(n: number): void {
    if (this.#held.length >= n) return;
    const bigger = new Uint8Array(Math.max(n, this.#held.length * 2));
    bigger.set(this.#held.subarray(0, this.#heldLength));
    this.#held = bigger;
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
