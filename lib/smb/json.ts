/**
 * The shape of decoded protocol fields in events: plain JSON.
 * @module
 */

/** A JSON value: what decoded fields may hold (no bigint, no bytes, no undefined). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Decoded fields of one message or command, by name. */
export type Fields = { [key: string]: JsonValue };
