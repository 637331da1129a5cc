/**
 * One line per DCE/RPC call or bind for the text view: interface and
 * operation, outcome, and the arguments that matter, each value escaped.
 * @module
 */
import type { JsonValue, RpcEvent } from "../events.ts";
import { escapeControl } from "./sanitize.ts";

/** Characters of one argument value shown (the JSON has it whole). */
const MAX_VALUE_CHARS = 120;
/** Arguments shown per line. */
const MAX_ARGUMENTS = 8;

function shown(v: JsonValue): string | undefined {
  if (v === null) return undefined;
  if (typeof v === "string") {
    const s = escapeControl(v);
    return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}\u2026` : s;
  }
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.length}]`;
  return undefined;
}

/** `name=value` pairs of scalar values, handles left out (they are noise on a terminal). */
function pairs(values: { [key: string]: JsonValue } | undefined): string {
  if (values === undefined) return "";
  const out: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (/handle$/i.test(k)) continue;
    const s = shown(v);
    if (s === undefined || s === "") continue;
    out.push(`${k}=${s}`);
    if (out.length === MAX_ARGUMENTS) break;
  }
  return out.length === 0 ? "" : `  ${out.join("  ")}`;
}

/** The line of an `rpc` event (without the frame prefix). */
export function rpcText(e: RpcEvent): string {
  const via = e.pipe !== undefined ? ` \\pipe\\${escapeControl(e.pipe)}` : ` ${e.transport}`;
  const who = e.user !== undefined ? `  user=${escapeControl(e.user)}` : "";
  if (e.action !== "call") {
    const contexts = e.contexts ?? [];
    // One entry per interface: the accepted context with its syntax; the alternatives a server
    // turned down (NDR64 offered beside NDR, bind time features) only when none was accepted.
    const shown: string[] = [];
    for (const c of contexts) {
      const name = `${c.interfaceName ?? c.interface} v${c.interfaceVersion}`;
      if (c.result === "negotiate_ack") continue;
      if (c.result === "acceptance") shown.push(`${name} (${c.acceptedSyntax ?? "?"})`);
      else if (!contexts.some((o) => o.interface === c.interface && o.result === "acceptance")) {
        const why = c.result === undefined
          ? ""
          : ` (${c.result}${c.reason ? `: ${c.reason}` : ""})`;
        if (!shown.some((x) => x.startsWith(`${name} (`)) || why === "") {
          shown.push(`${name}${why}`);
        }
      }
    }
    const auth = e.authType !== undefined ? `  auth=${e.authType}/${e.authLevel}` : "";
    const nak = e.rejectReason !== undefined ? ` (${e.rejectReason})` : "";
    return `RPC ${e.action.replace("_", " ")}${via} ${
      [...new Set(shown)].join(", ")
    } \u2192 ${e.outcome}${nak}${auth}${who}`;
  }
  const name = `${e.interfaceName ?? e.interface ?? "?"}.${e.operation ?? `opnum${e.opnum}`}`;
  let outcome: string = e.outcome === "no_response" ? "no response" : e.statusName ?? e.outcome;
  if (e.responseTime !== undefined) outcome += ` ${(e.responseTime * 1000).toFixed(1)}ms`;
  const enc = e.encrypted ? "  (encrypted)" : "";
  return `RPC${via} ${name} \u2192 ${outcome}${enc}${pairs(e.arguments)}${pairs(e.results)}${who}`;
}
