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
const STAGE_BYTES = 65_536;

/**
 * One file's three native digests, fed in order. Pieces are mostly one TCP
 * segment of file data (1448 bytes): each call into OpenSSL costs more than
 * hashing such a piece, so pieces are gathered into 64 KiB first.
 */
export class NativeDigester implements FileDigester {
  readonly #md5: Hash = createHash("md5");
  readonly #sha1: Hash = createHash("sha1");
  readonly #sha256: Hash = createHash("sha256");
  #stage: Uint8Array | undefined;
  #staged = 0;

  /** Feed the next bytes (a view; copied or hashed before returning). */
  update(bytes: Uint8Array): void {
    if (this.#staged + bytes.length > STAGE_BYTES) this.#drain();
    if (bytes.length >= STAGE_BYTES) {
      this.#hash(bytes);
      return;
    }
    this.#stage ??= new Uint8Array(STAGE_BYTES);
    this.#stage.set(bytes, this.#staged);
    this.#staged += bytes.length;
  }

  /** The hex digests; the digester is spent afterwards. */
  digest(): FileHashes {
    this.#drain();
    return {
      md5: this.#md5.digest("hex"),
      sha1: this.#sha1.digest("hex"),
      sha256: this.#sha256.digest("hex"),
    };
  }

  #drain(): void {
    if (this.#staged === 0) return;
    this.#hash(this.#stage!.subarray(0, this.#staged));
    this.#staged = 0;
  }

  #hash(bytes: Uint8Array): void {
    this.#md5.update(bytes);
    this.#sha1.update(bytes);
    this.#sha256.update(bytes);
  }
}

/** The factory to pass as `files.hasher`. */
export const nativeDigester = (): FileDigester => new NativeDigester();
