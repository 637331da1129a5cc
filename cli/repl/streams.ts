/**
 * A tap on reassembled TCP streams that keeps each direction's bytes, up to a
 * cap, so the REPL can show the bytes of any SMB message it lists.
 * @module
 */
import type { ConnectionInfo, ObserverFactory, StreamObserver } from "../../mod.ts";

/** Bytes kept per connection and direction (the first 64 MiB). */
export const STREAM_CAP = 64 * 1024 * 1024;

/** Bytes kept in all, over every connection (later bytes are "not kept"). */
export const TOTAL_CAP = 256 * 1024 * 1024;

/** Contiguous bytes joined into one chunk, at most. */
const MERGE_LIMIT = 1 << 20;

/** What is left of the total allowance, shared by every direction. */
interface Budget {
  left: number;
}

/** One direction of one connection: the bytes seen from offset 0, gaps as holes. */
class DirectionBytes {
  /** Kept chunks and the stream offset each starts at. */
  readonly #chunks: Uint8Array[] = [];
  /** The buffer the last chunk grows in (longer than the chunk while it grows). */
  #tail: Uint8Array | undefined;
  readonly #starts: number[] = [];
  /** Stream offset of the next byte (gaps counted, as NBSS stream offsets are). */
  offset = 0;
  kept = 0;

  constructor(readonly cap: number, readonly budget: Budget) {}

  data(bytes: Uint8Array): void {
    const room = Math.min(this.cap - this.kept, this.budget.left);
    if (room > 0 && bytes.length > 0) {
      const take = Math.min(room, bytes.length);
      this.budget.left -= take;
      this.#append(bytes.subarray(0, take));
      this.kept += take;
    }
    this.offset += bytes.length;
  }

  /**
   * Keep `bytes` (at `offset`): onto the last chunk when they continue it and
   * the two stay within 1 MiB, so a message split over segments reads in one
   * piece; else as a new chunk. The last chunk grows in a buffer that doubles
   * (joining copies of the whole chunk per segment made loading quadratic: a
   * 200 MB bulk capture took 15 s, 70% of it copying); a chunk left behind is
   * trimmed to its bytes.
   */
  #append(bytes: Uint8Array): void {
    const last = this.#chunks.length - 1;
    const prev = this.#chunks[last];
    if (
      prev !== undefined && this.#starts[last]! + prev.length === this.offset &&
      prev.length + bytes.length <= MERGE_LIMIT
    ) {
      const length = prev.length + bytes.length;
      let buffer = this.#tail!;
      if (buffer.length < length) {
        buffer = new Uint8Array(Math.min(MERGE_LIMIT, Math.max(length, buffer.length * 2)));
        buffer.set(prev);
        this.#tail = buffer;
      }
      buffer.set(bytes, prev.length);
      this.#chunks[last] = buffer.subarray(0, length);
      return;
    }
    if (prev !== undefined && this.#tail!.length > prev.length) this.#chunks[last] = prev.slice();
    this.#tail = bytes.slice();
    this.#chunks.push(this.#tail);
    this.#starts.push(this.offset);
  }

  gap(length: number): void {
    this.offset += length;
  }

  /** Bytes [start, start + length), or undefined when any of them were not kept. */
  slice(start: number, length: number): Uint8Array | undefined {
    const out = new Uint8Array(length);
    let filled = 0;
    // Binary search for the last chunk starting at or before `start`.
    let lo = 0, hi = this.#starts.length - 1, i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.#starts[mid]! <= start) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (i < 0) return undefined;
    for (; i < this.#chunks.length && filled < length; i++) {
      const chunk = this.#chunks[i]!, at = this.#starts[i]!;
      const want = start + filled;
      if (at > want || at + chunk.length <= want) return undefined;
      const piece = chunk.subarray(want - at, Math.min(chunk.length, want - at + length - filled));
      out.set(piece, filled);
      filled += piece.length;
    }
    return filled === length ? out : undefined;
  }
}

const mib = (n: number) => `${+(n / 1024 / 1024).toFixed(2)} MiB`;

/** What `StreamStore.message` found. */
export type MessageBytes =
  | { kept: true; bytes: Uint8Array; length: number }
  | { kept: false; reason: string };

/** Keeps the reassembled TCP streams of every connection, each direction up to `cap` bytes. */
export class StreamStore {
  readonly #conns = new Map<number, [DirectionBytes, DirectionBytes]>();

  readonly #budget: Budget;

  constructor(readonly cap: number = STREAM_CAP, readonly totalCap: number = TOTAL_CAP) {
    this.#budget = { left: totalCap };
  }

  /** The observer factory to hand to `new Decoder({}, { observe })`. */
  readonly observe: ObserverFactory = (conn: ConnectionInfo): StreamObserver | undefined => {
    if (conn.transport !== "tcp") return undefined;
    const dirs: [DirectionBytes, DirectionBytes] = [
      new DirectionBytes(this.cap, this.#budget),
      new DirectionBytes(this.cap, this.#budget),
    ];
    this.#conns.set(conn.id, dirs);
    return {
      data: (fromClient, bytes) => dirs[fromClient ? 0 : 1].data(bytes),
      gap: (fromClient, length) => dirs[fromClient ? 0 : 1].gap(length),
      close: () => {},
    };
  };

  /** Stream bytes seen so far on a connection, both directions. */
  streamBytes(id: number): number {
    const dirs = this.#conns.get(id);
    return dirs ? dirs[0].offset + dirs[1].offset : 0;
  }

  /**
   * The NBSS message (4-byte header and body) at `streamOffset` in one
   * direction of a connection.
   */
  message(id: number, fromClient: boolean, streamOffset: number): MessageBytes {
    const dir = this.#conns.get(id)?.[fromClient ? 0 : 1];
    if (!dir) return { kept: false, reason: "no stream kept for this connection" };
    const head = dir.slice(streamOffset, 4);
    if (!head) {
      return {
        kept: false,
        reason: streamOffset >= dir.cap
          ? `not kept: only the first ${mib(dir.cap)} of each direction are kept`
          : this.#budget.left <= 0
          ? `not kept: the REPL keeps ${mib(this.totalCap)} of stream bytes in all, ` +
            "and had used them up"
          : "not kept: these bytes were missing from the capture",
      };
    }
    const length = (head[1]! << 16) | (head[2]! << 8) | head[3]!;
    const bytes = dir.slice(streamOffset, 4 + length);
    if (bytes) return { kept: true, bytes, length: 4 + length };
    const keptEnd = Math.min(dir.kept, dir.cap);
    const available = Math.max(0, Math.min(4 + length, keptEnd - streamOffset));
    const prefix = available > 0 ? dir.slice(streamOffset, available) : undefined;
    if (prefix) return { kept: true, bytes: prefix, length: 4 + length };
    return { kept: false, reason: "not kept: past the per-direction cap or lost to a gap" };
  }
}
