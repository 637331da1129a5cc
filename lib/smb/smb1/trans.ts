/**
 * SMB_COM_TRANSACTION (0x25), TRANSACTION2 (0x32) and NT_TRANSACT (0xA0), and
 * their _SECONDARY requests (0x26, 0x33, 0xA1): [MS-CIFS] 2.2.4.33-34,
 * 2.2.4.46-47, 2.2.4.62-63, [MS-SMB] 2.2.4.8.
 *
 * TRANSACTION / TRANSACTION2 request (WordCount 14 + SetupCount):
 *   TotalParameterCount u16, TotalDataCount u16, MaxParameterCount u16,
 *   MaxDataCount u16, MaxSetupCount u8, Reserved u8, Flags u16, Timeout u32,
 *   Reserved u16, ParameterCount u16, ParameterOffset u16, DataCount u16,
 *   DataOffset u16, SetupCount u8, Reserved u8, Setup[SetupCount] u16;
 *   Bytes: Name (TRANSACTION only: `\PIPE\...`, `\MAILSLOT\...`), Pad,
 *   Parameters, Pad, Data.
 * TRANSACTION / TRANSACTION2 response (WordCount 10 + SetupCount, or 0 for
 *   the interim response and errors): TotalParameterCount u16, TotalDataCount
 *   u16, Reserved u16, ParameterCount u16, ParameterOffset u16,
 *   ParameterDisplacement u16, DataCount u16, DataOffset u16,
 *   DataDisplacement u16, SetupCount u8, Reserved u8, Setup[].
 * NT_TRANSACT request (WordCount 19 + SetupCount): MaxSetupCount u8,
 *   Reserved u16, TotalParameterCount u32, TotalDataCount u32,
 *   MaxParameterCount u32, MaxDataCount u32, ParameterCount u32,
 *   ParameterOffset u32, DataCount u32, DataOffset u32, SetupCount u8,
 *   Function u16, Setup[].
 * NT_TRANSACT response (WordCount 18 + SetupCount): Reserved[3],
 *   TotalParameterCount u32, TotalDataCount u32, ParameterCount u32,
 *   ParameterOffset u32, ParameterDisplacement u32, DataCount u32, DataOffset
 *   u32, DataDisplacement u32, SetupCount u8, Setup[].
 * TRANSACTION_SECONDARY (WordCount 8): TotalParameterCount u16, TotalDataCount
 *   u16, ParameterCount, ParameterOffset, ParameterDisplacement, DataCount,
 *   DataOffset, DataDisplacement (u16 each); TRANSACTION2_SECONDARY (9): the
 *   same and FID u16; NT_TRANSACT_SECONDARY (18): Reserved[3], the eight as
 *   u32, Reserved u8.
 *
 * Fields of every part: `totalParameterCount`, `totalDataCount`,
 * `parameterCount`, `parameterOffset`, `parameterDisplacement`, `dataCount`,
 * `dataOffset`, `dataDisplacement`, `complete` (this one message holds all
 * parameters and data); the data block as `data` (location; parameters are at
 * `parameterOffset`/`parameterCount`). Primary requests also: `maxParameterCount`,
 * `maxDataCount`, `maxSetupCount`, `transactionFlags`, `timeout`, `setup`
 * (words); TRANSACTION: `transName`, and for `\PIPE\` names `subcommand`,
 * `subcommandName` (TRANSACT_NMPIPE ...) and `fid` (Setup[1]), for
 * `\MAILSLOT\` names `subcommand` (MAILSLOT_WRITE), `priority`, `class`, for
 * `\PIPE\LANMAN` `rapOpcode`; TRANSACTION2: `subcommand`, `subcommandName`
 * and the subcommand's fields (trans2.ts); NT_TRANSACT: `function`,
 * `functionName` and its fields (nt_transact.ts). Responses repeat
 * `transName`, `subcommand`/`function` and their names from the paired
 * request. When a transaction spans several messages its subcommand fields
 * are decoded by `decodeTransactionBlocks` after reassembly.
 * @module
 */
