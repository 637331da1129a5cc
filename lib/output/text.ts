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

/** A capture timestamp as ISO 8601 UTC with microseconds. */
export function formatTs(ts: number): string {
  if (!Number.isFinite(ts) || Math.abs(ts) > 8.64e12) return String(ts);
  const ms = Math.floor(ts * 1000);
  const micros = Math.min(999, Math.max(0, Math.round(ts * 1e6 - ms * 1000)));
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, "0")}Z`;
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
  const head = `#${e.id} ${e.transport} ${endpoint(e.client)} → ${endpoint(e.server)}`;
  if (e.action === "open") return `${head} opened at frame ${e.firstFrame}`;
  const duration = ((e.end ?? e.start) - e.start).toFixed(3);
  const how = e.handshake ? "" : e.transport === "tcp" ? " midstream" : "";
  return `${head} ${e.state}${how} ${duration}s frames ${e.firstFrame}-${e.lastFrame}` +
    `  c→s ${direction(e.clientStats!, e.transport)}  s→c ${
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
  return "{…}";
}

function where(e: { evidence: { frames: number[]; connection?: number } }): string {
  const conn = e.evidence.connection === undefined ? "" : `#${e.evidence.connection} `;
  return `${conn}f${e.evidence.frames[0] ?? "?"}`;
}

function smbLine(e: SmbEvent): string {
  const dir = e.evidence.fromClient ? "C→S" : "S→C";
  const chain = e.chainIndex > 0 ? `+${e.chainIndex} ` : "";
  let line = `${where(e)} ${dir} SMB${e.version} ${chain}${e.command} ${
    e.response ? "response" : "request"
  }`;
  if (e.response && e.statusName !== undefined) line += ` ${e.statusName}`;
  if (e.responseTime !== undefined) line += ` ${(e.responseTime * 1000).toFixed(1)}ms`;
  if (e.decrypted) line += " [decrypted]";
  if (e.signature !== undefined) line += ` [signature ${e.signature}]`;
  if (e.user !== undefined) line += `  user=${escapeControl(e.user)}`;
  if (e.share !== undefined) line += `  share=${escapeControl(e.share)}`;
  if (e.file !== undefined && e.fields.fileName === undefined) {
    line += `  file=${escapeControl(e.file)}`;
  }
  for (const name of LINE_FIELDS) {
    const v = e.fields[name];
    if (
      v !== undefined && !(name === "dialect" && e.command.startsWith("NEGOTIATE") && !e.response)
    ) {
      line += `  ${name}=${value(v)}`;
    }
  }
  const names = e.fields.names;
  if (Array.isArray(names)) line += `  names=${names.length}`;
  return line;
}

function ntlmLine(e: NtlmEvent): string {
  const who = e.user === "" ? "(anonymous)" : `${e.domain}\\${e.user}`;
  const outcome = e.success === undefined
    ? "no response seen"
    : `${e.success ? "success" : "failure"} (${e.statusName ?? e.status})${
      e.guest ? " as guest" : ""
    }`;
  const check = e.passwordMatch === undefined
    ? ""
    : e.passwordMatch
    ? "; the given password matches"
    : "; the given password does NOT match";
  return `${where(e)} NTLM${e.ntlmVersion === "anonymous" ? "" : ` ${e.ntlmVersion}`} ` +
    `${escapeControl(who)} from ${escapeControl(e.workstation || "?")} → ${outcome}${check}`;
}

function kerberosLine(e: KerberosEvent): string {
  const who = e.clientPrincipal === undefined
    ? ""
    : ` ${escapeControl(e.clientPrincipal)}@${escapeControl(e.clientRealm ?? "")}`;
  const outcome = e.success === undefined
    ? "no response seen"
    : `${e.success ? "success" : "failure"} (${e.statusName ?? e.status})`;
  return `${where(e)} KERBEROS${who} to ${escapeControl(e.service)}@${escapeControl(e.realm)} ` +
    `(${e.ticketEtypeName}) → ${outcome}`;
}

function treeLine(e: TreeEvent): string {
  const type = e.shareType ? ` (${e.shareType})` : "";
  const outcome = e.action === "connect" ? ` → ${e.statusName ?? "?"}` : "";
  return `${where(e)} TREE ${e.action} ${escapeControl(e.path)}${type}${outcome}`;
}

function fileLine(e: FileEvent): string {
  const kind = e.pipe ? "pipe" : e.directory ? "dir" : "file";
  const name = e.path !== "" || e.openSeen ? e.path : `(handle ${e.handle})`;
  const where_ = `${e.share === undefined ? "" : `${e.share}\\`}${name}`;
  let line = `${where(e)} FILE ${kind} ${escapeControl(where_)}`;
  if (e.actions.length > 0) line += ` [${e.actions.join(",")}]`;
  if (e.renamedTo !== undefined) line += ` → ${escapeControl(e.renamedTo)}`;
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
  if (e.user !== undefined) line += `  user=${escapeControl(e.user)}`;
  if (e.state !== "closed") line += `  (${e.state.replace("_", " ")})`;
  return line;
}

