/**
 * The shape of decoded protocol fields in events: plain JSON.
 * @module
 */
import type { JsonValue } from "../events.ts";

export type { JsonValue };

/** Decoded fields of one message or command, by name. */
export type Fields = { [key: string]: JsonValue };

/**
 * A deep copy of plain data as JSON would make it (`JSON.parse(JSON.stringify(v))`
 * without the text): undefined properties dropped, undefined in arrays and
 * non-finite numbers become null. Only plain objects, arrays and primitives are
 * expected; anything else is copied as an object of its own enumerable fields.
 */
export function jsonCopy(value: unknown): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) {
    return value.map((v) => (v === undefined || typeof v === "function" ? null : jsonCopy(v)));
  }
  if (typeof value !== "object") return null;
  const out: Fields = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== "function" && typeof v !== "symbol") out[key] = jsonCopy(v);
  }
  return out;
}
