/**
 * What each command decoder gets: one command's blocks, located in the message,
 * and the paired request's command when decoding a response. Decoders read
 * through Cursors over these views, so a field past its block throws
 * TRUNCATED, which the parser turns into one problem for that command.
 * @module
 */
import { Cursor } from "../../bytes/cursor.ts";
import { readSmbString } from "./strings.ts";
import type { DataLocation, ParseProblem, Smb1Command, Smb1Header } from "./types.ts";

/** One command of a message, as a decoder sees it. */
export interface CommandContext {
  /** The whole SMB message, from the 0xFF 'SMB' protocol id. Wire offsets count from here. */
  readonly msg: Uint8Array;
  readonly header: Smb1Header;
  /** The output: the decoder fills `cmd.fields` (and securityBlob, data... where they apply). */
  readonly cmd: Smb1Command;
  /** SMB_Parameters.Words (after WordCount), a view of `msg`. */
  readonly words: Uint8Array;
  /** SMB_Data.Bytes (after ByteCount), cut at the end of `msg` when the message is short. */
  readonly bytes: Uint8Array;
  /** Offset of `bytes` from the start of the header (for Unicode alignment). */
  readonly bytesOffset: number;
  /** On a response: the command with the same code in the paired request, when known. */
  readonly request: Smb1Command | undefined;
  readonly problems: ParseProblem[];
}

/** A cursor over the parameter words, past the 4-byte AndX block when `andx`. */
export function wordCursor(ctx: CommandContext, andx = false): Cursor {
  const c = new Cursor(ctx.words);
  if (andx) c.skip(4);
  return c;
}

/** A cursor over the data bytes. */
export function byteCursor(ctx: CommandContext): Cursor {
  return new Cursor(ctx.bytes);
}

/** Reads an SMB_STRING from the data bytes, aligned relative to the header when Unicode (unless `aligned` is false). */
export function readString(
  ctx: CommandContext,
  c: Cursor,
  unicode = ctx.header.unicode,
  aligned = true,
): string {
  return readSmbString(c, unicode, ctx.bytesOffset, aligned);
}

/** Adds a problem for this command, prefixed with its name and direction. */
export function problem(ctx: CommandContext, kind: ParseProblem["kind"], detail: string): void {
  const dir = ctx.header.response ? "response" : "request";
  ctx.problems.push({ kind, detail: `${ctx.cmd.name} ${dir}: ${detail}` });
}

/**
 * A wire (offset, length) pair, from the start of the header, as a location.
 * When it runs past the message a `truncated` problem is added and the part
 * that is present is returned (offset past the end: length 0).
 */
export function locate(
  ctx: CommandContext,
  what: string,
  offset: number,
  length: number,
): DataLocation {
  const size = ctx.msg.length;
  if (offset + length <= size) return { offset, length };
  problem(
    ctx,
    "truncated",
    `${what} at offset ${offset}, length ${length} runs past the end of the ${size}-byte message`,
  );
  const at = Math.min(offset, size);
  return { offset: at, length: size - at };
}

/** Adds a `malformed` problem when the WordCount is not one of those the spec allows; returns whether it is. */
export function expectWordCount(ctx: CommandContext, ...allowed: number[]): boolean {
  if (allowed.includes(ctx.cmd.wordCount)) return true;
  problem(
    ctx,
    "malformed",
    `WordCount ${ctx.cmd.wordCount}, expected ${allowed.join(" or ")}; fields not decoded`,
  );
  return false;
}
