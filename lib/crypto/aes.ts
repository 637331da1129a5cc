/**
 * AES from @noble/ciphers, loaded on first need instead of at import. Its
 * module builds its lookup tables when evaluated (two 256x256 tables each way,
 * by a loop V8 optimises), which costs about 9 MB of resident memory and some
 * compiling in every process; only SMB 3 decryption and signature checks use
 * AES, and those only when the analyst gave keys. A synchronous decoder cannot
 * wait for an import, so whoever gives keys awaits {@link loadCiphers} first
 * (`decode()`, the CLI, the REPL and the HTTP function do).
 * @module
 */
type NobleAes = typeof import("npm:@noble/ciphers@2.4.0/aes.js");

let loaded: NobleAes | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the AES code once per process; later calls return the same promise.
 * A failed import may be retried.
 * @example A decoder that decrypts with a password
 * ```ts
 * import { Decoder, loadCiphers } from "@smbscope/smbscope";
 * await loadCiphers(); // without it, the constructor throws
 * const decoder = new Decoder({ keys: { passwords: ["alice:Passw0rd"] } });
 * decoder.end();
 * ```
 */
export function loadCiphers(): Promise<void> {
  loading ??= import("npm:@noble/ciphers@2.4.0/aes.js").then(
    (m) => {
      loaded = m;
    },
    (e) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

/** Whether {@link loadCiphers} has completed in this process. */
export function ciphersLoaded(): boolean {
  return loaded !== undefined;
}

/** The AES module; throws when {@link loadCiphers} has not completed (a programming error). */
export function aes(): NobleAes {
  if (loaded === undefined) {
    throw new Error(
      "AES is not loaded: await loadCiphers() before decrypting or checking signatures",
    );
  }
  return loaded;
}
