/**
 * The HTTP function: a Web-standard `fetch(Request): Response` handler, the
 * same under `deno serve`, Deno Deploy, or any runtime with the standard
 * fetch handler. No `Deno.*` here: limits come in through {@link createHandler}.
 *
 * - `POST /decode[?format=json|ndjson][&types=smb,ntlm,...][&extract=zip][&hashes=0]`
 *   `[&host=addr,addr][&port=445,139][&smbOnly=1]`
 *   `[&rules=id,id][&disable=id,id][&threshold=rule.option:N...][&alerts=0]`: the
 *   capture as the raw body (pcap, pcapng, gzip or not) or as a
 *   `multipart/form-data` file, or `[&source=URL]` with no body: read by the function with
 *   `Range` requests from a host on `sourceHosts`; `extract=zip` answers with the carved files;
 *   the last four choose the detection rules (an unknown id is a 400 naming it).
 * - `GET /` the upload page, `GET /health`, `GET /api` (this API, described).
 * @module
 */
import { MAX_SHARDS, parseShard } from "../lib/shard/hash.ts";
import { Keyring } from "../lib/auth/keyring.ts";
import {
  Decoder,
  type DecoderOptions,
  EVENT_TYPES as ALL_EVENT_TYPES,
  loadCiphers,
} from "../mod.ts";
import { decodeResponse, errorResponse, jsonResponse } from "./decode.ts";
import { DEFAULT_HANDLER_LIMITS, type HandlerLimits, LIMIT_ENV } from "./limits.ts";
import { multipartBoundary } from "./multipart.ts";
import { UPLOAD_PAGE } from "./page.ts";
import {
  DEFAULT_SOURCE_PIECE_BYTES,
  openSource,
  type RangeSource,
  SOURCE_HOSTS_ENV,
  SourceError,
  sourceUrl,
} from "./source.ts";
import { nativeDigester } from "../cli/native_hashes.ts";
import { detectOptionsFrom, RuleChoiceError, ruleDescriptions } from "../cli/rules.ts";
import { parseHosts, parsePorts, type SelectOptions } from "../lib/output/select.ts";

/** What {@link createHandler} takes: the request limits and the decoder's own caps. */
export interface HandlerOptions extends Partial<HandlerLimits> {
  /** Decoder caps (see `DecoderOptions`); the defaults otherwise. */
  decoder?: DecoderOptions;
  /**
   * Hosts `source=` may read from (`host` or `host:port`, matched exactly);
   * empty or left out: `source=` is refused (403). `SMBSCOPE_SOURCE_HOSTS` in main.ts.
   */
  sourceHosts?: readonly string[];
  /** Bytes per `Range` request of a `source=` read. @default {8388608} */
  sourcePieceBytes?: number;
}

/** Milliseconds the source's requests may outlive the time budget (see readSource). */
const SOURCE_GRACE_MS = 1000;

/** How `source=` reads: the allow-list and the piece size. */
interface SourceSettings {
  hosts: readonly string[];
  pieceBytes: number;
}

/** A standard fetch handler object: `export default handler` serves it under `deno serve`. */
export interface FetchHandler {
  /** Answer one request. Never rejects; no input yields a 500. */
  fetch(request: Request): Promise<Response>;
}

/** Event kinds `types=` accepts: the one list in lib/events.ts. */
export const EVENT_TYPES: readonly string[] = ALL_EVENT_TYPES;

const CORS: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "content-type, content-length",
};

const ROUTES: Readonly<Record<string, readonly string[]>> = {
  "/": ["GET", "HEAD"],
  "/health": ["GET", "HEAD"],
  "/api": ["GET", "HEAD"],
  "/decode": ["POST"],
};

