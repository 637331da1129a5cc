/**
 * A remote-execution transcript as terminal lines: a header, then what was
 * typed (`> `), printed (plain) and printed to stderr (`! `), as in a
 * console; control-pipe messages as `@> ` (client) and `@< ` (service).
 * Every captured string goes through `escapeControl`: a transcript is
 * attacker-written text.
 * @module
 */
import type { TranscriptEntry } from "../events.ts";
import type { Transcript } from "../files/transcript.ts";
import { escapeControl } from "./sanitize.ts";

/** Hex characters shown per line of a binary entry (32 bytes). */
const HEX_LINE = 64;

/** Line prefix of an entry's stream and direction. */
function prefix(e: TranscriptEntry): string {
  switch (e.stream) {
    case "stdin":
      return "> ";
    case "stderr":
      return "! ";
    case "control":
      return e.fromClient ? "@> " : "@< ";
    default:
      return "";
  }
}

function iso(ts: number): string {
  const d = new Date(ts * 1000);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
}

/**
 * Lines of a readable transcript (no trailing newlines). Text keeps its line
 * breaks (`\r\n`, `\n` or a lone `\r` each end a line); every other control
 * character is shown escaped. Binary (hex) entries are shown with their size,
 * in lines of 32 bytes.
 */
export function formatTranscript(t: Transcript, options: { hex?: boolean } = {}): string[] {
  const hexLines = options.hex ?? true;
  const lines: string[] = [];
  const who = t.user === undefined ? "" : ` as ${escapeControl(t.user)}`;
  lines.push(
    `# ${t.tool} ${escapeControl(t.service)}: ${t.client.ip}:${t.client.port} -> ` +
      `${t.server.ip}:${t.server.port} session ${t.sessionId}${who}`,
  );
  lines.push(
    `# ${iso(t.start)} to ${iso(t.end)} (${t.ended}); stdin ${t.bytes.stdin} B, ` +
      `stdout ${t.bytes.stdout} B, stderr ${t.bytes.stderr} B, control ${t.bytes.control} B` +
      (t.truncated === undefined ? "" : `; ${t.truncated} B not kept`),
  );
  if (t.encrypted) {
    lines.push(
      `# encrypted (PsExec 2.1 or later): contents ${hexLines ? "shown as hex" : "not shown"}`,
    );
  }
  for (const e of t.entries) {
    const p = prefix(e);
    const enc = t.encoding[e.stream];
    if (enc === "binary") {
      lines.push(`${p}[${e.bytes} bytes, frame ${e.frames[0] ?? "?"}]`);
      if (!hexLines) continue;
      // Hex is safe as it is, but a forged Transcript could hold anything.
      const hex = escapeControl(e.text);
      for (let i = 0; i < hex.length; i += HEX_LINE) lines.push(p + hex.slice(i, i + HEX_LINE));
      continue;
    }
    const parts = e.text.split(/\r\n|\n|\r/);
    // A text ending in a line break does not start one more, empty line.
    if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
    for (const part of parts) lines.push(p + escapeControl(part));
  }
  return lines;
}
