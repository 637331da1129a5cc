/**
 * The shape of decoded protocol fields in events: plain JSON.
 * @module
 */
import type { JsonValue } from "../events.ts";

export type { JsonValue };

/** Decoded fields of one message or command, by name. */
export type Fields = { [key: string]: JsonValue };
