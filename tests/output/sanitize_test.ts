/** What a captured string can and cannot do to a terminal, in text and in JSON. */
import * as assert from "node:assert/strict";
import { escapeControl, safeJson } from "../../lib/output/sanitize.ts";

Deno.test("text: controls, C1, bidi, zero-width and line separators become visible escapes", () => {
  assert.equal(escapeControl("a\x1b[31mb"), "a\\x1b[31mb");
  assert.equal(escapeControl("\u009b31m"), "\\x9b31m"); // 8-bit CSI
  assert.equal(escapeControl("x\u202ey"), "x\\u202ey");
  assert.equal(escapeControl("one\u2028two\u2029"), "one\\u2028two\\u2029");
  assert.equal(escapeControl("\x7f\u200b\u2066"), "\\x7f\\u200b\\u2066");
});

Deno.test("text: a backslash that would read as our escape is doubled; Windows paths stay", () => {
  // The four characters \ x 1 b are not an ESC and must not print like one.
  assert.equal(escapeControl("name\\x1b"), "name\\\\x1b");
  assert.equal(escapeControl("\\u202e"), "\\\\u202e");
  assert.equal(escapeControl("\\\\10.0.0.1\\IPC$\\xfile"), "\\\\10.0.0.1\\IPC$\\xfile");
  assert.equal(escapeControl("C:\\Users\\alice"), "C:\\Users\\alice");
});

Deno.test("JSON: C1, DEL, bidi, zero-width and line separators as \\u escapes; parses back the same", () => {
  const value = { name: "a\u009b[2Jb\u202e\u2028\x7f\u200b", n: 1, path: "\\\\srv\\share" };
  const text = safeJson(value);
  assert.doesNotMatch(
    text,
    // deno-lint-ignore no-control-regex -- checking that none is left raw
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b]/,
  );
  assert.match(text, /\\u009b/);
  assert.deepEqual(JSON.parse(text), value);
  assert.equal(safeJson({ a: [1] }, 2), '{\n  "a": [\n    1\n  ]\n}');
});
