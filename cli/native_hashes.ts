/**
 * MD5, SHA-1 and SHA-256 of carved files with `node:crypto` (OpenSSL,
 * native): the decoder's `files.hasher` for the CLI and the HTTP function.
 * The pure-JS digests of lib/crypto cost a third of a dense decode's time;
 * these give the same hex strings (tests/cli/native_hashes_test.ts).
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import type { FileDigester, FileHashes } from "../mod.ts";

/** One file's three native digests, fed in order. */
export class NativeDigester implements FileDigester {
  readonly #md5: Hash = createHash("md5");
  readonly #sha1: Hash = createHash("sha1");
  readonly #sha256: Hash = createHash("sha256");

  /** Feed the next bytes (a view; `update` copies what it needs before returning). */
  update(bytes: Uint8Array): void {
    this.#md5.update(bytes);
    this.#sha1.update(bytes);
    this.#sha256.update(bytes);
  }

  /** The hex digests; the digester is spent afterwards. */
  digest(): FileHashes {
    return {
      md5: this.#md5.digest("hex"),
      sha1: this.#sha1.digest("hex"),
      sha256: this.#sha256.digest("hex"),
    };
  }
}

/** The factory to pass as `files.hasher`. */
export const nativeDigester = (): FileDigester => new NativeDigester();
