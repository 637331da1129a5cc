/**
 * `POST /decode?extract=zip`: the carved files of an upload as a streamed
 * zip. A file's bytes are held (copied) until its open ends, because a zip
 * entry's data is contiguous while a file's pieces come in any order and
 * interleave with other files'; then the entry is written at once (stored,
 * not compressed: the bottleneck is decoding), beside a `.smbscope.json`
 * sidecar with its `file` event. Held bytes are capped by `maxExtractBytes`:
 * a file that would pass it goes in as its sidecar alone, which says so.
 * @module
 */
import { Zip, ZipPassThrough } from "fflate";
import type { ContentSink, FileEvent, OpenFile } from "../mod.ts";
import { ExtractionNames } from "../lib/files/path.ts";

/** One file's bytes as they come, in one buffer grown as needed. */
interface Held {
  bytes: Uint8Array;
  /** Bytes `[0, high)` of `bytes` are the file's so far (zero where unseen). */
  high: number;
  /** Why the content is not kept, once it is not. */
  dropped: string | undefined;
}

/** A finished file waiting to be written. */
interface Entry {
  event: FileEvent;
  content: Uint8Array | undefined;
  note: string | undefined;
}

/** Collects carved files; `drain()` hands over those whose open ended. */
export class ZipSink implements ContentSink {
  readonly #held = new Map<number, Held>();
  readonly #ready: Entry[] = [];
  #heldBytes = 0;
  files = 0;

  constructor(readonly maxBytes: number) {}

  write(file: OpenFile, offset: number, data: Uint8Array): void {
    let h = this.#held.get(file.id);
    if (h === undefined) {
      h = { bytes: new Uint8Array(0), high: 0, dropped: undefined };
      this.#held.set(file.id, h);
    }
    if (h.dropped !== undefined) return;
    const end = offset + data.length;
    if (end > h.bytes.length) {
      const size = Math.max(end, Math.min(h.bytes.length * 2, end + (1 << 20)));
      if (this.#heldBytes - h.bytes.length + size > this.maxBytes) {
        h.dropped = `content not included: holding it would pass the ${this.maxBytes}-byte ` +
          "extraction budget (SMBSCOPE_MAX_EXTRACT_BYTES)";
        this.#heldBytes -= h.bytes.length;
        h.bytes = new Uint8Array(0);
        return;
      }
      const grown = new Uint8Array(size);
      grown.set(h.bytes.subarray(0, h.high));
      this.#heldBytes += size - h.bytes.length;
      h.bytes = grown;
    }
    h.bytes.set(data, offset);
    h.high = Math.max(h.high, end);
  }

  end(file: OpenFile, event: FileEvent): void {
    const h = this.#held.get(file.id);
    if (h === undefined) return;
    this.#held.delete(file.id);
    this.#heldBytes -= h.bytes.length;
    if (event.pipe === true) return; // a pipe after all: its traffic is not a file
    let content: Uint8Array | undefined;
    let note = h.dropped;
    if (note === undefined) {
      const size = event.size ?? h.high;
      if (size <= h.bytes.length) content = h.bytes.subarray(0, size);
      else if (size - h.bytes.length <= this.maxBytes - this.#heldBytes) {
        // Zero-filled up to the known size.
        content = new Uint8Array(size);
        content.set(h.bytes.subarray(0, h.high));
      } else {
        content = h.bytes.subarray(0, h.high);
        note = `only the first ${h.high} of ${size} bytes included (the rest is unseen)`;
      }
    }
    this.#ready.push({ event, content, note });
  }

  /** Files whose open ended since the last call, oldest first. */
  drain(): Entry[] {
    return this.#ready.splice(0);
  }
}

/** Writes entries into a zip whose bytes go to `out` as they are made. */
export class ZipWriter {
  readonly #zip: Zip;
  readonly #names = new ExtractionNames();
  entries = 0;

  constructor(out: (chunk: Uint8Array) => void) {
    this.#zip = new Zip((err, chunk) => {
      if (err) throw err;
      out(chunk);
    });
  }

  /** A carved file and its sidecar. */
  add(entry: Entry): void {
    const { file, sidecar } = this.#names.name(
      entry.event.share,
      entry.event.path,
      entry.event.handle,
    );
    if (entry.content !== undefined) {
      this.#file(file, entry.content, entry.event.closed?.ts ?? entry.event.evidence.ts);
    }
    const side = {
      ...(entry.content !== undefined ? { extractedAs: file } : {}),
      ...(entry.note !== undefined ? { note: entry.note } : {}),
      event: entry.event,
    };
    this.#file(sidecar, new TextEncoder().encode(JSON.stringify(side, null, 2) + "\n"));
  }

  /** Any other file (e.g. the summary). */
  #file(name: string, bytes: Uint8Array, ts?: number): void {
    const f = new ZipPassThrough(name);
    if (ts !== undefined && ts > 315532800) f.mtime = new Date(ts * 1000);
    this.#zip.add(f);
    f.push(bytes, true);
    this.entries++;
  }

  /** A file at the zip's root. */
  addRoot(name: string, bytes: Uint8Array): void {
    this.#file(name, bytes);
  }

  /** Write the central directory. */
  end(): void {
    this.#zip.end();
  }
}
