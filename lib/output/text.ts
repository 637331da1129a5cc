/**
 * Plain-text rendering of events for people reading a terminal.
 * @module
 */
import type {
  ConnectionEvent,
  DecodeEvent,
  DirectionStats,
  FileEvent,
  JsonValue,
  KerberosEvent,
  NtlmEvent,
  SmbEvent,
  SummaryEvent,
  TreeEvent,
  UserSummary,
} from "../events.ts";
import { escapeControl } from "./sanitize.ts";
import { formatTranscript } from "./transcript_text.ts";
import { rpcText } from "./rpc_text.ts";

/** A byte count as people read it: `512 B`, `12.3 kB`, `4.56 MB`. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = n, unit = "B";
  for (const u of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = u;
  }
  return `${
    value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)
  } ${unit}`;
}

/**
 * `n` and a noun, the noun plural unless `n` is 1: `1 error response`,
 * `3 frames`. `plural` defaults to the noun and `s`.
 */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** The second {@link formatTs} formatted last, and its `YYYY-MM-DDTHH:MM:SS`. */
let lastSecond = NaN;
let lastSecondText = "";

/** A capture timestamp as ISO 8601 UTC with microseconds. */
export function formatTs(ts: number): string {
  if (!Number.isFinite(ts) || Math.abs(ts) > 8.64e12) return String(ts);
  const ms = Math.floor(ts * 1000);
  const micros = Math.min(999, Math.max(0, Math.round(ts * 1e6 - ms * 1000)));
  // Events come in time order: the date and time of day change once a second at most, and
  // a Date per event was a twentieth of the text output's time.
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const iso = new Date(second * 1000).toISOString();
    if (iso.length !== 24) {
      // A year past 9999 or before 0 (six digits and a sign): not worth a cache.
      return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, "0")}Z`;
    }
    lastSecond = second;
    lastSecondText = iso.slice(0, 19);
  }
  const millis = ms - second * 1000;
  return `${lastSecondText}.${String(millis).padStart(3, "0")}${String(micros).padStart(3, "0")}Z`;
}

function endpoint(e: { ip: string; port: number }): string {
  const ip = escapeControl(e.ip);
  return ip.includes(":") ? `[${ip}]:${e.port}` : `${ip}:${e.port}`;
}

function direction(s: DirectionStats, transport: string): string {
  let text = `${s.packets} pkt ${formatBytes(s.payloadBytes)}`;
  if (transport === "tcp" && s.gaps > 0) {
    text += ` (${s.gaps} gaps, ${formatBytes(s.gapBytes)} missing)`;
  }
  return text;
}

function connectionLine(e: ConnectionEvent): string {
  const head = `#${e.id} ${e.transport} ${endpoint(e.client)} \u2192 ${endpoint(e.server)}`;
  if (e.action === "open") return `${head} opened at frame ${e.firstFrame}`;
  const duration = ((e.end ?? e.start) - e.start).toFixed(3);
  const how = e.handshake ? "" : e.transport === "tcp" ? " midstream" : "";
  return `${head} ${e.state}${how} ${duration}s frames ${e.firstFrame}-${e.lastFrame}` +
    `  c\u2192s ${direction(e.clientStats!, e.transport)}  s\u2192c ${
      direction(e.serverStats!, e.transport)
    }`;
}

/** Fields worth a place on an SMB message's one line, in this order. */
const LINE_FIELDS = [
  "dialect",
  "path",
  "fileName",
  "pattern",
  "transName",
  "subcommandName",
  "functionName",
  "infoLevelName",
  "infoClassName",
  "ctlCodeName",
  "createActionName",
  "fid",
  "fileId",
  "offset",
  "length",
  "dataLength",
  "newFileName",
];

function value(v: JsonValue): string {
  if (typeof v === "string") return escapeControl(v);
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v);
  if (Array.isArray(v)) return `[${v.length}]`;
  return "{\u2026}";
}

/** How {@link formatEventText} writes a line. */
export interface TextOptions {
  /** Add the capture time of day (UTC, milliseconds) after the frame: `#0 f12 18:56:36.710`. */
  time?: boolean;
}

