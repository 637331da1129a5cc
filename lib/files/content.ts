/**
 * The content of one carved file as its pieces arrive (WRITE requests and
 * READ responses, in any order, possibly more than once): which bytes were
 * seen, digests of the bytes in offset order, and whether a byte seen twice
 * came back different. Memory stays bounded whatever the file size: pieces
 * are hashed as soon as everything before them was, and only pieces that
 * arrive ahead of a hole are copied, within budgets.
 * @module
 */
import {
  ContentHasher,
  type FileDigester,
  type FileDigesterFactory,
  type FileHashes,
} from "../crypto/hashes.ts";
import { MinHeap } from "../state/min_heap.ts";
import { type ByteRange, RangeSet } from "./coverage.ts";

/** Budgets shared by every file of one decode (bytes and entries held at once). */
export class ContentBudget {
  /** Out-of-order bytes held across all files. */
  heldBytes = 0;
  /** Piece fingerprints held across all files. */
  fingerprints = 0;
  /** Files whose digesters are made and not yet spent (each costs a kilobyte or more). */
  hashing = 0;

  constructor(
    readonly maxFileBuffer: number,
    readonly maxTotalBuffer: number,
    readonly maxTotalFingerprints: number,
    /** Told when a cap is reached, by its option name. */
    readonly onLimit: (cap: string, detail: string) => void = () => {},
    /** Files hashed at once, at most (`maxHashingFiles`). */
    readonly maxHashing: number = Infinity,
  ) {}
}

/** Fingerprints kept per file, the oldest replaced past this. */
const FINGERPRINTS_PER_FILE = 4096;
/**
 * What a held piece costs besides its bytes (its copy's objects), charged
 * against the buffer caps: without it, a flood of one-byte pieces would
 * cost a hundred times the bytes the caps count.
 */
export const HELD_PIECE_COST = 256;
/** Held pieces a new piece's bytes are compared with, at most. */
const MAX_COMPARED_PIECES = 4096;

/** A piece held ahead of a hole; `seq` keeps pieces at one offset in arrival order. */
interface HeldPiece {
  offset: number;
  seq: number;
  bytes: Uint8Array;
}

/**
 * A digester made at its first bytes (or digest): most files opened never
 * carry content, and the digesters of a file (three hashes, native or
 * not) cost a kilobyte or more each while they wait.
 */
class LazyDigester implements FileDigester {
  #made: FileDigester | undefined;
  constructor(
    readonly make: FileDigesterFactory,
    readonly size: number | undefined,
    /** Counts the digesters made and not spent: `maxHashingFiles`. */
    readonly budget: ContentBudget,
  ) {}