import { TRUNCATED } from "../../bytes/cursor.ts";
import type { Cursor } from "../../bytes/cursor.ts";
import type { Fields } from "../json.ts";
import {
  byteCursor,
  type CommandContext,
  locate,
  problem,
  readString,
  wordCursor,
} from "./context.ts";
import {
  ntTransactFunctionName,
  Smb1Command as Cmd,
  trans2SubcommandName,
  TransSubcommand,
  transSubcommandName,
} from "./commands.ts";
import {
  decodeNtTransactRequest,
  decodeNtTransactResponse,
  decodeNtTransactSetup,
} from "./nt_transact.ts";
import { decodeTrans2Request, decodeTrans2Response } from "./trans2.ts";
import type { ParseProblem } from "./types.ts";

/** The counts and offsets every transaction message carries. */
interface Framing {
  totalParameterCount: number;
  totalDataCount: number;
  parameterCount: number;
  parameterOffset: number;
  parameterDisplacement: number;
  dataCount: number;
  dataOffset: number;
  dataDisplacement: number;
}

/** Which transaction family a command code belongs to. */
export type TransactionKind = "trans" | "trans2" | "ntTransact";

/** The family of a primary or secondary transaction command, undefined for other commands. */
export function transactionKind(code: number): TransactionKind | undefined {
  switch (code) {
    case Cmd.TRANSACTION:
    case Cmd.TRANSACTION_SECONDARY:
      return "trans";
    case Cmd.TRANSACTION2:
    case Cmd.TRANSACTION2_SECONDARY:
      return "trans2";
    case Cmd.NT_TRANSACT:
    case Cmd.NT_TRANSACT_SECONDARY:
      return "ntTransact";
  }
  return undefined;
}

/**
 * The setup words. The parser already sized the words by SetupCount where the
 * message allowed; when it could not, the words present are read and the
 * mismatch noted.
 */
function readSetup(
  ctx: CommandContext,
  w: Cursor,
  fixedWords: number,
  setupCount: number,
): number[] {
  const room = ctx.words.length / 2 - fixedWords;
  if (setupCount !== room) {
    problem(
      ctx,
      "malformed",
      `SetupCount ${setupCount} but the parameter words leave room for ${room} setup words`,
    );
  }
  const setup: number[] = [];
  for (let i = 0; i < Math.min(setupCount, room); i++) setup.push(w.u16());
  return setup;
}

/**
 * Records the framing fields, locates both blocks (problems for blocks past
 * the message, outside the command's data bytes, or past their totals) and
 * returns views of what is present and whether this message is the whole
 * transaction.
 */
function blocks(
  ctx: CommandContext,
  fr: Framing,
): { params: Uint8Array; data: Uint8Array; complete: boolean } {
  const f = ctx.cmd.fields;
  Object.assign(f, fr);
  const p = locate(ctx, "Parameters", fr.parameterOffset, fr.parameterCount);
  const d = locate(ctx, "Data", fr.dataOffset, fr.dataCount);
  const start = ctx.bytesOffset, end = ctx.bytesOffset + ctx.cmd.byteCount;
  for (
    const [what, off, count] of [
      ["Parameters", fr.parameterOffset, fr.parameterCount],
      ["Data", fr.dataOffset, fr.dataCount],
    ] as const
  ) {
    if (count > 0 && (off < start || off + count > end)) {
      problem(
        ctx,
        "malformed",
        `${what} [${off}, ${off + count}) lie outside the data bytes [${start}, ${end})`,
      );
    }
  }
  if (fr.parameterDisplacement + fr.parameterCount > fr.totalParameterCount) {
    problem(
      ctx,
      "malformed",
      `ParameterDisplacement ${fr.parameterDisplacement} + ParameterCount ${fr.parameterCount} exceed TotalParameterCount ${fr.totalParameterCount}`,
    );
  }
  if (fr.dataDisplacement + fr.dataCount > fr.totalDataCount) {
    problem(
      ctx,
      "malformed",
      `DataDisplacement ${fr.dataDisplacement} + DataCount ${fr.dataCount} exceed TotalDataCount ${fr.totalDataCount}`,
    );
  }
  ctx.cmd.data = d;
  const complete = fr.parameterDisplacement === 0 && fr.dataDisplacement === 0 &&
    fr.parameterCount === fr.totalParameterCount && fr.dataCount === fr.totalDataCount &&
    p.length === fr.parameterCount && d.length === fr.dataCount;
  f.complete = complete;
  return {
    params: ctx.msg.subarray(p.offset, p.offset + p.length),
    data: ctx.msg.subarray(d.offset, d.offset + d.length),
    complete,
  };
}

