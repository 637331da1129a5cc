/**
 * What a detection rule is: its description (id, title, severity, ATT&CK
 * technique, references, the event types it listens to, its thresholds) and
 * a factory of its per-decode state, which sees those events one by one,
 * synchronously, and raises alerts through its context.
 * @module
 */
import type { AlertSeverity, DecodeEvent, Endpoint, EventType, JsonValue } from "../events.ts";

/** A rule's capped map (a `BoundedMap` inside): the older half is forgotten past its cap. */
export interface RuleState<K, V> {
  /** The value of a key. */
  get(key: K): V | undefined;
  /** Set a key (may forget the oldest entries). */
  set(key: K, value: V): boolean;
  /** Whether a key is held. */
  has(key: K): boolean;
  /** Forget a key. */
  delete(key: K): boolean;
  /** The values held, oldest first. */
  values(): IterableIterator<V>;
}

/** A threshold of a rule: its default and what it means (for `--list-rules` and the README). */
export interface RuleOption {
  /** The value used unless the decoder's options say otherwise. */
  default: number;
  /** What it counts or bounds. */
  description: string;
}

/** What a rule raises: the line for a person, the values behind it, and the events it rests on. */
export interface AlertInput {
  /** One line naming the values that triggered it. */
  message: string;
  /** Those values. */
  values: { [key: string]: JsonValue };
  /** The events it rests on (their `seq` and frames become the alert's). */
  rests: readonly DecodeEvent[];
  /** The client address, when not that of the events it rests on. */
  client?: Endpoint;
  /** The server address, likewise. */
  server?: Endpoint;
  /** The user concerned, when not that of the events; `null`: none (an alert about many users). */
  user?: string | null;
}

/** What a rule's state gets from the engine. */
export interface RuleContext {
  /** Raise an alert. */
  alert(input: AlertInput): void;
  /** A threshold's value (the decoder's option, else the rule's default). */
  option(name: string): number;
  /**
   * A map for per-connection or per-host state, capped: past `max` entries
   * (default 10 000) the older half is forgotten and one `limit` anomaly
   * (`detect_maxRuleState`) says which rule lost state.
   */
  state<K, V>(max?: number): RuleState<K, V>;
  /**
   * A capped map keyed by connection id whose entry for a connection is
   * forgotten when that connection's `close` event has passed every rule
   * (no event of a connection comes after its close). State about one
   * connection belongs here, so that a long capture's dead connections do
   * not fill the cap and push out live ones. `onForget` hears each value
   * forgotten (at a close or past the cap), for state kept elsewhere about it.
   */
  connectionState<V>(max?: number, onForget?: (value: V) => void): RuleState<number, V>;
  /**
   * Report that a fixed cap of the rule's own (entries inside one state
   * value, say) dropped something: counted as `detect_maxRuleState`.
   */
  limit(detail: string): void;
}

/** One rule's state during one decode. */
export interface RuleInstance {
  /** An event of a type the rule listens to. */
  event(event: DecodeEvent): void;
  /** The decode ended (before the summary): rules counting towards a threshold decide here. */
  end?(): void;
}

/** A detection rule: one file in lib/detect/rules/, one line in its mod.ts. */
export interface Rule {
  /** Stable id, lower case with dashes (`ms08-067`, `zerologon`). */
  readonly id: string;
  /** Short title. */
  readonly title: string;
  /** How much an alert of it matters. */
  readonly severity: AlertSeverity;
  /** MITRE ATT&CK technique id. */
  readonly technique: string;
  /** Its name. */
  readonly techniqueName: string;
  /** Where the attack and its protocol facts are described. */
  readonly references: readonly string[];
  /** What it looks for, in a sentence or two. */
  readonly description: string;
  /** Event types it listens to. */
  readonly listens: readonly EventType[];
  /** Its thresholds, by name (set with `detect.thresholds["<id>.<name>"]`). */
  readonly options?: Readonly<Record<string, RuleOption>>;
  /** Its state for one decode. */
  create(ctx: RuleContext): RuleInstance;
}
