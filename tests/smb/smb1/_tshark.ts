/**
 * Test helper: compares parsed SMB1 messages with tshark's output for the same
 * capture, written into each test as a literal (`tshark -T fields -E header=y
 * -E separator=/t -E occurrence=a -E aggregator=,` with the columns named in
 * its header row), so the tests need no tshark. Each column has an extractor
 * that gives what our parse says for it, or nothing where the message does not
 * carry that field on the wire (tshark also fills in values it remembers from
 * earlier frames, such as the file name behind a FID).
 * @module
 */
import * as assert from "node:assert/strict";
import { ANDX_COMMANDS } from "../../../lib/smb/smb1/commands.ts";
import type { Parsed } from "./_capture.ts";
import type { JsonValue } from "../../../lib/smb/json.ts";

type Mode = "equals" | "contains";
interface Column {
  mode: Mode;
  get: (p: Parsed) => string[];
}

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, "0")}`;

/** Every value of a field across the chain's commands. */
function field(p: Parsed, name: string, format: (v: JsonValue) => string = String): string[] {
  const out: string[] = [];
  for (const c of p.message.commands) {
    const v = c.fields[name];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out.push(...v.map(format));
    else out.push(format(v));
  }
  return out;
}

/** A field only where the given commands carry it. */
function fieldOf(
  p: Parsed,
  codes: number[],
  name: string,
  format?: (v: JsonValue) => string,
): string[] {
  const only = {
    ...p,
    message: { ...p.message, commands: p.message.commands.filter((c) => codes.includes(c.code)) },
  };
  return field(only, name, format);
}

const ALL_BUT_DIRECTORY_AND_RENAME = Array.from({ length: 256 }, (_, i) => i).filter((c) =>
  ![0x00, 0x01, 0x07, 0xa5].includes(c)
);

/** The smb.cmd cell: each command's code, and 0xff where an AndX chain ends. */
function commandCell(p: Parsed): string[] {
  const codes: string[] = [];
  for (const c of p.message.commands) {
    codes.push(hex(c.code, 2));
    if (ANDX_COMMANDS.has(c.code) && c.wordCount >= 2 && p.bytes[c.offset + 1] === 0xff) {
      codes.push("0xff");
    }
  }
  return [codes.join(",")];
}

export const COLUMNS: Record<string, Column> = {
  "smb.cmd": { mode: "equals", get: commandCell },
  "smb.mid": { mode: "equals", get: (p) => [String(p.message.header.mid)] },
  "smb.flags.response": { mode: "equals", get: (p) => [p.message.header.response ? "1" : "0"] },
  "smb.nt_status": { mode: "equals", get: (p) => [hex(p.message.header.status, 8)] },
  "smb.fid": { mode: "contains", get: (p) => field(p, "fid", (v) => hex(Number(v), 4)) },
  "smb.file": {
    mode: "contains",
    // tshark files directory names (CREATE/DELETE_DIRECTORY) and RENAME's old name elsewhere.
    get: (p) => [
      ...fieldOf(p, ALL_BUT_DIRECTORY_AND_RENAME, "fileName"),
      ...field(p, "names"),
      ...fieldOf(p, [0x07, 0xa5], "newFileName"),
    ],
  },
  "smb.path": { mode: "contains", get: (p) => field(p, "path") },
  "smb.service": { mode: "contains", get: (p) => field(p, "service") },
  "smb.native_os": { mode: "contains", get: (p) => field(p, "nativeOs") },
  "smb.native_lanman": { mode: "contains", get: (p) => field(p, "nativeLanMan") },
  "smb.primary_domain": {
    mode: "contains",
    get: (p) => field(p, "primaryDomain").filter((d) => d),
  },
  "smb.account": { mode: "contains", get: (p) => field(p, "accountName").filter((d) => d) },
  "smb.dialect.name": {
    mode: "equals",
    get: (p) => field(p, "dialects").length ? [field(p, "dialects").join(",")] : [],
  },
  "smb.dialect.index": { mode: "equals", get: (p) => field(p, "dialectIndex") },
  "smb.trans2.cmd": {
    mode: "contains",
    get: (p) => fieldOf(p, [0x32], "subcommand", (v) => hex(Number(v), 4)),
  },
  "smb.nt.function": { mode: "contains", get: (p) => fieldOf(p, [0xa0], "function") },
  // Responses repeat the request's name in our fields; tshark shows it on requests only.
  "smb.trans_name": {
    mode: "contains",
    get: (p) => p.message.header.response ? [] : field(p, "transName"),
  },
  "smb.search_pattern": { mode: "contains", get: (p) => field(p, "pattern") },
  "smb.search_count": { mode: "contains", get: (p) => field(p, "searchCount") },
  "smb.end_of_search": {
    mode: "equals",
    get: (p) => field(p, "endOfSearch", (v) => (v ? "1" : "0")),
  },
  "smb.create.disposition": { mode: "contains", get: (p) => field(p, "createDisposition") },
  "smb.create.action": { mode: "contains", get: (p) => field(p, "createAction") },
  "smb.end_of_file": { mode: "contains", get: (p) => fieldOf(p, [0xa2, 0x32, 0xa0], "endOfFile") },
  "smb.data_len_low": {
    mode: "contains",
    get: (p) => fieldOf(p, [0x2e, 0x2f], "dataLength", (v) => String(Number(v) & 0xffff)),
  },
  "smb.offset": {
    mode: "contains",
    get: (p) => [...fieldOf(p, [0x2e, 0x2f], "offset"), ...ranges(p, false).map((r) => r.offset)],
  },
  "smb.security_blob_len": {
    mode: "contains",
    get: (p) => fieldOf(p, [0x73], "securityBlobLength"),
  },
  "smb.setup.action.guest": {
    mode: "contains",
    get: (p) => field(p, "guest", (v) => (v ? "1" : "0")),
  },
  "smb.native_fs": { mode: "contains", get: (p) => field(p, "nativeFileSystem").filter((d) => d) },
  "smb.dir_name": { mode: "contains", get: (p) => fieldOf(p, [0x00, 0x01], "fileName") },
  "smb.old_file": { mode: "contains", get: (p) => fieldOf(p, [0x07, 0xa5], "fileName") },
  "smb.qpi_loi": {
    mode: "contains",
    get: (p) => fieldOf(p, [0x32], "infoLevel").filter(() => isQuery(p)),
  },
  "smb.qfsi_loi": {
    mode: "contains",
    get: (p) =>
      fieldOf(p, [0x32], "infoLevel", (v) => hex(Number(v), 4)).filter(() => subcommand(p) === 3),
  },
  "smb.ff2_loi": {
    mode: "contains",
    get: (p) =>
      fieldOf(p, [0x32], "infoLevel").filter(() => subcommand(p) === 1 || subcommand(p) === 2),
  },
  "smb.echo.count": { mode: "contains", get: (p) => field(p, "echoCount") },
  "smb.echo.seq_num": { mode: "contains", get: (p) => field(p, "sequenceNumber") },
  "smb.locking.num_locks": { mode: "contains", get: (p) => field(p, "numberOfLocks") },
  "smb.locking.num_unlocks": { mode: "contains", get: (p) => field(p, "numberOfUnlocks") },
  // tshark files 64-bit (LARGE_FILES) lock ranges here and 32-bit ones under smb.offset.
  "smb.lock.offset": { mode: "contains", get: (p) => ranges(p, true).map((r) => r.offset) },
  "smb.lock.length": { mode: "contains", get: (p) => ranges(p, true).map((r) => r.length) },
};

/** LOCKING_ANDX ranges as strings. */
function ranges(p: Parsed, large: boolean): { offset: string; length: string }[] {
  const out: { offset: string; length: string }[] = [];
  for (const c of p.message.commands) {
    if (((Number(c.fields.typeOfLock) & 0x10) !== 0) !== large) continue;
    for (const key of ["unlocks", "locks"]) {
      const list = c.fields[key];
      if (!Array.isArray(list)) continue;
      for (const r of list) {
        if (r && typeof r === "object" && !Array.isArray(r)) {
          out.push({ offset: String(r.offset), length: String(r.length) });
        }
      }
    }
  }
  return out;
}

function subcommand(p: Parsed): number | undefined {
  const v = p.message.commands[0]?.fields.subcommand;
  return typeof v === "number" ? v : undefined;
}
function isQuery(p: Parsed): boolean {
  const s = subcommand(p);
  return s === 5 || s === 7;
}

/** Rows of tshark's output by frame number. */
export function tsharkRows(text: string): { header: string[]; rows: Map<number, string[]> } {
  const lines = text.trim().split("\n");
  const header = lines[0]!.split("\t");
  const rows = new Map<number, string[]>();
  for (const line of lines.slice(1)) {
    const cells = line.split("\t");
    rows.set(Number(cells[0]), cells);
  }
  return { header, rows };
}

/**
 * Asserts that every parsed message agrees with tshark's row for its frame in
 * every column both have (but those in `ignore`), and that both saw the same
 * frames. Returns how many cells were compared.
 */
export function assertMatchesTshark(parsed: Parsed[], text: string, ignore: string[] = []): number {
  const { header, rows } = tsharkRows(text);
  const byFrame = new Map<number, Parsed[]>();
  for (const p of parsed) byFrame.set(p.frame, [...(byFrame.get(p.frame) ?? []), p]);
  assert.deepEqual(
    [...byFrame.keys()].sort((a, b) => a - b),
    [...rows.keys()].sort((a, b) => a - b),
  );
  let compared = 0;
  for (const [frame, cells] of rows) {
    const messages = byFrame.get(frame)!;
    for (const [i, name] of header.entries()) {
      if (name === "frame.number" || ignore.includes(name)) continue;
      const column = COLUMNS[name];
      assert.ok(column, `no extractor for tshark column ${name}`);
      const ours = messages.flatMap((m) => column.get(m));
      if (ours.length === 0) continue;
      const cell = cells[i] ?? "";
      if (column.mode === "equals") {
        assert.equal(ours.join(","), cell, `frame ${frame} ${name}`);
      } else {
        const theirs = cell.split(",");
        for (const v of ours) {
          assert.ok(
            theirs.includes(v) || cell.includes(v),
            `frame ${frame} ${name}: ${JSON.stringify(v)} not in ${JSON.stringify(cell)}`,
          );
        }
      }
      compared++;
    }
  }
  return compared;
}
