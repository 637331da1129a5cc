/**
 * The REPL's views as plain text lines: summary, connection list, one
 * message as a tree, hex dump, files, authentications, anomalies. Every
 * string from the capture goes through `escapeControl`.
 * @module
 */
import type { JsonValue, SmbEvent } from "../../mod.ts";
import { escapeControl } from "../../lib/output/sanitize.ts";
import { accountText, formatBytes, formatEventText, formatTs } from "../../lib/output/text.ts";
import type { AccountTally } from "../../lib/tally.ts";
import type { CaptureModel, Conversation } from "./model.ts";
import type { MessageBytes } from "./streams.ts";

const esc = escapeControl;

function endpoint(e: { ip: string; port: number }): string {
  const ip = esc(e.ip);
  return ip.includes(":") ? `[${ip}]:${e.port}` : `${ip}:${e.port}`;
}

function list(values: Iterable<string>, max = 10): string {
  const all = [...values];
  if (all.length === 0) return "none";
  const shown = all.slice(0, max).map(esc).join(", ");
  return all.length > max ? `${shown}, \u2026 (${all.length} in all)` : shown;
}

/** Accounts that logged in or tried to, refused ones marked, as the text summary writes them. */
function usersText(accounts: AccountTally): string {
  const shown = list(accounts.users.map(accountText));
  const more = accounts.unlistedLogins > 0
    ? ` and ${accounts.unlistedLogins} logins of further accounts`
    : "";
  const anonymous = accounts.anonymousLogins > 0
    ? `; anonymous logins: ${accounts.anonymousLogins}`
    : "";
  return shown + more + anonymous;
}

/** The summary's RPC line: calls, failures, binds, interfaces. */
function rpcSummaryText(model: CaptureModel): string {
  if (model.rpc.length === 0) return "none";
  const calls = model.rpc.filter((e) => e.action === "call");
  const failed = calls.filter((e) => e.success === false).length;
  const unanswered = calls.filter((e) => e.outcome === "no_response").length;
  const naks = model.rpc.filter((e) => e.outcome === "nak").length;
  const names = new Set<string>();
  for (const e of model.rpc) {
    if (e.action === "call") names.add(e.interfaceName ?? e.interface ?? "?");
    else for (const c of e.contexts ?? []) names.add(c.interfaceName ?? c.interface);
  }
  return `${calls.length} calls (${failed} failed${
    unanswered ? `, ${unanswered} unanswered` : ""
  }), ${model.rpc.length - calls.length} binds${naks ? ` (${naks} refused)` : ""}; ${
    list(names, 8)
  }`;
}

/**
 * The summary's first line: `ALERTS:        3 (ms08-067 x1, psexec-service x2)` (capitals, as
 * the text output's summary writes it), or `alerts:        0`.
 */
export function alertSummaryLine(model: CaptureModel): string {
  const by = model.alertsByRule();
  if (by.size === 0) return `alerts:        0${model.done ? "" : " so far"}`;
  const rules = [...by].map(([rule, n]) => `${esc(rule)} \u00D7${n}`).join(", ");
  return `ALERTS:        ${model.alerts.length} (${rules}): see alerts`;
}

/** The overview: what the capture holds, alerts first. */
export function summaryLines(model: CaptureModel): string[] {
  const s = model.summary;
  const duration = s
    ? (s.frames > 0 ? s.lastTs - s.firstTs : 0)
    : (model.lastTs ?? 0) - (model.firstTs ?? 0);
  const state = model.done
    ? model.error ? `stopped: ${esc(model.error)}` : "decoded"
    : `decoding\u2026 ${formatBytes(model.bytesRead)}` +
      (model.size ? ` of ${formatBytes(model.size)}` : "");
  const tcp = model.conversations.filter((c) => c.first.transport === "tcp").length;
  const start = s && s.frames > 0 ? s.firstTs : model.firstTs;
  return [
    alertSummaryLine(model),
    `status:        ${state}`,
    `start:         ${start === undefined ? "-" : formatTs(start)}`,
    `duration:      ${duration.toFixed(3)}s`,
    `packets:       ${s ? s.frames : "(counting)"}`,
    `conversations: ${model.conversations.length} (${tcp} TCP, ${
      model.conversations.length - tcp
    } UDP)`,
    `SMB messages:  ${model.messages}`,
    `RPC:           ${rpcSummaryText(model)}`,
    `dialects:      ${list(model.dialects)}`,
    `users:         ${usersText(model.accounts)}`,
    `shares:        ${list(model.shares)}`,
    `files:         ${model.files.size}${model.files.size ? ` (${list(model.files, 8)})` : ""}`,
    `anomalies:     ${s ? s.anomalies : model.anomalies.length}`,
  ];
}

/** Payload bytes of a conversation: from its close event, else what the tap saw so far. */
export function conversationBytes(c: Conversation, streamBytes: number): number {
  const cs = c.close?.clientStats, ss = c.close?.serverStats;
  return cs && ss ? cs.payloadBytes + ss.payloadBytes : streamBytes;
}