/** Runs a subcommand decoder; a field past its block becomes one problem. */
function guarded(ctx: CommandContext, what: string, decode: () => string | undefined | void): void {
  try {
    const note = decode();
    if (note) problem(ctx, "unsupported", note);
  } catch (e) {
    if (e !== TRUNCATED) throw e;
    problem(ctx, "malformed", `${what}: a field runs past its block`);
  }
}

const PIPE_PREFIX = "\\PIPE\\";
const MAILSLOT_PREFIX = "\\MAILSLOT\\";
const LANMAN_PIPE = "\\PIPE\\LANMAN";

/** TRANSACTION request fields that follow from the name and setup words. */
function transNameFields(name: string, setup: number[], params: Uint8Array, f: Fields): void {
  const upper = name.toUpperCase();
  if (upper === LANMAN_PIPE) {
    if (params.length >= 2) f.rapOpcode = params[0]! | (params[1]! << 8);
    return;
  }
  if (upper.startsWith(MAILSLOT_PREFIX)) {
    if (setup.length >= 1) {
      f.subcommand = setup[0]!;
      f.subcommandName = transSubcommandName(setup[0]!, true);
    }
    if (setup.length >= 2) f.priority = setup[1]!;
    if (setup.length >= 3) f.class = setup[2]!;
    return;
  }
  if (upper.startsWith(PIPE_PREFIX) && setup.length >= 1) {
    const sub = setup[0]!;
    f.subcommand = sub;
    f.subcommandName = transSubcommandName(sub);
    const withPriority = sub === TransSubcommand.WAIT_NMPIPE || sub === TransSubcommand.CALL_NMPIPE;
    if (setup.length >= 2) {
      if (withPriority) f.priority = setup[1]!;
      else f.fid = setup[1]!;
    }
  }
}

/** TRANSACTION and TRANSACTION2 primary requests. */
export function decodeTransRequest(ctx: CommandContext): void {
  const kind = ctx.cmd.code === Cmd.TRANSACTION ? "trans" : "trans2";
  if (ctx.cmd.wordCount < 14) {
    problem(ctx, "malformed", `WordCount ${ctx.cmd.wordCount} is below the 14 a request needs`);
    return;
  }
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx);
  const totalParameterCount = w.u16(), totalDataCount = w.u16();
  f.maxParameterCount = w.u16();
  f.maxDataCount = w.u16();
  f.maxSetupCount = w.u8();
  w.skip(1);
  f.transactionFlags = w.u16();
  f.timeout = w.u32();
  w.skip(2);
  const parameterCount = w.u16(), parameterOffset = w.u16();
  const dataCount = w.u16(), dataOffset = w.u16();
  const setupCount = w.u8();
  w.skip(1);
  const setup = readSetup(ctx, w, 14, setupCount);
  f.setup = setup;
  let name = "";
  if (kind === "trans") {
    name = readString(ctx, byteCursor(ctx));
    f.transName = name;
  }
  const { params, data, complete } = blocks(ctx, {
    totalParameterCount,
    totalDataCount,
    parameterCount,
    parameterOffset,
    parameterDisplacement: 0,
    dataCount,
    dataOffset,
    dataDisplacement: 0,
  });
  if (kind === "trans") {
    transNameFields(name, setup, params, f);
    return;
  }
  if (setup.length === 0) return;
  const sub = setup[0]!;
  f.subcommand = sub;
  f.subcommandName = trans2SubcommandName(sub);
  if (complete) {
    guarded(
      ctx,
      `${f.subcommandName} parameters`,
      () => decodeTrans2Request(sub, params, data, ctx.header.unicode, f),
    );
  }
}

