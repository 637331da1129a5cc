/**
 * IPv4 and IPv6 fragment reassembly (RFC 791 section 3.2, RFC 8200 section 4.5),
 * bounded by `maxFragmentedDatagrams`, `maxFragmentBytes` and `fragmentTimeout`.
 * Overlapping fragments keep the bytes that arrived first; if an overlap
 * disagrees, one `ip/malformed` anomaly names the datagram.
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { Limits } from "../options.ts";
import type { Reporter } from "../report.ts";
import { formatIp } from "./address.ts";

/** Fragments held per datagram at most; past this the datagram is dropped (`ip/limit`). */
export const MAX_FRAGMENTS_PER_DATAGRAM = 1024;
/** Largest datagram payload a 16-bit length and fragment offset can describe. */
const MAX_PAYLOAD = 65535;

/** A datagram put back together. `src`, `dst` and `payload` are fresh copies. */
export interface Reassembled {
  version: 4 | 6;
  src: Uint8Array;
  dst: Uint8Array;
  /** IPv4: the protocol; IPv6: the next header of the fragment header at offset 0. */
  protocol: number;
  payload: Uint8Array;
  /** Frame numbers of the fragments, in arrival order. */
  frames: number[];
}

interface Piece {
  offset: number;
  data: Uint8Array;
  seq: number;
}

interface Pending {
  version: 4 | 6;
  src: Uint8Array;
  dst: Uint8Array;
  id: number;
  protocol: number;
  firstTs: number;
  firstFrame: number;
  frames: number[];
  /** Sorted by offset. */
  pieces: Piece[];
  /** Payload length once the last fragment was seen, else -1. */
  total: number;
  bytes: number;
  disagreed: boolean;
  /** A fragment was cut by the snap length: the rest is absorbed and nothing more is reported. */
  dead: boolean;
}

/** Holds fragments until their datagram is complete. */
export class Defragmenter {
  readonly #pending = new Map<string, Pending>();
  /** Keys of datagrams reassembled lately (at most `maxFragmentedDatagrams`): a late duplicate
   * fragment of one starts a datagram that never completes, dropped without a gap anomaly. */
  readonly #done = new Set<string>();
  readonly #reporter: Reporter;
  readonly #limits: Limits;
  #bytes = 0;
  #seq = 0;
  #nextExpiry = Infinity;

  constructor(reporter: Reporter, limits: Limits) {
    this.#reporter = reporter;
    this.#limits = limits;
  }

  /** Datagrams being reassembled. */
  get size(): number {
    return this.#pending.size;
  }

