/**
 * `POST /decode`: the upload, as a stream, through a byte counter, the
 * multipart reader (for form uploads), gzip sniffing and the synchronous
 * {@link Decoder}, into one JSON document or NDJSON lines. Nothing here
 * buffers the upload; the decoder sees one chunk at a time.
 * @module
 */
import {
  type DecodeEvent,
  Decoder,
  type DecoderOptions,
  gunzipIfNeeded,
  type KeyOptions,
} from "../mod.ts";
import { keyOptionsFrom } from "../cli/keys.ts";
import { DocumentBuilder } from "../lib/output/document.ts";
import { documentBody, ListSpill } from "./document_stream.ts";
import { encodeJsonText, safeJson } from "../lib/output/sanitize.ts";
import { EventSelection, type SelectOptions } from "../lib/output/select.ts";
import { InputWatch } from "../lib/output/input_problem.ts";
import { type HandlerLimits, LIMIT_ENV } from "./limits.ts";
import { type FilePartInfo, firstFilePart, MultipartError } from "./multipart.ts";
import { ZipSink, ZipWriter } from "./zip.ts";

/** An error body: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Why a decode stopped before the end of the upload. */
export interface Stop {
  /** HTTP status it calls for when no response has been sent yet (200: output so far, truncated). */
  status: number;
  code:
    | "too_large"
    | "time_budget"
    | "too_many_events"
    | "no_file"
    | "bad_keys"
    | "upload_failed"
    | "internal"
    | `source_${string}`;
  message: string;
}

/** One decode request, validated. */
export interface DecodeJob {
  body: ReadableStream<Uint8Array> | null;
  /** Set for `multipart/form-data` uploads. */
  boundary?: string;
  format: "json" | "ndjson";
  /** Event kinds to output; undefined: all. */
  types?: ReadonlySet<string>;
  /** Conversations to output (`host`, `port`, `smbOnly`); undefined: all. */
  select?: SelectOptions;
  limits: HandlerLimits;
  decoder: DecoderOptions;
  /** `zip`: answer with the carved files, not the events. */
  extract?: "zip";
  /** When the request came in (epoch ms): the time budget counts from it; now otherwise. */
  started?: number;
  /** With `source=`: why reading the source failed, once it has (source.ts). */
  sourceFailure?: () => { status: number; code: string; message: string } | undefined;
}

const JSON_TYPE = "application/json; charset=utf-8";
/** Bytes the decoder must have seen before the response status is chosen (a capture magic is 4). */
const PROBE_BYTES = 64;
/**
 * Bytes pushed into the decoder between two looks at the clock: a read can
 * bring megabytes (16 MiB from an inflated piece of gzip) that would cost
 * seconds to decode, and a decode past its time budget stops within one slice.
 */
const PUSH_SLICE = 64 << 10;
const encoder = new TextEncoder();
/**
 * Characters of NDJSON gathered before a chunk goes out: one input read of a
 * dense capture makes about 56 KB of lines; a write per read cost the server
 * more than the encoding. A quarter MiB keeps the first lines prompt.
 */
const NDJSON_CHUNK = 256 << 10;
/** Milliseconds a read may lag before the lines gathered so far are sent without it. */
const NDJSON_LAG_MS = 5;

/** `promise`'s value, or undefined when it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) =>
    timer = setTimeout(() => resolve(undefined), ms)
  );
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A JSON response; `extra` headers are added (the caller adds CORS). */
export function jsonResponse(body: unknown, status = 200, extra: HeadersInit = {}): Response {
  const headers = new Headers(extra);
  headers.set("content-type", JSON_TYPE);
  return new Response(safeJson(body), { status, headers });
}