/** The time of day of a capture time, UTC, to the millisecond: `18:56:36.710`. */
export function formatTimeOfDay(ts: number): string {
  const iso = formatTs(ts);
  return /^\d{4}-\d\d-\d\dT/.test(iso) ? iso.slice(11, 23) : iso;
}

function where(
  e: { evidence: { frames: number[]; connection?: number; ts: number } },
  options: TextOptions = {},
): string {
  const conn = e.evidence.connection === undefined ? "" : `#${e.evidence.connection} `;
  const time = options.time ? ` ${formatTimeOfDay(e.evidence.ts)}` : "";
  return `${conn}f${e.evidence.frames[0] ?? "?"}${time}`;
}

/** ` name=value`, or nothing when the value is empty (an empty string, list or object). */
function field(name: string, v: JsonValue | undefined): string {
  if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return "";
  if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0) {
    return "";
  }
  return `  ${name}=${value(v)}`;
}

function smbLine(e: SmbEvent, options: TextOptions): string {
  const dir = e.evidence.fromClient ? "C\u2192S" : "S\u2192C";
  const chain = e.chainIndex > 0 ? `+${e.chainIndex} ` : "";
  let line = `${where(e, options)} ${dir} SMB${e.version} ${chain}${e.command} ${
    e.response ? "response" : "request"
  }`;
  if (e.response && e.statusName !== undefined) line += ` ${e.statusName}`;
  if (e.responseTime !== undefined) line += ` ${(e.responseTime * 1000).toFixed(1)}ms`;
  if (e.decrypted) line += " [decrypted]";
  if (e.signature !== undefined) line += ` [signature ${e.signature}]`;
  if (e.command === "ENCRYPTED") {
    // An SMB3 transform: what can be read of it is its size and cipher.
    const size = e.fields.originalMessageSize ?? e.fields.encryptedLength;
    if (typeof size === "number") line += ` ${formatBytes(size)}`;
    if (typeof e.fields.cipher === "string") line += ` ${escapeControl(e.fields.cipher)}`;
  }
  line += field("user", e.user);
  line += field("share", e.share);
  if (e.fields.fileName === undefined) line += field("file", e.file);
  for (const name of LINE_FIELDS) {
    if (!(name === "dialect" && e.command.startsWith("NEGOTIATE") && !e.response)) {
      line += field(name, e.fields[name]);
    }
  }
  const names = e.fields.names;
  if (Array.isArray(names)) line += `  names=${names.length}`;
  return line;
}

function ntlmLine(e: NtlmEvent, options: TextOptions): string {
  const who = e.user === "" ? "(anonymous)" : `${e.domain}\\${e.user}`;
  const outcome = e.success === undefined
    ? "no response seen"
    : `${e.success ? "success" : "failure"} (${e.statusName ?? e.status})${
      e.guest ? " as guest" : ""
    }`;
  const from = e.workstation === "" ? "" : ` from ${escapeControl(e.workstation)}`;
  const check = e.passwordMatch === undefined
    ? ""
    : e.passwordMatch
    ? "; the given password matches"
    : "; the given password does NOT match";
  return `${where(e, options)} NTLM${e.ntlmVersion === "anonymous" ? "" : ` ${e.ntlmVersion}`} ` +
    `${escapeControl(who)}${from} \u2192 ${outcome}${check}`;
}

function kerberosLine(e: KerberosEvent, options: TextOptions): string {
  const who = e.clientPrincipal === undefined
    ? ""
    : ` ${escapeControl(e.clientPrincipal)}@${escapeControl(e.clientRealm ?? "")}`;
  const outcome = e.success === undefined
    ? "no response seen"
    : `${e.success ? "success" : "failure"} (${e.statusName ?? e.status})`;
  return `${where(e, options)} KERBEROS${who} to ${escapeControl(e.service)}@${
    escapeControl(e.realm)
  } ` +
    `(${e.ticketEtypeName}) \u2192 ${outcome}`;
}

