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
const EMPTY = new Uint8Array(0);
/** Reassembly buffers are powers of two between these sizes. */
const MIN_BUFFER = 2048;
const MAX_BUFFER = 65536;
/** Freed buffers kept per size for reuse. */
const POOLED_PER_SIZE = 4;
/** Freed address arrays kept for reuse. */
const MAX_POOLED_ADDRESSES = 64;

/** A datagram put back together. Its views are lent until the next {@link Defragmenter.tick}. */
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

interface Pending {
  version: 4 | 6;
  /** Views into `addresses` (pooled: a 32-byte array from the pool). */
  addresses: Uint8Array;
  src: Uint8Array;
  dst: Uint8Array;
  id: number;
  protocol: number;
  firstTs: number;
  firstFrame: number;
  frames: number[];
  /** The datagram's payload as far as it arrived; grows as fragments come. */
  buf: Uint8Array;
  /** Byte ranges of `buf` filled so far, merged and sorted: [start0, end0, start1, end1, ...]. */
  filled: number[];
  /** Payload length once the last fragment was seen, else -1. */
  total: number;
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
  #nextExpiry = Infinity;
  /** Freed buffers by size (powers of two from 2 KiB to 64 KiB), reused: allocating them was most of
   * the cost of a fragment. A reassembled payload is lent until the next frame starts. */
  readonly #pool = new Map<number, Uint8Array[]>();
  #lent: Uint8Array | null = null;
  /** 32-byte arrays holding a pending datagram's two addresses; same lending rule. */
  readonly #addressPool: Uint8Array[] = [];
  #lentAddresses: Uint8Array | null = null;

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

  /** Whether {@link tick} has work: datagrams pending or a payload lent. */
  get busy(): boolean {
    return this.#pending.size !== 0 || this.#lent !== null || this.#lentAddresses !== null;
  }

