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
 * Gathers small pieces into `size` bytes before handing them on (each call
 * into OpenSSL costs more than hashing a 1448-byte piece); a piece of `size`
 * or more goes on at once. Pieces handed on are views, valid during the call.
 */
export class Stage {
  #buffer: Uint8Array | undefined;
  #length = 0;

  constructor(readonly size: number, readonly onPiece: (bytes: Uint8Array) => void) {}

  /** The next bytes (a view; copied or handed on before returning). */
  update(bytes: Uint8Array): void {
    if (this.#length + bytes.length > this.size) this.flush();
    if (bytes.length >= this.size) {
      this.onPiece(bytes);
      return;
    }
    this.#buffer ??= new Uint8Array(this.size);
    this.#buffer.set(bytes, this.#length);
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
    return {
      md5: this.#md5.digest("hex"),
      sha1: this.#sha1.digest("hex"),
      sha256: this.#sha256.digest("hex"),
    };
  }
}

/** The factory to pass as `files.hasher`. */
export const nativeDigester = (): FileDigester => new NativeDigester();
