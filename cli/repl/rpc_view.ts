/**
 * The REPL's DCE/RPC views: the numbered list of calls and binds (`rpc`),
 * one in detail (`rpc N`), the calls an SMB message carried (under the
 * message). The one-line form is the text
 * output's (`rpcText`); every captured string goes through `escapeControl`.
 * @module
 */
import type { RpcEvent, SmbEvent } from "../../mod.ts";
import { escapeControl } from "../../lib/output/sanitize.ts";
import { rpcText } from "../../lib/output/rpc_text.ts";
import { formatEventText, formatTs } from "../../lib/output/text.ts";
import type { CaptureModel, Conversation } from "./model.ts";
import { treeLines } from "./render.ts";

const esc = escapeControl;

/** What carried the calls, as people name it. */
const TRANSPORT: Record<RpcEvent["transport"], string> = {
  smb1: "SMB1",
  smb2: "SMB2/3",
  tcp: "TCP",
  udp: "UDP",
};

/** A 32-bit status as Windows writes it, `0x00000005`. */
function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}

/** `svcctl.ROpenSCManagerW`, or the bound interfaces of a bind. */
export function rpcName(e: RpcEvent): string {
  if (e.action !== "call") {
    const names = (e.contexts ?? []).map((c) => esc(c.interfaceName ?? c.interface));
    return `${e.action.replace("_", " ")} ${names.join(", ") || "(no contexts)"}`;
  }
  const op = e.operation !== undefined ? esc(e.operation) : `opnum${e.opnum ?? "?"}`;
  return `${esc(e.interfaceName ?? e.interface ?? "?")}.${op}`;
}

/** Whether `rpc TEXT` lists this event: TEXT in its interface, operation, pipe, user or status. */
function matches(e: RpcEvent, text: string): boolean {
  const want = text.toLowerCase();
  const fields = [
    e.interfaceName,
    e.interface,
    e.operation,
    e.action === "call" ? undefined : e.action,
    e.pipe,
    e.user,
    e.statusName,
    ...(e.contexts ?? []).flatMap((c) => [c.interfaceName, c.interface]),
  ];
  if (fields.some((f) => f?.toLowerCase().includes(want))) return true;
  return e.action === "call" && rpcName(e).toLowerCase().includes(want);
}

/**
 * The RPC calls and binds (of one connection, when given), numbered for
 * `rpc N`, one line each: connection, first frame, and the text output's line.
 */
export function rpcListLines(model: CaptureModel, connection?: number, search = ""): string[] {
  const text = search.trim();
  const all = model.rpcOf(connection);
  const shown = text === "" ? all : all.filter((e) => matches(e, text));
  if (shown.length === 0) {
    return [
      all.length === 0
        ? "no DCE/RPC calls or binds"
        : `no DCE/RPC call or bind matches "${esc(text)}"`,
    ];
  }
  return [...shown.map((e) => rpcLine(model, e)), "rpc N: one call or bind in detail"];
}

/** One event of the list: its number for `rpc N`, connection, first frame, the text output's line. */
export function rpcLine(model: CaptureModel, e: RpcEvent): string {
  return `${String(model.rpcNumber(e)).padStart(4)}  ${formatEventText(e) ?? ""}`;
}

/** The lines under an SMB message: the RPC calls and binds whose PDUs it carried. */
export function rpcNestedLines(model: CaptureModel, message: SmbEvent): string[] {
  return model.rpcCarriedBy(message).map(({ rpc, half }) => {
    const part = rpc.action === "call"
      ? (half === "request" ? "request" : rpc.outcome)
      : half === "request"
      ? rpc.action.replace("_", " ")
      : `${rpc.action.replace("_", " ")} ${rpc.outcome}`;
    return `  \u21B3 rpc ${model.rpcNumber(rpc)} (${part}): ${rpcText(rpc)}`;
  });
}

/** The SMB messages of `c` that carried the event's PDUs, as `18 (f25 WRITE request)`. */
function carriers(model: CaptureModel, c: Conversation, e: RpcEvent): string[] {
  const frames = new Set(e.evidence.frames);
  const out: string[] = [];
  c.messages.forEach((m, i) => {
    if (!m.evidence.frames.some((f) => frames.has(f))) return;
    if (!model.rpcCarriedBy(m).some((x) => x.rpc === e)) return;
    out.push(
      `${i + 1} (f${m.evidence.frames[0]} ${m.command} ${m.response ? "response" : "request"})`,
    );
  });
  return out;
}

/** Fields the detail view shows on lines of their own; the rest are listed after them. */
const SHOWN = new Set<string>([
  "type",
  "action",
  "transport",
  "client",
  "server",
  "sessionId",
  "user",
  "anonymous",
  "share",
  "pipe",
  "contextId",
  "interface",
  "interfaceVersion",
  "interfaceName",
  "transferSyntax",
  "callId",
  "opnum",
  "operation",
  "objectUuid",
  "contexts",
  "assocGroup",
  "secondaryAddress",
  "rejectReason",
  "authType",
  "authLevel",
  "encrypted",
  "outcome",
  "status",
  "statusName",
  "success",
  "requestStubBytes",
  "responseStubBytes",
  "requestFragments",
  "responseFragments",
  "arguments",
  "results",
  "argumentsNote",
  "request",
  "responseTime",
  "evidence",
]);

function endpoint(e: { ip: string; port: number }): string {
  const ip = esc(e.ip);
  return ip.includes(":") ? `[${ip}]:${e.port}` : `${ip}:${e.port}`;
}

