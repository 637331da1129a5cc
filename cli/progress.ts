/**
 * A progress line on stderr for long decodes on a terminal.
 * @module
 */
import { formatBytes } from "../lib/output/text.ts";
import { escapeControl } from "../lib/output/sanitize.ts";

/** How long a decode runs before the line appears, and how often it is redrawn. */
const FIRST_DRAW_MS = 500;
const REDRAW_MS = 250;

/** Counts bytes as they are read and redraws one stderr line on a timer, so a stalled input shows too. */
export class Progress {
  #bytes = 0;
  #note = "";
  #drawn = false;
  #lastDraw = 0;
  readonly #started = performance.now();
  readonly #encoder = new TextEncoder();
  readonly #timer: ReturnType<typeof setInterval>;

  /** @param total the input's size when known, for a percentage */
  constructor(readonly total?: number) {
    this.#timer = setInterval(() => {
      if (performance.now() - this.#started >= FIRST_DRAW_MS) this.#draw();
    }, REDRAW_MS);
  }

  /** Count `n` more bytes read; redraws when due (the timer cannot fire while reads are synchronous). */
  add(n: number): void {
    this.#bytes += n;
    const now = performance.now();
    if (now - this.#started >= FIRST_DRAW_MS && now - this.#lastDraw >= REDRAW_MS) this.#draw();
  }

  /** What is going on besides reading (e.g. the file being extracted), shown after the figures. */
  note(text: string): void {
    this.#note = text;
  }

  /** Stop redrawing and clear the line. */
  done(): void {
    clearInterval(this.#timer);
    if (this.#drawn) Deno.stderr.writeSync(this.#encoder.encode("\r\x1b[K"));
    this.#drawn = false;
  }

  #draw(): void {
    this.#drawn = true;
    this.#lastDraw = performance.now();
    const seconds = (this.#lastDraw - this.#started) / 1000;
    const rate = `${formatBytes(this.#bytes / seconds)}/s`;
    const share = this.total ? ` ${((100 * this.#bytes) / this.total).toFixed(1)}%` : "";
    const columns = terminalColumns();
    let line = `decoding: ${formatBytes(this.#bytes)}${share} at ${rate}`;
    if (this.#note !== "") line += `  extracting ${escapeControl(this.#note)}`;
    if (line.length > columns - 1) line = line.slice(0, columns - 2) + "\u2026";
    line = `\r\x1b[K${line}`;
    Deno.stderr.writeSync(this.#encoder.encode(line));
  }
}

/** Width of the terminal (stdout may be a pipe while stderr is the terminal: then 80). */
function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}
