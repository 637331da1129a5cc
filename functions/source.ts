/**
 * `POST /decode?source=URL`: the function reads the capture itself, from a
 * host on an allow-list, with HTTP `Range` requests of a few MiB, one piece
 * streaming into the decoder while the next is asked for. Never the whole
 * object in memory; a server that ignores `Range` (200) is streamed as it is.
 *
 * What can be checked before the answer's status is chosen is (the URL, the
 * host, the first piece's status, the size): the handler turns a
 * {@link SourceError} into a JSON error. What goes wrong later (a piece's
 * status, a changed `ETag`, a short read) errors the stream and is kept in
 * {@link RangeSource.failure}, which the decode reports as its stop.
 * No `Deno.*` here.
 * @module
 */

/** Environment variable of the allow-list: comma-separated `host` or `host:port`. */
export const SOURCE_HOSTS_ENV = "SMBSCOPE_SOURCE_HOSTS";

/** Bytes asked for in one `Range` request. */
export const DEFAULT_SOURCE_PIECE_BYTES = 8 << 20;

/** Redirects followed, each to a host on the allow-list. */
const MAX_REDIRECTS = 3;

/** A `source=` that cannot be read: the HTTP status and code to answer with. */
export class SourceError extends Error {
  /** `status`: the HTTP status to answer with; `code`: the error body's code. */
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "SourceError";
  }
}

