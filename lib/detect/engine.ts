/**
 * Runs the detection rules inside the decoder: an event watcher that hands
 * each event to the rules listening to its type, synchronously, and turns
 * what they raise into `alert` events citing the events they rest on.
 * @module
 */
import type { AlertEvent, DecodeEvent, Endpoint, EventType } from "../events.ts";
import type { Reporter } from "../report.ts";
import { BoundedMap } from "../state/bounded_map.ts";
import type { AlertInput, Rule, RuleContext, RuleInstance } from "./rule.ts";
import { RULES } from "./rules/mod.ts";

/** Which rules run and with which thresholds (validated: a bad one throws a clear error). */
export interface DetectOptions {
  /** Only these rule ids (default: every rule). */
  rules?: readonly string[];
  /** Not these rule ids. */
  disable?: readonly string[];
  /** Thresholds by `<rule id>.<option>`. */
  thresholds?: Readonly<Record<string, number>>;
}

/** Entries of one rule's state map unless it asks for another cap. */
const DEFAULT_STATE_ENTRIES = 10_000;

/** The rules chosen by `options`, checked; throws `TypeError`/`RangeError` naming a bad option. */
export function chosenRules(options: DetectOptions = {}, all: readonly Rule[] = RULES): Rule[] {
  const known = new Map(all.map((r) => [r.id, r]));
  const ids = (list: unknown, name: string): string[] => {
    if (list === undefined) return [];
    if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) {
      throw new TypeError(
        `Cannot create decoder: option detect.${name} must be a list of rule ids`,
      );
    }
    for (const id of list as string[]) {
      if (!known.has(id)) {
        throw new RangeError(
          `Cannot create decoder: unknown rule "${id}" in detect.${name} (known: ${
            [...known.keys()].join(", ")
          })`,
        );
      }
    }
    return list as string[];
  };
  const only = ids(options.rules, "rules");
  const off = new Set(ids(options.disable, "disable"));
  const thresholds = options.thresholds ?? {};
  if (thresholds === null || typeof thresholds !== "object" || Array.isArray(thresholds)) {
    throw new TypeError("Cannot create decoder: option detect.thresholds must be an object");
  }
  for (const [key, value] of Object.entries(thresholds)) {
    const [id, name] = key.split(".", 2) as [string, string | undefined];
    const rule = known.get(id);
    if (rule === undefined || name === undefined || rule.options?.[name] === undefined) {
      throw new RangeError(`Cannot create decoder: unknown threshold detect.thresholds["${key}"]`);
    }
    if (typeof value !== "number" || !(value >= 0)) {
      throw new RangeError(
        `Cannot create decoder: detect.thresholds["${key}"] must be a non-negative number`,
      );
    }
  }
  return all.filter((r) => (only.length === 0 || only.includes(r.id)) && !off.has(r.id));
}

/** The engine: one instance per decode (an event watcher, see lib/registry.ts). */
export class DetectionEngine {
  readonly #byType = new Map<EventType, RuleInstance[]>();
  readonly #instances: RuleInstance[] = [];
  /** The rules' per-connection maps, each forgotten a connection at its close. */
  readonly #perConnection: { forget(connection: number): void }[] = [];
  /** Where alerts go during the current call. */
  #out: DecodeEvent[] | undefined;

