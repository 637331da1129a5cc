/**
 * Following an AndX chain, [MS-CIFS] 2.2.3.4: an AndX command's words start
 * with AndXCommand u8 (0xFF ends the chain), AndXReserved u8 and AndXOffset
 * u16, the offset of the next command's WordCount from the start of the SMB
 * header. A sender controls that offset. It must move forward (which rules
 * out pointing backwards or at itself, and so any loop) and stay inside the
 * message; and a chain is at most MAX_ANDX_DEPTH commands long (past it, a
 * `limit` problem: `smb1_maxAndxDepth`). An offset
 * forward but inside the current command's own blocks (its data) is followed,
 * as Windows follows it, and reported (`smb1_andx_overlap`): the next command
 * hides in the previous one's data, an IDS-evasion trick.
 * @module
 */
import { ANDX_COMMANDS, Smb1Command as Cmd, smb1CommandName } from "./commands.ts";
import type { ParseProblem, Smb1Command } from "./types.ts";

/** Commands in one chain at most (real clients send two or three; Zeek flags its 12-command test chain). */
export const MAX_ANDX_DEPTH = 10;

/** Where the next command of a chain starts. */
export interface AndXNext {
  code: number;
  offset: number;
}

/**
 * The command after `cmd` in its chain, or undefined at the end of the chain
 * or when the link is unsafe to follow (then a `loop` or `malformed` problem
 * is added). `blockEnd` is the offset just past `cmd`'s bytes as declared;
 * `depth` is the number of commands parsed so far.
 */
export function nextInChain(
  msg: Uint8Array,
  cmd: Smb1Command,
  blockEnd: number,
  depth: number,
  problems: ParseProblem[],
): AndXNext | undefined {
  if (!ANDX_COMMANDS.has(cmd.code) || cmd.wordCount < 2) return undefined;
  const code = msg[cmd.offset + 1]!;
  if (code === Cmd.NO_ANDX_COMMAND) return undefined;
  const offset = msg[cmd.offset + 3]! | (msg[cmd.offset + 4]! << 8);
  const where = `${cmd.name} at ${cmd.offset}: AndXOffset ${offset} (next ${
    smb1CommandName(code)
  })`;
  if (offset <= cmd.offset) {
    problems.push({
      kind: "loop",
      detail: `${where} points back at or before this command; chain stopped`,
    });
    return undefined;
  }
  if (offset >= msg.length) {
    problems.push({
      kind: "malformed",
      detail: `${where} points past the end of the ${msg.length}-byte message; chain stopped`,
    });
    return undefined;
  }
  if (depth >= MAX_ANDX_DEPTH) {
    problems.push({
      kind: "limit",
      detail: `AndX chain longer than ${MAX_ANDX_DEPTH} commands; the rest is not parsed`,
      code: "maxAndxDepth",
    });
    return undefined;
  }
  if (offset < blockEnd) {
    problems.push({
      kind: "malformed",
      detail: `${where} points into this command's blocks, which end at ${blockEnd}; followed`,
      code: "smb1_andx_overlap",
    });
  }
  return { code, offset };
}
