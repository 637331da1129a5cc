/**
 * `fanout`: decode one capture on several function endpoints at once. Sends
 * N requests `POST /decode?format=ndjson&shard=i/N` (with `source=URL`, or
 * the file as the body), round-robin over the endpoints with at most
 * `--concurrency` at a time, and merges their NDJSON with
 * {@link ShardMerger} into the stream one decoder of the whole capture
 * gives: NDJSON lines on stdout, or one JSON document.
 *
 * A shard's lines are merged as they arrive, so a failed shard is retried
 * (once, on the next endpoint) only when it failed before any of its lines
 * were merged, which is the common case (a refused or failed request); one
 * that breaks off later makes fanout fail, naming it. A 4xx answer (a
 * missing or refused source, a bad parameter, too large) is the same on
 * every try and is not retried.
 *
 * The merge places an event only once every shard has shown how far it is,
 * so it streams in bounded memory only while every shard's request is open:
 * `--concurrency` defaults to the shard count, and below it the first
 * shards' answers are held whole until the last ones start.
 * @module
 */
import { parseArgs } from "node:util";
import { type DecodeEvent, type DecoderOptions, ShardMerger } from "../mod.ts";
import type { ShardItem } from "../lib/shard/order.ts";
import { MAX_SHARDS } from "../lib/shard/hash.ts";
import { DocumentBuilder } from "../lib/output/document.ts";
import { safeJson } from "../lib/output/sanitize.ts";
import { detectOptionsFrom, RuleChoiceError } from "./rules.ts";

export const FANOUT_USAGE = `Usage: smbscope fanout --endpoint URL [--endpoint URL\u2026] --shards N
                        (--source URL | FILE) [options]

Decode one capture on function endpoints (functions/, e.g. deno task serve), one
request per shard (POST URL/decode?format=ndjson&shard=i/N), and merge their
NDJSON into what one decoder gives.

Options:
      --endpoint <URL>          a function's base URL (repeatable; shards go round-robin)
      --shards <N>              how many shards (requests), 1 to ${MAX_SHARDS}
      --source <URL>            an http(s) URL the function reads with range requests
                                (the function must allow its host: SMBSCOPE_SOURCE_HOSTS);
                                without it, FILE is posted to every request
      --concurrency <N>         requests at once (default: all shards; fewer holds the
                                first shards' answers in memory until the last ones start)
  -f, --format <ndjson|json>    output: NDJSON lines (default) or one JSON document
      --no-open-events          leave out connection "open" events
      --no-hashes               no file digests
      --no-alerts               run no rules
      --rules <id,id>           run only these rules
      --disable-rules <id,id>   every rule but these
      --threshold <rule.option=N>  (repeatable)
  -h, --help                    this help`;

/** What `fanout` was asked. */
export interface FanoutCommand {
  endpoints: string[];
  shards: number;
  source: string | undefined;
  file: string | undefined;
  concurrency: number;
  format: "ndjson" | "json";
  openEvents: boolean;
  hashes: boolean;
  alerts: boolean;
  rules: string | undefined;
  disable: string | undefined;
  thresholds: string[];
}

/** A usage mistake: the message says which. */
export class FanoutUsageError extends Error {}

/** Parse `fanout`'s arguments; "help" for -h. */
export function parseFanoutArgs(args: string[]): FanoutCommand | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        endpoint: { type: "string", multiple: true },
        shards: { type: "string" },
        source: { type: "string" },
        concurrency: { type: "string" },
        format: { type: "string", short: "f", default: "ndjson" },
        "no-open-events": { type: "boolean", default: false },
        "no-hashes": { type: "boolean", default: false },
        "no-alerts": { type: "boolean", default: false },
        rules: { type: "string" },
        "disable-rules": { type: "string" },
        threshold: { type: "string", multiple: true },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new FanoutUsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const endpoints = values.endpoint ?? [];
  if (endpoints.length === 0) throw new FanoutUsageError("give at least one --endpoint");
  for (const e of endpoints) {
    if (!/^https?:\/\//.test(e)) throw new FanoutUsageError(`--endpoint ${e}: not an http(s) URL`);
  }
  const shards = Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new FanoutUsageError(`--shards takes 1 to ${MAX_SHARDS}, not "${values.shards}"`);
  }
  if ((values.source === undefined) === (positionals.length !== 1)) {
    throw new FanoutUsageError("give --source URL or one FILE (not both)");
  }
  const concurrency = values.concurrency === undefined ? shards : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new FanoutUsageError(
      `--concurrency takes a positive number, not "${values.concurrency}"`,
    );
  }
  const format = values.format;
  if (format !== "ndjson" && format !== "json") {
    throw new FanoutUsageError(`fanout writes ndjson or json, not ${format}`);
  }
  return {
    endpoints,
    shards,
    source: values.source,
    file: positionals[0],
    concurrency,
    format,
    openEvents: !values["no-open-events"],
    hashes: !values["no-hashes"],
    alerts: !values["no-alerts"],
    rules: values.rules,
    disable: values["disable-rules"],
    thresholds: values.threshold ?? [],
  };
}