/** Copies what a response names from its paired request. */
function fromRequest(ctx: CommandContext, keys: string[]): void {
  const req = ctx.request?.fields;
  if (!req) return;
  for (const k of keys) if (req[k] !== undefined) ctx.cmd.fields[k] = req[k]!;
}

/** TRANSACTION and TRANSACTION2 responses. */
export function decodeTransResponse(ctx: CommandContext): void {
  const wc = ctx.cmd.wordCount;
  if (wc === 0) return; // interim response, or an error
  if (wc < 10) {
    problem(ctx, "malformed", `WordCount ${wc} is below the 10 a response needs`);
    return;
  }
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx);
  const totalParameterCount = w.u16(), totalDataCount = w.u16();
  w.skip(2);
  const parameterCount = w.u16(), parameterOffset = w.u16(), parameterDisplacement = w.u16();
  const dataCount = w.u16(), dataOffset = w.u16(), dataDisplacement = w.u16();
  const setupCount = w.u8();
  w.skip(1);
  f.setup = readSetup(ctx, w, 10, setupCount);
  fromRequest(ctx, ["transName", "subcommand", "subcommandName", "fid"]);
  const { params, data, complete } = blocks(ctx, {
    totalParameterCount,
    totalDataCount,
    parameterCount,
    parameterOffset,
    parameterDisplacement,
    dataCount,
    dataOffset,
    dataDisplacement,
  });
  const sub = f.subcommand;
  if (ctx.cmd.code === Cmd.TRANSACTION2 && complete && typeof sub === "number") {
    guarded(
      ctx,
      `${f.subcommandName} response parameters`,
      () => decodeTrans2Response(sub, ctx.request?.fields, params, data, ctx.header.unicode, f),
    );
  }
}

/** NT_TRANSACT primary requests. */
export function decodeNtTransactRequestCommand(ctx: CommandContext): void {
  if (ctx.cmd.wordCount < 19) {
    problem(ctx, "malformed", `WordCount ${ctx.cmd.wordCount} is below the 19 a request needs`);
    return;
  }
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx);
  f.maxSetupCount = w.u8();
  w.skip(2);
  const totalParameterCount = w.u32(), totalDataCount = w.u32();
  f.maxParameterCount = w.u32();
  f.maxDataCount = w.u32();
  const parameterCount = w.u32(), parameterOffset = w.u32();
  const dataCount = w.u32(), dataOffset = w.u32();
  const setupCount = w.u8();
  const fn = w.u16();
  f.function = fn;
  f.functionName = ntTransactFunctionName(fn);
  const setup = readSetup(ctx, w, 19, setupCount);
  f.setup = setup;
  decodeNtTransactSetup(fn, setup, f);
  const { params, complete } = blocks(ctx, {
    totalParameterCount,
    totalDataCount,
    parameterCount,
    parameterOffset,
    parameterDisplacement: 0,
    dataCount,
    dataOffset,
    dataDisplacement: 0,
  });
  if (complete) {
    guarded(
      ctx,
      `${f.functionName} parameters`,
      () => decodeNtTransactRequest(fn, params, ctx.header.unicode, f),
    );
  }
}

/** NT_TRANSACT responses. */
export function decodeNtTransactResponseCommand(ctx: CommandContext): void {
  const wc = ctx.cmd.wordCount;
  if (wc === 0) return;
  if (wc < 18) {
    problem(ctx, "malformed", `WordCount ${wc} is below the 18 a response needs`);
    return;
  }
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx);
  w.skip(3);
  const totalParameterCount = w.u32(), totalDataCount = w.u32();
  const parameterCount = w.u32(), parameterOffset = w.u32(), parameterDisplacement = w.u32();
  const dataCount = w.u32(), dataOffset = w.u32(), dataDisplacement = w.u32();
  const setupCount = w.u8();
  f.setup = readSetup(ctx, w, 18, setupCount);
  fromRequest(ctx, ["function", "functionName", "fid", "ctlCode"]);
  const { params, complete } = blocks(ctx, {
    totalParameterCount,
    totalDataCount,
    parameterCount,
    parameterOffset,
    parameterDisplacement,
    dataCount,
    dataOffset,
    dataDisplacement,
  });
  const fn = f.function;
  if (complete && typeof fn === "number") {
    guarded(
      ctx,
      `${f.functionName} response parameters`,
      () => decodeNtTransactResponse(fn, params, f),
    );
  }
}

