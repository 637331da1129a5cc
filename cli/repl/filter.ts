/**
 * Message filters: `status!=0`, `cmd=CREATE`, `file~report`, `user~alice`,
 * `share~IPC`, several joined by spaces (all must hold).
 * @module
 */
import { isErrorResponse, type SmbEvent } from "../../mod.ts";

/** The keys a filter clause may test, with their aliases. */
const KEYS: Record<string, "cmd" | "status" | "user" | "share" | "file"> = {
  cmd: "cmd",
  command: "cmd",
  status: "status",
  user: "user",
  share: "share",
  file: "file",
};

type Op = "=" | "!=" | "~" | "!~";

/** One parsed filter: a test on an SMB message and the text it came from. */
export interface MessageFilter {
  text: string;
  test(e: SmbEvent): boolean;
}

/** Status as a number (`0`, `0xc0000022`) or a name (`STATUS_ACCESS_DENIED`, or part of one with `~`). */
function statusTest(op: Op, value: string): (e: SmbEvent) => boolean {
  const code = /^(0x[0-9a-f]+|\d+)$/i.test(value) ? Number(value) : undefined;
  const upper = value.toUpperCase();
  const matches = (e: SmbEvent) =>
    code !== undefined
      ? e.status === code
      : op === "~" || op === "!~"
      ? (e.statusName ?? "").toUpperCase().includes(upper)
      : (e.statusName ?? "").toUpperCase() === upper;
  // Requests carry no status: a status clause only ever keeps responses.
  return op === "=" || op === "~"
    ? (e) => e.status !== undefined && matches(e)
    : (e) => e.status !== undefined && !matches(e);
}

function textTest(
  key: "cmd" | "user" | "share" | "file",
  op: Op,
  value: string,
): (e: SmbEvent) => boolean {
  const want = value.toLowerCase();
  const get = (e: SmbEvent): string | undefined => {
    if (key === "cmd") return e.command;
    if (key === "file") {
      const name = e.fields.fileName;
      return e.file ?? (typeof name === "string" ? name : undefined);
    }
    return e[key];
  };
  const matches = (e: SmbEvent) => {
    const v = get(e)?.toLowerCase();
    if (v === undefined) return false;
    return op === "=" || op === "!=" ? v === want : v.includes(want);
  };
  return op === "=" || op === "~" ? matches : (e) => !matches(e);
}

/** Parse a filter expression; throws an Error whose message says what is wrong. */
export function parseFilter(text: string): MessageFilter {
  const tests: ((e: SmbEvent) => boolean)[] = [];
  const words = text.trim().split(/\s+/).filter(Boolean);
  for (const word of words) {
    if (word === "errors") {
      // Failures only: not interim answers such as STATUS_PENDING or STATUS_MORE_PROCESSING_REQUIRED.
      tests.push((e) => isErrorResponse(e));
      continue;
    }
    const m = /^([a-z]+)(!=|!~|=|~)(.+)$/i.exec(word);
    const key = m ? KEYS[m[1]!.toLowerCase()] : undefined;
    if (!m || !key) {
      throw new Error(
        `cannot read filter "${word}": use KEY=VALUE, KEY!=VALUE, KEY~TEXT or KEY!~TEXT ` +
          `with KEY one of cmd, status, user, share, file (or the word "errors")`,
      );
    }
    const op = m[2] as Op, value = m[3]!;
    tests.push(key === "status" ? statusTest(op, value) : textTest(key, op, value));
  }
  return { text: words.join(" "), test: (e) => tests.every((t) => t(e)) };
}
