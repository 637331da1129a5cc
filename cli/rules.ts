/**
 * The detection rules as the front ends show and choose them: the list
 * (`decode --list-rules`, `GET /api`), and the checks of rule ids and
 * thresholds given as text (`--rules a,b`, `--threshold rule.option=N`, the
 * function's `rules=` and `threshold=`). No `Deno.*`: the HTTP function uses
 * it too. The decoder checks the same options again (`chosenRules`); these
 * checks exist to name every bad id at once, in the front end's own terms.
 * @module
 */
import { type DetectOptions, type Rule, RULES } from "../mod.ts";

/** One threshold of a rule as listed: the key to set it by, its default and its meaning. */
export interface ThresholdDescription {
  /** `<rule id>.<option>`, as `--threshold` and `detect.thresholds` take it. */
  key: string;
  /** The option's name within its rule. */
  option: string;
  /** Its value unless set. */
  default: number;
  /** What it counts or bounds. */
  description: string;
}

/** One rule as `--list-rules --format json` and `GET /api` list it. */
export interface RuleDescription {
  id: string;
  title: string;
  severity: Rule["severity"];
  technique: string;
  techniqueName: string;
  description: string;
  references: string[];
  /** Event types it looks at. */
  listens: string[];
  thresholds: ThresholdDescription[];
}

/** The rules, in `RULES` order, as plain JSON. */
export function ruleDescriptions(rules: readonly Rule[] = RULES): RuleDescription[] {
  return rules.map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    technique: r.technique,
    techniqueName: r.techniqueName,
    description: r.description,
    references: [...r.references],
    listens: [...r.listens],
    thresholds: Object.entries(r.options ?? {}).map(([option, o]) => ({
      key: `${r.id}.${option}`,
      option,
      default: o.default,
      description: o.description,
    })),
  }));
}

/**
 * `--list-rules` as text: per rule one line (id, severity, technique, title)
 * and a line per threshold (its key, default and meaning).
 */
export function ruleListText(rules: readonly Rule[] = RULES): string[] {
  if (rules.length === 0) return ["no detection rules"];
  const width = Math.max(...rules.map((r) => r.id.length));
  const techWidth = Math.max(...rules.map((r) => r.technique.length));
  const lines: string[] = [];
  for (const r of ruleDescriptions(rules)) {
    lines.push(
      `${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${
        r.technique.padEnd(techWidth)
      }  ${r.title}`,
    );
    for (const t of r.thresholds) {
      lines.push(`${"".padEnd(width)}    threshold ${t.key}=${t.default}  (${t.description})`);
    }
  }
  lines.push(
    "",
    `${rules.length} rules. Choose with --rules ID,ID or --disable-rules ID,ID; set a threshold ` +
      "with --threshold RULE.OPTION=N.",
  );
  return lines;
}

/** A rule id list or threshold that names something unknown: the message says what. */
export class RuleChoiceError extends Error {
  override name = "RuleChoiceError";
  /** @param about whether a rule id list or a threshold was wrong */
  constructor(message: string, readonly about: "rules" | "threshold") {
    super(message);
  }
}

/** `a,b, c` as ids, each checked against the rules; every unknown one is named. */
export function parseRuleIds(text: string, what: string, rules: readonly Rule[] = RULES): string[] {
  const ids = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (ids.length === 0) throw new RuleChoiceError(`${what} names no rule`, "rules");
  const known = new Set(rules.map((r) => r.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new RuleChoiceError(
      `unknown rule${unknown.length > 1 ? "s" : ""} ${
        unknown.map((id) => JSON.stringify(id)).join(", ")
      } in ${what} (known: ${[...known].join(", ") || "none"})`,
      "rules",
    );
  }
  return [...new Set(ids)];
}

/**
 * One threshold, `rule.option=N` (or `rule.option:N`, the form a query
 * string reads better with), checked: the rule and option exist and N is a
 * non-negative number.
 */
export function parseThreshold(
  text: string,
  what: string,
  rules: readonly Rule[] = RULES,
): [string, number] {
  const m = /^([^=:]+)[=:]([^=:]*)$/.exec(text.trim());
  if (m === null) {
    throw new RuleChoiceError(`${what} "${text}" is not RULE.OPTION=N`, "threshold");
  }
  const key = m[1]!.trim(), raw = m[2]!.trim();
  const dot = key.lastIndexOf(".");
  const id = key.slice(0, dot), option = key.slice(dot + 1);
  const rule = dot > 0 ? rules.find((r) => r.id === id) : undefined;
  if (rule === undefined) {
    throw new RuleChoiceError(
      `unknown rule ${JSON.stringify(dot > 0 ? id : key)} in ${what} "${text}" (known: ${
        rules.map((r) => r.id).join(", ") || "none"
      })`,
      "threshold",
    );
  }
  const options = Object.keys(rule.options ?? {});
  if (!options.includes(option)) {
    throw new RuleChoiceError(
      `rule ${id} has no threshold ${JSON.stringify(option)} (${what} "${text}"; ${
        options.length ? `its thresholds: ${options.join(", ")}` : "it has none"
      })`,
      "threshold",
    );
  }
  const value = Number(raw);
  if (raw === "" || !Number.isFinite(value) || value < 0) {
    throw new RuleChoiceError(
      `${what} "${text}": ${key} must be a non-negative number`,
      "threshold",
    );
  }
  return [key, value];
}

/** What a front end was asked for, as text: checked and turned into the decoder's options. */
export interface RuleChoiceText {
  /** `a,b`: only these rules. */
  rules?: string | undefined;
  /** `a,b`: not these. */
  disable?: string | undefined;
  /** `rule.option=N` each. */
  thresholds?: readonly string[] | undefined;
  /** How the front end names each (`--rules`, `rules=`...), for messages. */
  names: { rules: string; disable: string; threshold: string };
}

/** The decoder's `detect` options from a front end's text; throws {@link RuleChoiceError}. */
export function detectOptionsFrom(
  given: RuleChoiceText,
  rules: readonly Rule[] = RULES,
): DetectOptions {
  const out: { rules?: string[]; disable?: string[]; thresholds?: Record<string, number> } = {};
  if (given.rules !== undefined) out.rules = parseRuleIds(given.rules, given.names.rules, rules);
  if (given.disable !== undefined) {
    out.disable = parseRuleIds(given.disable, given.names.disable, rules);
  }
  if (given.thresholds !== undefined && given.thresholds.length > 0) {
    out.thresholds = {};
    for (const t of given.thresholds) {
      const [key, value] = parseThreshold(t, given.names.threshold, rules);
      out.thresholds[key] = value;
    }
  }
  return out;
}
