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

/**
 * The environment a task sets before its command (`NAME=value` words at its
 * start, e.g. the serve task's `MALLOC_ARENA_MAX=1`), so that a benchmark's
 * process is started as the task starts it.
 */
export function taskEnv(task: "decode" | "serve" | "repl"): Record<string, string> {
  const config = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
  return leadingAssignments(config.tasks?.[task] ?? "");
}

/** `NAME=value` words at the start of a command line, as an environment. */
export function leadingAssignments(command: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of command.trim().split(/\s+/)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(word);
    if (m === null) break;
    env[m[1]!] = m[2]!;
  }
  return env;
}
