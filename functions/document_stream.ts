/**
 * The JSON answer (`format=json`) without holding it as objects or as one
 * string: the document's lists are kept as the UTF-8 of their entries while
 * the capture is decoded (a `DocumentBuilder` spill), and the answer is
 * streamed from them. The bytes are `safeJson(document)`'s. Held as objects
 * and serialised at once, the lists of 200 MB of SMB-dense traffic took the
 * server to 394-491 MB for a 32 MB answer. Past {@link DEFLATE_AFTER} bytes
 * held, chunks are kept deflated (a fifth of the size for this JSON, at
 * 58 MB/s): a large answer costs some time, not its size in memory.
 * @module
 */
import { deflateSync, inflateSync } from "fflate";
import {
  type DecodeDocument,
  DOCUMENT_LISTS,
  type DocumentEntry,
  type DocumentList,
} from "../lib/output/document.ts";
import { encodeJsonText, safeJson } from "../lib/output/sanitize.ts";

/** Text gathered before it is encoded into a chunk, in UTF-16 units. */
const CHUNK_CHARS = 1 << 18;

/** Bytes held plain, over every list; later chunks are deflated. */
export const DEFLATE_AFTER = 16 * 1024 * 1024;

interface Chunk {
  bytes: Uint8Array;
  deflated: boolean;
}

interface ListBytes {
  chunks: Chunk[];
  /** Entries not yet encoded, joined by commas. */
  pending: string[];
  pendingChars: number;
  entries: number;
}

/** The document's lists as UTF-8 entries, filled by {@link ListSpill.spill}. */
export class ListSpill {
  readonly #lists = new Map<DocumentList, ListBytes>();
  /** Bytes held, over every list (deflated ones as deflated). */
  bytes = 0;
  /** Chunks kept deflated. */
  deflatedChunks = 0;

  /** @param deflateAfter bytes held plain before chunks are kept deflated */
  constructor(readonly deflateAfter = DEFLATE_AFTER) {}

  /** `DocumentBuilder`'s spill: the entry's compact JSON joins its list. */
  readonly spill = (list: DocumentList, entry: DocumentEntry): void => {
    let l = this.#lists.get(list);
    if (l === undefined) {
      l = { chunks: [], pending: [], pendingChars: 0, entries: 0 };
      this.#lists.set(list, l);
    }
    const text = JSON.stringify(entry);
    l.pending.push(l.entries++ === 0 ? text : `,${text}`);
    l.pendingChars += text.length + 1;
    if (l.pendingChars >= CHUNK_CHARS) this.#encode(l);
  };

  /** A list's bytes, each chunk given up as it is taken. */
  *take(list: DocumentList): Generator<Uint8Array> {
    const l = this.#lists.get(list);
    if (l === undefined) return;
    this.#encode(l);
    for (let i = 0; i < l.chunks.length; i++) {
      const chunk = l.chunks[i]!;
      l.chunks[i] = TAKEN;
      this.bytes -= chunk.bytes.length;
      yield chunk.deflated ? inflateSync(chunk.bytes) : chunk.bytes;
    }
    this.#lists.delete(list);
  }

  #encode(l: ListBytes): void {
    if (l.pending.length === 0) return;
    // `safeJson`'s escapes, for the whole chunk at once.
    const text = encodeJsonText(l.pending.join(""));
    const deflated = this.bytes >= this.deflateAfter;
    const bytes = deflated ? deflateSync(text, { level: 1 }) : text;
    if (deflated) this.deflatedChunks++;
    l.chunks.push({ bytes, deflated });
    this.bytes += bytes.length;
    l.pending = [];
    l.pendingChars = 0;
  }
}

const TAKEN: Chunk = { bytes: new Uint8Array(0), deflated: false };
const encoder = new TextEncoder();

/**
 * The bytes of `safeJson(document)` in pieces, each list's entries from
 * `lists` (the document's own lists are empty: their events were spilled).
 */
export function* documentBytes(
  document: DecodeDocument & Record<string, unknown>,
  lists: ListSpill,
): Generator<Uint8Array> {
  let first = true;
  for (const name of Object.keys(document)) {
    const value = document[name];
    const isList = (DOCUMENT_LISTS as readonly string[]).includes(name);
    if (!isList && value === undefined) continue;
    const key = `${first ? "{" : ","}${JSON.stringify(name)}:`;
    first = false;
    if (!isList) {
      yield encoder.encode(key + safeJson(value));
      continue;
    }
    yield encoder.encode(`${key}[`);
    yield* lists.take(name as DocumentList);
    yield encoder.encode("]");
  }
  yield encoder.encode(first ? "{}" : "}");
}

/** {@link documentBytes} as a response body, pulled as the client reads. */
export function documentBody(
  document: DecodeDocument & Record<string, unknown>,
  lists: ListSpill,
): ReadableStream<Uint8Array> {
  const pieces = documentBytes(document, lists);
  return new ReadableStream<Uint8Array>({
    pull(c) {
      const next = pieces.next();
      if (next.done) c.close();
      else c.enqueue(next.value);
    },
    cancel() {
      pieces.return(undefined);
    },
  }, { highWaterMark: 0 });
}
