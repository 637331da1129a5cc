/**
 * The CLI's file digests with MD5 on a second thread. MD5 is the slowest of
 * the three (480 MiB/s on this project's machine, against 1.5 GiB/s for SHA-1
 * and SHA-256 with the CPU's SHA instructions), and on captures that are mostly
 * file content it was most of the decode's time. SHA-1 and SHA-256 stay in the
 * decoding thread; MD5 goes to a worker (md5_worker.ts) for files larger
 * than one 64 KiB stage once the capture has shown 256 MiB of such content, and
 * stays here for smaller files (most documents of office traffic, which need
 * no round trip) and for the large files before (the worker costs about 18 MB,
 * worth it only on captures that are mostly file content). A file whose open
 * gave a size of 64 MiB or more (a file being read) goes to the worker at
 * once; otherwise a file hashed here stays here, so one huge upload is not
 * helped.
 *
 * A file's bytes go through a 1 MiB ring of shared memory (copied in once; the
 * decode waits when the worker is that far behind), with a message per piece
 * saying where. The decoder asks for a digest synchronously when a file ends;
 * the main thread then blocks (`Atomics.wait`) until the worker has written it
 * into the file's shared slot. Memory is fixed: the worker, the ring, and one
 * 64 KiB stage per open file, as with `NativeDigester`. A file whose hashing
 * stops is discarded, which frees its slot; with all 256 slots taken, more
 * files hash here, as before.
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import type { FileDigester, FileHashes, FileHint } from "../mod.ts";
import { Stage, STAGE_BYTES } from "./native_hashes.ts";
import { workerModule } from "./worker_url.ts";

/** Files hashed by the worker at once; further files hash their MD5 here. */
export const SLOTS = 256;
/** Bytes of the shared ring: copied in and not yet hashed, at most (a power of two). */
export const RING_BYTES = 1 << 20;
/** A piece is copied into the ring at most this many bytes at a time. */
const MAX_PIECE = RING_BYTES / 4;
/**
 * Bytes of large files (past their stage) hashed in this thread before the
 * worker is worth its memory (about 18 MB): files that begin after that go
 * to it. Captures with little file content never start it.
 */
export const ENGAGE_AFTER = 256 << 20;
/** A file whose open gave at least this size goes to the worker at once, whatever came before. */
export const LARGE_FILE = 64 << 20;
/** Milliseconds to wait for the worker to start or answer before failing the decode. */
const WORKER_TIMEOUT_MS = 30_000;

/** A slot's state in the shared control array. */
const SLOT_WAITING = 1;
/** The slot's digest is in the shared digest area. */
export const RESULT_READY = 2;

/** What the main thread posts to the MD5 worker. */
export type Md5Message =
  | { kind: "init"; shared: SharedArrayBuffer; ring: SharedArrayBuffer }
  | { kind: "piece"; slot: number; at: number; length: number }
  | { kind: "end"; slot: number }
  | { kind: "drop"; slot: number };

/**
 * The shared memory of the MD5 thread: one state per slot, the bytes the
 * worker has hashed (modulo 2^32), and 32 hex digits per slot.
 */
export function slotLayout(shared: SharedArrayBuffer): {
  control: Int32Array;
  consumed: number;
  digests: Uint8Array;
} {
  return {
    control: new Int32Array(shared, 0, SLOTS + 1),
    consumed: SLOTS,
    digests: new Uint8Array(shared, (SLOTS + 1) * 4, SLOTS * 32),
  };
}

/**
 * The MD5 worker and its slots, for one decode: `digester` is the decoder's
 * `files.hasher`; `close()` ends the worker (started at the first file larger
 * than a stage).
 *
 * @example
 * ```ts
 * import { Md5Thread } from "./threaded_hashes.ts";
 * const thread = new Md5Thread(0); // the worker from the first large file on
 * const d = thread.digester();
 * d.update(new Uint8Array(200_000)); // larger than a stage: its MD5 goes to the worker
 * const { md5 } = d.digest();
 * thread.close();
 * if (md5 !== "4a1e4325031b13f933ac4f1db9ecb63f") throw new Error(md5);
 * ```
 */
export class Md5Thread {
  #worker: Worker | undefined;
  readonly #shared = new SharedArrayBuffer((SLOTS + 1) * 4 + SLOTS * 32);
  readonly #layout = slotLayout(this.#shared);
  readonly #ring = new SharedArrayBuffer(RING_BYTES);
  readonly #ringBytes = new Uint8Array(this.#ring);
  readonly #free: number[] = Array.from({ length: SLOTS }, (_, i) => SLOTS - 1 - i);
  /** Bytes copied into the ring so far, modulo 2^32. */
  #written = 0;
  /** Bytes of large files hashed in this thread so far. */
  #hereBytes = 0;

  /**
   * @param engageAfter bytes of large files hashed here before the worker is used (tests: 0)
   * @param workerUrl the worker's script (tests: the bundled one)
   */
  constructor(
    readonly engageAfter: number = ENGAGE_AFTER,
    readonly workerUrl: URL = workerModule("md5_worker"),
  ) {}

  /** A fresh digester, for the decoder option `files.hasher`. */
  readonly digester = (hint?: FileHint): FileDigester =>
    new ThreadedDigester(this, (hint?.size ?? 0) >= LARGE_FILE);

  /**
   * A slot for a file past its stage, or undefined when its MD5 stays in this
   * thread: before {@link ENGAGE_AFTER} bytes of such files were hashed here
   * (unless the file is known to be `large`), or when every slot is taken.
   */
  take(large: boolean): number | undefined {
    return large || this.#hereBytes >= this.engageAfter ? this.#free.pop() : undefined;
  }

