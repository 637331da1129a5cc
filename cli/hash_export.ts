/**
 * `decode --export-hashes FILE`: the NTLM logins' hashcat lines, each
 * distinct line once, written as the decode finds them.
 * @module
 */
import type { DecodeEvent } from "../mod.ts";

/** `--export-hashes FILE`: each distinct hashcat line of the decode, written as it comes. */
export class HashExport {
  readonly #seen = new Set<string>();
  readonly #file: Deno.FsFile;
  readonly #encoder = new TextEncoder();
  /** Lines written, by hashcat mode. */
  readonly counts = { 5500: 0, 5600: 0 };

  constructor(readonly path: string) {
    // Crackable material: readable by its owner only.
    this.#file = Deno.openSync(path, { write: true, create: true, truncate: true, mode: 0o600 });
  }

  /** Takes the lines of `ntlm` events that carry one. */
  add(event: DecodeEvent): void {
    if (event.type !== "ntlm" || event.hashcat === undefined) return;
    if (this.#seen.has(event.hashcat)) return;
    this.#seen.add(event.hashcat);
    if (event.hashcatMode !== undefined) this.counts[event.hashcatMode]++;
    this.#file.writeSync(this.#encoder.encode(event.hashcat + "\n"));
  }

  close(): void {
    this.#file.close();
  }
}