/**
 * One line for an event, or `undefined` for events the text view leaves out
 * (connection openings: the closing line says everything).
 */
export function formatEventText(event: DecodeEvent): string | undefined {
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
      return smbLine(event);
    case "ntlm":
      return ntlmLine(event);
    case "kerberos":
      return kerberosLine(event);
    case "tree":
      return treeLine(event);
    case "file":
      return fileLine(event);
    case "transcript":
      // Ciphertext as hex belongs in the JSON, not in a terminal.
      return formatTranscript(event, { hex: false }).map((l) => `${where(event)} ${l}`).join("\n");
    case "rpc":
      return `${where(event)} ${rpcText(event)}`;
    case "alert":
      // Prominent: its own marker, severity first, the rule, then what triggered it.
      return `!! ALERT ${event.severity.toUpperCase()} ${event.rule} ${where(event)}: ${
        escapeControl(event.message)
      }${event.user !== undefined ? `  user=${escapeControl(event.user)}` : ""}`;
    case "nbss": {
      const names = event.action === "session_request"
        ? ` ${escapeControl(event.calledName ?? "")} ← ${escapeControl(event.callingName ?? "")}`
        : event.errorCode !== undefined
        ? ` error 0x${event.errorCode.toString(16)}`
        : "";
      return `${where(event)} NBSS ${event.action.replace("_", " ")}${names}`;
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
 * accountText({ user: "alice", domain: "WORKGROUP", refused: true, logins: 1 });
 * // "WORKGROUP\\alice (refused)"
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
    `capture: ${s.format}${s.gzip ? " (gzip)" : ""}, ${formatBytes(s.bytes)}, ${s.frames} frames` +
    (s.frames > 0 ? `, ${formatTs(s.firstTs)} + ${duration}s` : ""),
    `links: ${s.linkTypes.join(", ") || "none"}; IP packets: ${s.ipPackets}` +
    (s.ipFragments ? ` (${s.ipFragments} fragments)` : "") + `; non-IP frames: ${s.nonIpFrames}`,
    `conversations: ${s.tcpConnections} TCP, ${s.udpConversations} UDP`,
  ];
  const kinds = Object.entries(s.anomalyCounts).map(([k, n]) => `${k} ${n}`).join(", ");
  lines.push(`anomalies: ${s.anomalies}${kinds ? ` (${kinds})` : ""}`);
  if (s.limitsHit.length) {
    lines.push(`limits hit: ${s.limitsHit.map((l) => `${l.limit} ×${l.count}`).join(", ")}`);
  }
  const m = s.smb;
  if (m.messages > 0) {
    lines.push(
      `SMB: ${m.messages} messages (${m.smb1Messages} SMB1, ${m.smb2Messages} SMB2/3` +
        (m.encryptedMessages ? `, ${m.encryptedMessages} encrypted` : "") +
        (m.decryptedMessages ? `, ${m.decryptedMessages} decrypted` : "") +
        `), ${m.errorResponses} error responses; dialects: ${m.dialects.join(", ") || "not seen"}`,
    );
    lines.push(
      `logins: ${m.authentications} NTLM (${m.failedAuthentications} refused)` +
        (m.kerberosLogins > 0
          ? `, ${m.kerberosLogins} Kerberos (${m.failedKerberosLogins} refused)`
          : "") +
        `; users: ` +
        (m.users.map(accountText).join(", ") || "none") +
        (m.unlistedLogins > 0 ? ` and ${m.unlistedLogins} logins of further accounts` : "") +
        (m.anonymousLogins > 0 ? `; anonymous logins: ${m.anonymousLogins}` : ""),
    );
    lines.push(`shares: ${m.shares.map(escapeControl).join(", ") || "none"}`);
    const shown = m.files.slice(0, 10).map(escapeControl).join(", ");
    lines.push(
      `files: ${m.files.length}${shown ? ` (${shown}${m.files.length > 10 ? ", …" : ""})` : ""}`,
    );
  }
  const r = s.rpc;
  if (r.calls + r.binds > 0) {
    lines.push(
      `DCE/RPC: ${r.calls} calls (${r.failedCalls} failed, ${r.unansweredCalls} unanswered` +
        (r.encryptedCalls ? `, ${r.encryptedCalls} encrypted` : "") + `), ${r.binds} binds; ` +
        `interfaces: ${r.interfaces.map(escapeControl).join(", ") || "none named"}`,
    );
  }
  if (s.alerts.count > 0) {
    const byRule = Object.entries(s.alerts.byRule).map(([r, n]) => `${r} ×${n}`).join(", ");
    lines.push(`ALERTS: ${s.alerts.count} (${byRule})`);
  }
  if (s.truncated) lines.push("decode stopped early: see the anomalies above");
  return lines.join("\n");
}
