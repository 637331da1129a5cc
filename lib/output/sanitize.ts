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
  return JSON.stringify(value, null, space).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