  /** Call before each frame: takes back the payload lent for the last frame, expires old datagrams. */
  tick(ts: number): void {
    if (this.#lent !== null) {
      this.#give(this.#lent);
      this.#lent = null;
    }
    if (this.#lentAddresses !== null) {
      this.#giveAddresses(this.#lentAddresses);
      this.#lentAddresses = null;
    }
    this.expire(ts);
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
      const addresses = this.#addressPool.pop() ?? new Uint8Array(32);
      const n = src.length;
      for (let i = 0; i < n; i++) {
        addresses[i] = src[i]!;
        addresses[16 + i] = dst[i]!;
      }
      p = {
        version,
        addresses,
        src: addresses.subarray(0, n),
        dst: addresses.subarray(16, 16 + n),
        id,
        protocol: version === 4 ? protocol : -1,
        firstTs: frame.ts,
        firstFrame: frame.index,
        frames: [],
        buf: EMPTY,
        filled: [],
        total: -1,
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
      this.#release(p);
      p.dead = true;
      return null;
    }
    if (length === 0 && more) return null; // carries nothing
    const filled = p.filled;
    const reach = filled.length ? filled[filled.length - 1]! : 0;
    if (!more) {
      if ((p.total >= 0 && p.total !== end) || reach > end) {
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
    // Bytes already filled are never overwritten (the first arrival wins); they are compared.
    const buf0 = p.buf;
    for (let i = 0; i < filled.length; i += 2) {
      const from = Math.max(filled[i]!, offset), to = Math.min(filled[i + 1]!, end);
      if (from >= to) continue;
      let same = true;
      for (let k = from; k < to; k++) {
        if (buf0[k] !== data[k - offset]) {
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
      if (same && from === offset && to === end) return null; // a duplicate
    }
    if (end > p.buf.length && !this.#grow(key, p, end, more, frame)) return null;
    const buf = p.buf;
    let pos = offset;
    for (let i = 0; i < filled.length && pos < end; i += 2) {
      const s = filled[i]!, e = filled[i + 1]!;
      if (e <= pos) continue;
      if (s > pos) buf.set(data.subarray(pos - offset, Math.min(s, end) - offset), pos);
      pos = Math.max(pos, e);
    }
    if (pos < end) buf.set(data.subarray(pos - offset), pos);
    p.filled = merge(filled, offset, end);
    if (version === 6 && offset === 0) p.protocol = protocol;
    if (!(p.total >= 0 && p.filled.length === 2 && p.filled[0] === 0 && p.filled[1] === p.total)) {
      return null;
    }
    const payload = buf.subarray(0, p.total);
    this.#pending.delete(key);
    this.#bytes -= buf.length;
    p.buf = EMPTY;
    this.#lent = buf;
    this.#lentAddresses = p.addresses;
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

  /** Make room for `end` bytes in `p.buf`, within `maxFragmentBytes`. False: `p` was dropped. */
  #grow(key: string, p: Pending, end: number, more: boolean, frame: Frame): boolean {
    // A power of two (so freed buffers fit other datagrams) holding the total once known,
    // else room for one more fragment of this size.
    const want = p.total >= 0 ? p.total : more ? Math.max(end * 2, p.buf.length * 2) : end;
    let size = MIN_BUFFER;
    while (size < want && size < MAX_BUFFER) size *= 2;
    const max = this.#limits.maxFragmentBytes;
    if (size > max) {
      this.#drop(key, p);
      this.#reporter.limit(
        "ip",
        "maxFragmentBytes",
        `${describe(p.version, p.src, p.dst, p.id)} dropped`,
        frame.index,
        frame.ts,
      );
      return false;
    }
    while (this.#bytes + size - p.buf.length > max) {
      if (this.#evictOldest("maxFragmentBytes", frame) === p) return false;
    }
    const buf = this.#pool.get(size)?.pop() ?? new Uint8Array(size);
    const filled = p.filled;
    if (filled.length) buf.set(p.buf.subarray(0, filled[filled.length - 1]!));
    this.#bytes += size - p.buf.length;
    this.#give(p.buf);
    p.buf = buf;
    return true;
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
    this.#lent = null;
    this.#lentAddresses = null;
    this.#pool.clear();
    this.#addressPool.length = 0;
    for (const [key, p] of this.#pending) {
      this.#drop(key, p);
      if (!this.#done.has(key)) this.#gap(p, "never completed");
    }
    this.#done.clear();
    this.#nextExpiry = Infinity;
  }

  #drop(key: string, p: Pending): void {
    this.#pending.delete(key);
    this.#release(p);
    this.#giveAddresses(p.addresses);
  }

  #giveAddresses(a: Uint8Array): void {
    if (this.#addressPool.length < MAX_POOLED_ADDRESSES) this.#addressPool.push(a);
  }

  #release(p: Pending): void {
    this.#bytes -= p.buf.length;
    this.#give(p.buf);
    p.buf = EMPTY;
    p.filled = [];
  }

  #give(buf: Uint8Array): void {
    if (buf.length < MIN_BUFFER) return;
    let list = this.#pool.get(buf.length);
    if (list === undefined) this.#pool.set(buf.length, list = []);
    if (list.length < POOLED_PER_SIZE) list.push(buf);
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
    let held = 0;
    for (let i = 0; i < p.filled.length; i += 2) held += p.filled[i + 1]! - p.filled[i]!;
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

/** Insert [from, to) into merged sorted ranges, merging what touches it. */
function merge(filled: number[], from: number, to: number): number[] {
  const out: number[] = [];
  let i = 0;
  for (; i < filled.length && filled[i + 1]! < from; i += 2) out.push(filled[i]!, filled[i + 1]!);
  for (; i < filled.length && filled[i]! <= to; i += 2) {
    from = Math.min(from, filled[i]!);
    to = Math.max(to, filled[i + 1]!);
  }
  out.push(from, to);
  for (; i < filled.length; i += 2) out.push(filled[i]!, filled[i + 1]!);
  return out;
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
  return `IPv${version} datagram ${formatIp(src)} \u2192 ${formatIp(dst)} id 0x${id.toString(16)}`;
}
