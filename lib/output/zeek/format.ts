/**
 * Zeek's log formats, for any log: the ASCII (tab-separated) writer's header,
 * escaping and value forms, and the JSON writer's lines (`LogAscii::use_json`),
 * so a pipeline that reads Zeek's logs reads ours unchanged.
 * @module
 */
import { safeJson } from "../sanitize.ts";

/** The Zeek types our logs use, as they appear on the `#types` line. */
export type ZeekType =
  | "time"
  | "interval"
  | "string"
  | "enum"
  | "addr"
  | "port"
  | "count"
  | "bool"
  | "double"
  | "set[string]"
  | "set[enum]";

/** A field's value: `undefined` or `null` is Zeek's unset (`-`); sets are arrays. */
export type ZeekValue = string | number | boolean | string[] | null | undefined;

/** One record, keyed by Zeek's field names (`id.orig_h`, `times.modified`...). */
export type ZeekRecord = Record<string, ZeekValue>;

/** A log: its path (the file is `<path>.log`) and its columns with their types, in Zeek's order. */
export interface ZeekLogSpec {
  /** `conn`, `smb_files`... */
  readonly path: string;
  /** Field name and type, in Zeek's order. */
  readonly fields: readonly (readonly [string, ZeekType])[];
}

/** The connection columns every log here starts with, after `ts` and `uid`. */
export const ZEEK_CONN_ID_FIELDS = [
  ["id.orig_h", "addr"],
  ["id.orig_p", "port"],
  ["id.resp_h", "addr"],
  ["id.resp_p", "port"],
] as const satisfies readonly (readonly [string, ZeekType])[];

/** `YYYY-MM-DD-HH-MM-SS` in UTC, as on Zeek's `#open` and `#close` lines. */
export function zeekDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${
    p(d.getUTCHours())
  }-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

/** The header lines of a TSV log opened at `open`. */
export function zeekTsvHeader(spec: ZeekLogSpec, open: Date): string[] {
  return [
    "#separator \\x09",
    "#set_separator\t,",
    "#empty_field\t(empty)",
    "#unset_field\t-",
    `#path\t${spec.path}`,
    `#open\t${zeekDate(open)}`,
    `#fields\t${spec.fields.map(([name]) => name).join("\t")}`,
    `#types\t${spec.fields.map(([, type]) => type).join("\t")}`,
  ];
}

/** The closing line of a TSV log. */
export function zeekTsvFooter(close: Date): string {
  return `#close\t${zeekDate(close)}`;
}

// Characters a terminal would act on: C0, DEL, C1, zero-width and bidi format characters,
// line separators. Zeek escapes the first three; we escape all, as their UTF-8 bytes, which
// zeek-cut and Zeek's readers turn back into the same string.
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const utf8 = new TextEncoder();

/**
 * Zeek's ASCII escaping of one string: a backslash doubled, control
 * characters and the separators (tab; comma inside sets) as `\xNN`, and a
 * whole value that would read as unset or empty (`-`, `(empty)`) escaped too.
 */
export function zeekEscape(text: string, inSet = false): string {
  if (text === "-") return "\\x2d";
  let s = "";
  for (const ch of text) {
    if (ch === "\\") s += "\\\\";
    else if (UNSAFE.test(ch) || (inSet && ch === ",")) {
      for (const b of utf8.encode(ch)) s += `\\x${b.toString(16).padStart(2, "0")}`;
    } else s += ch;
  }
  return s === "(empty)" ? "\\x28empty)" : s;
}

/** One value as Zeek's ASCII writer prints it. */
function tsvValue(v: ZeekValue, type: ZeekType): string {
  if (v === undefined || v === null) return "-";
  switch (type) {
    case "time":
    case "interval":
    case "double":
      return typeof v === "number" && Number.isFinite(v) ? v.toFixed(6) : "-";
    case "count":
    case "port":
      return typeof v === "number" && Number.isFinite(v) ? String(Math.trunc(v)) : "-";
    case "bool":
      return v === true ? "T" : v === false ? "F" : "-";
    case "set[string]":
    case "set[enum]": {
      if (!Array.isArray(v)) return "-";
      return v.length === 0 ? "(empty)" : v.map((x) => zeekEscape(x, true)).join(",");
    }
    default:
      if (typeof v !== "string") return String(v);
      return v === "" ? "(empty)" : zeekEscape(v);
  }
}

/** One record as a tab-separated line, columns in the spec's order. */
export function zeekTsvLine(spec: ZeekLogSpec, record: ZeekRecord): string {
  return spec.fields.map(([name, type]) => tsvValue(record[name], type)).join("\t");
}

/**
 * One record as Zeek's JSON writer prints it: the spec's order, unset fields
 * left out, times as seconds since the epoch (`JSON::TS_EPOCH`, the default),
 * sets as arrays. Strings that would drive a terminal are `\u` escapes.
 */
export function zeekJsonLine(spec: ZeekLogSpec, record: ZeekRecord): string {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [name] of spec.fields) {
    const v = record[name];
    if (v === undefined || v === null) continue;
    if (typeof v === "number" && !Number.isFinite(v)) continue;
    out[name] = v;
  }
  return safeJson(out);
}