/** One line for the connection list; `rpc`, its DCE/RPC calls and binds, when it had some. */
export function conversationLine(c: Conversation, bytes: number, rpc = 0): string {
  const e = c.first;
  const dialect = c.dialect === undefined ? "-" : esc(c.dialect);
  const user = c.users.length ? c.users.map(esc).join(",") : "-";
  return `#${e.id} ${e.transport} ${endpoint(e.client)} \u2192 ${endpoint(e.server)}  ` +
    `dialect=${dialect}  user=${user}  messages=${c.messages.length}  bytes=${formatBytes(bytes)}` +
    (rpc > 0 ? `  rpc=${rpc}` : "");
}

/** A short line for a message in lists: its number, frame, direction, command, status. */
export function messageLine(c: Conversation, index: number): string {
  const e = c.messages[index]!, n = index + 1;
  const dir = e.evidence.fromClient ? "C\u2192S" : "S\u2192C";
  const status = e.response && e.statusName !== undefined ? ` ${esc(e.statusName)}` : "";
  const file = e.file ? `  ${esc(e.file)}` : "";
  return `${n}: f${e.evidence.frames[0] ?? "?"} ${dir} ${e.command} ${
    e.response ? "response" : "request"
  }${status}${file}`;
}

function scalar(v: JsonValue): string {
  if (typeof v === "string") return `"${esc(v)}"`;
  return String(v);
}

/** A JSON value as an indented tree: nested objects and arrays one level deeper each. */
export function treeLines(value: { [key: string]: JsonValue }, indent = "  "): string[] {
  const out: string[] = [];
  const walk = (v: JsonValue, depth: string, label: string) => {
    if (v !== null && typeof v === "object") {
      const entries: [string, JsonValue][] = Array.isArray(v)
        ? v.map((x, i) => [`[${i}]`, x])
        : Object.entries(v);
      if (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object")) {
        const text = v.map(scalar).join(", ");
        if (text.length <= 80) {
          out.push(`${depth}${label}: [${text}]`);
          return;
        }
      }
      out.push(
        `${depth}${label}:${entries.length === 0 ? (Array.isArray(v) ? " []" : " {}") : ""}`,
      );
      const shown = entries.slice(0, 64);
      for (const [k, x] of shown) walk(x, depth + indent, esc(k));
      if (entries.length > shown.length) {
        out.push(`${depth}${indent}\u2026 ${entries.length - shown.length} more`);
      }
      return;
    }
    out.push(`${depth}${label}: ${scalar(v)}`);
  };
  for (const [k, v] of Object.entries(value)) walk(v, indent, esc(k));
  return out;
}

/** The paired request of a response, or response of a request, in the same conversation. */
export function pairOf(c: Conversation, e: SmbEvent): SmbEvent | undefined {
  const at = c.messages.indexOf(e);
  const same = (o: SmbEvent) =>
    o.messageId === e.messageId && o.command === e.command && o.response !== e.response &&
    o.chainIndex === e.chainIndex;
  if (e.response) {
    const frames = e.request?.frames[0];
    for (let i = at - 1; i >= 0; i--) {
      const o = c.messages[i]!;
      if (same(o) && (frames === undefined || o.evidence.frames[0] === frames)) return o;
    }
    return undefined;
  }
  for (let i = at + 1; i < c.messages.length; i++) {
    const o = c.messages[i]!;
    if (same(o) && o.request?.frames[0] === e.evidence.frames[0]) return o;
  }
  return undefined;
}

/**
 * One message in full: where, when, status, pairing, fields and header as trees.
 * `nested` (the RPC calls it carried) goes under its frames, above the fields.
 */
