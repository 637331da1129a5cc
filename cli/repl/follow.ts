/**
 * `follow` and `search` in the REPL: a conversation's SMB exchanges as a
 * compact transcript (one line per request and its answer), and a search for
 * text across every conversation's messages and DCE/RPC calls.
 * @module
 */
import type { RpcEvent, SmbEvent } from "../../mod.ts";
import { escapeControl as esc } from "../../lib/output/sanitize.ts";
import { formatEventText } from "../../lib/output/text.ts";
import type { CaptureModel, Conversation } from "./model.ts";

/** Hits of a search listed at most (the count says how many more). */
export const MAX_HITS = 500;

/** What a message is about, in a word or a path: its file, share path, pattern or user. */
function subject(e: SmbEvent): string {
  const f = e.fields;
  const text = e.file ||
    (typeof f.path === "string" ? f.path : "") ||
    (typeof f.fileName === "string" ? f.fileName : "") ||
    (typeof f.pattern === "string" ? f.pattern : "") ||
    (typeof f.subcommandName === "string" ? f.subcommandName : "") ||
    (typeof f.ctlCodeName === "string" ? f.ctlCodeName : "") ||
    (e.command.startsWith("SESSION_SETUP") && e.user ? e.user : "");
  return text ? ` ${esc(text)}` : "";
}

/**
 * The conversation as a transcript: one line per request, with its answer's
 * status and time on the same line (`-> STATUS_SUCCESS 1.2ms`), or `-> no
 * answer seen`; an answer whose request was not seen gets its own line.
 * Lines start with the message number (as `goto N` takes it), the frame and
 * the time since the capture start.
 */
export function followLines(c: Conversation, captureStart: number): string[] {
  const lines: string[] = [];
  /** Requests awaiting their answer: message id, command and chain index -> line index. */
  const waiting = new Map<string, number>();
  const answer = (r: SmbEvent) =>
    ` \u2192 ${esc(r.statusName ?? "answered")}` +
    (r.responseTime === undefined ? "" : ` ${(r.responseTime * 1000).toFixed(1)}ms`);
  c.messages.forEach((e, i) => {
    const key = `${e.messageId}/${e.command}/${e.chainIndex}`;
    const head = `${String(i + 1).padStart(5)} f${e.evidence.frames[0] ?? "?"} +${
      (e.evidence.ts - captureStart).toFixed(3)
    }s`;
    if (e.command === "ENCRYPTED") {
      const size = e.fields.originalMessageSize;
      lines.push(
        `${head} ${e.evidence.fromClient ? "C\u2192S" : "S\u2192C"} encrypted${
          typeof size === "number" ? ` ${size} B` : ""
        }`,
      );
      return;
    }
    if (!e.response) {
      waiting.set(key, lines.length);
      lines.push(`${head} ${e.command}${subject(e)} \u2192 no answer seen`);
      return;
    }
    const at = waiting.get(key);
    if (at !== undefined) {
      waiting.delete(key);
      lines[at] = lines[at]!.replace(/ \u2192 no answer seen$/, answer(e));
    } else lines.push(`${head} ${e.command} (answer; request not seen)${answer(e)}`);
  });
  return lines.length ? lines : ["no SMB messages"];
}

/** One search hit: where it is (for `conn N` + `goto M`, or `rpc N`), and its line. */
export interface SearchHit {
  connection: number;
  /** Index of the message in its conversation, or undefined for an RPC call. */
  index?: number;
  /** `rpc N` number for an RPC call. */
  rpc?: number;
  line: string;
}

/**
 * Messages and DCE/RPC calls of every conversation whose text line (as
 * `decode` prints it: command, status, user, share, file, fields) contains
 * `text`, case-insensitively; at most {@link MAX_HITS}.
 */
export function search(model: CaptureModel, text: string): { hits: SearchHit[]; more: number } {
  const want = text.toLowerCase();
  const hits: SearchHit[] = [];
  let more = 0;
  const found = (hit: SearchHit) => {
    if (hits.length < MAX_HITS) hits.push(hit);
    else more++;
  };
  for (const c of model.conversations) {
    c.messages.forEach((e, i) => {
      const line = formatEventText(e) ?? "";
      if (line.toLowerCase().includes(want)) {
        found({ connection: c.first.id, index: i, line: `${i + 1}: ${line}` });
      }
    });
  }
  model.rpc.forEach((e: RpcEvent, i) => {
    const line = formatEventText(e) ?? "";
    if (line.toLowerCase().includes(want)) {
      found({ connection: e.evidence.connection ?? -1, rpc: i + 1, line: `rpc ${i + 1}: ${line}` });
    }
  });
  return { hits, more };
}

/** `search TEXT` as lines. */
export function searchLines(model: CaptureModel, text: string): string[] {
  if (text.trim() === "") return ["usage: search TEXT"];
  const { hits, more } = search(model, text.trim());
  if (hits.length === 0) return [`nothing contains "${esc(text.trim())}"`];
  return [
    `${hits.length + more} found${more ? ` (first ${hits.length} shown)` : ""}` +
    " (open one: conn N, then goto M; rpc N)",
    ...hits.map((h) => h.line),
  ];
}
