/**
 * A progress line on stderr for long decodes on a terminal.
 * @module
 */
import { formatBytes } from "../lib/output/text.ts";

/** Counts bytes as they stream past and redraws one stderr line at most 4 times a second. */
export class Progress {
  #bytes = 0;
  #lastDraw = 0;
  #drawn = false;
  readonly #started = performance.now();
  readonly #encoder = new TextEncoder();

  constructor(readonly total?: number) {}

  /** Count `n` more bytes read; redraws when due. */
  add(n: number): void {
    this.#bytes += n;
    const now = performance.now();
    if (now - this.#lastDraw > 250 && now - this.#started > 500) this.#draw(now);
  }

  /** Clear the line. */
  done(): void {
    if (this.#drawn) Deno.stderr.writeSync(this.#encoder.encode("\r\x1b[K"));
    this.#drawn = false;
  }

  #draw(now: number): void {
    this.#lastDraw = now;
    this.#drawn = true;
    const seconds = (now - this.#started) / 1000;
    const rate = `${formatBytes(this.#bytes / seconds)}/s`;
    const share = this.total ? ` ${((100 * this.#bytes) / this.total).toFixed(1)}%` : "";
    const line = `\r\x1b[Kdecoding: ${formatBytes(this.#bytes)}${share} at ${rate}`;
    Deno.stderr.writeSync(this.#encoder.encode(line));
  }
}
