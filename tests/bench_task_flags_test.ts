/**
 * The benchmarks and the function's end-to-end tests start dist/serve.js as
 * `deno task serve` does: with the V8 flags and the environment its command
 * line sets in deno.json.
 */
import assert from "node:assert/strict";
import { leadingAssignments, taskEnv, taskV8FlagList } from "../bench/task_flags.ts";

Deno.test("leadingAssignments takes only the NAME=value words before the command", () => {
  assert.deepEqual(leadingAssignments("A=1 B_2=x deno run C=3 main.ts"), { A: "1", B_2: "x" });
  assert.deepEqual(leadingAssignments("deno run A=1 main.ts"), {});
  assert.deepEqual(leadingAssignments("  EMPTY= deno"), { EMPTY: "" });
  assert.deepEqual(leadingAssignments("1A=2 deno"), {});
});

Deno.test("the serve task's environment and flags are read from deno.json", () => {
  const config = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
  const serve: string = config.tasks.serve;
  assert.deepEqual(taskEnv("serve"), leadingAssignments(serve));
  assert.equal(taskEnv("serve").MALLOC_ARENA_MAX, "1");
  assert.ok(serve.includes(`--v8-flags=${taskV8FlagList("serve")} `));
  assert.deepEqual(taskEnv("decode"), {});
});
