/** What a captured string can and cannot do to a terminal, in text and in JSON. */
import * as assert from "node:assert/strict";
import { encodeJsonText, escapeControl, safeJson } from "../../lib/output/sanitize.ts";

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

Deno.test("encodeJsonText of plain JSON lines is safeJson's bytes, on every event of every fixture", async () => {
  const { Decoder } = await import("../../mod.ts");
  const root = new URL("../../fixtures/", import.meta.url);
  const into = new Uint8Array(1 << 22);
  const text = new TextDecoder();
  let checked = 0, escaped = 0;
  const walk = (dir: URL) => {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isDirectory) walk(new URL(`${entry.name}/`, dir));
      else if (/\.(pcap|pcapng)(\.gz)?$/.test(entry.name)) {
        const decoder = new Decoder();
        const events = [
          ...decoder.push(Deno.readFileSync(new URL(entry.name, dir))),
          ...decoder.end(),
        ];
        const plain = events.map((e) => JSON.stringify(e) + "\n").join("");
        const safe = events.map((e) => safeJson(e) + "\n").join("");
        if (safe !== plain) escaped++;
        // Into a buffer large enough and into a new array; whole and event by event.
        assert.equal(text.decode(encodeJsonText(plain, into)), safe, entry.name);
        assert.equal(text.decode(encodeJsonText(plain)), safe, entry.name);
        for (const e of events) {
          assert.equal(text.decode(encodeJsonText(JSON.stringify(e))), safeJson(e), entry.name);
        }
        checked += events.length;
      }
    }
  };
  walk(root);
  assert.ok(checked > 10_000, `${checked} events`);
  // Some fixture carries a character to escape (a C1 or DEL in a name), so both paths ran.
  assert.ok(escaped > 0, "no fixture needed escaping");
});

Deno.test("encodeJsonText escapes DEL in ASCII text, and what is past it; a small buffer is not used", () => {
  const value = { a: "x\x7fy", b: "\u009b\u202e\u2028", c: "plain", d: "caf\u00e9" };
  const plain = JSON.stringify(value);
  const small = new Uint8Array(4);
  const bytes = encodeJsonText(plain, small);
  assert.notEqual(bytes.buffer, small.buffer);
  assert.equal(new TextDecoder().decode(bytes), safeJson(value));
  assert.equal(new TextDecoder().decode(encodeJsonText('{"a":"\x7f"}')), '{"a":"\\u007f"}');
  // Non-ASCII that needs nothing (é) is encoded as it is.
  assert.equal(new TextDecoder().decode(encodeJsonText('"caf\u00e9"')), '"caf\u00e9"');
});