/** Build the handler with these limits (defaults for what is left out). */
export function createHandler(options: HandlerOptions = {}): FetchHandler {
  const { decoder: givenDecoder = {}, sourceHosts = [], sourcePieceBytes, ...given } = options;
  // File digests in native code unless the embedder chose its own (pure JS is 10x slower).
  const decoder: DecoderOptions = {
    ...givenDecoder,
    files: { hasher: nativeDigester, ...givenDecoder.files },
  };
  const source: SourceSettings = {
    hosts: sourceHosts.map((h) => h.trim().toLowerCase()).filter(Boolean),
    pieceBytes: sourcePieceBytes ?? DEFAULT_SOURCE_PIECE_BYTES,
  };
  if (!(source.pieceBytes >= 1)) {
    throw new RangeError("Cannot create handler: sourcePieceBytes must be a positive number");
  }
  const limits: HandlerLimits = { ...DEFAULT_HANDLER_LIMITS };
  for (const key of Object.keys(DEFAULT_HANDLER_LIMITS) as (keyof HandlerLimits)[]) {
    const value = given[key];
    if (value === undefined) continue;
    if (!(value > 0)) {
      throw new RangeError(`Cannot create handler: ${key} must be a positive number`);
    }
    limits[key] = value;
  }
  // A bad decoder option throws here, at start-up, not per request. The secrets are checked
  // apart: the AES code they need is loaded by the first request that can use it.
  const { keys, ...keyless } = decoder;
  new Decoder(keyless);
  if (keys !== undefined) new Keyring(keys);
  return {
    async fetch(request: Request): Promise<Response> {
      try {
        return await route(request, limits, decoder, source);
      } catch (e) {
        // Not reached by any input we know of; still, never a 500.
        return errorResponse(
          422,
          "internal",
          `the request could not be handled: ${e instanceof Error ? e.message : String(e)}`,
          CORS,
        );
      }
    },
  };
}

async function route(
  request: Request,
  limits: HandlerLimits,
  decoder: DecoderOptions,
  source: SourceSettings,
): Promise<Response> {
  const url = new URL(request.url);
  const methods = ROUTES[url.pathname];
  if (methods === undefined) {
    return errorResponse(404, "not_found", `no route ${url.pathname}; see GET /api`, CORS);
  }
  if (request.method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        ...CORS,
        allow: [...methods, "OPTIONS"].join(", "),
        "access-control-allow-methods": [...methods, "OPTIONS"].join(", "),
        "access-control-allow-headers": "content-type, content-encoding",
        "access-control-max-age": "86400",
      },
    });
  }
  if (!methods.includes(request.method)) {
    return errorResponse(
      405,
      "method_not_allowed",
      `${url.pathname} takes ${methods.join(" or ")}, not ${request.method}`,
      { ...CORS, allow: [...methods, "OPTIONS"].join(", ") },
    );
  }
  const head = request.method === "HEAD";
  const withoutBody = (r: Response) => head ? new Response(null, r) : r;
  switch (url.pathname) {
    case "/":
      return withoutBody(
        new Response(UPLOAD_PAGE, {
          headers: {
            ...CORS,
            "content-type": "text/html; charset=utf-8",
            "content-security-policy":
              "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; " +
              "connect-src 'self'; img-src data:",
            "x-content-type-options": "nosniff",
          },
        }),
      );
    case "/health":
      return withoutBody(jsonResponse({ ok: true }, 200, CORS));
    case "/api":
      return withoutBody(jsonResponse(describeApi(limits, source.hosts), 200, CORS));
  }
  return await decodeRequest(request, url, limits, decoder, source);
}