/** The decoder options every shard runs with (the merger needs the same). */
function decoderOptions(cmd: FanoutCommand): DecoderOptions {
  try {
    const detect = detectOptionsFrom({
      rules: cmd.rules,
      disable: cmd.disable,
      thresholds: cmd.thresholds,
      names: { rules: "--rules", disable: "--disable-rules", threshold: "--threshold" },
    });
    return {
      ...(cmd.openEvents ? {} : { connectionOpenEvents: false }),
      detect: { enabled: cmd.alerts, ...detect },
      files: { hashes: cmd.hashes },
    };
  } catch (e) {
    if (e instanceof RuleChoiceError) throw new FanoutUsageError(e.message);
    throw e;
  }
}

/** The endpoint of shard `index`'s `attempt`-th request (from 1): round-robin, a retry on the next. */
export function shardEndpoint(cmd: FanoutCommand, index: number, attempt = 1): string {
  return cmd.endpoints[(index + attempt - 1) % cmd.endpoints.length]!.replace(/\/+$/, "");
}

/** The request URL of shard `index` at `endpoint`. */
export function shardUrl(
  cmd: FanoutCommand,
  index: number,
  endpoint: string = shardEndpoint(cmd, index),
): string {
  const q = new URLSearchParams({ format: "ndjson", shard: `${index}/${cmd.shards}` });
  if (cmd.source !== undefined) q.set("source", cmd.source);
  if (!cmd.hashes) q.set("hashes", "0");
  if (!cmd.alerts) q.set("alerts", "0");
  if (cmd.rules !== undefined) q.set("rules", cmd.rules);
  if (cmd.disable !== undefined) q.set("disable", cmd.disable);
  for (const t of cmd.thresholds) q.append("threshold", t);
  return `${endpoint}/decode?${q}`;
}

/** Lines taken from one shard's response at once (one push to the merger). */
const LINES_PER_BATCH = 512;
/** Batches of one shard held unmerged at most before its response is read on. */
const MAX_QUEUED = 8;

/**
 * Run the shards and write the merged events with `write` (awaited). Throws
 * on a shard that failed twice, or failed after its events began to merge.
 */