  /** Fragment bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Add one fragment: `data` is its captured payload, `length` what its header declares
   * (more when the snap length cut it). Returns the datagram once it is complete.
   */
  add(
    version: 4 | 6,
    src: Uint8Array,
    dst: Uint8Array,
    id: number,
    protocol: number,
    offset: number,
    more: boolean,
    data: Uint8Array,
    length: number,
    frame: Frame,
  ): Reassembled | null {
    const end = offset + length;
    const reporter = this.#reporter;
    if (end > MAX_PAYLOAD) {
      reporter.anomaly(
        "ip",
        "malformed",
        `${
          describe(version, src, dst, id)
        }: fragment at offset ${offset} with ${length} bytes ends past ${MAX_PAYLOAD}; fragment dropped`,
        frame.index,
        frame.ts,
      );
      return null;
    }
    const key = keyOf(version, src, dst, id, protocol);
    let p = this.#pending.get(key);
    if (p === undefined) {
      const max = this.#limits.maxFragmentedDatagrams;
      if (max <= 0) {
        reporter.limit(
          "ip",
          "maxFragmentedDatagrams",
          "fragment not reassembled",
          frame.index,
          frame.ts,
        );
        return null;
      }
      while (this.#pending.size >= max) this.#evictOldest("maxFragmentedDatagrams", frame);
      p = {
        version,
        src: src.slice(),
        dst: dst.slice(),
        id,
        protocol: version === 4 ? protocol : -1,
        firstTs: frame.ts,
        firstFrame: frame.index,
        frames: [],
        pieces: [],
        total: -1,
        bytes: 0,
        disagreed: false,
        dead: false,
      };
      if (this.#pending.size === 0) this.#nextExpiry = frame.ts + this.#limits.fragmentTimeout;
      this.#pending.set(key, p);
    }
    if (p.frames.length >= MAX_FRAGMENTS_PER_DATAGRAM) {
      this.#drop(key, p);
      reporter.limit(
        "ip",
        "fragmentsPerDatagram",
        `${describe(version, src, dst, id)} dropped after ${MAX_FRAGMENTS_PER_DATAGRAM} fragments`,
        frame.index,
        frame.ts,
      );
      return null;
    }
    p.frames.push(frame.index);
    if (p.dead) return null;
    if (data.length < length) {
      reporter.anomaly(
        "ip",
        "truncated",
        `${
          describe(version, src, dst, id)
        }: fragment at offset ${offset} cut by the snap length; datagram not reassembled`,
        frame.index,
        frame.ts,
      );
      this.#bytes -= p.bytes;
      p.bytes = 0;
      p.pieces = [];
      p.dead = true;
      return null;
    }
    if (!more) {
      let past = false;
      for (const q of p.pieces) if (q.offset + q.data.length > end) past = true;
      if ((p.total >= 0 && p.total !== end) || past) {
        this.#malformed(
          p,
          frame,
          `last fragment ends at ${end} but other fragments disagree; fragment ignored`,
        );
        return null;
      }
      p.total = end;
    } else if (p.total >= 0 && end > p.total) {
      this.#malformed(
        p,
        frame,
        `fragment at offset ${offset} ends past the last fragment (${p.total}); fragment ignored`,
      );
      return null;
    }
    // Duplicates are dropped; overlaps are kept (the first arrival wins at assembly) and checked.
    let at = p.pieces.length;
    for (let i = 0; i < p.pieces.length; i++) {
      const q = p.pieces[i]!;
      if (q.offset > offset && at === p.pieces.length) at = i;
      const from = Math.max(q.offset, offset), to = Math.min(q.offset + q.data.length, end);
      if (from >= to) continue;
      let same = true;
      for (let k = from; k < to; k++) {
        if (q.data[k - q.offset] !== data[k - offset]) {
          same = false;
          break;
        }
      }
      if (!same && !p.disagreed) {
        p.disagreed = true;
        this.#malformed(
          p,
          frame,
          "overlapping fragments disagree; the bytes that arrived first are kept",
        );
      }
      if (same && q.offset === offset && q.data.length === length) return null; // a duplicate
    }
    if (length > this.#limits.maxFragmentBytes) {
      this.#drop(key, p);
      reporter.limit(
        "ip",
        "maxFragmentBytes",
        `${describe(version, src, dst, id)} dropped`,
        frame.index,
        frame.ts,
      );
      return null;
    }
    while (this.#bytes + length > this.#limits.maxFragmentBytes) {
      const evicted = this.#evictOldest("maxFragmentBytes", frame);
      if (evicted === p) return null;
    }
    p.pieces.splice(at, 0, { offset, data: data.slice(), seq: this.#seq++ });
    p.bytes += length;
    this.#bytes += length;
    if (version === 6 && offset === 0) p.protocol = protocol;
    if (p.total < 0) return null;
    let reach = 0;
    for (const q of p.pieces) {
      if (q.offset > reach) return null; // a hole
      reach = Math.max(reach, q.offset + q.data.length);
    }
    if (reach < p.total) return null;
    const payload = new Uint8Array(p.total);
    // Latest arrivals first, so the bytes that arrived first are written last and win.
    for (const q of p.pieces.slice().sort((a, b) => b.seq - a.seq)) payload.set(q.data, q.offset);
    this.#drop(key, p);
    this.#done.delete(key);
    this.#done.add(key);
    if (this.#done.size > this.#limits.maxFragmentedDatagrams) {
      for (const old of this.#done) {
        this.#done.delete(old);
        break;
      }
    }
    return { version, src: p.src, dst: p.dst, protocol: p.protocol, payload, frames: p.frames };
  }

  /** Drop datagrams older than `fragmentTimeout` at capture time `ts`, each an `ip/gap`. */
  expire(ts: number): void {
    if (!(ts > this.#nextExpiry)) return;
    const timeout = this.#limits.fragmentTimeout;
    this.#nextExpiry = Infinity;
    for (const [key, p] of this.#pending) {
      if (ts - p.firstTs <= timeout) {
        this.#nextExpiry = p.firstTs + timeout;
        break;
      }
      this.#drop(key, p);
      if (!this.#done.has(key)) this.#gap(p, `incomplete after ${timeout} s`);
    }
  }

  /** Report every datagram never completed (`ip/gap`) and free all state. */
  end(): void {
    for (const [key, p] of this.#pending) {
      this.#drop(key, p);
      if (!this.#done.has(key)) this.#gap(p, "never completed");
    }
    this.#done.clear();
    this.#nextExpiry = Infinity;
  }

  #drop(key: string, p: Pending): void {
    this.#pending.delete(key);
    this.#bytes -= p.bytes;
    p.bytes = 0;
  }

  #evictOldest(limit: string, frame: Frame): Pending | undefined {
    for (const [key, p] of this.#pending) {
      this.#drop(key, p);
      this.#reporter.limit(
        "ip",
        limit,
        `incomplete ${describe(p.version, p.src, p.dst, p.id)} dropped`,
        frame.index,
        frame.ts,
      );
      return p;
    }
    return undefined;
  }

  #gap(p: Pending, why: string): void {
    if (p.dead) return; // already reported as truncated
    const held = p.pieces.reduce((n, q) => n + q.data.length, 0);
    this.#reporter.anomaly(
      "ip",
      "gap",
      `${
        describe(p.version, p.src, p.dst, p.id)
      } ${why}: ${p.frames.length} fragments, ${held} bytes dropped`,
      p.firstFrame,
      p.firstTs,
    );
  }

  #malformed(p: Pending, frame: Frame, what: string): void {
    this.#reporter.anomaly(
      "ip",
      "malformed",
      `${describe(p.version, p.src, p.dst, p.id)}: ${what}`,
      frame.index,
      frame.ts,
    );
  }
}

function keyOf(
  version: 4 | 6,
  src: Uint8Array,
  dst: Uint8Array,
  id: number,
  protocol: number,
): string {
  // IPv4 datagrams are told apart by (src, dst, protocol, id); IPv6 by (src, dst, id).
  let k = version === 4 ? `4/${protocol}/${id}/` : `6/${id}/`;
  for (let i = 0; i < src.length; i++) k += String.fromCharCode(src[i]!, dst[i]!);
  return k;
}

function describe(version: 4 | 6, src: Uint8Array, dst: Uint8Array, id: number): string {
  return `IPv${version} datagram ${formatIp(src)} → ${formatIp(dst)} id 0x${id.toString(16)}`;
}
