/**
 * A streaming reader of the first file part of a `multipart/form-data` body
 * ([RFC 7578], [RFC 2046] 5.1.1). `Request.formData()` would buffer the whole
 * upload; this hands the file's bytes on as they arrive, holding back only
 * the few bytes that could be the start of the next delimiter.
 * @module
 */

/** Why a multipart body gave no file. */
export class MultipartError extends Error {
  override name = "MultipartError";
}

/** The `boundary` parameter of a `multipart/form-data` Content-Type, or undefined. */
export function multipartBoundary(contentType: string): string | undefined {
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^;,\s]{1,200}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/** Most bytes of one part's header block. */
const MAX_HEADER_BYTES = 16 * 1024;
const CRLFCRLF = new Uint8Array([13, 10, 13, 10]);

/** Where `needle` first occurs in `hay` at or after `from`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Bytes of one form field's value kept (longer values are skipped, not kept). */
const MAX_FIELD_BYTES = 64 * 1024;
/** Form fields kept before the file part. */
const MAX_FIELDS = 64;

/** What {@link firstFilePart} found out about the part. */
export interface FilePartInfo {
  /** The part's `filename`, once its headers were read. */
  filename?: string;
  /**
   * The text fields before the file part, by name (values in order), once
   * the file's bytes start: at most 64 fields of 64 KiB each are kept.
   */
  fields?: Map<string, string[]>;
}

/**
 * The body of the first part that carries a `filename` (a file input), as a
 * stream. Parts before it are skipped; whatever follows it is never read (the
 * source is cancelled). Errors with a {@link MultipartError} when the body
 * holds no file part or a header block is too long. A file part cut short
 * (no closing delimiter) ends where the upload ended.
 */
export function firstFilePart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  info: FilePartInfo = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  // The body's first delimiter may lack the CRLF before it: start as if one preceded the body.
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const keep = delimiter.length - 1;
  const reader = body.getReader();
  let buf: Uint8Array = new Uint8Array([13, 10]);
  let phase: "skip" | "field" | "headers" | "file" | "done" = "skip";
  /** The form field being read, when its value is kept. */
  let field: string | undefined;
  let kept = 0;

  const fill = async (): Promise<boolean> => {
    const { done, value } = await reader.read();
    if (done) return false;
    buf = concat(buf, value);
    return true;
  };
  const finish = (c: ReadableStreamDefaultController<Uint8Array>) => {
    phase = "done";
    c.close();
    reader.cancel().catch(() => {});
  };

  return new ReadableStream<Uint8Array>({
    async pull(c) {
      for (;;) {
        if (phase === "done") return c.close();
        if (phase === "field") {
          const at = indexOfBytes(buf, delimiter);
          if (at !== -1) {
            const value = new TextDecoder().decode(buf.subarray(0, at));
            const fields = info.fields ??= new Map();
            fields.set(field!, [...(fields.get(field!) ?? []), value]);
            buf = buf.subarray(at + delimiter.length);
            phase = "headers";
            continue;
          }
          // Too long to be a value anyone types: skipped like any other part.
          if (buf.length > MAX_FIELD_BYTES + keep) phase = "skip";
        } else if (phase === "skip" || phase === "file") {
          const at = indexOfBytes(buf, delimiter);
          if (phase === "file") {
            if (at !== -1) {
              if (at > 0) c.enqueue(buf.subarray(0, at));
              return finish(c);
            }
            if (buf.length > keep) {
              c.enqueue(buf.subarray(0, buf.length - keep));
              buf = buf.slice(buf.length - keep);
              return;
            }
          } else if (at !== -1) {
            buf = buf.subarray(at + delimiter.length);
            phase = "headers";
            continue;
          } else if (buf.length > keep) {
            buf = buf.slice(buf.length - keep);
          }
        } else {
          // After a delimiter: "--" ends the body; else the rest of the line, then headers.
          if (buf.length >= 2 && buf[0] === 0x2d && buf[1] === 0x2d) {
            phase = "done";
            reader.cancel().catch(() => {});
            return c.error(new MultipartError("the multipart body has no file part"));
          }
          const end = indexOfBytes(buf, CRLFCRLF);
          if (end !== -1) {
            const block = new TextDecoder().decode(buf.subarray(0, end));
            buf = buf.subarray(end + 4);
            const disposition = /^content-disposition:(.*)$/im.exec(block)?.[1] ?? "";
            const filename = /;\s*filename\*?\s*=\s*(?:"([^"]*)"|([^;]*))/i.exec(disposition);
            if (filename) {
              info.filename = (filename[1] ?? filename[2] ?? "").trim();
              phase = "file";
            } else {
              // A form field: its value runs to the next delimiter.
              const name = /;\s*name\s*=\s*(?:"([^"]*)"|([^;]*))/i.exec(disposition);
              field = (name?.[1] ?? name?.[2] ?? "").trim();
              phase = kept < MAX_FIELDS && field !== "" ? "field" : "skip";
              if (phase === "field") kept++;
            }
            continue;
          }
          if (buf.length > MAX_HEADER_BYTES) {
            phase = "done";
            reader.cancel().catch(() => {});
            return c.error(new MultipartError("a multipart part's headers are too long"));
          }
        }
        if (!(await fill())) {
          if (phase === "file") {
            if (buf.length > 0) c.enqueue(buf);
            phase = "done";
            return c.close();
          }
          phase = "done";
          return c.error(new MultipartError("the multipart body has no file part"));
        }
      }
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}