  /** Make the digester if the budget allows (true when it exists). */
  start(): boolean {
    if (this.#made !== undefined) return true;
    if (this.budget.hashing >= this.budget.maxHashing) return false;
    this.budget.hashing++;
    this.#made = this.make({ size: this.size });
    return true;
  }

  update(bytes: Uint8Array): void {
    this.#made?.update(bytes);
  }

  digest(): FileHashes {
    // A file with no bytes (size 0) is digested without ever starting: nothing waits.
    const made = this.#made ?? this.make({ size: this.size });
    if (this.#made !== undefined) this.budget.hashing--;
    this.#made = undefined;
    return made.digest();
  }

  discard(): void {
    if (this.#made === undefined) return;
    this.budget.hashing--;
    this.#made.discard?.();
    this.#made = undefined;
  }
}

/** Held pieces come out by offset, then arrival. */
const heldBefore = (a: HeldPiece, b: HeldPiece): boolean =>
  a.offset < b.offset || (a.offset === b.offset && a.seq < b.seq);
/** Conflicting ranges listed per file (the rest counted). */
const MAX_CONFLICTS_LISTED = 16;

/**
 * A 32-bit FNV-1a-style hash of a piece, four bytes a step: enough to tell a
 * resent piece (same range, same bytes) from a rewrite, without keeping the
 * bytes. Internal only (compared with itself), so the word-wise variant is
 * fine; byte by byte it cost 3% of a dense decode.
 */
function fingerprint(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  const words = bytes.length >>> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0; i < words; i++) h = Math.imul(h ^ view.getInt32(i << 2, true), 0x01000193);
  for (let i = words << 2; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** What became of a file's overlapping pieces. */
export interface OverlapCounts {
  /** Bytes seen again with the same content (a resent or re-read piece). */
  duplicateBytes: number;
  /** Bytes seen again with different content. */
  conflictingBytes: number;
  /** Bytes seen again that could not be compared (the earlier bytes were no longer held). */
  unverifiedBytes: number;
}

/** Content bookkeeping of one file. */
export class FileContent {
  readonly coverage: RangeSet;
  readonly overlaps: OverlapCounts = { duplicateBytes: 0, conflictingBytes: 0, unverifiedBytes: 0 };
  /** Ranges whose bytes came back different (at most 16; `moreConflicts` counts the rest). */
  readonly conflicts: ByteRange[] = [];
  moreConflicts = 0;
  /** Why hashing stopped, once it did. */
  hashStopped: string | undefined;
  #hasher: LazyDigester | undefined;
  /** Bytes `[0, hashedTo)` went into the hasher. */
  #hashedTo = 0;
  /** Pieces beyond `hashedTo`, copied, smallest offset first (equal offsets: in arrival order). */
  #held: MinHeap<HeldPiece> | undefined; // made at the first piece held: most files never need it
  #heldSeq = 0;
  /** What the held pieces are charged: their bytes and {@link HELD_PIECE_COST} each. */
  #heldBytes = 0;
  /** A conflict the digests do not account for (one a rewrite from offset 0 did not replace). */
  #unsettled = false;
  /** Set by a conflicting piece that rewrites everything hashed: hashing starts again with it. */
  #restart = false;
  /** Piece fingerprints by start offset: [end, fingerprint]. */
  #prints: Map<number, [number, number]> | undefined; // made at the first piece remembered

  /**
   * @param hashing compute digests
   * @param compare fingerprint pieces so a byte seen twice can be compared
   *   (costs a pass over every byte: only worth it when hashing or carving)
   * @param newHasher makes the digester (the pure-JS one unless a front end gives a native one)
   * @param size the file's size when its open gave it, told to `newHasher`
   */
  constructor(
    readonly budget: ContentBudget,
    hashing: boolean,
    readonly compare: boolean,
    maxRanges: number,
    readonly newHasher: FileDigesterFactory = () => new ContentHasher(),
    readonly size?: number,
  ) {
    this.coverage = new RangeSet(maxRanges);
    this.#hasher = hashing ? new LazyDigester(newHasher, size, budget) : undefined;
    if (!hashing) this.hashStopped = "hashing is off";
  }

  /** Bytes `[0, n)` hashed so far. */
  get hashedTo(): number {
    return this.#hashedTo;
  }

  /** One piece at `offset`; `data` is a view valid during the call. */
  add(offset: number, data: Uint8Array): void {
    const end = offset + data.length;
    if (data.length === 0) return;
    if (!Number.isSafeInteger(end)) {
      // Past 2^53 bytes (a wire offset near 2^64) adding a length changes nothing, and walks over
      // the piece's bytes would never end (found by deno task fuzz): such a piece is not followed.
      this.#stop("a piece lies past 2^53 bytes, where offsets are no longer exact");
      return;
    }
    const full = this.coverage.overflowed;
    const before = this.coverage.add(offset, end);
    if (!full && this.coverage.overflowed) {
      this.budget.onLimit(
        "maxFileRanges",
        `a file was seen in more than ${this.coverage.maxRanges} separate ranges; its coverage is no longer followed`,
      );
    }
    if (before > 0) this.#compare(offset, data, before);
    if (this.compare) this.#remember(offset, data);
    if (this.#hasher === undefined) return;
    if (this.#restart) {
      // Read-modify-write from the start: the digests follow what the file became.
      this.#restart = false;
      this.#hasher.discard?.();
      this.#hasher = new LazyDigester(this.newHasher, this.size, this.budget);
      this.#hashedTo = 0;
    }
    if (offset <= this.#hashedTo) {
      if (end > this.#hashedTo) {
        if (!this.#hasher.start()) {
          const max = this.budget.maxHashing;
          this.budget.onLimit(
            "maxHashingFiles",
            `more than ${max} files were being hashed at once; the next ones are not hashed`,
          );
          this.#stop(`more than ${max} files were being hashed at once`);
          return;
        }
        this.#hasher.update(data.subarray(this.#hashedTo - offset));
        this.#hashedTo = end;
        this.#drain();
      }
      return;
    }
    this.#hold(offset, data);
  }

  /** Classify `before` bytes of a piece that were seen already. */
  #compare(offset: number, data: Uint8Array, before: number): void {
    const end = offset + data.length;
    // Earlier pieces that tile this one exactly are compared piece by piece.
    let at = offset, same = true;
    const prints = this.#prints;
    for (let known = prints?.get(at); known !== undefined; known = prints!.get(at)) {
      // An end that does not move on (offsets past 2^53, where adding a length changes nothing)
      // would loop for ever: found by deno task fuzz.
      if (known[0] > end || known[0] <= at) break;
      if (same && known[1] !== fingerprint(data.subarray(at - offset, known[0] - offset))) {
        same = false;
      }
      at = known[0];
      if (at === end) break;
    }
    if (at === end) {
      if (same) this.overlaps.duplicateBytes += before;
      else this.#conflict(offset, end, before);
      return;
    }
    // Bytes still held (not hashed yet) can be compared exactly.
    let compared = 0, differ = false;
    // Past a few thousand held pieces (a flood of tiny ones) the bytes go unverified: comparing
    // each piece with every held one would cost their product.
    const heap = this.#held;
    const held = heap !== undefined && heap.size <= MAX_COMPARED_PIECES ? heap.values() : [];
    for (const h of held) {
      const s = Math.max(offset, h.offset), e = Math.min(end, h.offset + h.bytes.length);
      if (e <= s) continue;
      compared += e - s;
      if (!differ) {
        for (let i = s; i < e; i++) {
          if (h.bytes[i - h.offset] !== data[i - offset]) {
            differ = true;
            break;
          }
        }
      }
    }
    if (differ) this.#conflict(offset, end, compared);
    else this.overlaps.duplicateBytes += compared;
    this.overlaps.unverifiedBytes += Math.max(0, before - compared);
  }

  #conflict(start: number, end: number, bytes: number): void {
    this.overlaps.conflictingBytes += bytes;
    if (this.conflicts.length < MAX_CONFLICTS_LISTED) this.conflicts.push([start, end]);
    else this.moreConflicts++;
    if (start === 0 && end >= this.#hashedTo && this.#hasher !== undefined) {
      this.#restart = true;
      this.#unsettled = false;
      return;
    }
    this.#unsettled = true;
    // The digests would be of the first bytes seen, not of what the file became.
    if (start < this.#hashedTo) this.#stop("bytes already hashed were rewritten");
  }

  #remember(offset: number, data: Uint8Array): void {
    const prints = this.#prints ??= new Map();
    if (prints.has(offset)) {
      prints.set(offset, [offset + data.length, fingerprint(data)]);
      return;
    }
    if (prints.size >= FINGERPRINTS_PER_FILE) {
      const oldest = prints.keys().next().value!;
      prints.delete(oldest);
      this.budget.fingerprints--;
    }
    if (this.budget.fingerprints >= this.budget.maxTotalFingerprints) {
      this.budget.onLimit(
        "maxFileFingerprints",
        `more than ${this.budget.maxTotalFingerprints} file pieces remembered; later overlaps are unverified`,
      );
      return;
    }
    prints.set(offset, [offset + data.length, fingerprint(data)]);
    this.budget.fingerprints++;
  }

  #hold(offset: number, data: Uint8Array): void {
    const b = this.budget;
    const cost = data.length + HELD_PIECE_COST;
    if (this.#heldBytes + cost > b.maxFileBuffer) {
      b.onLimit(
        "maxFileBufferBytes",
        `a file held more than ${b.maxFileBuffer} bytes ahead of a hole; its hashing stopped`,
      );
      this.#stop(
        `more than ${b.maxFileBuffer} bytes arrived ahead of a hole at offset ${this.#hashedTo}`,
      );
      return;
    }
    if (b.heldBytes + cost > b.maxTotalBuffer) {
      b.onLimit(
        "maxTotalFileBufferBytes",
        `files held more than ${b.maxTotalBuffer} bytes ahead of holes; hashing stopped for the file that passed it`,
      );
      this.#stop(
        `the decode-wide buffer for out-of-order file data (${b.maxTotalBuffer} bytes) is full`,
      );
      return;
    }
    (this.#held ??= new MinHeap(heldBefore)).add({
      offset,
      seq: this.#heldSeq++,
      bytes: data.slice(),
    });
    this.#heldBytes += cost;
    b.heldBytes += cost;
  }

  /** Hash held pieces that the hashed prefix now reaches. */
  #drain(): void {
    const held = this.#held;
    if (held === undefined) return;
    for (let h = held.peek(); h !== undefined && h.offset <= this.#hashedTo; h = held.peek()) {
      held.take();
      this.#release(h.bytes.length + HELD_PIECE_COST);
      const end = h.offset + h.bytes.length;
      if (end > this.#hashedTo && this.#hasher !== undefined) {
        this.#hasher.update(h.bytes.subarray(this.#hashedTo - h.offset));
        this.#hashedTo = end;
      }
    }
  }

  #release(n: number): void {
    this.#heldBytes -= n;
    this.budget.heldBytes -= n;
  }

  #stop(why: string): void {
    if (this.hashStopped === undefined) this.hashStopped = why;
    this.#hasher?.discard?.();
    this.#hasher = undefined;
    this.#dropHeld();
  }

  #dropHeld(): void {
    this.#release(this.#heldBytes);
    this.#held = undefined;
  }

  /**
   * The digests of `[0, size)` when every byte of it was hashed; otherwise
   * undefined, with `hashStopped` saying why. Frees everything held.
   */
  finish(size: number | undefined): FileHashes | undefined {
    const hasher = this.#hasher;
    this.#dropHeld();
    this.budget.fingerprints -= this.#prints?.size ?? 0;
    this.#prints = undefined;
    this.#hasher = undefined;
    if (hasher === undefined) return undefined;
    const hashes = this.#digestOf(hasher, size);
    if (hashes === undefined) hasher.discard?.();
    return hashes;
  }

  /** The digests when every byte of `[0, size)` went into `hasher` once; else undefined and why. */
  #digestOf(hasher: FileDigester, size: number | undefined): FileHashes | undefined {
    if (this.#unsettled) {
      this.hashStopped = "bytes seen twice came back different";
      return undefined;
    }
    if (size === undefined) {
      this.hashStopped = "the file's size is unknown";
      return undefined;
    }
    if (this.#hashedTo < size) {
      this.hashStopped = `bytes from offset ${this.#hashedTo} were not seen`;
      return undefined;
    }
    if (this.#hashedTo > size) {
      this.hashStopped = `bytes past the file's size (${size}) were hashed`;
      return undefined;
    }
    return hasher.digest();
  }
}