async function decodeRequest(
  request: Request,
  url: URL,
  limits: HandlerLimits,
  decoder: DecoderOptions,
  sourceSettings: SourceSettings,
): Promise<Response> {
  const started = Date.now();
  const extract = url.searchParams.get("extract");
  if (extract !== null && extract !== "zip") {
    return errorResponse(400, "bad_extract", `extract must be zip, not ${extract}`, CORS);
  }
  const hashes = url.searchParams.get("hashes");
  if (hashes !== null && hashes !== "0" && hashes !== "1") {
    return errorResponse(400, "bad_hashes", `hashes must be 0 or 1, not ${hashes}`, CORS);
  }
  const format = url.searchParams.get("format") ?? "json";
  if (format !== "json" && format !== "ndjson") {
    return errorResponse(400, "bad_format", `format must be json or ndjson, not ${format}`, CORS);
  }
  let types: Set<string> | undefined;
  const typesParam = url.searchParams.get("types");
  if (typesParam !== null) {
    types = new Set(typesParam.split(",").map((t) => t.trim()).filter(Boolean));
    for (const t of types) {
      if (!EVENT_TYPES.includes(t)) {
        return errorResponse(
          400,
          "bad_types",
          `unknown event type ${JSON.stringify(t)}; known: ${EVENT_TYPES.join(", ")}`,
          CORS,
        );
      }
    }
  }
  const select = selectFrom(url.searchParams);
  if (select instanceof Response) return select;
  const detect = detectFrom(url.searchParams, decoder);
  if (detect instanceof Response) return detect;
  // shard=i/N (0-based): decode only that share of the host pairs, for `fanout` to merge.
  const shardParam = url.searchParams.get("shard");
  const shard = shardParam === null ? undefined : parseShard(shardParam);
  if (shardParam !== null && shard === undefined) {
    return errorResponse(
      400,
      "bad_shard",
      `shard must be i/N with 0 \u2264 i < N \u2264 ${MAX_SHARDS}, not ${shardParam}`,
      CORS,
    );
  }
  const sourceParam = url.searchParams.get("source");
  const source = sourceParam === null
    ? undefined
    : await readSource(request, sourceParam, sourceSettings, limits, started);
  if (source instanceof Response) return source;
  // Content-Length is trusted up front only without Transfer-Encoding; bytes are counted anyway.
  const length = Number(request.headers.get("content-length") ?? NaN);
  if (!source && !request.headers.has("transfer-encoding") && length > limits.maxBytes) {
    request.body?.cancel().catch(() => {});
    return errorResponse(
      413,
      "too_large",
      `the upload (${length} bytes) is larger than the limit of ${limits.maxBytes} bytes ` +
        `(${LIMIT_ENV.maxBytes})`,
      CORS,
    );
  }
  const contentType = request.headers.get("content-type") ?? "";
  let boundary: string | undefined;
  if (!source && /^\s*multipart\/form-data\b/i.test(contentType)) {
    boundary = multipartBoundary(contentType);
    if (boundary === undefined) {
      request.body?.cancel().catch(() => {});
      return errorResponse(400, "no_file", "multipart/form-data without a boundary", CORS);
    }
  }
  // Secrets come in form fields (or in the embedder's options): only then is AES worth loading.
  if (boundary !== undefined || decoder.keys !== undefined) await loadCiphers();
  return await decodeResponse({
    started,
    body: source?.stream ?? request.body,
    ...(source ? { sourceFailure: () => source.failure } : {}),
    ...(boundary !== undefined ? { boundary } : {}),
    format,
    ...(types !== undefined ? { types } : {}),
    select,
    ...(extract === "zip" ? { extract: "zip" as const } : {}),
    limits,
    // File digests are most of the time on file content: hashes=0 leaves them out.
    decoder: {
      ...decoder,
      ...(hashes === "0" ? { files: { ...decoder.files, hashes: false } } : {}),
      detect,
      ...(shard !== undefined ? { shard } : {}),
    },
  }, CORS);
}

/**
 * `source=URL`: checked against the allow-list and opened (its first piece's
 * answer in), or the JSON error to answer with. A request body is refused.
 */
async function readSource(
  request: Request,
  raw: string,
  settings: SourceSettings,
  limits: HandlerLimits,
  started: number,
): Promise<RangeSource | Response> {
  const length = request.headers.get("content-length");
  const sent = (length !== null && length !== "0") || request.headers.has("transfer-encoding") ||
    (length === null && await hasBytes(request.body));
  request.body?.cancel().catch(() => {});
  if (sent) {
    return errorResponse(400, "bad_source", "source= reads the capture itself: send no body", CORS);
  }
  try {
    return await openSource(sourceUrl(raw, settings.hosts), {
      hosts: settings.hosts,
      pieceBytes: settings.pieceBytes,
      // A moment past the decode's own budget, so that its stop (the output so far, marked
      // truncated) comes first and a source cut by the clock is not taken for a failing one.
      deadline: started + limits.maxSeconds * 1000 + SOURCE_GRACE_MS,
      maxBytes: limits.maxBytes,
    });
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    return errorResponse(e.status, e.code, e.message, CORS);
  }
}

