/**
 * Zeek's ASCII and JSON log forms, as its documentation and logs show them:
 * `\\` for a backslash (`\\PIPE\\lsass` in the dce_rpc.log baselines), `\x09`
 * for a tab, `-` unset, `(empty)` an empty string or set, `T`/`F`, six decimals
 * for times, sets joined by commas; JSON lines leave unset fields out.
 */
import * as assert from "node:assert/strict";
import {
  zeekDate,
  zeekEscape,
  zeekJsonLine,
  type ZeekLogSpec,
  zeekTsvHeader,
  zeekTsvLine,
} from "../../lib/output/zeek/format.ts";

const SPEC: ZeekLogSpec = {
  path: "test",
  fields: [
    ["ts", "time"],
    ["name", "string"],
    ["ok", "bool"],
    ["n", "count"],
    ["tags", "set[string]"],
    ["rtt", "interval"],
  ],
};

Deno.test("zeekEscape doubles backslashes and writes separators and controls as \\xNN", () => {
  assert.equal(zeekEscape("\\PIPE\\lsass"), "\\\\PIPE\\\\lsass");
  assert.equal(zeekEscape("a\tb\nc"), "a\\x09b\\x0ac");
  assert.equal(zeekEscape("-"), "\\x2d");
  assert.equal(zeekEscape("(empty)"), "\\x28empty)");
  assert.equal(zeekEscape("a,b"), "a,b");
  assert.equal(zeekEscape("a,b", true), "a\\x2cb");
  // A bidi override and a C1 CSI as their UTF-8 bytes, as zeek-cut reads them back.
  assert.equal(zeekEscape("x\u202ey\u009b"), "x\\xe2\\x80\\xaey\\xc2\\x9b");
  assert.equal(zeekEscape("café"), "café");
});

Deno.test("zeekTsvLine writes unset, empty, booleans, counts, sets and times as Zeek does", () => {
  assert.equal(
    zeekTsvLine(SPEC, { ts: 1323202695.4270345, name: "", ok: true, n: 3, tags: ["a", "b,c"] }),
    "1323202695.427035\t(empty)\tT\t3\ta,b\\x2cc\t-",
  );
  assert.equal(
    zeekTsvLine(SPEC, { ok: false, tags: [], rtt: 0.000184 }),
    "-\t-\tF\t-\t(empty)\t0.000184",
  );
});

Deno.test("zeekTsvHeader has Zeek's eight header lines", () => {
  assert.deepEqual(zeekTsvHeader(SPEC, new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), [
    "#separator \\x09",
    "#set_separator\t,",
    "#empty_field\t(empty)",
    "#unset_field\t-",
    "#path\ttest",
    "#open\t2026-01-02-03-04-05",
    "#fields\tts\tname\tok\tn\ttags\trtt",
    "#types\ttime\tstring\tbool\tcount\tset[string]\tinterval",
  ]);
  assert.equal(zeekDate(new Date(Date.UTC(2011, 11, 6, 20, 16, 44))), "2011-12-06-20-16-44");
});

Deno.test("zeekJsonLine keeps the columns' order and leaves unset fields out", () => {
  const line = zeekJsonLine(SPEC, {
    tags: ["x"],
    ts: 1.5,
    name: "\\\\srv\\IPC$",
    n: undefined,
    ok: null,
  });
  assert.equal(line, '{"ts":1.5,"name":"\\\\\\\\srv\\\\IPC$","tags":["x"]}');
  assert.deepEqual(JSON.parse(line), { ts: 1.5, name: "\\\\srv\\IPC$", tags: ["x"] });
});
