/**
 * Making captured strings safe to print on a terminal.
 * @module
 */

// C0 controls, DEL, C1 controls, and the bidi/zero-width format characters
// that can disguise text; a capture must never move the cursor or recolour.
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Replace control characters with visible escapes (`\x1b`, `\u202e`). */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