/** `rpc N`: one call or bind, every field, arguments and results as trees, its frames and messages. */
export function rpcDetailLines(model: CaptureModel, n: number, captureStart: number): string[] {
  const e = model.rpc[n - 1];
  if (e === undefined) {
    return [
      model.rpc.length === 0
        ? "no DCE/RPC calls or binds"
        : `no rpc ${n}: there are ${model.rpc.length} (see rpc)`,
    ];
  }
  const conn = e.evidence.connection;
  const via = e.pipe !== undefined
    ? `\\pipe\\${esc(e.pipe)} (${TRANSPORT[e.transport]})`
    : TRANSPORT[e.transport];
  const lines = [
    `rpc ${n} of ${model.rpc.length}  ${conn === undefined ? "" : `#${conn}  `}${rpcName(e)}` +
    `  over ${via}`,
  ];
  const row = (label: string, value: string) => lines.push(`  ${`${label}:`.padEnd(12)} ${value}`);
  const ts = e.request?.ts ?? e.evidence.ts;
  row("time", `${formatTs(ts)} (+${(ts - captureStart).toFixed(6)}s)`);
  row("endpoints", `${endpoint(e.client)} \u2192 ${endpoint(e.server)}`);
  const refused = e.rejectReason !== undefined ? ` (${esc(e.rejectReason)})` : "";
  row("outcome", `${e.outcome}${refused}`);
  if (e.status !== undefined || e.statusName !== undefined) {
    const verdict = e.success === undefined ? "" : e.success ? ", succeeded" : ", failed";
    const code = e.status === undefined ? "" : ` (${hex32(e.status)})`;
    row("status", `${esc(e.statusName ?? "-")}${code}${verdict}`);
  } else if (e.success !== undefined) row("status", e.success ? "succeeded" : "failed");
  if (e.responseTime !== undefined) {
    row("response", `${(e.responseTime * 1000).toFixed(3)} ms after its request`);
  }
  if (e.action === "call") {
    const version = e.interfaceVersion !== undefined ? ` v${esc(e.interfaceVersion)}` : "";
    row("interface", `${esc(e.interfaceName ?? "?")} ${esc(e.interface ?? "?")}${version}`);
    const op = e.operation !== undefined ? esc(e.operation) : "?";
    row("operation", `${op} (opnum ${e.opnum ?? "?"})`);
    const syntax = e.transferSyntax !== undefined ? ` (${esc(e.transferSyntax)})` : "";
    if (e.contextId !== undefined) row("context", `${e.contextId}${syntax}`);
  }
  row("callId", String(e.callId));
  if (e.objectUuid !== undefined) row("object", esc(e.objectUuid));
  if (e.sessionId !== undefined || e.user !== undefined || e.anonymous) {
    const who = e.anonymous ? "anonymous" : e.user !== undefined ? esc(e.user) : "-";
    row("user", `${who}${e.sessionId !== undefined ? ` (session ${esc(e.sessionId)})` : ""}`);
  }
  if (e.share !== undefined) row("share", esc(e.share));
  if (e.pipe !== undefined) row("pipe", esc(e.pipe));
  if (e.secondaryAddress !== undefined) row("endpoint", esc(e.secondaryAddress));
  if (e.assocGroup !== undefined) row("assocGroup", String(e.assocGroup));
  if (e.authType !== undefined || e.authLevel !== undefined) {
    row("auth", `${esc(e.authType ?? "?")}, level ${esc(e.authLevel ?? "?")}`);
  }
  if (e.encrypted) row("encrypted", "yes: the stubs are sealed, no arguments read");
  if (e.requestStubBytes !== undefined || e.responseStubBytes !== undefined) {
    const part = (what: string, bytes?: number, fragments?: number) =>
      bytes === undefined
        ? []
        : [`${what} ${bytes}${fragments !== undefined ? ` in ${fragments} fragments` : ""}`];
    row(
      "stub bytes",
      [
        ...part("request", e.requestStubBytes, e.requestFragments),
        ...part("response", e.responseStubBytes, e.responseFragments),
      ].join(", "),
    );
  }
  if (e.contexts !== undefined) {
    lines.push("  contexts:");
    for (const c of e.contexts) {
      const answer = c.result === undefined
        ? "no answer"
        : `${esc(c.result)}${c.reason !== undefined ? ` (${esc(String(c.reason))})` : ""}${
          c.acceptedSyntax !== undefined ? ` ${esc(c.acceptedSyntax)}` : ""
        }`;
      lines.push(
        `    ${c.id}: ${esc(c.interfaceName ?? "?")} ${esc(c.interface)} v${
          esc(c.interfaceVersion)
        }  offered ${c.transferSyntaxes.map(esc).join(", ") || "-"} \u2192 ${answer}`,
      );
    }
  }
  if (e.arguments !== undefined) {
    lines.push("  arguments:", ...treeLines(e.arguments, "  ").map((l) => `  ${l}`));
  }
  if (e.results !== undefined) {
    lines.push("  results:", ...treeLines(e.results, "  ").map((l) => `  ${l}`));
  }
  if (e.argumentsNote !== undefined) row("note", esc(e.argumentsNote));
  const asked = new Set(e.request?.frames ?? []);
  const answer = e.evidence.frames.filter((f) => !asked.has(f));
  row(
    "frames",
    `request ${[...asked].join(", ") || "-"}; answer ${answer.join(", ") || "(none seen)"}`,
  );
  const c = conn === undefined ? undefined : model.conversation(conn);
  const carried = c ? carriers(model, c, e) : [];
  if (carried.length) row("messages", carried.join(", "));
  const rest = Object.fromEntries(Object.entries(e).filter(([k]) => !SHOWN.has(k)));
  if (Object.keys(rest).length) {
    lines.push(
      "  more:",
      ...treeLines(rest, "  ").map((l) => `  ${l}`),
    );
  }
  return lines;
}
