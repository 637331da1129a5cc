/**
 * Making alerts stand out on a terminal: bold, red for high and critical,
 * yellow for medium. Only when standard output is a terminal and NO_COLOR is
 * unset (https://no-color.org); files and pipes get the plain text. The text
 * emphasised is already escaped (no control characters of the capture's).
 * @module
 */
import type { AlertSeverity } from "../mod.ts";

const RESET = "\x1b[0m";
const SGR: Readonly<Record<AlertSeverity, string>> = {
  critical: "\x1b[1;31m",
  high: "\x1b[1;31m",
  medium: "\x1b[1;33m",
  low: "\x1b[1m",
};

/** Whether to colour what goes to standard output (`Deno.noColor` is NO_COLOR, read at start). */
export function stdoutWantsColor(): boolean {
  return !Deno.noColor && Deno.stdout.isTerminal();
}

/** `line` in the severity's colour. */
export function emphasise(line: string, severity: AlertSeverity): string {
  return `${SGR[severity]}${line}${RESET}`;
}

/** The text summary with its `ALERTS:` line emphasised (as the most severe there). */
export function emphasiseSummary(text: string, severity: AlertSeverity = "high"): string {
  return text.split("\n").map((l) => l.startsWith("ALERTS: ") ? emphasise(l, severity) : l)
    .join("\n");
}