export function messageLines(
  c: Conversation,
  e: SmbEvent,
  captureStart: number,
  nested: string[] = [],
): string[] {
  const n = c.messages.indexOf(e) + 1;
  const dir = e.evidence.fromClient ? "client \u2192 server" : "server \u2192 client";
  const lines = [
    `message ${n} of ${c.messages.length}  #${c.first.id}  SMB${e.version} ${e.command} ` +
    `${e.response ? "response" : "request"}${e.chainIndex ? ` (chain +${e.chainIndex})` : ""}`,
    `  time:      ${formatTs(e.evidence.ts)} (+${(e.evidence.ts - captureStart).toFixed(6)}s)`,
  ];
  if (e.response) {
    const code = e.status === undefined ? "" : ` (0x${e.status.toString(16).padStart(8, "0")})`;
    lines.push(`  status:    ${esc(e.statusName ?? "-")}${code}`);
  }
  if (e.responseTime !== undefined) {
    lines.push(`  response:  ${(e.responseTime * 1000).toFixed(3)} ms after its request`);
  }
  const pair = pairOf(c, e);
  if (pair) {
    const pn = c.messages.indexOf(pair) + 1;
    lines.push(
      `  pair:      ${pair.response ? "response" : "request"} is message ${pn} (frame ` +
        `${pair.evidence.frames[0]}${
          pair.response && pair.statusName ? `, ${esc(pair.statusName)}` : ""
        })`,
    );
  } else lines.push(`  pair:      ${e.response ? "request" : "response"} not seen`);
  if (e.dialect !== undefined) lines.push(`  dialect:   ${esc(e.dialect)}`);
  if (e.user !== undefined) lines.push(`  user:      ${esc(e.user)}`);
  if (e.share !== undefined) lines.push(`  share:     ${esc(e.share)}`);
  if (e.file !== undefined) {
    lines.push(`  file:      ${e.file === "" ? "(share root)" : esc(e.file)}`);
  }
  const ids = [`messageId=${e.messageId}`, `sessionId=${e.sessionId}`];
  if (e.treeId !== undefined) ids.push(`treeId=${e.treeId}`);
  if (e.processId !== undefined) ids.push(`processId=${e.processId}`);
  if (e.asyncId !== undefined) ids.push(`asyncId=${esc(e.asyncId)}`);
  lines.push(`  ids:       ${ids.join(" ")}`);
  if (e.decrypted) lines.push("  security:  came encrypted, decrypted with the given secrets");
  if (e.signature !== undefined) lines.push(`  security:  signed; signature ${e.signature}`);
  lines.push(
    `  frames:    ${
      e.evidence.frames.join(", ")
    }  (${dir}, stream offset ${e.evidence.streamOffset})`,
  );
  lines.push(...nested);
  lines.push("  fields:");
  lines.push(...treeLines(e.fields, "  ").map((l) => `  ${l}`));
  lines.push("  header:");
  lines.push(...treeLines(e.header, "  ").map((l) => `  ${l}`));
  return lines;
}

/** A classic hex dump: offset, 16 bytes in hex, the printable ASCII (others as dots). */
export function hexLines(found: MessageBytes, max = 4096): string[] {
  if (!found.kept) return [found.reason];
  const bytes = found.bytes.subarray(0, Math.min(found.bytes.length, max));
  const lines = [
    `${found.length} bytes (4-byte NBSS header, then the SMB message)` +
    (found.bytes.length < found.length ? `; only the first ${found.bytes.length} were kept` : ""),
  ];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, "0"));
    const left = hex.slice(0, 8).join(" "), right = hex.slice(8).join(" ");
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "."))
      .join("");
    lines.push(
      `${at.toString(16).padStart(8, "0")}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`,
    );
  }
  if (found.bytes.length > bytes.length) {
    lines.push(`\u2026 ${found.bytes.length - bytes.length} more bytes (hex all shows them)`);
  }
  return lines;
}

/**
 * The capture's `file` events (of one connection, when given), numbered for
 * `save N`: what was done, size, coverage, SHA-256.
 */
export function fileLines(model: CaptureModel, connection?: number): string[] {
  const lines: string[] = [];
  model.fileEvents.forEach((e, i) => {
    if (connection !== undefined && e.evidence.connection !== connection) return;
    if (e.directory) return;
    const line = formatEventText(e) ?? "";
    lines.push(`${String(i + 1).padStart(4)}  ${line}${model.fileIds.has(e) ? "  [save]" : ""}`);
  });
  if (lines.length === 0) lines.push("no files");
  else lines.push("save N [path]: write file N's content (those marked [save])");
  return lines;
}

/** NTLM and Kerberos logins, one line each (the text formatter's line). */
export function authLines(model: CaptureModel, connection?: number): string[] {
  const lines = model.ntlm.filter((e) =>
    connection === undefined || e.evidence.connection === connection
  )
    .flatMap((e) => {
      const head = formatEventText(e) ?? "";
      const detail = [
        `    flags: ${e.flags.join(",") || "-"}; MIC ${e.mic ? "yes" : "no"}; session key ${
          e.sessionKeyPresent ? "yes" : "no"
        }`,
      ];
      if (e.serverNbComputerName || e.serverNbDomainName) {
        detail.push(
          `    server: ${esc(e.serverNbDomainName ?? "?")}\\${esc(e.serverNbComputerName ?? "?")}` +
            (e.serverChallenge ? `; challenge ${esc(e.serverChallenge)}` : ""),
        );
      }
      if (e.clientVersion) detail.push(`    client version: ${esc(e.clientVersion)}`);
      return [head, ...detail];
    });
  // Kerberos logins, the text formatter's line each.
  for (const e of model.kerberos) {
    if (connection === undefined || e.evidence.connection === connection) {
      lines.push(formatEventText(e) ?? "");
    }
  }
  return lines.length ? lines : ["no NTLM or Kerberos logins"];
}

/** Anomalies, one line each. */
export function anomalyLines(model: CaptureModel, connection?: number): string[] {
  const lines = model.anomalies.filter((e) =>
    connection === undefined || e.evidence.connection === connection
  ).map((e) => formatEventText(e) ?? "");
  return lines.length ? lines : ["no anomalies"];
}
