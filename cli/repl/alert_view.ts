/**
 * The REPL's alert views: the numbered list (`alerts [TEXT]`), one alert in
 * detail with the events it rests on (`alerts N`), the summary's line of
 * alerts by rule, and where the evidence is (`evidence N` and the
 * interactive jump open the connection at the first SMB message it cites).
 * Every captured string goes through `escapeControl`.
 * @module
 */
import type { AlertEvent, DecodeEvent, RpcEvent } from "../../mod.ts";
import { escapeControl } from "../../lib/output/sanitize.ts";
import { formatEventText, formatTs } from "../../lib/output/text.ts";
import type { CaptureModel, Conversation } from "./model.ts";
import { treeLines } from "./render.ts";

const esc = escapeControl;

function endpoint(e: { ip: string; port: number }): string {
  const ip = esc(e.ip);
  return ip.includes(":") ? `[${ip}]:${e.port}` : `${ip}:${e.port}`;
}

/** Whether `alerts TEXT` lists this alert: TEXT in its rule, title, severity, technique, message, user or an address. */
function matches(a: AlertEvent, text: string): boolean {
  const want = text.toLowerCase();
  return [
    a.rule,
    a.title,
    a.severity,
    a.technique,
    a.techniqueName,
    a.message,
    a.user,
    a.client?.ip,
    a.server?.ip,
    a.evidence.connection === undefined ? undefined : `#${a.evidence.connection}`,
  ].some((f) => f?.toLowerCase().includes(want));
}

/** Where an alert points: `#3 f42`, or `f42`, or `-`. */
function where(a: AlertEvent): string {
  const conn = a.evidence.connection === undefined ? "" : `#${a.evidence.connection} `;
  const frame = a.evidence.frames[0];
  return `${conn}${frame === undefined ? "" : `f${frame}`}`.trim() || "-";
}

/** One alert of the list: its number for `alerts N`, severity, rule, where, message, user. */
export function alertLine(model: CaptureModel, a: AlertEvent): string {
  const n = model.alerts.indexOf(a) + 1;
  const user = a.user !== undefined ? `  user=${esc(a.user)}` : "";
  return `${String(n).padStart(4)}  ${a.severity.toUpperCase().padEnd(8)}  ${esc(a.rule)}  ` +
    `${where(a)}: ${esc(a.message)}${user}`;
}

/** The alerts whose text contains `search` (all when empty), in the order raised. */
export function alertsMatching(model: CaptureModel, search = ""): AlertEvent[] {
  const text = search.trim();
  return text === "" ? model.alerts : model.alerts.filter((a) => matches(a, text));
}

/** `alerts [TEXT]`: the numbered list, or why it is empty. */
export function alertListLines(model: CaptureModel, search = ""): string[] {
  const shown = alertsMatching(model, search);
  if (shown.length === 0) {
    if (model.alerts.length > 0) return [`no alert matches "${esc(search.trim())}"`];
    return [model.done ? "no alerts" : "no alerts so far (still decoding)"];
  }
  return [
    ...shown.map((a) => alertLine(model, a)),
    "alerts N: one alert in detail; evidence N: open its connection at the first SMB message it cites",
  ];
}

