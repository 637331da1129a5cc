/**
 * Raw-mode key presses for the message stepper and the pager (the only
 * hand-written key handling; lists and questions use @inquirer/prompts).
 * Reads through `node:process` stdin, the stream @inquirer/prompts reads,
 * so the two never race for the same bytes.
 * @module
 */
import process from "node:process";

/** Names for the escape sequences of the keys we use. */
const NAMED: Record<string, string> = {
  "\x1b[A": "up",
  "\x1b[B": "down",
  "\x1b[C": "right",
  "\x1b[D": "left",
  "\x1bOA": "up",
  "\x1bOB": "down",
  "\x1bOC": "right",
  "\x1bOD": "left",
  "\x1b[5~": "pageup",
  "\x1b[6~": "pagedown",
  "\x1b[H": "home",
  "\x1b[F": "end",
  "\x1b[1~": "home",
  "\x1b[4~": "end",
  "\x1bOH": "home",
  "\x1bOF": "end",
  "\x1b": "escape",
  "\r": "enter",
  "\n": "enter",
  "\x03": "ctrl-c",
  "\x04": "ctrl-d",
  "\x7f": "backspace",
};

/** Keys that came in one read (fast typing, pasted text, tmux send-keys) wait here. */
const queued: string[] = [];

/** Split what one read returned into keys: CSI and SS3 sequences, lone ESC, characters. */
export function splitKeys(text: string): string[] {
  const keys: string[] = [];
  // deno-lint-ignore no-control-regex -- escape sequences are what we split on
  const token = /\x1b\[[0-9;]*[~A-Za-z]|\x1bO[A-Za-z]|\x1b|[\s\S]/gu;
  for (const m of text.matchAll(token)) keys.push(NAMED[m[0]] ?? m[0]);
  return keys;
}

/** Wait for one key press; resolves to a name (`left`, `pagedown`, `enter`...) or the character. */
export function readKey(): Promise<string> {
  const next = queued.shift();
  if (next !== undefined) return Promise.resolve(next);
  return new Promise((resolve) => {
    const onData = (data: Uint8Array | string) => {
      process.stdin.off("data", onData);
      process.stdin.pause();
      const text = typeof data === "string" ? data : new TextDecoder().decode(data);
      const keys = splitKeys(text);
      queued.push(...keys.slice(1));
      resolve(keys[0] ?? "");
    };
    process.stdin.setRawMode(true);
    process.stdin.on("data", onData);
    process.stdin.resume();
  });
}

/** Leave raw mode (before an @inquirer/prompts question, and on exit). */
export function cookedMode(): void {
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
}