export async function runFanout(
  cmd: FanoutCommand,
  write: (events: DecodeEvent[]) => Promise<void> | void,
): Promise<void> {
  const options = decoderOptions(cmd);
  const body = cmd.file === undefined ? undefined : await Deno.readFile(cmd.file);
  const merger = new ShardMerger(cmd.shards, options);
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let failure: Error | undefined;
  let running = 0, next = 0;

  const fetchShard = async (index: number): Promise<void> => {
    const failed: string[] = [];
    for (let attempt = 1;; attempt++) {
      const endpoint = shardEndpoint(cmd, index, attempt);
      let taken = false;
      try {
        const response = await fetch(shardUrl(cmd, index, endpoint), {
          method: "POST",
          ...(body !== undefined
            ? { body, headers: { "content-type": "application/octet-stream" } }
            : {}),
        });
        if (!response.ok || response.body === null) {
          throw new ShardRefused(response.status, await refusal(response));
        }
        let batch: ShardItem[] = [];
        let ended = false;
        for await (const line of lines(response.body)) {
          if (line === "") continue;
          const item = JSON.parse(line) as ShardItem | StopLine;
          if (item.type === "error") throw new Error(`the function stopped: ${said(item)}`);
          batch.push(item as ShardItem);
          if (item.type === "summary") ended = true;
          if (batch.length >= LINES_PER_BATCH || item.type === "shard") {
            taken = true;
            merger.push(index, batch);
            batch = [];
            notify();
            // Waiting for the merge is safe only once every shard runs: it needs them all.
            while (
              next >= cmd.shards && merger.queued(index) >= MAX_QUEUED && failure === undefined
            ) {
              await new Promise<void>((resolve) => setTimeout(resolve, 1));
            }
          }
        }
        if (!ended) throw new Error("the response ended before its summary");
        merger.push(index, batch);
        notify();
        return;
      } catch (e) {
        failed.push(`${attempt > 1 ? "retried at" : "at"} ${endpoint}: ${failureText(e)}`);
        const final = e instanceof ShardRefused && e.status >= 400 && e.status < 500 &&
          e.status !== 408 && e.status !== 429;
        if (attempt >= 2 || taken || final) {
          throw new Error(`shard ${index}/${cmd.shards} ${failed.join("; ")}`);
        }
      }
    }
  };

  const launch = () => {
    while (running < cmd.concurrency && next < cmd.shards) {
      const index = next++;
      running++;
      fetchShard(index).catch((e) => failure ??= e).finally(() => {
        running--;
        launch();
        notify();
      });
    }
  };
  launch();
  while (!merger.done) {
    const events = merger.pull();
    if (events.length > 0) {
      await write(events);
      continue;
    }
    if (failure !== undefined) throw failure;
    await new Promise<void>((resolve) => wake = resolve);
  }
}

/** A function's answer other than 200: its status, and what it said. */
class ShardRefused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The last NDJSON line of a decode that stopped early. */
interface StopLine {
  type: "error";
  error?: { code?: string; message?: string };
}

/** `code: message` of a function's error (its JSON body or stop line), else the text as it came. */
function said(value: unknown, fallback = ""): string {
  const error = (value as StopLine | undefined)?.error;
  if (typeof error?.code === "string") return `${error.code}: ${error.message ?? ""}`;
  return fallback || JSON.stringify(value);
}

/** "404 source_not_found: ..." from a refused request's answer. */
async function refusal(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).trim();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return `${response.status} ${said(body, text.slice(0, 200) || response.statusText)}`;
}

/**
 * Why a request failed, without its URL: the request's query carries the
 * `source=` URL, whose own query may be a signature (the function never
 * echoes it either). A fetch that could not connect says why in its cause.
 */
function failureText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  const text = cause !== undefined && e.message === "fetch failed"
    ? `could not send the request: ${cause}`
    : e.message;
  // Up to the ")" that ends the URL: a serialised URL holds no "): " (spaces are escaped).
  return text.replace(/ for url \(.*?\)(?=: |$)/g, "");
}

/** The lines of a byte stream (UTF-8). */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const text of body.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + text).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest !== "") yield rest;
}

/** `smbscope fanout ...`: exit status 0, 1 (a shard failed), 2 (usage). */
export async function fanoutMain(args: string[]): Promise<number> {
  let cmd;
  try {
    cmd = parseFanoutArgs(args);
  } catch (e) {
    if (e instanceof FanoutUsageError) {
      console.error(`smbscope: ${e.message}\n\n${FANOUT_USAGE}`);
      return 2;
    }
    throw e;
  }
  if (cmd === "help") {
    console.log(FANOUT_USAGE);
    return 0;
  }
  const encoder = new TextEncoder();
  const writer = Deno.stdout.writable.getWriter();
  const document = cmd.format === "json" ? new DocumentBuilder() : undefined;
  try {
    await runFanout(cmd, async (events) => {
      if (document !== undefined) return document.add(events);
      await writer.write(encoder.encode(events.map((e) => safeJson(e)).join("\n") + "\n"));
    });
    if (document !== undefined) {
      await writer.write(encoder.encode(safeJson(document.finish(), 2) + "\n"));
    }
    await writer.close();
    return 0;
  } catch (e) {
    if (e instanceof FanoutUsageError) {
      console.error(`smbscope: ${e.message}\n\n${FANOUT_USAGE}`);
      return 2;
    }
    console.error(`smbscope: fanout: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
}
