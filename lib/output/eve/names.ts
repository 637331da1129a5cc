/**
 * How Suricata's EVE JSON spells what our events hold: its timestamps, SMB
 * command and dialect names, file ids, and alert severities; so a pipeline
 * that reads Suricata's `eve.json` reads ours.
 * @module
 */
import type { AlertSeverity, SmbEvent } from "../../events.ts";
import { formatTs } from "../text.ts";

/** `2011-12-06T20:18:15.377605+0000`: EVE's timestamp form (UTC here). */
export function eveTimestamp(ts: number): string {
  const iso = formatTs(ts);
  return iso.endsWith("Z") ? `${iso.slice(0, -1)}+0000` : iso;
}

/** SMB2 commands Suricata names differently from [MS-SMB2] (ours). */
const SMB2_NAMES: Readonly<Record<string, string>> = {
  NEGOTIATE: "NEGOTIATE_PROTOCOL",
  LOGOFF: "SESSION_LOGOFF",
  ECHO: "KEEPALIVE",
  QUERY_DIRECTORY: "FIND",
  QUERY_INFO: "GET_INFO",
};

/** `SMB2_COMMAND_CREATE`, `SMB2_COMMAND_NEGOTIATE_PROTOCOL`, `SMB1_COMMAND_NT_CREATE_ANDX`. */
export function eveSmbCommand(e: SmbEvent): string {
  return e.version === 2
    ? `SMB2_COMMAND_${SMB2_NAMES[e.command] ?? e.command}`
    : `SMB1_COMMAND_${e.command}`;
}

/** Suricata writes SMB2/3 dialects as two decimals (`2.02`, `2.10`, `3.11`); SMB1's as negotiated. */
export function eveDialect(dialect: string | undefined): string {
  if (dialect === undefined) return "unknown";
  const m = /^([23])\.(\d)(?:\.(\d))?$/.exec(dialect);
  return m === null ? dialect : `${m[1]}.${m[2]}${m[3] ?? "0"}`;
}

/**
 * An SMB2 FileId (32 hex digits, wire order) as Suricata prints it:
 * `0000004d-0000-0000-0009-0000ffffffff` for `4d0000000000000009000000ffffffff`
 * (little-endian groups of 4, 2, 2, 2, 2 and 4 bytes, the last two joined).
 */
export function eveFuid(fileId: string): string {
  if (!/^[0-9a-f]{32}$/.test(fileId)) return fileId;
  const le = (from: number, bytes: number) => {
    let s = "";
    for (let i = bytes - 1; i >= 0; i--) s += fileId.slice((from + i) * 2, (from + i) * 2 + 2);
    return s;
  };
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${le(8, 2)}-${le(10, 2)}${le(12, 4)}`;
}

/** Suricata's alert severity: 1 the highest. */
export function eveSeverity(s: AlertSeverity): number {
  return s === "critical" || s === "high" ? 1 : s === "medium" ? 2 : 3;
}

/**
 * A stable signature id for a rule: 9 000 000 plus a 20-bit FNV-1a hash of its
 * id (Suricata's range for local rules is open; these stay the same across
 * runs and releases as long as the id does).
 */
export function eveSignatureId(rule: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < rule.length; i++) {
    h ^= rule.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return 9_000_000 + (h & 0xfffff);
}

/** A 64-bit id kept as a decimal string: a JSON number when it is exact, else the string. */
export function eveNumber(decimal: string): number | string {
  const n = Number(decimal);
  return Number.isSafeInteger(n) ? n : decimal;
}
