/**
 * Walking a compound: messages chained by NextCommand. [MS-SMB2] 3.2.4.1.4
 *
 * Each NextCommand counts from the start of its message to the next one's,
 * must be a multiple of 8, must move past the message's own header and must
 * stay inside the packet. A NextCommand that breaks these ends the walk with
 * a `loop` (does not advance, points backwards) or `malformed` (misaligned,
 * past the end) problem; at most `MAX_COMPOUND_MESSAGES` messages are taken
 * (past it, a `limit` problem: `smb2_maxCompoundMessages`).
 * @module
 */
import { le32 } from "../../bytes/cursor.ts";
import type { ParseProblem } from "../types.ts";
import { SMB2_HEADER_SIZE } from "./header.ts";

/** Messages taken from one compound; past this the rest are skipped with a problem. */
export const MAX_COMPOUND_MESSAGES = 128;

/** One message's place in the packet: [start, end). */
export interface CompoundSlot {
  start: number;
  end: number;
}

/**
 * The messages of a packet. A message too short for its header is still
 * returned (its reader reports the truncation); the walk never revisits bytes.
 */
export function compoundSlots(
  packet: Uint8Array,
  problems: ParseProblem[],
  max: number = MAX_COMPOUND_MESSAGES,
): CompoundSlot[] {
  const slots: CompoundSlot[] = [];
  let start = 0;
  for (;;) {
    if (slots.length === max) {
      problems.push({
        kind: "limit",
        detail: `compound of more than ${max} messages; the rest skipped at offset ${start}`,
        code: "maxCompoundMessages",
      });
      break;
    }
    const next = packet.length - start >= 24 ? le32(packet, start + 20) : 0;
    if (next === 0) {
      slots.push({ start, end: packet.length });
      break;
    }
    const where = `compound message ${slots.length + 1} at offset ${start}: NextCommand ${next}`;
    if ((next | 0) < 0) {
      problems.push({
        kind: "loop",
        detail: `${where} points backwards`,
        code: "smb2_compound_loop",
      });
      slots.push({ start, end: packet.length });
      break;
    }
    if (next < SMB2_HEADER_SIZE) {
      problems.push({
        kind: "loop",
        detail: `${where} does not advance past its header`,
        code: "smb2_compound_loop",
      });
      slots.push({ start, end: packet.length });
      break;
    }
    if (next % 8 !== 0) {
      problems.push({
        kind: "malformed",
        detail: `${where} is not a multiple of 8`,
        code: "smb2_compound_misaligned",
      });
      slots.push({ start, end: Math.min(start + next, packet.length) });
      break;
    }
    if (next >= packet.length - start) {
      problems.push({
        kind: "malformed",
        detail: `${where} runs past the end of the ${packet.length}-byte packet`,
      });
      slots.push({ start, end: packet.length });
      break;
    }
    slots.push({ start, end: start + next });
    start += next;
  }
  return slots;
}
