/**
 * Test-only, shared by the rule tests: decode a capture (or feed made-up events) with chosen
 * rules, failing on any rule failure (a `detect` anomaly); read a fixture's expected.json and
 * compare alerts with the ones it plans; name a test on the public corpus; and walk every capture
 * under a folder for the false-positive runs.
 * @module
 */
import * as assert from "node:assert/strict";
import type { AlertEvent, DecodeEvent } from "../../../lib/events.ts";
import { DetectionEngine } from "../../../lib/detect/engine.ts";
import type { Rule } from "../../../lib/detect/rule.ts";
import { Reporter } from "../../../lib/report.ts";
import { Decoder } from "../../../mod.ts";
import { corpusPresent } from "../../_support/corpus.ts";

/** Thresholds by `<rule>.<option>`, as `detect.thresholds` takes them. */
export type Thresholds = Record<string, number>;

/** The checkout's fixtures/ folder. */
export const FIXTURES = new URL("../../../fixtures/", import.meta.url);

/** The rule failures among events: `detect` anomalies (a rule threw, or lost state). */
function failures(events: readonly DecodeEvent[]): DecodeEvent[] {
  return events.filter((e) => e.type === "anomaly" && e.layer === "detect");
}

const isAlert = (e: DecodeEvent): e is AlertEvent => e.type === "alert";

/** Every event of a capture decoded with `rules` alone, the detection anomalies last. */
function decodeEvents(
  rules: readonly Rule[],
  bytes: Uint8Array,
  thresholds: Thresholds = {},
): DecodeEvent[] {
  const out: DecodeEvent[] = [];
  const engine = new DetectionEngine(rules, new Reporter(out, 100), thresholds);
  const d = new Decoder({ alerts: false, watchers: [engine] });
  return [...d.push(bytes), ...d.end(), ...out];
}

/**
 * Every event of a capture (a URL to read, or its bytes) decoded with `rules` alone, the
 * detection anomalies last, and its alerts; fails on any rule failure.
 */
export function decodeWith(
  rules: readonly Rule[],
  capture: URL | Uint8Array,
  thresholds: Thresholds = {},
): { events: DecodeEvent[]; alerts: AlertEvent[] } {
  const bytes = capture instanceof URL ? Deno.readFileSync(capture) : capture;
  const events = decodeEvents(rules, bytes, thresholds);
  assert.deepEqual(failures(events), []);
  return { events, alerts: events.filter(isAlert) };
}

/** The alerts of `rules` over a capture; fails on any rule failure. */
export function alertsOf(
  rules: readonly Rule[],
  capture: URL | Uint8Array,
  thresholds: Thresholds = {},
): AlertEvent[] {
  return decodeWith(rules, capture, thresholds).alerts;
}

/** An engine with `rules`, fed made-up events (as no decoder emits them) by hand. */
export class RuleBench {
  /** Where the engine puts alerts. */
  readonly sink: DecodeEvent[] = [];
  /** What its reporter got: a rule failure shows here. */
  readonly reported: DecodeEvent[] = [];
  readonly #engine: DetectionEngine;

  constructor(rules: readonly Rule[], thresholds: Thresholds = {}) {
    this.#engine = new DetectionEngine(rules, new Reporter(this.reported, 100), thresholds);
  }

  /** Each event in turn. */
  feed(...events: unknown[]): void {
    for (const e of events) this.#engine.event(e as DecodeEvent, this.sink);
  }

  /** The end of the decode (rules that count decide here). */
  end(): void {
    this.#engine.end(this.sink);
  }

  /** The alerts raised so far. */
  get alerts(): AlertEvent[] {
    return this.sink.filter(isAlert);
  }
}

/** The alerts of `rules` over made-up events and the decode's end; fails on any rule failure. */
export function feed(
  rules: readonly Rule[],
  events: readonly unknown[],
  thresholds: Thresholds = {},
): AlertEvent[] {
  const bench = new RuleBench(rules, thresholds);
  bench.feed(...events);
  bench.end();
  assert.deepEqual(bench.reported, []);
  return bench.alerts;
}

/** An alert's values, for tests that read them as plain data. */
export const valuesOf = (a: AlertEvent | undefined): Record<string, unknown> =>
  a!.values as Record<string, unknown>;

/** `<dir><name>.expected.json`, parsed: its shape is for the test to state. */
export function expectedJson<T = ReturnType<typeof JSON.parse>>(dir: URL, name: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(`${name}.expected.json`, dir))) as T;
}

/** An alert a fixture's expected.json plans (fixtures/detect/smb1). */
export interface ExpectedAlert {
  rule: string;
  frames: number[];
  values: Record<string, unknown>;
}

