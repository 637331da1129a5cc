/**
 * `decode --extract DIR`: carved files written under DIR, each at a name
 * made safe from its share and path (lib/files/path.ts), bytes at their
 * offsets (holes stay zero), and a JSON sidecar with its `file` event.
 * @module
 */
import type { ContentSink, FileEvent, OpenFile } from "../mod.ts";
import { ExtractionNames } from "../lib/files/path.ts";
import { safeJson } from "../lib/output/sanitize.ts";

/** Files kept open at once; older handles are closed and reopened when written again. */
const MAX_OPEN_HANDLES = 32;

/** What was written, for the summary line. */
export interface ExtractionTotals {
  files: number;
  bytes: number;
  complete: number;
}

interface Extracting {
  /** The file's share and SMB path, for another name if this one is taken on disk. */
  share: string | undefined;
  smbPath: string;
  /** SMB2 FileId or SMB1 FID, for a file whose name was not seen. */
  smbHandle: string;
  /** Path relative to the output folder. */
  name: string;
  sidecar: string;
  handle: Deno.FsFile | undefined;
  /** Bytes written (pieces, counting rewrites). */
  written: number;
  /** Bytes not written because they lay past `maxFileBytes`. */
  skipped: number;
}

/** A {@link ContentSink} writing to a folder. Synchronous: the decoder waits for the disk. */
export class FolderSink implements ContentSink {
  readonly #names = new ExtractionNames();
  readonly #files = new Map<number, Extracting>();
  /** Open handles, least recently written first. */
  readonly #handles = new Set<number>();
  readonly totals: ExtractionTotals = { files: 0, bytes: 0, complete: 0 };
  /** Called after each write with the file's name and bytes so far (progress on a terminal). */
  onWrite: ((name: string, bytes: number) => void) | undefined;

  /**
   * @param dir the output folder (created if missing)
   * @param maxFileBytes bytes past this offset are not written (a header may claim any offset)
   */
  constructor(readonly dir: string, readonly maxFileBytes: number) {
    Deno.mkdirSync(dir, { recursive: true });
  }

  write(file: OpenFile, offset: number, data: Uint8Array): void {
    let x = this.#files.get(file.id);
    if (x === undefined) {
      const { file: name, sidecar } = this.#names.name(file.share, file.name, file.handle);
      x = {
        share: file.share,
        smbPath: file.name,
        smbHandle: file.handle,
        name,
        sidecar,
        handle: undefined,
        written: 0,
        skipped: 0,
      };
      this.#files.set(file.id, x);
      this.totals.files++;
    }
    const room = Math.max(0, Math.min(data.length, this.maxFileBytes - offset));
    x.skipped += data.length - room;
    if (room === 0) return;
    const h = this.#handle(file.id, x);
    h.seekSync(offset, Deno.SeekMode.Start);
    let view = data.subarray(0, room);
    while (view.length > 0) view = view.subarray(h.writeSync(view));
    x.written += room;
    this.totals.bytes += room;
    this.onWrite?.(x.name, x.written);
  }

  end(file: OpenFile, event: FileEvent): void {
    const x = this.#files.get(file.id);
    if (x === undefined) return;
    this.#files.delete(file.id);
    if (event.pipe === true) {
      // Found to be a named pipe after its first bytes were written (IOCTL on a share
      // whose tree connect was not seen): pipe traffic is not a file.
      x.handle?.close();
      this.#handles.delete(file.id);
      this.totals.files--;
      this.totals.bytes -= x.written;
      Deno.removeSync(this.#path(x.name));
      return;
    }
    const h = this.#handle(file.id, x);
    // The file's size, holes and missing tail included, zero-filled (within the cap).
    if (event.size !== undefined) h.truncateSync(Math.min(event.size, this.maxFileBytes));
    h.close();
    this.#handles.delete(file.id);
    if (event.complete) this.totals.complete++;
    const sidecar = {
      extractedAs: x.name,
      ...(x.skipped > 0
        ? { notWritten: `${x.skipped} bytes past the ${this.maxFileBytes}-byte cap` }
        : {}),
      event,
    };
    Deno.writeTextFileSync(this.#path(x.sidecar), safeJson(sidecar, 2) + "\n", {
      createNew: true,
    });
  }

  /** Close whatever is still open (files whose event never came: a decode cut short). */
  close(): void {
    for (const id of this.#handles) this.#files.get(id)?.handle?.close();
    this.#handles.clear();
  }

  #path(relative: string): string {
    return `${this.dir}/${relative}`;
  }

  #handle(id: number, x: Extracting): Deno.FsFile {
    if (x.handle !== undefined) {
      this.#handles.delete(id);
      this.#handles.add(id);
      return x.handle;
    }
    if (this.#handles.size >= MAX_OPEN_HANDLES) {
      const oldest = this.#handles.values().next().value!;
      this.#handles.delete(oldest);
      const o = this.#files.get(oldest);
      o?.handle?.close();
      if (o !== undefined) o.handle = undefined;
    }
    if (x.written > 0) x.handle = Deno.openSync(this.#path(x.name), { write: true });
    else {
      // createNew the first time: never follow or overwrite something already there (a
      // folder used before); a name taken on disk moves on to the next free one.
      for (let tries = 0;; tries++) {
        const path = this.#path(x.name);
        Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
        try {
          x.handle = Deno.openSync(path, { write: true, createNew: true });
          break;
        } catch (e) {
          if (!(e instanceof Deno.errors.AlreadyExists) || tries >= 100) throw e;
          const next = this.#names.name(x.share, x.smbPath, x.smbHandle);
          x.name = next.file;
          x.sidecar = next.sidecar;
        }
      }
    }
    this.#handles.add(id);
    return x.handle;
  }
}
