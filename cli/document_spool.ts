/**
 * The JSON document's lists, kept on disk while the capture is decoded: the
 * CLI's `--format json` then holds only the summary, the SMB sessions and the
 * share tree, whatever the capture's size (it held every connection, file
 * and call it listed: 600 MB for 200 MB of dense SMB).
 * @module
 */
import { type DocumentEntry, documentEntry, type DocumentList } from "../lib/output/document.ts";

interface ListFile {
  file: Deno.FsFile;
  pending: string[];
  size: number;
  entries: number;
}

/** Temporary files, one per list, holding each entry's document text. */
export class DocumentSpool {
  /**
   * A spool in a new temporary folder, or undefined when none can be made
   * (no write permission): the document then stays in memory, as before.
   */
  static create(): DocumentSpool | undefined {
    try {
      return new DocumentSpool(Deno.makeTempDirSync({ prefix: "smbscope-json-" }));
    } catch {
      return undefined;
    }
  }

  private constructor(readonly dir: string) {}

  readonly #lists = new Map<DocumentList, ListFile>();
  readonly #encoder = new TextEncoder();
  #closed = false;

  /** `DocumentBuilder`'s `spill`: the entry's text goes to its list's file. */
  readonly spill = (list: DocumentList, entry: DocumentEntry): void => {
    let f = this.#lists.get(list);
    if (f === undefined) {
      const file = Deno.openSync(`${this.dir}/${list}`, {
        read: true,
        write: true,
        create: true,
        truncate: true,
      });
      f = { file, pending: [], size: 0, entries: 0 };
      this.#lists.set(list, f);
    }
    const text = documentEntry(entry);
    f.pending.push(f.entries++ === 0 ? text : `,\n${text}`);
    f.size += text.length + 2;
    if (f.size > 1 << 18) this.#flush(f);
  };

  /** The list's text back, in pieces (for `documentText`). */
  *pieces(list: DocumentList): Generator<string> {
    const f = this.#lists.get(list);
    if (f === undefined) return;
    this.#flush(f);
    f.file.seekSync(0, Deno.SeekMode.Start);
    const decoder = new TextDecoder();
    const chunk = new Uint8Array(1 << 16);
    for (let n = f.file.readSync(chunk); n !== null; n = f.file.readSync(chunk)) {
      yield decoder.decode(chunk.subarray(0, n), { stream: true });
    }
    yield decoder.decode();
  }

  /** Close and remove the files (once; later calls do nothing). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const f of this.#lists.values()) f.file.close();
    this.#lists.clear();
    Deno.removeSync(this.dir, { recursive: true });
  }

  #flush(f: ListFile): void {
    if (f.pending.length === 0) return;
    const bytes = this.#encoder.encode(f.pending.join(""));
    f.pending = [];
    f.size = 0;
    for (let at = 0; at < bytes.length;) at += f.file.writeSync(bytes.subarray(at));
  }
}