function treeLine(e: TreeEvent, options: TextOptions): string {
  const type = e.shareType ? ` (${e.shareType})` : "";
  const outcome = e.action === "connect" && e.statusName !== undefined
    ? ` \u2192 ${e.statusName}`
    : "";
  return `${where(e, options)} TREE ${e.action} ${escapeControl(e.path)}${type}${outcome}`;
}

function fileLine(e: FileEvent, options: TextOptions): string {
  const kind = e.pipe ? "pipe" : e.directory ? "dir" : "file";
  const name = e.path !== "" || e.openSeen ? e.path : `(handle ${e.handle})`;
  const where_ = `${e.share === undefined ? "" : `${e.share}\\`}${name}`;
  let line = `${where(e, options)} FILE ${kind} ${escapeControl(where_)}`;
  if (e.actions.length > 0) line += ` [${e.actions.join(",")}]`;
  if (e.renamedTo !== undefined) line += ` \u2192 ${escapeControl(e.renamedTo)}`;
  if (e.size !== undefined) line += `  size=${e.size}`;
  if (e.bytesRead > 0) line += `  read=${e.bytesRead}`;
  if (e.bytesWritten > 0) line += `  written=${e.bytesWritten}`;
  if (!e.pipe && !e.directory && e.bytesSeen > 0) {
    line += e.complete ? "  complete" : `  seen=${e.bytesSeen}`;
    if (e.missing !== undefined && e.missing.length > 0) {
      line += `  missing=${e.missing.map(([s, t]) => `${s}-${t}`).join(",")}${
        e.missingMore ? `,+${e.missingMore}` : ""
      }`;
    }
  }
  if (e.hashes !== undefined) line += `  sha256=${e.hashes.sha256}`;
  line += field("user", e.user);
  if (e.state !== "closed") line += `  (${e.state.replace("_", " ")})`;
  return line;
}

/**
 * One line for an event, or `undefined` for events the text view leaves out
 * (connection openings: the closing line says everything). Empty fields are
 * left out; `options.time` adds the time of day after the frame.
 */
export function formatEventText(event: DecodeEvent, options: TextOptions = {}): string | undefined {
  switch (event.type) {
    case "connection":
      return event.action === "open" ? undefined : connectionLine(event);
    case "anomaly": {
      const where = event.evidence.frames.length
        ? `frame ${event.evidence.frames.join(",")}`
        : "input";
      const conn = event.evidence.connection === undefined ? "" : ` #${event.evidence.connection}`;
      return `! ${where}${conn} ${event.layer} ${event.kind}: ${escapeControl(event.detail)}`;
    }
    case "summary":
      return formatSummaryText(event);
    case "smb":
      return smbLine(event, options);
    case "ntlm":
      return ntlmLine(event, options);
    case "kerberos":
      return kerberosLine(event, options);
    case "tree":
      return treeLine(event, options);
    case "file":
      return fileLine(event, options);
    case "transcript":
      // Ciphertext as hex belongs in the JSON, not in a terminal.
      return formatTranscript(event, { hex: false }).map((l) => `${where(event, options)} ${l}`)
        .join("\n");
    case "rpc":
      return `${where(event, options)} ${rpcText(event)}`;
    case "alert":
      // Prominent: its own marker, severity first, the rule, then what triggered it.
      return `!! ALERT ${event.severity.toUpperCase()} ${event.rule} ${where(event)}: ${
        escapeControl(event.message)
      }${event.user !== undefined ? `  user=${escapeControl(event.user)}` : ""}`;
    case "nbss": {
      const names = event.action === "session_request"
        ? ` ${escapeControl(event.calledName ?? "")} \u2190 ${
          escapeControl(event.callingName ?? "")
        }`
        : event.errorCode !== undefined
        ? ` error 0x${event.errorCode.toString(16)}`
        : "";
      return `${where(event, options)} NBSS ${event.action.replace("_", " ")}${names}`;
    }
    default: {
      // Every type of EVENT_TYPES has its line: a new one does not compile until it does.
      const unknown: never = event;
      return unknown;
    }
  }
}

