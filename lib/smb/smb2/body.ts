/**
 * What every command reader gets: the message's bytes, its header, a cursor
 * over the body, the fields it fills in, and helpers that resolve wire offsets
 * (which count from the start of the SMB2 header) without ever throwing past
 * a problem.
 * @module
 */
import { Cursor, toHex, TRUNCATED } from "../../bytes/cursor.ts";
import type { Fields } from "../json.ts";
import type { DataLocation, ParseProblem } from "../types.ts";
import { SMB2_HEADER_SIZE } from "./header.ts";

/** A warning: the output did not fit and was cut. [MS-ERREF] 2.3 */
const STATUS_BUFFER_OVERFLOW = 0x8000_0005;
import type { Smb2Header, Smb2Message } from "./types.ts";
import { readFiletime, readU64, readU64Number, utf16 } from "./wire.ts";

/** One message being decoded. Readers append to `fields` as they go, so a truncation keeps what was read. */
export class Smb2Body {
  /** Reads the body, from just after the header. */
  readonly c: Cursor;
  readonly fields: Fields;

  constructor(
    /** This message only: from its header to its end (NextCommand or the end of the packet). */
    readonly msg: Uint8Array,
    readonly header: Smb2Header,
    readonly out: Smb2Message,
    readonly problems: ParseProblem[],
    /** The paired request, for responses, when the caller has it. */
    readonly request: Smb2Message | undefined,
    /** Where the message starts in its NBSS message, to name it in problem details. */
    readonly offset: number,
  ) {
    this.c = new Cursor(msg.subarray(SMB2_HEADER_SIZE));
    this.fields = out.fields;
  }

  /** e.g. `CREATE response at offset 0`, to prefix problem details (built only when needed). */
  get what(): string {
    const m = this.out;
    return `${m.name} ${m.header.response ? "response" : "request"}${m.error ? " (error)" : ""} ` +
      `at offset ${this.offset}`;
  }

  problem(kind: ParseProblem["kind"], detail: string, code?: string): void {
    const p: ParseProblem = { kind, detail: `${this.what}: ${detail}` };
    if (code !== undefined) p.code = code;
    this.problems.push(p);
  }

  /** Reads StructureSize; a value other than `expected` is a `malformed` problem (decoding goes on). */
  structureSize(expected: number): number {
    const size = this.c.u16();
    if (size !== expected) {
      this.problem(
        "malformed",
        `StructureSize ${size}, expected ${expected}`,
        "smb2_bad_structure_size",
      );
    }
    return size;
  }

  /**
   * `length` bytes at `offset` from the header start, as a view; undefined
   * (with a problem) when they are not all in the message. Empty when length is 0.
   */
  region(offset: number, length: number, what: string): Uint8Array | undefined {
    if (length === 0) return new Uint8Array(0);
    if (!this.#inside(offset, length, what)) return undefined;
    return this.msg.subarray(offset, offset + length);
  }

  /** A UTF-16LE string at `offset` (from the header start); undefined with a problem when outside. */
  string(offset: number, length: number, what: string): string | undefined {
    const b = this.region(offset, length, what);
    return b === undefined ? undefined : utf16(b);
  }

  /**
   * Where bulk data sits, without touching it. Data running past the bytes we
   * hold is still located (a message kept only in part ends early) with a
   * `truncated` problem; data starting outside the message is `malformed`.
   */
  location(offset: number, length: number, what: string): DataLocation | undefined {
    if (length === 0) return { offset, length };
    if (offset < SMB2_HEADER_SIZE) {
      this.problem("malformed", `${what} offset ${offset} points into the header`);
      return undefined;
    }
    if (offset + length > this.msg.length) {
      this.problem(
        "truncated",
        `${what} (${length} bytes at offset ${offset}) runs past the ${this.msg.length} bytes present`,
      );
    }
    return { offset, length };
  }

  #inside(offset: number, length: number, what: string): boolean {
    if (offset < SMB2_HEADER_SIZE) {
      this.problem("malformed", `${what} offset ${offset} points into the header`);
      return false;
    }
    if (offset + length > this.msg.length) {
      this.problem(
        offset >= this.msg.length ? "malformed" : "truncated",
        `${what} (${length} bytes at offset ${offset}) runs past the ${this.msg.length} bytes present`,
      );
      return false;
    }
    return true;
  }

  /** Reads a 16-byte FileId into `fileId` (fields and message). */
  fileId(name = "fileId"): string {
    const id = toHex(this.c.take(16));
    this.fields[name] = id;
    if (name === "fileId") this.out.fileId = id;
    return id;
  }

  u64(): string {
    return readU64(this.c);
  }

  /** A 64-bit offset or size as a number (exact up to 2^53, as JSON numbers are). */
  u64Number(): number {
    return readU64Number(this.c);
  }

  time(): string | null {
    return readFiletime(this.c);
  }

  /**
   * Runs `read` over a sub-structure; a field running past its bytes becomes a
   * `malformed` problem naming `what` instead of ending the whole message.
   * With STATUS_BUFFER_OVERFLOW the server cut the buffer on purpose: what
   * fits is kept and no problem is reported.
   */
  guard(what: string, read: () => void): boolean {
    try {
      read();
      return true;
    } catch (e) {
      if (e !== TRUNCATED) throw e;
      if (this.header.response && this.header.status === STATUS_BUFFER_OVERFLOW) return false;
      this.problem("malformed", `${what} runs past its bytes`);
      return false;
    }
  }
}
