/**
 * Defensive readers of event fields, shared by every rule group: a rule
 * never throws on an odd event (a field missing, null or of another type),
 * it reads undefined (or the stated fallback) instead. Also the test of a
 * "once per ..." alert. What only one group needs stays in its `*_facts.ts`.
 * @module
 */
import type { DecodeEvent, Endpoint, JsonValue } from "../../events.ts";
import type { RuleState } from "../rule.ts";

/** A string field, or undefined when absent or of another type. */
export function str(x: unknown): string | undefined {
  return typeof x === "string" ? x : undefined;
}

/** A finite number field, or undefined. */
export function num(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}

/** A plain JSON object, or undefined. */
export function obj(v: unknown): { [key: string]: JsonValue } | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? v as { [key: string]: JsonValue }
    : undefined;
}

/** An endpoint field (`{ ip, port }`), or undefined. */
export function endpoint(x: unknown): Endpoint | undefined {
  if (x === null || typeof x !== "object") return undefined;
  const { ip, port } = x as { ip?: unknown; port?: unknown };
  return typeof ip === "string" && typeof port === "number" ? { ip, port } : undefined;
}

/** The `ip` of an endpoint field: `endpoint(x)?.ip` without copying the endpoint. */
export function endpointIp(x: unknown): string | undefined {
  if (x === null || typeof x !== "object") return undefined;
  const { ip, port } = x as { ip?: unknown; port?: unknown };
  return typeof ip === "string" && typeof port === "number" ? ip : undefined;
}

/** An event's `evidence` fields as they came, whatever their types. */
function evidenceOf(e: DecodeEvent): { [key: string]: unknown } | undefined {
  return (e as { evidence?: { [key: string]: unknown } }).evidence;
}

/** The capture time of an event (0 when it has none). */
export function eventTs(e: DecodeEvent): number {
  return num(evidenceOf(e)?.ts) ?? 0;
}

/** The connection id of an event, when it has one. */
export function eventConnection(e: DecodeEvent): number | undefined {
  return num(evidenceOf(e)?.connection);
}

/** The connection an event belongs to, as a number (-1 when it has none). */
export function connectionOf(e: DecodeEvent): number {
  const c = evidenceOf(e)?.connection;
  return typeof c === "number" ? c : -1;
}

/** The connection an event concerns, as a key part (`?` when it has none). */
export function connOf(e: DecodeEvent): string {
  const c = evidenceOf(e)?.connection;
  return c === undefined ? "?" : String(c);
}

/** Where an SMB or login event's message starts in its direction's TCP stream, when given. */
export function eventStreamOffset(e: DecodeEvent): number | undefined {
  return num(evidenceOf(e)?.streamOffset);
}

/** The first frame of an event, when it has one. */
export function eventFrame(e: DecodeEvent): number | undefined {
  const frames = evidenceOf(e)?.frames;
  return Array.isArray(frames) ? num(frames[0]) : undefined;
}

/** Whether `key` is new to `seen`, which then holds it: the test of every "once per ..." alert. */
export function once<K>(seen: RuleState<K, true>, key: K): boolean {
  if (seen.has(key)) return false;
  seen.set(key, true);
  return true;
}