/** A `{ error: { code, message } }` response. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: HeadersInit = {},
): Response {
  return jsonResponse({ error: { code, message } } satisfies ErrorBody, status, extra);
}

/** The upload's bytes, counted; past `max` the stream errors and `exceeded` is set. */
class ByteLimit {
  bytes = 0;
  exceeded = false;
  readonly stream: TransformStream<Uint8Array, Uint8Array>;
  constructor(max: number) {
    this.stream = new TransformStream({
      transform: (chunk, c) => {
        this.bytes += chunk.length;
        if (this.bytes > max) {
          this.exceeded = true;
          c.error(new RangeError(`the upload is larger than the limit of ${max} bytes`));
          return;
        }
        c.enqueue(chunk);
      },
    });
  }
}

/**
 * The decode of one upload, pulled batch by batch. `next()` never throws:
 * a read error, a limit or a bug becomes a {@link Stop}, after which the
 * decoder is ended (its summary marked truncated) and its last events given.
 */
class Decode {
  readonly limit: ByteLimit;
  readonly part: FilePartInfo = {};
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #deadline: number;
  readonly #limits: HandlerLimits;
  readonly #sourceFailure: DecodeJob["sourceFailure"];
  readonly #select: EventSelection;
  #multipartError: string | undefined;
  /** Made at the first byte of the capture, when a form's secret fields before it are known. */
  #decoder: Decoder | undefined;
  readonly #options: DecoderOptions;
  /** Why the form's secret fields were refused (a 400), never quoting them. */
  #keysError: string | undefined;
  #empty = true;
  pushed = 0;
  done = false;
  stop: Stop | undefined;