/**
 * An account of the summary as people read it: `DOMAIN\\user` (`user` when no
 * domain was sent), then ` (refused)` when every login of it was refused.
 * Control characters are escaped.
 *
 * @example
 * ```ts
 * import { accountText } from "@smbscope/smbscope";
 * import * as assert from "node:assert/strict";
 * const text = accountText({ user: "alice", domain: "WORKGROUP", refused: true, logins: 1 });
 * assert.equal(text, "WORKGROUP\\alice (refused)");
 * ```
 */
export function accountText(u: UserSummary): string {
  const name = u.domain === "" ? u.user : `${u.domain}\\${u.user}`;
  return escapeControl(name) + (u.refused ? " (refused)" : "");
}

/** The summary as a short block of `label: value` lines. */
export function formatSummaryText(s: SummaryEvent): string {
  const duration = s.frames > 0 ? (s.lastTs - s.firstTs).toFixed(3) : "0";
  const lines = [
    `capture: ${s.format}${s.gzip ? " (gzip)" : ""}, ${formatBytes(s.bytes)}, ${
      count(s.frames, "frame")
    }` +
    (s.frames > 0 ? `, ${formatTs(s.firstTs)} + ${duration}s` : ""),
    `links: ${s.linkTypes.join(", ") || "none"}; IP packets: ${s.ipPackets}` +
    (s.ipFragments ? ` (${s.ipFragments} fragments)` : "") + `; non-IP frames: ${s.nonIpFrames}`,
    `conversations: ${s.tcpConnections} TCP, ${s.udpConversations} UDP`,
  ];
  const kinds = Object.entries(s.anomalyCounts).map(([k, n]) => `${k} ${n}`).join(", ");
  lines.push(`anomalies: ${s.anomalies}${kinds ? ` (${kinds})` : ""}`);
  if (s.limitsHit.length) {
    lines.push(`limits hit: ${s.limitsHit.map((l) => `${l.limit} \u00D7${l.count}`).join(", ")}`);
  }
  const m = s.smb;
  if (m.messages > 0) {
    lines.push(
      `SMB: ${count(m.messages, "message")} (${m.smb1Messages} SMB1, ${m.smb2Messages} SMB2/3` +
        (m.encryptedMessages ? `, ${m.encryptedMessages} encrypted` : "") +
        (m.decryptedMessages ? `, ${m.decryptedMessages} decrypted` : "") +
        `), ${count(m.errorResponses, "error response")}; dialects: ${
          m.dialects.join(", ") || "not seen"
        }`,
    );
    lines.push(
      `logins: ${m.authentications} NTLM (${m.failedAuthentications} refused)` +
        (m.kerberosLogins > 0
          ? `, ${m.kerberosLogins} Kerberos (${m.failedKerberosLogins} refused)`
          : "") +
        `; users: ` +
        (m.users.map(accountText).join(", ") || "none") +
        (m.unlistedLogins > 0
          ? ` and ${count(m.unlistedLogins, "login")} of further accounts`
          : "") +
        (m.anonymousLogins > 0 ? `; anonymous logins: ${m.anonymousLogins}` : ""),
    );
    lines.push(`shares: ${m.shares.map(escapeControl).join(", ") || "none"}`);
    const shown = m.files.slice(0, 10).map(escapeControl).join(", ");
    lines.push(
      `files: ${m.files.length}${
        shown ? ` (${shown}${m.files.length > 10 ? ", \u2026" : ""})` : ""
      }`,
    );
  }
  const r = s.rpc;
  if (r.calls + r.binds > 0) {
    lines.push(
      `DCE/RPC: ${
        count(r.calls, "call")
      } (${r.failedCalls} failed, ${r.unansweredCalls} unanswered` +
        (r.encryptedCalls ? `, ${r.encryptedCalls} encrypted` : "") +
        `), ${count(r.binds, "bind")}; ` +
        `interfaces: ${r.interfaces.map(escapeControl).join(", ") || "none named"}`,
    );
  }
  if (s.alerts.count > 0) {
    const byRule = Object.entries(s.alerts.byRule).map(([r, n]) => `${r} \u00D7${n}`).join(", ");
    lines.push(`ALERTS: ${s.alerts.count} (${byRule})`);
  }
  if (s.truncated) lines.push("decode stopped early: see the anomalies above");
  return lines.join("\n");
}
