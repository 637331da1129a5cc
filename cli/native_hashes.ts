/**
 * MD5, SHA-1 and SHA-256 of carved files with `node:crypto` (OpenSSL,
 * native): the decoder's `files.hasher` for the CLI and the HTTP function.
 * The pure-JS digests of lib/crypto cost a third of a dense decode's time;
 * these give the same hex strings (tests/cli/native_hashes_test.ts).
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import type { FileDigester, FileHashes } from "../mod.ts";

/** Bytes gathered before they go to the three digests at once. */
export const STAGE_BYTES = 65_536;

/**
 * Stage buffers that exist at once in this process, at most (8 MiB): a file
 * whose stage would be one more hashes its pieces as they come. Without this
 * bound, a capture that opens thousands of files and writes a few bytes to
 * each (a 4.6 MB capture: 20 000 files) held 64 KiB per file, 780 MB.
 */
export const MAX_STAGES = 128;
/** Released buffers kept for the next stages (the rest are left to the collector). */
const SPARE_STAGES = 16;

let stagesOut = 0;
const spares: Uint8Array[] = [];
// A stage dropped without release (its file abandoned unfinished) gives its place back.
const dropped = new FinalizationRegistry<undefined>(() => stagesOut--);

/** Stage buffers held by stages now (for tests). */
export function stagesInUse(): number {
  return stagesOut;
}

/**
 * Gathers small pieces into `size` bytes before handing them on (each call
 * into OpenSSL costs more than hashing a 1448-byte piece); a piece of `size`
 * or more goes on at once. Pieces handed on are views, valid during the call.
 * Its buffer comes at the first small piece, one of at most
 * {@link MAX_STAGES}; without one, every piece goes on as it comes.
 * {@link release} gives the buffer back.
 */
export class Stage {
  #buffer: Uint8Array | undefined;
  #length = 0;
  /** Whether a buffer was asked for (and not released). */
  #asked = false;

  constructor(readonly size: number, readonly onPiece: (bytes: Uint8Array) => void) {}

  /** The next bytes (a view; copied or handed on before returning). */
  update(bytes: Uint8Array): void {
    if (this.#length + bytes.length > this.size) this.flush();
    if (bytes.length >= this.size || (this.#buffer === undefined && !this.#take())) {
      this.onPiece(bytes);
      return;
    }
    this.#buffer!.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** The bytes gathered and not handed on yet. */
  get held(): Uint8Array {
    return this.#buffer?.subarray(0, this.#length) ?? new Uint8Array(0);
  }

  /** Hand on what was gathered. */
  flush(): void {
    if (this.#length === 0) return;
    const bytes = this.#buffer!.subarray(0, this.#length);
    this.#length = 0;
    this.onPiece(bytes);
  }

  /** Give the buffer back, dropping what it holds (flush first to keep it). */
  release(): void {
    const buffer = this.#buffer;
    this.#length = 0;
    if (buffer === undefined) return;
    this.#buffer = undefined;
    dropped.unregister(this);
    stagesOut--;
    if (spares.length < SPARE_STAGES && buffer.length === STAGE_BYTES) spares.push(buffer);
  }

  /** Take a buffer if one of the {@link MAX_STAGES} is free; asked once per file. */
  #take(): boolean {
    if (this.#asked) return false;
    this.#asked = true;
    if (stagesOut >= MAX_STAGES) return false;
    stagesOut++;
    dropped.register(this, undefined, this);
    this.#buffer = this.size === STAGE_BYTES
      ? spares.pop() ?? new Uint8Array(this.size)
      : new Uint8Array(this.size);
    return true;
  }
}

/**
 * One file's three native digests, fed in order, pieces gathered into 64 KiB
 * first ({@link Stage}).
 */
export class NativeDigester implements FileDigester {
  readonly #md5: Hash = createHash("md5");
  readonly #sha1: Hash = createHash("sha1");
  readonly #sha256: Hash = createHash("sha256");
  readonly #stage = new Stage(STAGE_BYTES, (bytes) => {
    this.#md5.update(bytes);
    this.#sha1.update(bytes);
    this.#sha256.update(bytes);
  });

  /** Feed the next bytes (a view; copied or hashed before returning). */
  update(bytes: Uint8Array): void {
    this.#stage.update(bytes);
  }

  /** The hex digests; the digester is spent afterwards. */
  digest(): FileHashes {
    this.#stage.flush();
    this.#stage.release();
    return {
      md5: this.#md5.digest("hex"),
      sha1: this.#sha1.digest("hex"),
      sha256: this.#sha256.digest("hex"),
    };
  }

  /** The digests will not be asked for: the stage's buffer goes back. */
  discard(): void {
    this.#stage.release();
  }
}

/** The factory to pass as `files.hasher`. */
export const nativeDigester = (): FileDigester => new NativeDigester();