  /** Count bytes of a large file hashed in this thread. */
  hashedHere(n: number): void {
    this.#hereBytes += n;
  }

  /** Hand `bytes` (a view, copied before returning) to the worker as the next piece of `slot`. */
  send(slot: number, bytes: Uint8Array): void {
    const { control, consumed } = this.#layout;
    this.#start();
    for (let at = 0; at < bytes.length;) {
      const pos = this.#written % RING_BYTES;
      const n = Math.min(bytes.length - at, RING_BYTES - pos, MAX_PIECE);
      const since = performance.now();
      for (;;) {
        const hashed = Atomics.load(control, consumed);
        if (((this.#written - hashed) >>> 0) + n <= RING_BYTES) break;
        this.#wait(consumed, hashed, since);
      }
      this.#ringBytes.set(bytes.subarray(at, at + n), pos);
      const piece: Md5Message = { kind: "piece", slot, at: pos, length: n };
      this.#worker!.postMessage(piece);
      this.#written = (this.#written + n) >>> 0;
      at += n;
    }
  }

  /** The MD5 of everything sent for `slot`, in hex; the slot is free again afterwards. */
  finish(slot: number): string {
    const { control, digests } = this.#layout;
    this.#start();
    const since = performance.now();
    Atomics.store(control, slot, SLOT_WAITING);
    const end: Md5Message = { kind: "end", slot };
    this.#worker!.postMessage(end);
    while (Atomics.load(control, slot) !== RESULT_READY) this.#wait(slot, SLOT_WAITING, since);
    // A copy: TextDecoder does not read shared memory.
    const hex = new TextDecoder().decode(digests.slice(slot * 32, slot * 32 + 32));
    Atomics.store(control, slot, 0);
    this.#free.push(slot);
    return hex;
  }

  /** Whether the worker was started. */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  /** Forget `slot`'s file (its digest will not be asked for); the slot is free again. */
  discard(slot: number): void {
    const drop: Md5Message = { kind: "drop", slot };
    this.#worker!.postMessage(drop);
    this.#free.push(slot);
  }

  /** Slots taken by files now. */
  get slotsInUse(): number {
    return SLOTS - this.#free.length;
  }

  /** End the worker (the process would otherwise wait for it). */
  close(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
  }

  /** Starts the worker at the first piece it gets. */
  #start(): void {
    if (this.#worker !== undefined) return;
    this.#worker = new Worker(this.workerUrl, { type: "module" });
    const init: Md5Message = { kind: "init", shared: this.#shared, ring: this.#ring };
    this.#worker.postMessage(init);
  }

  /**
   * Block until `control[index]` moves from `value`. A worker that could not
   * start or stopped answering fails the decode instead of hanging it (its
   * errors cannot be heard while this thread waits); it is at most a ring
   * behind, a fraction of a second of work.
   */
  #wait(index: number, value: number, since: number): void {
    if (Atomics.wait(this.#layout.control, index, value, 1000) !== "timed-out") return;
    if (performance.now() - since > WORKER_TIMEOUT_MS) {
      throw new Error("the MD5 worker did not answer; --no-hashes decodes without it");
    }
  }
}

/** One file's digests: SHA-1 and SHA-256 here, MD5 in the worker once the file outgrows its stage. */
class ThreadedDigester implements FileDigester {
  readonly #sha1: Hash = createHash("sha1");
  readonly #sha256: Hash = createHash("sha256");
  readonly #stage = new Stage(STAGE_BYTES, (bytes) => this.#piece(bytes));
  /** The worker's slot, once the file outgrew its stage. */
  #slot: number | undefined;
  /** MD5 in this thread, once the file outgrew its stage without a slot. */
  #md5: Hash | undefined;

  /** @param large the open gave a size of at least {@link LARGE_FILE} */
  constructor(readonly thread: Md5Thread, readonly large: boolean) {}

  /** Feed the next bytes (a view; copied or hashed before returning). */
  update(bytes: Uint8Array): void {
    this.#stage.update(bytes);
  }

  /** The hex digests; the digester is spent afterwards. */
  digest(): FileHashes {
    let md5: string;
    if (this.#slot === undefined && this.#md5 === undefined) {
      // The whole file is in the stage: no round trip for it.
      const all = this.#stage.held;
      this.#sha1.update(all);
      this.#sha256.update(all);
      md5 = createHash("md5").update(all).digest("hex");
    } else {
      this.#stage.flush();
      md5 = this.#slot !== undefined ? this.thread.finish(this.#slot) : this.#md5!.digest("hex");
    }
    this.#stage.release();
    return { md5, sha1: this.#sha1.digest("hex"), sha256: this.#sha256.digest("hex") };
  }

  /** The digests will not be asked for: the worker forgets the file. */
  discard(): void {
    if (this.#slot !== undefined) this.thread.discard(this.#slot);
    this.#slot = undefined;
    this.#stage.release();
  }

  /** The next piece of the file (a view, used before returning). */
  #piece(bytes: Uint8Array): void {
    this.#sha1.update(bytes);
    this.#sha256.update(bytes);
    if (this.#slot === undefined && this.#md5 === undefined) {
      this.#slot = this.thread.take(this.large);
      if (this.#slot === undefined) this.#md5 = createHash("md5");
    }
    if (this.#md5 !== undefined) {
      this.#md5.update(bytes);
      this.thread.hashedHere(bytes.length);
    } else this.thread.send(this.#slot!, bytes);
  }
}
