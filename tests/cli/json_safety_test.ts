/**
 * Output never carries what a terminal would act on, whatever the capture's names hold:
 * fixtures/hostile/c1_names.pcap (fixtures/hostile/make.sh) names its files with an 8-bit CSI
 * (U+009B), a right-to-left override, line and paragraph separators, DEL, bidi isolates and a
 * zero-width space, none of which JSON.stringify escapes.
 */
import * as assert from "node:assert/strict";

const RAW =
  // deno-lint-ignore no-control-regex -- what must never reach the output raw
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

async function decode(format: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-R", "cli/main.ts", "decode", "fixtures/hostile/c1_names.pcap", "-f", format],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout);
}

Deno.test("ndjson and json: only \\u escapes, and the names parse back whole", async () => {
  const ndjson = await decode("ndjson");
  assert.doesNotMatch(ndjson, RAW);
  const files = ndjson.trim().split("\n").map((l) => JSON.parse(l)).filter((e) =>
    e.type === "file"
  );
  assert.ok(
    files.some((f) => f.path === "\u009b2J\u202egnp.exe\u2028x\u007fa"),
    "the name, decoded",
  );
  const json = await decode("json");
  assert.doesNotMatch(json, RAW);
  assert.ok(JSON.parse(json).files.length > 0);
});

Deno.test("text: the same characters as visible escapes", async () => {
  const text = await decode("text");
  assert.doesNotMatch(text, RAW);
  assert.match(text, /\\x9b2J\\u202egnp\.exe\\u2028x\\x7fa/);
});