/** Whether a body with neither Content-Length nor Transfer-Encoding (made in process) has bytes. */
async function hasBytes(body: ReadableStream<Uint8Array> | null): Promise<boolean> {
  if (body === null) return false;
  const { done, value } = await body.getReader().read();
  return !done && value.length > 0;
}

/** `host=`, `port=` and `smbOnly=`: the conversations to output (lib/output/select.ts). */
function selectFrom(query: URLSearchParams): SelectOptions | Response {
  const smbOnly = query.get("smbOnly");
  if (smbOnly !== null && smbOnly !== "0" && smbOnly !== "1") {
    return errorResponse(400, "bad_smbOnly", `smbOnly must be 0 or 1, not ${smbOnly}`, CORS);
  }
  try {
    return {
      hosts: query.getAll("host").flatMap(parseHosts),
      ports: query.getAll("port").flatMap(parsePorts),
      smbOnly: smbOnly === "1",
    };
  } catch (e) {
    return errorResponse(400, "bad_port", `port: ${e instanceof Error ? e.message : e}`, CORS);
  }
}

/**
 * The decoder's `detect` options from `rules=`, `disable=`, `threshold=` (repeatable) and
 * `alerts=`, over the handler's own; a 400 naming what is wrong otherwise.
 */
function detectFrom(
  query: URLSearchParams,
  decoder: DecoderOptions,
): NonNullable<DecoderOptions["detect"]> | Response {
  const alerts = query.get("alerts");
  if (alerts !== null && alerts !== "0" && alerts !== "1") {
    return errorResponse(400, "bad_alerts", `alerts must be 0 or 1, not ${alerts}`, CORS);
  }
  const thresholds = query.getAll("threshold");
  const rules = query.get("rules") ?? undefined, disable = query.get("disable") ?? undefined;
  if (alerts === "0" && (rules !== undefined || disable !== undefined || thresholds.length > 0)) {
    return errorResponse(
      400,
      "bad_alerts",
      "alerts=0 runs no rules: leave out rules, disable and threshold",
      CORS,
    );
  }
  try {
    const chosen = detectOptionsFrom({
      rules,
      disable,
      thresholds,
      names: { rules: "rules=", disable: "disable=", threshold: "threshold=" },
    });
    const base = decoder.detect ?? {};
    return {
      ...base,
      ...(alerts === null ? {} : { enabled: alerts === "1" }),
      ...chosen,
      ...(chosen.thresholds ? { thresholds: { ...base.thresholds, ...chosen.thresholds } } : {}),
    };
  } catch (e) {
    if (!(e instanceof RuleChoiceError)) throw e;
    return errorResponse(400, `bad_${e.about}`, e.message, CORS);
  }
}