/** A cited event in one line: seq, connection, first frame, the text output's line (its first). */
function citedLine(model: CaptureModel, seq: number, e: DecodeEvent | undefined): string {
  const head = `seq ${String(seq).padStart(6)}`;
  if (e === undefined) return `${head}  (an NBSS or summary event: the REPL does not keep those)`;
  if (e.type === "summary") return `${head}  summary`;
  const conn = e.evidence.connection === undefined ? "" : `#${e.evidence.connection} `;
  const frame = e.evidence.frames[0] === undefined ? "" : `f${e.evidence.frames[0]} `;
  const text = (formatEventText(e) ?? e.type).split("\n")[0]!;
  let ref = "";
  if (e.type === "smb") {
    const c = e.evidence.connection === undefined
      ? undefined
      : model.conversation(e.evidence.connection);
    const i = c ? c.messages.indexOf(e) : -1;
    if (i >= 0) ref = `  [message ${i + 1} of #${c!.first.id}]`;
  } else if (e.type === "rpc") ref = `  [rpc ${model.rpcNumber(e)}]`;
  else if (e.type === "alert") ref = `  [alert ${model.alerts.indexOf(e) + 1}]`;
  // The text output's line starts with the connection and frame already for most types.
  const shown = /^(#\d+ |f\d)/.test(text) ? text : `${conn}${frame}${text}`;
  return `${head}  ${e.type.padEnd(10)} ${shown}${ref}`;
}

/** Fields the detail view shows on lines of their own; the rest are listed after them. */
const SHOWN = new Set<string>([
  "type",
  "seq",
  "rule",
  "title",
  "severity",
  "technique",
  "techniqueName",
  "message",
  "values",
  "client",
  "server",
  "user",
  "events",
  "evidence",
]);

/** `alerts N`: every field, values as a tree, the cited events one line each. */
export function alertDetailLines(model: CaptureModel, n: number, captureStart: number): string[] {
  const a = model.alerts[n - 1];
  if (a === undefined) {
    return [
      model.alerts.length === 0
        ? "no alerts"
        : `no alert ${n}: there are ${model.alerts.length} (see alerts)`,
    ];
  }
  const lines = [
    `alert ${n} of ${model.alerts.length}  ${a.severity.toUpperCase()}  ${esc(a.rule)}  ${
      esc(a.title)
    }`,
  ];
  const row = (label: string, value: string) => lines.push(`  ${`${label}:`.padEnd(12)} ${value}`);
  row("message", esc(a.message));
  row("technique", `${esc(a.technique)} ${esc(a.techniqueName)}`);
  row("time", `${formatTs(a.evidence.ts)} (+${(a.evidence.ts - captureStart).toFixed(6)}s)`);
  if (a.evidence.connection !== undefined) row("connection", `#${a.evidence.connection}`);
  if (a.client !== undefined) row("client", endpoint(a.client));
  if (a.server !== undefined) row("server", endpoint(a.server));
  if (a.user !== undefined) row("user", esc(a.user));
  row("frames", a.evidence.frames.join(", ") || "-");
  if (a.seq !== undefined) row("seq", String(a.seq));
  lines.push("  values:", ...treeLines(a.values, "  ").map((l) => `  ${l}`));
  const rest = Object.fromEntries(Object.entries(a).filter(([k]) => !SHOWN.has(k)));
  if (Object.keys(rest).length) {
    lines.push(
      "  more:",
      ...treeLines(rest, "  ").map((l) => `  ${l}`),
    );
  }
  lines.push(`  rests on ${a.events.length} event${a.events.length === 1 ? "" : "s"}:`);
  const found = model.eventsBySeq(a.events);
  const cited = a.events.slice(0, 200);
  for (const seq of cited) lines.push(`    ${citedLine(model, seq, found.get(seq))}`);
  if (a.events.length > cited.length) {
    lines.push(`    \u2026 ${a.events.length - cited.length} more`);
  }
  lines.push(`  evidence ${n}: open the connection at the first SMB message it cites`);
  return lines;
}

/** Where `evidence N` goes: a message of a connection, else an RPC call, else a connection. */
export type EvidenceTarget =
  | { kind: "message"; conversation: Conversation; index: number; via: string }
  | { kind: "rpc"; conversation: Conversation | undefined; rpc: RpcEvent; number: number }
  | { kind: "connection"; conversation: Conversation }
  | { kind: "none"; reason: string };

/** The SMB message of `c` that carried the event: the message itself, the RPC request's carrier, or the first sharing a frame. */
function messageOf(model: CaptureModel, c: Conversation, e: DecodeEvent): number {
  if (e.type === "smb") return c.messages.indexOf(e);
  if (e.type === "summary") return -1;
  const frames = new Set(e.evidence.frames);
  if (frames.size === 0) return -1;
  if (e.type === "rpc") {
    const at = c.messages.findIndex((m) =>
      m.evidence.frames.some((f) => frames.has(f)) &&
      model.rpcCarriedBy(m).some((x) => x.rpc === e)
    );
    if (at >= 0) return at;
  }
  return c.messages.findIndex((m) => m.evidence.frames.some((f) => frames.has(f)));
}

/** Alert N's evidence: the first SMB message among (or carrying) the events it cites. */
export function evidenceTarget(model: CaptureModel, n: number): EvidenceTarget {
  const a = model.alerts[n - 1];
  if (a === undefined) {
    return {
      kind: "none",
      reason: model.alerts.length === 0
        ? "no alerts"
        : `no alert ${n}: there are ${model.alerts.length} (see alerts)`,
    };
  }
  const found = model.eventsBySeq(a.events);
  let firstRpc: RpcEvent | undefined;
  for (const seq of a.events) {
    const e = found.get(seq);
    if (e === undefined || e.type === "summary") continue;
    if (e.type === "rpc") firstRpc ??= e;
    const id = e.evidence.connection;
    const c = id === undefined ? undefined : model.conversation(id);
    if (c === undefined) continue;
    const index = messageOf(model, c, e);
    if (index >= 0) {
      const via = e.type === "smb"
        ? `the SMB message it cites (seq ${seq})`
        : e.type === "rpc"
        ? `the SMB message carrying rpc ${model.rpcNumber(e)} (seq ${seq})`
        : `the SMB message carrying ${e.type} seq ${seq}`;
      return { kind: "message", conversation: c, index, via };
    }
  }
  const id = a.evidence.connection;
  const c = id === undefined ? undefined : model.conversation(id);
  if (firstRpc !== undefined) {
    return { kind: "rpc", conversation: c, rpc: firstRpc, number: model.rpcNumber(firstRpc) };
  }
  if (c !== undefined) return { kind: "connection", conversation: c };
  return { kind: "none", reason: `alert ${n} cites no connection the REPL knows` };
}
