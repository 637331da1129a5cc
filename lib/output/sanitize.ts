/**
 * Making captured strings safe to print on a terminal, and JSON safe to
 * `cat`: a capture must never move the cursor, recolour, reorder the line
 * or forge one of our own escapes.
 * @module
 */

// C0 controls, DEL, C1 controls (U+009B is an 8-bit CSI), the zero-width and bidi format
// characters that can disguise text, and the Unicode line and paragraph separators; and a
// backslash that would read as one of our escapes (`\x1b`, `\u202e` typed as plain text).
const UNSAFE =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\\(?=x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/g;

/**
 * Replace control characters with visible escapes (`\x1b`, `\u202e`); a
 * backslash that would look like such an escape (`\x1b` as four plain
 * characters) is doubled. Other backslashes (Windows paths) stay as they are.
 */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => {
    if (c === "\\") return "\\\\";
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** Characters JSON.stringify leaves raw that a terminal would act on (C0 are escaped by it). */
const JSON_UNSAFE = /[\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify`, with DEL, C1 controls, bidi and zero-width format
 * characters and line separators written as `\u` escapes (they can only be
 * inside strings there), so `cat` or `jq` on our output cannot drive a
 * terminal. The value parses back the same.
 */
export function safeJson(value: unknown, space?: number): string {
  return escapeJsonUnsafe(JSON.stringify(value, null, space));
}

/** JSON text with the characters of {@link JSON_UNSAFE} as `\\u` escapes. */
function escapeJsonUnsafe(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const ENCODER = new TextEncoder();

/**
 * UTF-8 of JSON text made by plain `JSON.stringify` (one value, or many
 * NDJSON lines at once), with the characters {@link safeJson} escapes
 * written as `\u` escapes: the bytes of `safeJson` of each value. The check
 * rides on the encoding: text that encodes to as many bytes as it has
 * characters is ASCII, where only DEL needs escaping, so the escaping pass
 * (a third of `safeJson`'s cost) runs only for the rare text that needs it.
 * Encodes into `into` when it holds three bytes per character (the result
 * is then a view of it), else into a new array.
 *
 * @example NDJSON lines escaped at once
 * ```ts
 * import { encodeJsonText, safeJson } from "./sanitize.ts";
 * const events = [{ name: "ok" }, { name: "a\u202eb" }];
 * const bytes = encodeJsonText(events.map((e) => JSON.stringify(e) + "\n").join(""));
 * const text = new TextDecoder().decode(bytes);
 * if (text !== events.map((e) => safeJson(e) + "\n").join("")) throw new Error(text);
 * ```
 */
export function encodeJsonText(text: string, into?: Uint8Array): Uint8Array {
  const bytes = encodeText(text, into);
  if (bytes.length === text.length && text.indexOf("\x7f") < 0) return bytes;
  const safe = escapeJsonUnsafe(text);
  return safe === text ? bytes : encodeText(safe, into);
}

function encodeText(text: string, into: Uint8Array | undefined): Uint8Array {
  // UTF-8 takes at most three bytes per UTF-16 unit.
  if (into === undefined || into.length < text.length * 3) return ENCODER.encode(text);
  return into.subarray(0, ENCODER.encodeInto(text, into).written);
}