  constructor(
    readonly rules: readonly Rule[],
    readonly reporter: Reporter,
    readonly thresholds: Readonly<Record<string, number>> = {},
  ) {
    for (const rule of rules) {
      const instance = rule.create(this.#context(rule));
      this.#instances.push(instance);
      for (const t of rule.listens) {
        const list = this.#byType.get(t) ?? [];
        list.push(instance);
        this.#byType.set(t, list);
      }
    }
  }

  event(event: DecodeEvent, out: DecodeEvent[]): void {
    const listeners = this.#byType.get(event.type);
    if (listeners !== undefined) {
      this.#out = out;
      // Called for every event of a decode: the try is inline, not a closure per listener.
      for (let i = 0; i < listeners.length; i++) {
        try {
          listeners[i]!.event(event);
        } catch (e) {
          this.#failed(e, event);
        }
      }
      this.#out = undefined;
    }
    if (event.type === "connection" && event.action === "close") {
      for (const state of this.#perConnection) state.forget(event.id);
    }
  }

  end(out: DecodeEvent[]): void {
    this.#out = out;
    for (const i of this.#instances) {
      try {
        i.end?.();
      } catch (e) {
        this.#failed(e, undefined);
      }
    }
    this.#out = undefined;
  }

  /** A rule's mistake is reported as a bug and the decode goes on. */
  #failed(e: unknown, event: DecodeEvent | undefined): void {
    const ev = event !== undefined && "evidence" in event ? event.evidence : undefined;
    this.reporter.anomaly(
      "detect",
      "bug",
      `a rule failed: ${e}`,
      ev?.frames[0] ?? 0,
      ev?.ts ?? 0,
    );
  }

  #context(rule: Rule): RuleContext {
    // Rules ask for their thresholds per event; the key is built once per name.
    const options = new Map<string, number>();
    return {
      alert: (input) => this.#alert(rule, input),
      option: (name) => {
        let value = options.get(name);
        if (value === undefined) {
          value = this.thresholds[`${rule.id}.${name}`] ?? rule.options?.[name]?.default ?? 0;
          options.set(name, value);
        }
        return value;
      },
      limit: (detail) =>
        this.reporter.limit("detect", "maxRuleState", `rule ${rule.id}: ${detail}`, 0, 0),
      state: <K, V>(max = DEFAULT_STATE_ENTRIES) => this.#state<K, V>(rule, max),
      connectionState: <V>(max = DEFAULT_STATE_ENTRIES, onForget?: (value: V) => void) => {
        const state = this.#state<number, V>(rule, max, onForget);
        this.#perConnection.push({
          forget(connection) {
            const value = state.get(connection);
            if (value !== undefined && state.delete(connection)) onForget?.(value);
          },
        });
        return state;
      },
    };
  }

  #state<K, V>(rule: Rule, max: number, onForget?: (value: V) => void): BoundedMap<K, V> {
    return new BoundedMap<K, V>({
      max,
      onEvict: (evicted) => {
        if (onForget !== undefined) { for (const [, value] of evicted) onForget(value); }
        this.reporter.limit(
          "detect",
          "maxRuleState",
          `rule ${rule.id} followed more than ${max} connections or hosts; the older half forgotten`,
          0,
          0,
        );
      },
    });
  }

  #alert(rule: Rule, input: AlertInput): void {
    const out = this.#out;
    if (out === undefined) return;
    const frames: number[] = [];
    const seqs: number[] = [];
    let ts = 0, connection: number | undefined;
    let client: Endpoint | undefined = input.client, server: Endpoint | undefined = input.server;
    let user = input.user === null ? undefined : input.user;
    const noUser = input.user === null;
    for (const e of input.rests) {
      if (e.seq !== undefined && !seqs.includes(e.seq)) seqs.push(e.seq);
      if (e.type === "summary") continue;
      if (ts === 0) ts = e.evidence.ts;
      for (const f of e.evidence.frames) {
        if (frames.length < 64 && !frames.includes(f)) frames.push(f);
      }
      connection ??= e.evidence.connection;
      if ("client" in e && e.client !== undefined) client ??= e.client;
      if ("server" in e && e.server !== undefined) server ??= e.server;
      if (noUser) {
        // An alert about many users names none.
      } else if (e.type === "ntlm") {
        if (e.user !== "") user ??= e.domain === "" ? e.user : `${e.domain}\\${e.user}`;
      } else if ("user" in e && typeof e.user === "string" && e.user !== "") user ??= e.user;
    }
    const alert: AlertEvent = {
      type: "alert",
      rule: rule.id,
      title: rule.title,
      severity: rule.severity,
      technique: rule.technique,
      techniqueName: rule.techniqueName,
      message: input.message,
      values: input.values,
      events: seqs,
      evidence: { frames, ts },
    };
    if (connection !== undefined) alert.evidence.connection = connection;
    if (client !== undefined) alert.client = client;
    if (server !== undefined) alert.server = server;
    if (user !== undefined) alert.user = user;
    out.push(alert);
  }
}