/** TRANSACTION_SECONDARY, TRANSACTION2_SECONDARY and NT_TRANSACT_SECONDARY requests. */
export function decodeSecondaryRequest(ctx: CommandContext): void {
  const code = ctx.cmd.code;
  const want = code === Cmd.TRANSACTION_SECONDARY
    ? 8
    : code === Cmd.TRANSACTION2_SECONDARY
    ? 9
    : 18;
  if (ctx.cmd.wordCount !== want) {
    problem(
      ctx,
      "malformed",
      `WordCount ${ctx.cmd.wordCount}, expected ${want}; fields not decoded`,
    );
    return;
  }
  const w = wordCursor(ctx);
  let fr: Framing;
  if (code === Cmd.NT_TRANSACT_SECONDARY) {
    w.skip(3);
    fr = {
      totalParameterCount: w.u32(),
      totalDataCount: w.u32(),
      parameterCount: w.u32(),
      parameterOffset: w.u32(),
      parameterDisplacement: w.u32(),
      dataCount: w.u32(),
      dataOffset: w.u32(),
      dataDisplacement: w.u32(),
    };
  } else {
    fr = {
      totalParameterCount: w.u16(),
      totalDataCount: w.u16(),
      parameterCount: w.u16(),
      parameterOffset: w.u16(),
      parameterDisplacement: w.u16(),
      dataCount: w.u16(),
      dataOffset: w.u16(),
      dataDisplacement: w.u16(),
    };
    if (code === Cmd.TRANSACTION2_SECONDARY) ctx.cmd.fields.fid = w.u16();
  }
  blocks(ctx, fr);
  ctx.cmd.fields.complete = false;
}

/**
 * Decodes the subcommand fields of a transaction whose parameter and data
 * blocks were reassembled from several messages (TransactionAssembler).
 * `primary` is the fields of the primary request (its `subcommand`,
 * `function`, `setup`, `transName`); for a response, `request` is the same
 * and the response's own setup is ignored. Never throws: faults come back as problems.
 */
export function decodeTransactionBlocks(
  kind: TransactionKind,
  response: boolean,
  primary: Fields,
  params: Uint8Array,
  data: Uint8Array,
  unicode: boolean,
): { fields: Fields; problems: ParseProblem[] } {
  const fields: Fields = {};
  const problems: ParseProblem[] = [];
  try {
    let note: string | undefined;
    if (kind === "trans2" && typeof primary.subcommand === "number") {
      note = response
        ? decodeTrans2Response(primary.subcommand, primary, params, data, unicode, fields)
        : decodeTrans2Request(primary.subcommand, params, data, unicode, fields);
    } else if (kind === "ntTransact" && typeof primary.function === "number") {
      if (response) decodeNtTransactResponse(primary.function, params, fields);
      else decodeNtTransactRequest(primary.function, params, unicode, fields);
    } else if (kind === "trans" && !response && typeof primary.transName === "string") {
      const setup = Array.isArray(primary.setup)
        ? primary.setup.filter((v): v is number => typeof v === "number")
        : [];
      transNameFields(primary.transName, setup, params, fields);
    }
    if (note) problems.push({ kind: "unsupported", detail: note });
  } catch (e) {
    problems.push({
      kind: "malformed",
      detail: e === TRUNCATED
        ? `${kind} blocks: a field runs past its block`
        : `${kind} blocks: decoder failed: ${String(e)}`,
    });
  }
  return { fields, problems };
}
