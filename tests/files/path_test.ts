import * as assert from "node:assert/strict";
import { ExtractionNames, normalisePath, safeComponent } from "../../lib/files/path.ts";

Deno.test("normalisePath: one form with and without a leading backslash", () => {
  assert.equal(normalisePath("\\dir\\a.txt"), "dir\\a.txt");
  assert.equal(normalisePath("dir\\a.txt"), "dir\\a.txt");
  assert.equal(normalisePath("\\\\\\a"), "a");
  assert.equal(normalisePath("dir/a.txt"), "dir\\a.txt");
  assert.equal(normalisePath(""), "");
});

Deno.test("safeComponent: no traversal, separators, devices or control characters", () => {
  assert.equal(safeComponent(".."), "__");
  assert.equal(safeComponent("."), "_");
  assert.equal(safeComponent(""), "_");
  assert.equal(safeComponent("a/b\\c:d"), "a_b_c_d");
  assert.equal(safeComponent("CON"), "_CON");
  assert.equal(safeComponent("con.txt"), "_con.txt");
  assert.equal(safeComponent("LPT9.log"), "_LPT9.log");
  assert.equal(safeComponent("CONSOLE"), "CONSOLE");
  assert.equal(safeComponent("x\u0000y\u001b[31m\u0007z\u009b"), "x_y_[31m_z_");
  assert.equal(safeComponent("evil. . "), "evil____");
  assert.equal(
    safeComponent("r\u00e9sum\u00e9-\u6587\u4ef6.txt"),
    "r\u00e9sum\u00e9-\u6587\u4ef6.txt",
  );
  const long = safeComponent("a".repeat(500) + ".docx");
  assert.equal(long.length, 80);
  assert.ok(long.endsWith(".docx"));
  // Never half a surrogate pair where the cut falls.
  const emoji = safeComponent("\u{1f600}".repeat(100));
  assert.ok(emoji.length <= 80);
  assert.ok(!/[\ud800-\udbff]$/.test(emoji));
});

Deno.test("ExtractionNames: hostile paths stay inside the folder", () => {
  const names = new ExtractionNames();
  const hostile = [
    "..\\..\\..\\etc\\passwd",
    "\\..\\..\\x",
    "C:\\Windows\\System32\\drivers\\etc\\hosts",
    "\\\\?\\C:\\x",
    "dir/../../../../x",
    "a\\.\\..\\.\\..\\b",
    "\u0000\u0001\\\u001b]0;title\u0007",
    "NUL\\AUX\\com1.txt",
    "x\\".repeat(100) + "deep.bin",
  ];
  for (const path of hostile) {
    for (const share of [undefined, "\\\\srv\\..", "\\\\..\\..", "\\\\1.2.3.4\\C$"]) {
      const { file, sidecar } = names.name(share, path);
      for (const p of [file, sidecar]) {
        const parts = p.split("/");
        assert.ok(parts.length <= 14, p);
        for (const part of parts) {
          assert.notEqual(part, "..", p);
          assert.notEqual(part, ".", p);
          assert.notEqual(part, "", p);
          // deno-lint-ignore no-control-regex
          assert.ok(!/[\u0000-\u001f\u007f-\u009f\\:]/.test(part), JSON.stringify(p));
          assert.ok(!/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(part), p);
        }
      }
    }
  }
});

Deno.test("ExtractionNames: collisions get ~2, ~3, case-insensitively, files and folders apart", () => {
  const names = new ExtractionNames();
  assert.deepEqual(names.name("\\\\srv\\data", "a.txt"), {
    file: "srv/data/a.txt",
    sidecar: "srv/data/a.txt.smbscope.json",
  });
  assert.equal(names.name("\\\\srv\\data", "\\A.TXT").file, "srv/data/A~2.TXT");
  assert.equal(names.name("\\\\srv\\data", "a.txt").file, "srv/data/a~3.txt");
  // A file named like a sidecar does not take the sidecar's place.
  assert.equal(
    names.name("\\\\srv\\data", "a.txt.smbscope.json").file,
    "srv/data/a.txt.smbscope~2.json",
  );
  // A folder where a file already is, and a file where a folder already is.
  names.name("\\\\srv\\data", "d");
  assert.equal(names.name("\\\\srv\\data", "d\\inner.bin").file, "srv/data/d~2/inner.bin");
  names.name("\\\\srv\\data", "e\\f.bin");
  assert.equal(names.name("\\\\srv\\data", "e").file, "srv/data/e~2");
  assert.equal(names.name(undefined, "x").file, "unknown-share/x");
  // A handle first met in use has no name: Wireshark's FileId_ form, made safe the same way.
  assert.equal(
    names.name(undefined, "", "2e000000090000000100000009000000").file,
    "unknown-share/FileId_2e000000090000000100000009000000",
  );
});
