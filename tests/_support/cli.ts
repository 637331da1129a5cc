/**
 * Test-only, shared by the CLI and REPL tests: run `cli/main.ts` in a child Deno, run the REPL's
 * line-command mode with commands on stdin and split its answers, and drive the interactive REPL
 * through a real terminal (tmux). The tests that need an outside tool skip without it.
 * @module
 */
import * as assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);

/** cli/main.ts, as a path. */
export const CLI: string = new URL("cli/main.ts", root).pathname;

/** A file under fixtures/, as a path. */
export const fixturePath = (name: string): string => new URL(`fixtures/${name}`, root).pathname;

/** Whether `command` runs here (`<command> <versionFlag>` succeeds). */
export function installed(command: string, versionFlag = "-V"): boolean {
  try {
    return new Deno.Command(command, { args: [versionFlag], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** What a CLI run left. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run the CLI. */
export interface CliOptions {
  /** Deno's permission flags. @default {["-A"]} */
  permissions?: string[];
  /** Environment added to this process's (DENO_NO_UPDATE_CHECK=1 always). @default {{ NO_COLOR: "1" }} */
  env?: Record<string, string>;
  /** Written to its stdin, which is then closed (without it: no stdin). */
  stdin?: string;
  /** The script run instead of cli/main.ts (the bundle, dist/smbscope.js). @default {CLI} */
  script?: string;
}

/** `deno run -q <permissions> cli/main.ts <args>` (or `script`): exit code, stdout and stderr. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const { permissions = ["-A"], env = { NO_COLOR: "1" }, stdin, script = CLI } = options;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", ...permissions, script, ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1", ...env },
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** One command of a scripted REPL session and the lines it printed. */
export interface Answer {
  command: string;
  lines: string[];
}

/** A scripted REPL session: the run, and its output split at each `> command`. */
export interface ReplSession extends CliRun {
  answers: Answer[];
}

/** Runs the REPL over `capture` with `commands` on stdin; splits the output at each `> command`. */
export async function runRepl(capture: string, commands: string[]): Promise<ReplSession> {
  const run = await runCli(["repl", capture], { stdin: commands.join("\n") + "\n" });
  const answers: Answer[] = [];
  for (const line of run.stdout.split("\n")) {
    if (line.startsWith("> ")) answers.push({ command: line.slice(2), lines: [] });
    else if (answers.length && line !== "") answers.at(-1)!.lines.push(line);
  }
  return { ...run, answers };
}

/** `runRepl`, failing (with its stderr) unless the REPL exits 0. */
export async function replOk(capture: string, commands: string[]): Promise<ReplSession> {
  const s = await runRepl(capture, commands);
  assert.equal(s.code, 0, s.stderr);
  return s;
}

/** The lines answering the `nth` (from 0) `command` of a session; fails when there is none. */
export function answerLines(s: ReplSession, command: string, nth = 0): string[] {
  const found = s.answers.filter((a) => a.command === command)[nth];
  assert.ok(found, `no answer to "${command}" in:\n${s.stdout}`);
  return found.lines;
}

/** The same, as one text. */
export const answer = (s: ReplSession, command: string, nth = 0): string =>
  answerLines(s, command, nth).join("\n");

/** Whether tmux is installed (the terminal tests skip without it). */
export const hasTmux: boolean = installed("tmux");

/** One tmux server of our own (its own socket), so a user's sessions are never touched. */
export class Terminal {
  readonly socket = `smbscope-test-${Deno.pid}-${Math.random().toString(36).slice(2, 8)}`;

  /** Run a tmux command on our server; its stdout. */
  tmux(...args: string[]): string {
    const out = new Deno.Command("tmux", { args: ["-L", this.socket, ...args], stderr: "piped" })
      .outputSync();
    if (!out.success) throw new Error(`tmux ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
    return new TextDecoder().decode(out.stdout);
  }

  /**
   * The REPL over `capture` in a `width` × 40 terminal, run from `script` (cli/main.ts, or the
   * bundle); the shell then prints `REPL-EXIT <code>`.
   */
  start(capture: string, width = 120, script = CLI): void {
    const command = `'${Deno.execPath()}' run -q -A '${script}' repl '${capture}'; ` +
      `echo REPL-EXIT $?; sleep 60`;
    this.tmux("new-session", "-d", "-s", "repl", "-x", `${width}`, "-y", "40", "sh", "-c", command);
  }

  /** What the terminal shows. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-t", "repl");
  }

  /** Type keys (tmux key names), one after the other. */
  keys(...keys: string[]): void {
    for (const key of keys) this.tmux("send-keys", "-t", "repl", key);
  }

  /** Wait until `ok(screen)`; fail with the screen after 20 s. */
  async waitUntil(ok: (screen: string) => boolean, what = "what was awaited"): Promise<string> {
    const deadline = Date.now() + 20_000;
    let screen = "";
    while (Date.now() < deadline) {
      screen = this.screen();
      if (ok(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`screen never showed ${what}; it shows:\n${screen}`);
  }

  /** Wait until the screen shows every one of `texts`. */
  waitFor(...texts: string[]): Promise<string> {
    return this.waitUntil((s) => texts.every((t) => s.includes(t)), JSON.stringify(texts));
  }

  /** Stop our tmux server (and the REPL in it). */
  close(): void {
    try {
      this.tmux("kill-server");
    } catch {
      // already gone
    }
  }
}