/** `GET /api`: what the function accepts and returns, for machines. */
export function describeApi(limits: HandlerLimits, sourceHosts: readonly string[] = []): unknown {
  return {
    name: "smbscope",
    endpoints: {
      "POST /decode": {
        body: [
          "raw capture: application/vnd.tcpdump.pcap, application/octet-stream (pcap or pcapng)",
          "gzip-compressed capture (Content-Encoding: gzip or not: the magic is sniffed)",
          "multipart/form-data: the first file part is decoded",
          "none, with source=URL: the function reads the capture itself",
        ],
        formFields: {
          note: "text fields before the file part of a multipart/form-data body; secrets " +
            "never appear in the output (never put them in the query string)",
          password: "[DOMAIN\\]USER:PASSWORD, repeatable: SMB3 decryption, signature and " +
            "password checks",
          nt_hash: "[DOMAIN\\]USER:HEX (32 hex digits), repeatable",
          session_key: "SESSIONID:HEX, repeatable (SESSIONID decimal, 0x-hex, or 16 hex " +
            "digits in wire order)",
          keys: "lines 'password \u2026', 'nt-hash \u2026', 'session-key \u2026'",
          export_hashes: "1: ntlm events carry hashcat lines (hashcat, hashcatMode)",
        },
        query: {
          format: {
            json: "default; one document: summary, connections, smbSessions, authentications, " +
              "kerberos, trees, netbios, files (with hashes), rpc, alerts, anomalies, " +
              "truncated (+ reason)",
            ndjson: "one event per line, streamed as decoded; a final " +
              '{"type":"error","error":{code,message}} line when the decode stopped early',
          },
          types: `comma-separated event kinds to output: ${EVENT_TYPES.join(",")}`,
          host: "comma-separated addresses (repeatable): only conversations with one of them " +
            "at either end, in every output",
          port: "comma-separated ports (repeatable): only conversations with one of them",
          smbOnly: "1: only conversations that carry SMB, NetBIOS or DCE/RPC",
          shard: "i/N (0 <= i < N): decode only the conversations of shard i of N by host " +
            "pair; events carry shardKey for the fanout command's merge",
          hashes: "0: no MD5/SHA-1/SHA-256 of carved files (ten times faster on file content); " +
            "1 (default)",
          extract: "zip: answer application/zip with the carved files (each beside a " +
            "<name>.smbscope.json sidecar with its file event) and smbscope-summary.json, " +
            "streamed as files end; format and types are ignored",
          rules: "comma-separated rule ids: run only these detection rules (see rules below)",
          disable: "comma-separated rule ids: run every rule but these",
          threshold: "RULE.OPTION:N (RULE.OPTION=N also read), repeatable: set a rule's " +
            "threshold, e.g. threshold=password-spray.users:10",
          alerts: "0: run no detection rules (no alert events); 1 (default)",
          source: "http(s) URL of a capture (pcap, pcapng, gzip or not) on a host of " +
            `sourceHosts (${SOURCE_HOSTS_ENV}; none: refused, 403 source_not_allowed); read ` +
            "with Range requests of a few MiB, streamed into the decoder; send no body. " +
            "Redirects are followed only to listed hosts; a server that ignores Range is " +
            "read as it streams",
        },
        errors: {
          400: "bad query, or a form without a file (no_file); an unknown rule id " +
            "(bad_rules) or threshold (bad_threshold) is named in the message; a malformed " +
            "secret field (bad_keys) is named by field and position, never quoted; gzip data " +
            'that does not inflate (gzip_corrupt: "gzip data is corrupt: \u2026")',
          413: "upload over maxBytes (too_large)",
          415: "not a pcap or pcapng capture; the message names what it looks like",
          source: "source=: 400 bad_source (not http(s), a user or password in it, a body " +
            "sent), 403 source_not_allowed or source_forbidden (the source said 401/403), " +
            "404 source_not_found, 413 too_large (its size), 502 source_status, " +
            "source_unreachable, source_redirect, source_range, source_changed (ETag, " +
            "Last-Modified or size changed between pieces), source_short_read, 504 " +
            "source_timeout; after the answer has begun, NDJSON ends with the error line",
        },
        errorBody: { error: { code: "string", message: "string" } },
      },
      "GET /": "upload page",
      "GET /health": { ok: true },
      "GET /api": "this description",
    },
    rules: ruleDescriptions(),
    limits: {
      maxBytes: limits.maxBytes,
      maxSeconds: limits.maxSeconds,
      maxEvents: limits.maxEvents,
      maxStreamEvents: limits.maxStreamEvents,
      maxExtractBytes: limits.maxExtractBytes,
      // Whether source= is on; the hosts themselves are not told.
      source: sourceHosts.length > 0,
      env: { ...LIMIT_ENV, sourceHosts: SOURCE_HOSTS_ENV },
    },
  };
}