/** The allow-list from its environment form; empty entries are dropped, names lower-cased. */
export function parseSourceHosts(raw: string | undefined): string[] {
  return (raw ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
}

/**
 * The URL of `source=`, checked: http or https, no user or password, and a
 * host on `hosts` exactly (`host` for the scheme's default port, `host:port`
 * otherwise; no suffix or prefix matching). Throws a {@link SourceError}.
 */
export function sourceUrl(raw: string, hosts: readonly string[]): URL {
  if (hosts.length === 0) {
    throw new SourceError(
      403,
      "source_not_allowed",
      `source= is off: no hosts are allowed (${SOURCE_HOSTS_ENV})`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SourceError(400, "bad_source", "source= is not an absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SourceError(400, "bad_source", `source= must be http or https, not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new SourceError(400, "bad_source", "source= must not carry a user name or password");
  }
  if (!hostAllowed(url, hosts)) {
    throw new SourceError(
      403,
      "source_not_allowed",
      `${url.host} is not on the list of source hosts (${SOURCE_HOSTS_ENV})`,
    );
  }
  url.hash = "";
  return url;
}

function hostAllowed(url: URL, hosts: readonly string[]): boolean {
  const port = url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80";
  const host = url.host.toLowerCase();
  const withPort = `${url.hostname.toLowerCase()}:${port}`;
  return hosts.some((h) => h === host || h === withPort);
}

/** Where a source is named in messages: scheme, host and path, never the query (it may be a signature). */
export function sourceName(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** How to read a source. */
export interface SourceOptions {
  /** The allow-list (redirects are followed only to hosts on it). */
  hosts: readonly string[];
  /** Bytes per `Range` request. */
  pieceBytes: number;
  /** Epoch milliseconds after which no request is waited for (the time budget). */
  deadline: number;
  /** Most bytes the object may have (a larger size from the first answer is a 413). */
  maxBytes: number;
  /** The fetch to use; the global one otherwise. */
  fetch?: typeof fetch;
}

/** One piece asked for: its response, once its headers are in. */
interface Piece {
  start: number;
  response: Promise<Response>;
}

/**
 * A source being read. {@link openSource} makes it once the first piece's
 * headers are in; {@link stream} gives the bytes in order.
 */
export class RangeSource {
  /** The object's size, when the source said it. */
  readonly size: number | undefined;
  /** Why reading stopped early, when it did. */
  failure: SourceError | undefined;
  /** The bytes, piece after piece. */
  readonly stream: ReadableStream<Uint8Array>;
  readonly #url: URL;
  readonly #options: SourceOptions;
  readonly #abort = new AbortController();
  readonly #validator: { etag: string | null; lastModified: string | null };
  /** Where the piece being read ends (exclusive); undefined for a 200 read whole. */
  #end: number | undefined;
  #at: number;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #next: Piece | undefined;

  /** Reads `url` on from `first`, the checked answer to its first piece; {@link openSource} calls it. */
  constructor(url: URL, options: SourceOptions, first: Response, size: number | undefined) {
    this.#url = url;
    this.#options = options;
    this.size = size;
    this.#validator = {
      etag: first.headers.get("etag"),
      lastModified: first.headers.get("last-modified"),
    };
    this.#at = 0;
    if (first.status === 206) {
      const range = contentRange(first.headers.get("content-range"));
      this.#end = range!.end + 1;
    }
    this.#reader = first.body?.getReader();
    this.#ask();
    this.stream = new ReadableStream<Uint8Array>({
      pull: (c) => this.#pull(c),
      cancel: () => this.#close(),
    }, { highWaterMark: 0 });
  }

  /** Asks for the piece after the current one, if there is one (one request ahead). */
  #ask(): void {
    if (this.#end === undefined || this.size === undefined || this.#end >= this.size) return;
    const start = this.#end;
    const end = Math.min(start + this.#options.pieceBytes, this.size) - 1;
    const response = request(this.#url, this.#options, this.#abort.signal, start, end);
    response.catch(() => {}); // awaited when its turn comes, unless the read stops first
    this.#next = { start, response };
  }

  /** The source is read to its end: close, unless it ended short of the size it announced. */
  #finish(c: ReadableStreamDefaultController<Uint8Array>): void {
    if (this.size !== undefined && this.#at < this.size) {
      throw new SourceError(
        502,
        "source_short_read",
        `the source ended at byte ${this.#at} of ${this.size}`,
      );
    }
    c.close();
  }

  async #pull(c: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        if (this.#reader === undefined) {
          if (this.#next === undefined) {
            this.#finish(c);
            return;
          }
          await this.#start(this.#next);
        }
        const { done, value } = await this.#reader!.read();
        if (!done) {
          this.#at += value.length;
          if (this.#end !== undefined && this.#at > this.#end) {
            throw new SourceError(502, "source_range", "the source sent more than the range asked");
          }
          c.enqueue(value);
          return;
        }
        this.#reader = undefined;
        if (this.#end === undefined) { // a 200: the whole object in one answer
          this.#finish(c);
          return;
        }
        if (this.#at < this.#end) {
          throw new SourceError(
            502,
            "source_short_read",
            `the source's piece ended at byte ${this.#at}, not ${this.#end}`,
          );
        }
      }
    } catch (e) {
      this.failure = e instanceof SourceError ? e : fetchError(e, this.#url, this.#options);
      this.#close();
      c.error(this.failure);
    }
  }

  /** The next piece's answer: checked against the first (status, range, size, validators). */
  async #start(piece: Piece): Promise<void> {
    this.#next = undefined;
    const response = await piece.response;
    if (response.status !== 206) {
      response.body?.cancel().catch(() => {});
      throw statusError(response, this.#url, "a later piece");
    }
    const range = contentRange(response.headers.get("content-range"));
    if (range === undefined || range.start !== piece.start || range.total !== this.size) {
      response.body?.cancel().catch(() => {});
      throw new SourceError(
        502,
        "source_changed",
        `the source answered the range from byte ${piece.start} with ` +
          `${
            response.headers.get("content-range") ?? "no Content-Range"
          } (size ${this.size} before)`,
      );
    }
    const etag = response.headers.get("etag"), lastModified = response.headers.get("last-modified");
    if (etag !== this.#validator.etag || lastModified !== this.#validator.lastModified) {
      response.body?.cancel().catch(() => {});
      throw new SourceError(
        502,
        "source_changed",
        `the source changed while it was read (ETag ${this.#validator.etag} then ${etag}, ` +
          `at byte ${piece.start})`,
      );
    }
    this.#end = range.end + 1;
    this.#reader = response.body?.getReader() ?? emptyReader();
    this.#ask();
  }

  #close(): void {
    this.#abort.abort();
    this.#reader?.cancel().catch(() => {});
    this.#reader = undefined;
    this.#next = undefined;
  }
}

/**
 * Asks for the first piece and checks the answer: a 206 with a size in
 * `Content-Range`, or a 200 (the server ignores ranges: read as it comes),
 * or a 416 for an empty object. Throws a {@link SourceError} otherwise.
 */