/** The alerts of one rule that `<dir><name>.expected.json` plans. */
export function planned(dir: URL, name: string, rule: string): ExpectedAlert[] {
  return expectedJson<{ alerts: ExpectedAlert[] }>(dir, name).alerts.filter((a) => a.rule === rule);
}

/** Checks alerts against the planned ones, in order: rule, frames and every planned value. */
export function agree(got: readonly AlertEvent[], exp: readonly ExpectedAlert[]): void {
  assert.equal(got.length, exp.length);
  for (const [i, a] of got.entries()) {
    assert.equal(a.rule, exp[i]!.rule);
    assert.deepEqual(a.evidence.frames, exp[i]!.frames);
    for (const [k, v] of Object.entries(exp[i]!.values)) assert.deepEqual(a.values[k], v, k);
  }
}

/** The rows of a Zeek log (tab-separated columns; `#` header lines left out). */
export function zeekLog(path: URL): string[][] {
  return Deno.readTextFileSync(path).split("\n").filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

/**
 * A test on the public corpus (../shared/pcaps/public): skipped where it is absent, under
 * `absentName` (by default `name`) saying so.
 */
export function corpusTest(
  name: string,
  fn: () => void | Promise<void>,
  absentName: string = name,
): void {
  Deno.test({
    name: corpusPresent ? name : `${absentName} (skipped: ../shared/pcaps/public not present)`,
    ignore: !corpusPresent,
    fn,
  });
}

/**
 * The captures under a folder (pcap, pcapng, cap, gzip-compressed or not), by name, with their
 * paths below `dir` after `prefix`; oracle/, expected/ and work/ folders hold none.
 */
function* captures(dir: URL, prefix: string): Generator<[string, URL]> {
  for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory) {
      if (!["oracle", "expected", "work"].includes(e.name)) {
        yield* captures(url, `${prefix}${e.name}/`);
      }
    } else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(e.name)) {
      yield [`${prefix}${e.name}`, url];
    }
  }
}

/** A capture's bytes, inflated when it is gzip-compressed. */
async function readCapture(url: URL): Promise<Uint8Array> {
  const bytes = Deno.readFileSync(url);
  if (!url.pathname.endsWith(".gz")) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** How a false-positive run reads the captures under a root. */
export interface SweepOptions {
  /** Put before each capture's path below the root (the keys of the expected alerts). */
  prefix?: string;
  /** Sort each capture's alerts by first frame (else: in the order raised). */
  byFirstFrame?: boolean;
}

/**
 * Decodes every capture under `root` with `rules`; returns one line per alert (`describe`d) for
 * each capture that raised any, by path, and how many captures were decoded. Fails on any rule
 * failure, naming the capture.
 */
export async function alertsByCapture(
  root: URL,
  rules: readonly Rule[],
  describe: (a: AlertEvent) => string,
  options: SweepOptions = {},
): Promise<{ found: Record<string, string[]>; n: number }> {
  const found: Record<string, string[]> = {};
  let n = 0;
  for (const [path, url] of captures(root, options.prefix ?? "")) {
    const events = decodeEvents(rules, await readCapture(url));
    assert.deepEqual(failures(events), [], `${path}: a rule failed`);
    const alerts = events.filter(isAlert);
    if (options.byFirstFrame) alerts.sort((a, b) => a.evidence.frames[0]! - b.evidence.frames[0]!);
    if (alerts.length > 0) found[path] = alerts.map(describe);
    n++;
  }
  return { found, n };
}

/**
 * The false-positive run: every capture under `root` (at least `atLeast` of them) raises exactly
 * the `expected` alerts of `rules`, as `describe` writes them, by capture; a capture not listed
 * raises none. Logs the counts under `label`.
 */
export async function sweep(
  root: URL,
  rules: readonly Rule[],
  describe: (a: AlertEvent) => string,
  expected: Record<string, string[]>,
  options: SweepOptions & { atLeast: number; label: string },
): Promise<void> {
  const { found, n } = await alertsByCapture(root, rules, describe, options);
  assert.ok(n >= options.atLeast, `${n} captures`);
  assert.deepEqual(found, expected);
  console.log(
    `${options.label}: ${n} captures, ${Object.values(found).flat().length} alerts, all expected`,
  );
}

/** The fields every made-up SMB1 request of the rule tests shares (add messageId and command). */
export const SMB1_REQUEST = {
  type: "smb",
  version: 1,
  response: false,
  sessionId: "1",
  treeId: 2,
  processId: 3,
  chainIndex: 0,
  header: {},
  evidence: { frames: [1], ts: 0, connection: 0, streamOffset: 0, fromClient: true },
} as const;