  constructor(job: DecodeJob, sink?: ZipSink) {
    this.#options = sink === undefined
      ? job.decoder
      : { ...job.decoder, files: { ...job.decoder.files, sink } };
    this.#limits = job.limits;
    this.#sourceFailure = job.sourceFailure;
    this.#select = new EventSelection(job.select);
    this.limit = new ByteLimit(job.limits.maxBytes);
    this.#deadline = (job.started ?? Date.now()) + job.limits.maxSeconds * 1000;
    let bytes = (job.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }))
      .pipeThrough(this.limit.stream);
    if (job.boundary !== undefined) {
      bytes = firstFilePart(bytes, job.boundary, this.part);
      // Remember a multipart error by value: gzip inflation turns source errors into anomalies.
      bytes = watchErrors(bytes, (e) => {
        if (e instanceof MultipartError) this.#multipartError = e.message;
      });
    }
    // lib's gunzipIfNeeded never settles on a stream with no bytes at all: flag that case here.
    bytes = bytes.pipeThrough(
      new TransformStream({
        transform: (chunk, c) => {
          if (chunk.length > 0) this.#empty = false;
          c.enqueue(chunk);
        },
        flush: (c) => {
          if (this.#empty) c.error(new RangeError("empty input"));
        },
      }),
    );
    this.#reader = gunzipIfNeeded(bytes, {
      onGzip: () => this.decoder.markGzip(),
      onError: (detail) => {
        if (
          !this.limit.exceeded && this.#multipartError === undefined &&
          this.#sourceFailure?.() === undefined
        ) {
          this.decoder.reportInputError(detail);
        }
      },
    }).getReader();
  }

  /** The decoder, with the secrets of the form's fields (`password`, `nt_hash`, `session_key`, `keys`, `export_hashes`). */
  get decoder(): Decoder {
    if (this.#decoder !== undefined) return this.#decoder;
    let options = this.#options;
    try {
      const keys = formKeys(this.part.fields);
      if (keys !== undefined) options = { ...options, keys };
      this.#decoder = new Decoder(options);
    } catch (e) {
      this.#keysError = (e instanceof Error ? e.message : String(e))
        .replace(/^Cannot create decoder: /, "");
      this.#decoder = new Decoder(this.#options);
    }
    return this.#decoder;
  }

  /** The next batch of events (of the conversations selected); after the last, `done` is true. */
  async next(): Promise<DecodeEvent[]> {
    return this.#pick(await this.#next());
  }

  /** Stop decoding: cancel the upload and end the decoder (summary marked truncated). */
  halt(stop: Stop): DecodeEvent[] {
    return this.#pick(this.#halt(stop));
  }

  #pick(events: DecodeEvent[]): DecodeEvent[] {
    if (this.#select.passesAll) return events;
    return events.flatMap((e) => this.#select.add(e));
  }

  async #next(): Promise<DecodeEvent[]> {
    if (this.done) return [];

    let read: ReadableStreamReadResult<Uint8Array> | "timeout";
    try {
      read = await this.#read();
    } catch (e) {
      const stop = this.#sourceStop();
      if (stop === undefined && this.#empty) read = { done: true };
      else {
        return this.#halt(
          stop ?? {
            status: 200,
            code: "upload_failed",
            message: `the upload ended early: ${e instanceof Error ? e.message : String(e)}`,
          },
        );
      }
    }
    if (read === "timeout") return this.#halt(timeBudget(this.#limits));
    try {
      if (read.done) {
        const stop = this.#sourceStop();
        if (stop) return this.#halt(stop);
        this.done = true;
        return this.decoder.end(); // an empty upload: the decoder names it (unrecognized)
      }
      this.pushed += read.value.length;
      const decoder = this.decoder;
      if (this.#keysError !== undefined) {
        return this.#halt({ status: 400, code: "bad_keys", message: this.#keysError });
      }
      const events: DecodeEvent[] = [];
      const late = this.#push(read.value, events);
      release(read.value);
      if (late) {
        for (const e of this.#halt(timeBudget(this.#limits))) events.push(e);
      } else if (decoder.stopped && this.pushed >= PROBE_BYTES) {
        // Not a capture past its first bytes, or its framing lost: nothing more would be read.
        this.done = true;
        this.#reader.cancel("decoding stopped").catch(() => {});
        for (const e of this.decoder.end()) events.push(e);
      }
      return events;
    } catch (e) {
      // The decoder never throws on input; were it to, the output so far still goes out.
      return [internalAnomaly(e), ...this.#halt(internalStop(e))];
    }
  }

  #halt(stop: Stop): DecodeEvent[] {
    if (this.done) {
      this.stop ??= stop;
      return [];
    }
    this.done = true;
    this.stop = stop;
    this.#reader.cancel(stop.message).catch(() => {});
    try {
      const events = this.decoder.end();
      const summary = events.at(-1);
      if (summary?.type === "summary") summary.truncated = true;
      return events;
    } catch (e) {
      return [internalAnomaly(e)];
    }
  }

  /**
   * Pushes `chunk` in slices, looking at the clock between them; true when
   * the time budget ran out first (the rest of the chunk is not decoded).
   */
  #push(chunk: Uint8Array, events: DecodeEvent[]): boolean {
    for (let at = 0; at < chunk.length; at += PUSH_SLICE) {
      if (at > 0 && Date.now() >= this.#deadline) return true;
      for (const e of this.decoder.push(chunk.subarray(at, at + PUSH_SLICE))) events.push(e);
      if (this.decoder.stopped) return false;
    }
    return false;
  }

  /** Release the upload (the client went away). */
  cancel(reason: unknown): void {
    this.done = true;
    this.#reader.cancel(reason).catch(() => {});
  }

  #sourceStop(): Stop | undefined {
    if (this.limit.exceeded) {
      return {
        status: 413,
        code: "too_large",
        message: `the upload is larger than the limit of ${this.#limits.maxBytes} bytes ` +
          "(SMBSCOPE_MAX_BYTES)",
      };
    }
    if (this.#multipartError !== undefined) {
      return { status: 400, code: "no_file", message: this.#multipartError };
    }
    const source = this.#sourceFailure?.();
    if (source !== undefined) {
      return { status: source.status, code: source.code as Stop["code"], message: source.message };
    }
    return undefined;
  }

  /** A read, or "timeout" when the time budget runs out first. */
  async #read(): Promise<ReadableStreamReadResult<Uint8Array> | "timeout"> {
    const left = this.#deadline - Date.now();
    if (left <= 0) return "timeout";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), left);
    });
    try {
      return await Promise.race([this.#reader.read(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Deno hands request bodies over as a fresh 64 KiB buffer per read (a view
 * from its offset 0), which V8 frees only at a later garbage collection: at a
 * few hundred MB/s tens of MB of spent chunks pile up. Detected, not called:
 * nothing here uses `Deno.*`. Other runtimes may pool chunks in shared
 * buffers, so there chunks are left to the GC.
 */
const FRESH_BODY_CHUNKS = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/**
 * Free a chunk's memory now (the decoder keeps no view of a chunk once `push`
 * returns). Only a view from offset 0 of a detachable buffer is released.
 */
function release(chunk: Uint8Array): void {
  if (!FRESH_BODY_CHUNKS || chunk.byteOffset !== 0) return;
  const buffer = chunk.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  try {
    buffer.transfer?.(0);
  } catch { /* not detachable (shared or Wasm memory): leave it to the GC */ }
}

/**
 * The decoder's `keys` option from a form's fields: `password`, `nt_hash`,
 * `session_key` (each repeatable, the command line's forms), `keys` (a keys
 * file's text) and `export_hashes=1`; empty fields are left out.
 */
function formKeys(fields: Map<string, string[]> | undefined): KeyOptions | undefined {
  if (fields === undefined) return undefined;
  const values = (name: string) => (fields.get(name) ?? []).map((v) => v.trim()).filter(Boolean);
  const keysText = values("keys").join("\n");
  const exportHashes = values("export_hashes");
  if (exportHashes.some((v) => v !== "0" && v !== "1")) {
    throw new TypeError("the export_hashes field must be 0 or 1");
  }
  return keyOptionsFrom({
    passwords: values("password"),
    ntHashes: values("nt_hash"),
    sessionKeys: values("session_key"),
    keysFile: keysText === "" ? undefined : { name: "the keys field", text: keysText },
    exportHashes: exportHashes.includes("1"),
  });
}

/** Passes a stream through, calling `seen` with its error, if any. */
function watchErrors<T>(
  stream: ReadableStream<T>,
  seen: (e: unknown) => void,
): ReadableStream<T> {
  const reader = stream.getReader();
  return new ReadableStream<T>({
    async pull(c) {
      try {
        const { done, value } = await reader.read();
        if (done) c.close();
        else c.enqueue(value);
      } catch (e) {
        seen(e);
        c.error(e);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

function timeBudget(limits: HandlerLimits): Stop {
  return {
    status: 200,
    code: "time_budget",
    message: `decoding took longer than the limit of ${limits.maxSeconds} seconds ` +
      "(SMBSCOPE_MAX_SECONDS)",
  };
}

function internalStop(e: unknown): Stop {
  return {
    status: 200,
    code: "internal",
    message: `decoding stopped on an internal error: ${e instanceof Error ? e.message : String(e)}`,
  };
}

function internalAnomaly(e: unknown): DecodeEvent {
  return {
    type: "anomaly",
    layer: "capture",
    kind: "bug",
    code: "capture_internal_error",
    detail: `decoding stopped on an internal error: ${e instanceof Error ? e.message : String(e)}`,
    evidence: { frames: [], ts: 0 },
  };
}

/**
 * Decode an upload into a Response. Before the status is chosen, the first
 * bytes are decoded: not a capture is a 415, an upload over the limit a 413,
 * a form without a file a 400. After that the output streams (NDJSON) or is
 * gathered (JSON), and a later stop is reported in the output.
 */
export async function decodeResponse(
  job: DecodeJob,
  headers: HeadersInit,
): Promise<Response> {
  const sink = job.extract === "zip" ? new ZipSink(job.limits.maxExtractBytes) : undefined;
  const run = new Decode(job, sink);
  const first: DecodeEvent[] = [];
  // A loop, not push(...): one read of a whole in-memory body can make 100 000 events and more.
  while (!run.done && run.pushed < PROBE_BYTES) for (const e of await run.next()) first.push(e);
  const watch = new InputWatch();
  for (const e of first) watch.note(e);
  const problem = watch.problem;
  if (run.stop !== undefined && run.stop.status !== 200) {
    return errorResponse(run.stop.status, run.stop.code, run.stop.message, headers);
  }
  if (problem !== undefined) {
    run.cancel(problem.message);
    // A corrupt gzip stream is a bad upload (400); anything else that is no capture, a 415.
    return errorResponse(
      problem.code === "gzip_corrupt" ? 400 : 415,
      problem.code,
      problem.message,
      headers,
    );
  }
  if (sink !== undefined) return zipStream(run, sink, first, headers);
  const keep = (e: DecodeEvent) => job.types === undefined || job.types.has(e.type);
  return job.format === "json"
    ? await jsonDocument(run, first, keep, job.limits.maxEvents, headers)
    : ndjsonStream(run, first, keep, job.limits.maxStreamEvents, headers);
}

/** Caps the events output at `max`; past it the decode stops, but the summary still comes. */
class EventBudget {
  count = 0;
  constructor(
    readonly run: Decode,
    readonly max: number,
    readonly keep: (e: DecodeEvent) => boolean,
    /** The environment variable that sets `max`, named in the stop's message. */
    readonly setting: string,
  ) {}
  filter(events: DecodeEvent[]): DecodeEvent[] {
    const out: DecodeEvent[] = [];
    for (const e of events) {
      if (e.type === "summary") out.push(e);
      else if (!this.keep(e)) continue;
      else if (this.count < this.max) {
        this.count++;
        out.push(e);
      } else if (!this.run.done) {
        const rest = this.run.halt({
          status: 200,
          code: "too_many_events",
          message: `the output reached the limit of ${this.max} events (${this.setting})`,
        });
        const summary = rest.find((r) => r.type === "summary");
        if (summary) out.push(summary);
      }
    }
    return out;
  }
}

async function jsonDocument(
  run: Decode,
  first: DecodeEvent[],
  keep: (e: DecodeEvent) => boolean,
  maxEvents: number,
  headers: HeadersInit,
): Promise<Response> {
  // The lists wait as UTF-8 text, not as events, and the answer streams from them.
  const lists = new ListSpill();
  const builder = new DocumentBuilder(lists.spill);
  // Only what the document lists counts against the budget (SMB messages are tallied, not kept).
  const listed = (e: DecodeEvent) =>
    keep(e) && e.type !== "smb" && !(e.type === "connection" && e.action === "open");
  const budget = new EventBudget(run, maxEvents, listed, LIMIT_ENV.maxEvents);
  const add = (events: DecodeEvent[]) => {
    const chosen = new Set(budget.filter(events));
    // In stream order, SMB messages among the rest: the share tree follows paths as they come,
    // so an order that depended on how the upload was cut into batches changed it.
    const ordered = events.filter((e) => chosen.delete(e) || (e.type === "smb" && keep(e)));
    // What is left is the summary of a stop (too many events), which ends the batch.
    builder.add([...ordered, ...chosen]);
  };
  try {
    add(first);
    while (!run.done) add(await run.next());
  } catch (e) {
    builder.add([internalAnomaly(e), ...run.halt(internalStop(e))]);
  }
  if (run.stop !== undefined && run.stop.status !== 200) {
    return errorResponse(run.stop.status, run.stop.code, run.stop.message, headers);
  }
  const document = {
    ...builder.finish(),
    truncated: run.stop !== undefined,
    ...(run.stop !== undefined
      ? { reason: { code: run.stop.code, message: run.stop.message } }
      : {}),
  };
  const h = new Headers(headers);
  h.set("content-type", JSON_TYPE);
  return new Response(documentBody(document, lists), { status: 200, headers: h });
}

function ndjsonStream(
  run: Decode,
  first: DecodeEvent[],
  keep: (e: DecodeEvent) => boolean,
  maxEvents: number,
  headers: HeadersInit,
): Response {
  const budget = new EventBudget(run, maxEvents, keep, LIMIT_ENV.maxStreamEvents);
  const lines = (events: DecodeEvent[]) => {
    let text = "";
    // Plain JSON.stringify: encodeJsonText escapes what safeJson would, for a whole chunk.
    for (const e of budget.filter(events)) text += JSON.stringify(e) + "\n";
    return text;
  };
  let pending = lines(first);
  let closed = false;
  /** A batch asked for but not yet come when lines were sent without it. */
  let ahead: Promise<DecodeEvent[]> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        // Lines of several reads go out as one chunk (fewer writes, one encode), but
        // lines already made never wait for a slow upload: they leave when a read lags.
        while (pending.length < NDJSON_CHUNK && !run.done) {
          const next = ahead ?? run.next();
          ahead = undefined;
          const events = pending === "" ? await next : await within(next, NDJSON_LAG_MS);
          if (events === undefined) {
            ahead = next;
            next.catch(() => {}); // awaited by the next pull, unless the client went away
            break;
          }
          pending += lines(events);
        }
      } catch (e) {
        pending += [internalAnomaly(e), ...run.halt(internalStop(e))]
          .map((event) => JSON.stringify(event) + "\n").join("");
      }
      if (pending !== "") {
        c.enqueue(encodeJsonText(pending));
        pending = "";
        return;
      }
      if (closed) return;
      closed = true;
      if (run.stop !== undefined) {
        const { code, message } = run.stop;
        c.enqueue(
          encoder.encode(JSON.stringify({ type: "error", error: { code, message } }) + "\n"),
        );
      }
      c.close();
    },
    cancel: (reason) => run.cancel(reason),
  }, { highWaterMark: 0 });
  const h = new Headers(headers);
  h.set("content-type", "application/x-ndjson; charset=utf-8");
  h.set("cache-control", "no-store");
  return new Response(body, { status: 200, headers: h });
}

/**
 * The carved files as a zip, streamed as their opens end, then
 * `smbscope-summary.json`: the summary, every `file` event, and why the
 * decode stopped early if it did.
 */
function zipStream(
  run: Decode,
  sink: ZipSink,
  first: DecodeEvent[],
  headers: HeadersInit,
): Response {
  const files: DecodeEvent[] = [];
  let summary: DecodeEvent | undefined;
  const note = (events: DecodeEvent[]) => {
    for (const e of events) {
      if (e.type === "file") files.push(e);
      else if (e.type === "summary") summary = e;
    }
  };
  note(first);
  let chunks: Uint8Array[] = [];
  const zip = new ZipWriter((chunk) => chunks.push(chunk));
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        while (chunks.length === 0 && !closed) {
          for (const entry of sink.drain()) zip.add(entry);
          if (chunks.length > 0) break;
          if (run.done) {
            const stop = run.stop;
            const doc = {
              summary,
              files,
              truncated: stop !== undefined,
              ...(stop !== undefined ? { reason: { code: stop.code, message: stop.message } } : {}),
            };
            zip.addRoot("smbscope-summary.json", encoder.encode(safeJson(doc, 2)));
            zip.end();
            closed = true;
            break;
          }
          note(await run.next());
        }
      } catch (e) {
        run.cancel(e);
        c.error(e);
        return;
      }
      const out = chunks;
      chunks = [];
      for (const chunk of out) c.enqueue(chunk);
      if (closed) c.close();
    },
    cancel: (reason) => run.cancel(reason),
  }, { highWaterMark: 0 });
  const h = new Headers(headers);
  h.set("content-type", "application/zip");
  h.set("content-disposition", 'attachment; filename="smbscope-files.zip"');
  h.set("cache-control", "no-store");
  return new Response(body, { status: 200, headers: h });
}
