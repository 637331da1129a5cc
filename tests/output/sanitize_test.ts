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

Deno.test("eventJson is safeJson, on every event of every fixture capture", async () => {
  const { Decoder } = await import("../../mod.ts");
  const { eventJson } = await import("../../lib/output/sanitize.ts");
  const root = new URL("../../fixtures/", import.meta.url);
  let checked = 0;
  const walk = (dir: URL) => {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isDirectory) walk(new URL(`${entry.name}/`, dir));
      else if (/\.(pcap|pcapng)(\.gz)?$/.test(entry.name)) {
        const decoder = new Decoder();
        const events = [
          ...decoder.push(Deno.readFileSync(new URL(entry.name, dir))),
          ...decoder.end(),
        ];
        for (const e of events) {
          assert.equal(eventJson(e), safeJson(e), `${entry.name}: ${e.type}`);
          checked++;
        }
      }
    }
  };
  walk(root);
  assert.ok(checked > 10_000, `${checked} events`);
});

Deno.test("eventJson escapes what safeJson escapes, in shared endpoints too", async () => {
  const { eventJson } = await import("../../lib/output/sanitize.ts");
  const client = { ip: "10.0.0.1\u009b", port: 1 };
  const e = {
    type: "x",
    client,
    server: client,
    name: "a\u202eb",
    n: undefined,
    list: [1, undefined],
  };
  assert.equal(eventJson(e), safeJson(e));
  assert.equal(eventJson(e), safeJson(e)); // the endpoint's JSON now comes from the cache
});
