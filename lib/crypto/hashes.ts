/**
 * Incremental MD5, SHA-1 and SHA-256 for carved files, from @noble/hashes
 * (pure JS, synchronous, browser-safe). The only place in lib/ that imports
 * a package: the specifiers are full `npm:` URLs, pinned here, so the
 * library also works when imported by URL (no import map applies then).
 * @module
 */
import { md5, sha1 } from "npm:@noble/hashes@2.4.0/legacy.js";
import { sha256 } from "npm:@noble/hashes@2.4.0/sha2.js";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";

/** Hex digests of one content. */
export interface FileHashes {
  /** MD5, 32 hex digits (what Zeek and NetworkMiner log). */
  md5: string;
  /** SHA-1, 40 hex digits. */
  sha1: string;
  /** SHA-256, 64 hex digits. */
  sha256: string;
}

/**
 * What hashes a carved file: bytes fed in order, then the three digests once.
 * {@link ContentHasher} is the pure-JS one; a front end with native digests
 * (the CLI and the HTTP function use `node:crypto`) passes its own through
 * the decoder option `files.hasher`, a factory of these.
 */
export interface FileDigester {
  /** Feed the next bytes (a view, valid during the call only). */
  update(bytes: Uint8Array): void;
  /** The digests of everything fed; the digester is spent afterwards. */
  digest(): FileHashes;
  /**
   * The digests will not be asked for (the file's hashing stopped or began
   * again): free what the digester holds, e.g. a worker's slot. Optional.
   */
  discard?(): void;
}

/** What is known of a file as its hashing begins. */
export interface FileHint {
  /** Its size, when the open gave it (a file being read); e.g. to choose where to hash it. */
  size?: number | undefined;
}

/** Makes a fresh {@link FileDigester} per file. */
export type FileDigesterFactory = (hint?: FileHint) => FileDigester;

/** MD5, SHA-1 and SHA-256 of bytes fed in order. */
export class ContentHasher implements FileDigester {
  readonly #md5 = md5.create();
  readonly #sha1 = sha1.create();
  readonly #sha256 = sha256.create();

  /** Feed the next bytes (a view; not kept). */
  update(bytes: Uint8Array): void {
    this.#md5.update(bytes);
    this.#sha1.update(bytes);
    this.#sha256.update(bytes);
  }

  /** The digests of everything fed; the hasher is spent afterwards. */
  digest(): FileHashes {
    return {
      md5: bytesToHex(this.#md5.digest()),
      sha1: bytesToHex(this.#sha1.digest()),
      sha256: bytesToHex(this.#sha256.digest()),
    };
  }
}