export async function openSource(url: URL, options: SourceOptions): Promise<RangeSource> {
  const abort = new AbortController();
  let response: Response;
  try {
    response = await request(url, options, abort.signal, 0, options.pieceBytes - 1);
  } catch (e) {
    throw e instanceof SourceError ? e : fetchError(e, url, options);
  }
  if (response.status === 416) { // nothing at byte 0: an empty object
    response.body?.cancel().catch(() => {});
    return new RangeSource(url, options, new Response(null, { status: 200 }), 0);
  }
  let size: number | undefined;
  if (response.status === 206) {
    const range = contentRange(response.headers.get("content-range"));
    if (range === undefined || range.start !== 0 || range.total === undefined) {
      response.body?.cancel().catch(() => {});
      throw new SourceError(
        502,
        "source_range",
        `the source answered 206 with ${
          response.headers.get("content-range") ?? "no Content-Range"
        }, not bytes 0-\u2026/size`,
      );
    }
    size = range.total;
  } else if (response.status === 200) {
    const length = response.headers.get("content-length");
    size = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  } else {
    response.body?.cancel().catch(() => {});
    throw statusError(response, url, "the first piece");
  }
  if (size !== undefined && size > options.maxBytes) {
    response.body?.cancel().catch(() => {});
    throw new SourceError(
      413,
      "too_large",
      `the source (${size} bytes) is larger than the limit of ${options.maxBytes} bytes ` +
        "(SMBSCOPE_MAX_BYTES)",
    );
  }
  return new RangeSource(url, options, response, size);
}

/** One GET of bytes `start`-`end`, redirects followed by hand to allowed hosts only. */
async function request(
  url: URL,
  options: SourceOptions,
  signal: AbortSignal,
  start: number,
  end: number,
): Promise<Response> {
  const left = options.deadline - Date.now();
  if (left <= 0) throw new SourceError(504, "source_timeout", "the time budget ran out");
  const timeout = AbortSignal.timeout(left);
  const both = AbortSignal.any([signal, timeout]);
  let at = url;
  for (let hop = 0;; hop++) {
    const response = await (options.fetch ?? fetch)(at, {
      headers: { range: `bytes=${start}-${end}`, "accept-encoding": "identity" },
      redirect: "manual",
      signal: both,
    });
    if (response.status < 300 || response.status >= 400 || response.status === 304) {
      return response;
    }
    response.body?.cancel().catch(() => {});
    const location = response.headers.get("location");
    if (location === null) return response;
    let next: URL;
    try {
      next = sourceUrl(new URL(location, at).href, options.hosts);
    } catch {
      throw new SourceError(
        502,
        "source_redirect",
        `the source redirected to a host that is not on ${SOURCE_HOSTS_ENV} ` +
          `(${safeHost(location, at)})`,
      );
    }
    if (hop + 1 >= MAX_REDIRECTS) {
      throw new SourceError(502, "source_redirect", "the source redirected too many times");
    }
    at = next;
  }
}

function safeHost(location: string, base: URL): string {
  try {
    return new URL(location, base).host;
  } catch {
    return "an invalid URL";
  }
}

/** `Content-Range: bytes start-end/total` (total `*` left undefined). */
function contentRange(
  value: string | null,
): { start: number; end: number; total: number | undefined } | undefined {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? "");
  if (m === null) return undefined;
  const start = Number(m[1]), end = Number(m[2]);
  const total = m[3] === "*" ? undefined : Number(m[3]);
  if (end < start || (total !== undefined && end >= total)) return undefined;
  return { start, end, total };
}

function statusError(response: Response, url: URL, which: string): SourceError {
  const said = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  const where = `${sourceName(url)} (${which})`;
  if (response.status === 404 || response.status === 410) {
    return new SourceError(404, "source_not_found", `the source answered ${said} for ${where}`);
  }
  if (response.status === 401 || response.status === 403) {
    return new SourceError(403, "source_forbidden", `the source answered ${said} for ${where}`);
  }
  if (response.status === 412) {
    return new SourceError(502, "source_changed", `the source changed while it was read: ${said}`);
  }
  return new SourceError(502, "source_status", `the source answered ${said} for ${where}`);
}

function fetchError(e: unknown, url: URL, options: SourceOptions): SourceError {
  if (Date.now() >= options.deadline || (e instanceof DOMException && e.name === "TimeoutError")) {
    return new SourceError(
      504,
      "source_timeout",
      `reading ${sourceName(url)} took longer than the time budget (SMBSCOPE_MAX_SECONDS)`,
    );
  }
  return new SourceError(
    502,
    "source_unreachable",
    `could not read ${sourceName(url)}: ${fetchFailure(e)}`,
  );
}

/**
 * Why a fetch failed: its cause when it has one ("fetch failed" alone says
 * nothing), without the URL the cause quotes ("... for url (URL): ..."), whose
 * query may be a signature. A serialised URL holds no "): " (spaces are
 * escaped), so the cut ends at the URL's end.
 */
function fetchFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const said = e.cause instanceof Error ? e.cause.message : e.message;
  return said.replace(/ for url \(.*?\)(?=: |$)/g, "");
}

function emptyReader(): ReadableStreamDefaultReader<Uint8Array> {
  return new ReadableStream<Uint8Array>({ start: (c) => c.close() }).getReader();
}
