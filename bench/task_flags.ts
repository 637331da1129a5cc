/**
 * The `--v8-flags=...` argument of a task in deno.json, so that a benchmark
 * runs the CLI or the function as `deno task decode` / `deno task serve`
 * runs it (one place for the flags: deno.json).
 * @module
 */

/** `--v8-flags=...` of `deno task <task>`, or "" when the task has none. */
export function taskV8Flags(task: "decode" | "serve" | "repl"): string {
  const config = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
  return /--v8-flags=\S+/.exec(config.tasks?.[task] ?? "")?.[0] ?? "";
}

/** The value of {@link taskV8Flags} without `--v8-flags=`. */
export function taskV8FlagList(task: "decode" | "serve" | "repl"): string {
  return taskV8Flags(task).replace(/^--v8-flags=/, "");
}
