/**
 * The SMB1 message parser: header, then each command of the AndX chain with
 * its SMB_Parameters (WordCount, Words) and SMB_Data (ByteCount, Bytes)
 * blocks ([MS-CIFS] 2.2.3.2-2.2.3.3), each handed to its command's decoder.
 * Synchronous, allocation-light, and it never throws: everything wrong with
 * the input becomes a `ParseProblem`.
 * @module
 */
import { TRUNCATED } from "../../bytes/cursor.ts";
import { nextInChain } from "./andx.ts";
import { decodeCloseRequest, decodeCloseResponse, decodeFlushRequest } from "./close.ts";
import { Smb1Command as Cmd, smb1CommandName } from "./commands.ts";
import { addRecord } from "./records.ts";
import type { CommandContext } from "./context.ts";
import {
  decodeDeleteRequest,
  decodeNoFieldsResponse,
  decodePathRequest,
  decodeQueryInformationResponse,
} from "./delete.ts";
import { decodeEchoRequest, decodeEchoResponse } from "./echo.ts";
import { decodeFindClose2Request } from "./find_close.ts";
import { isSmb1, readSmb1Header, SMB1_HEADER_SIZE } from "./header.ts";
import { decodeLockingRequest, decodeLockingResponse } from "./locking.ts";
import { decodeLogoff } from "./logoff.ts";
import { decodeNegotiateRequest, decodeNegotiateResponse } from "./negotiate.ts";
import {
  decodeNtCreateRequest,
  decodeNtCreateResponse,
  EXTENDED_RESPONSE_WORD_COUNT,
  EXTENDED_RESPONSE_WORDS,
} from "./nt_create.ts";
import { decodeOpenAndxRequest, decodeOpenAndxResponse } from "./open_andx.ts";
import { decodeReadAndxRequest, decodeReadAndxResponse } from "./read.ts";
import { decodeNtRenameRequest, decodeRenameRequest } from "./rename.ts";
import { decodeSessionSetupRequest, decodeSessionSetupResponse } from "./session_setup.ts";
import {
  decodeNtTransactRequestCommand,
  decodeNtTransactResponseCommand,
  decodeSecondaryRequest,
  decodeTransRequest,
  decodeTransResponse,
} from "./trans.ts";
import { decodeTreeConnectRequest, decodeTreeConnectResponse } from "./tree_connect.ts";
import { decodeTreeDisconnect } from "./tree_disconnect.ts";
import type { ParseProblem, Smb1Command, Smb1Header, Smb1Message } from "./types.ts";
import { decodeWriteAndxRequest, decodeWriteAndxResponse } from "./write.ts";

type Decoder = (ctx: CommandContext) => void;

/** The one table of command decoders: code -> [request, response]. Codes not here are `unsupported`. */
const DECODERS: ReadonlyMap<number, readonly [Decoder, Decoder | undefined]> = new Map<
  number,
  readonly [Decoder, Decoder | undefined]
>([
  [Cmd.CREATE_DIRECTORY, [decodePathRequest, decodeNoFieldsResponse]],
  [Cmd.DELETE_DIRECTORY, [decodePathRequest, decodeNoFieldsResponse]],
  [Cmd.CLOSE, [decodeCloseRequest, decodeCloseResponse]],
  [Cmd.FLUSH, [decodeFlushRequest, decodeNoFieldsResponse]],
  [Cmd.DELETE, [decodeDeleteRequest, decodeNoFieldsResponse]],
  [Cmd.RENAME, [decodeRenameRequest, decodeNoFieldsResponse]],
  [Cmd.QUERY_INFORMATION, [decodePathRequest, decodeQueryInformationResponse]],
  [Cmd.CHECK_DIRECTORY, [decodePathRequest, decodeNoFieldsResponse]],
  [Cmd.LOCKING_ANDX, [decodeLockingRequest, decodeLockingResponse]],
  [Cmd.TRANSACTION, [decodeTransRequest, decodeTransResponse]],
  [Cmd.TRANSACTION_SECONDARY, [decodeSecondaryRequest, undefined]],
  [Cmd.ECHO, [decodeEchoRequest, decodeEchoResponse]],
  [Cmd.OPEN_ANDX, [decodeOpenAndxRequest, decodeOpenAndxResponse]],
  [Cmd.READ_ANDX, [decodeReadAndxRequest, decodeReadAndxResponse]],
  [Cmd.WRITE_ANDX, [decodeWriteAndxRequest, decodeWriteAndxResponse]],
  [Cmd.TRANSACTION2, [decodeTransRequest, decodeTransResponse]],
  [Cmd.TRANSACTION2_SECONDARY, [decodeSecondaryRequest, undefined]],
  [Cmd.FIND_CLOSE2, [decodeFindClose2Request, decodeNoFieldsResponse]],
  [Cmd.TREE_DISCONNECT, [decodeTreeDisconnect, decodeTreeDisconnect]],
  [Cmd.NEGOTIATE, [decodeNegotiateRequest, decodeNegotiateResponse]],
  [Cmd.SESSION_SETUP_ANDX, [decodeSessionSetupRequest, decodeSessionSetupResponse]],
  [Cmd.LOGOFF_ANDX, [decodeLogoff, decodeLogoff]],
  [Cmd.TREE_CONNECT_ANDX, [decodeTreeConnectRequest, decodeTreeConnectResponse]],
  [Cmd.NT_TRANSACT, [decodeNtTransactRequestCommand, decodeNtTransactResponseCommand]],
  [Cmd.NT_TRANSACT_SECONDARY, [decodeSecondaryRequest, undefined]],
  [Cmd.NT_CREATE_ANDX, [decodeNtCreateRequest, decodeNtCreateResponse]],
  [Cmd.NT_CANCEL, [decodeNoFieldsResponse, undefined]],
  [Cmd.NT_RENAME, [decodeNtRenameRequest, decodeNoFieldsResponse]],
]);

/** A header for a message too short to have one, so callers always get a message back. */
function emptyHeader(): Smb1Header {
  return {
    command: 0,
    status: 0,
    ntStatus: false,
    flags: 0,
    flags2: 0,
    response: false,
    unicode: false,
    pid: 0,
    tid: 0,
    uid: 0,
    mid: 0,
    signature: "",
  };
}

/**
 * Parses one SMB1 message. `msg` starts at the 0xFF 'SMB' protocol id (the
 * NBSS header already removed) and ends where the NBSS message ends. For a
 * response, `request` is the paired request (same MID, PID, UID and TID):
 * it names the dialect a NEGOTIATE response picked, the subcommand and
 * information level of a transaction response, and so on. Never throws.
 */
export function parseSmb1(msg: Uint8Array, request?: Smb1Message): Smb1Message {
  const problems: ParseProblem[] = [];
  const commands: Smb1Command[] = [];
  if (!isSmb1(msg)) {
    problems.push({ kind: "malformed", detail: "message does not start with 0xFF 'SMB'" });
    return { header: emptyHeader(), commands, problems };
  }
  if (msg.length < SMB1_HEADER_SIZE) {
    problems.push({
      kind: "truncated",
      detail: `${msg.length} bytes, shorter than the 32-byte SMB1 header`,
    });
    return { header: emptyHeader(), commands, problems };
  }
  const header = readSmb1Header(msg);
  let code = header.command;
  let offset = SMB1_HEADER_SIZE;
  for (let depth = 1;; depth++) {
    const step = parseCommand(msg, header, code, offset, request, problems);
    if (!step) break;
    commands.push(step.cmd);
    const next = step.complete
      ? nextInChain(msg, step.cmd, step.blockEnd, depth, problems)
      : undefined;
    if (!next) break;
    code = next.code;
    offset = next.offset;
  }
  return { header, commands, problems };
}

/**
 * Each transaction layout's fixed words (before the setup words) and the
 * byte offset of SetupCount within them: [request, response].
 */
const TRANSACTION_LAYOUT: ReadonlyMap<
  number,
  readonly [readonly [number, number], readonly [number, number]]
> = new Map([
  [Cmd.TRANSACTION, [[14, 26], [10, 18]]],
  [Cmd.TRANSACTION2, [[14, 26], [10, 18]]],
  [Cmd.NT_TRANSACT, [[19, 35], [18, 35]]],
]);

/**
 * How many parameter words a command really carries, where senders and the
 * spec disagree with WordCount:
 * - The [MS-SMB] extended NT_CREATE_ANDX response says 42 words but carries 50.
 * - A transaction's words are its fixed words plus SetupCount setup words;
 *   when WordCount says otherwise, SetupCount is followed (as Wireshark and
 *   Zeek do) and a `malformed` problem notes it.
 * Either reading is taken only when the message holds it.
 */
function parameterWords(
  msg: Uint8Array,
  header: Smb1Header,
  code: number,
  offset: number,
  wordCount: number,
  problems: ParseProblem[],
): number {
  const fits = (words: number) => offset + 1 + words * 2 + 2 <= msg.length;
  if (
    code === Cmd.NT_CREATE_ANDX && header.response &&
    wordCount === EXTENDED_RESPONSE_WORD_COUNT && fits(EXTENDED_RESPONSE_WORDS)
  ) {
    return EXTENDED_RESPONSE_WORDS;
  }
  const layout = TRANSACTION_LAYOUT.get(code)?.[header.response ? 1 : 0];
  if (layout === undefined) return wordCount;
  const [fixed, setupAt] = layout;
  if (wordCount < fixed || !fits(fixed)) return wordCount;
  const at = offset + 1 + setupAt;
  const words = fixed + msg[at]!;
  if (words === wordCount || !fits(words)) return wordCount;
  problems.push({
    kind: "malformed",
    detail: `${smb1CommandName(code)} ${
      header.response ? "response" : "request"
    }: WordCount ${wordCount} but SetupCount ${msg[at]} makes ${words} words; read as ${words}`,
  });
  return words;
}

/** The command with `code` in the paired request's chain. */
function pairedCommand(request: Smb1Message | undefined, code: number): Smb1Command | undefined {
  return request?.commands.find((c) => c.code === code);
}

/**
 * Locates one command's blocks at `offset`, decodes it and reports where its
 * blocks end as declared (for the AndX checks) and whether its parameter
 * words were all present (only then is an AndX link followed).
 */
function parseCommand(
  msg: Uint8Array,
  header: Smb1Header,
  code: number,
  offset: number,
  request: Smb1Message | undefined,
  problems: ParseProblem[],
): { cmd: Smb1Command; blockEnd: number; complete: boolean } | undefined {
  const name = smb1CommandName(code);
  const dir = header.response ? "response" : "request";
  if (offset >= msg.length) {
    problems.push({
      kind: "truncated",
      detail: `${name} ${dir}: message ends before its WordCount at ${offset}`,
    });
    return undefined;
  }
  const wordCount = msg[offset]!;
  const wordBytes = parameterWords(msg, header, code, offset, wordCount, problems) * 2;
  const wordsStart = offset + 1;
  // Every optional member present from the start: one object shape for all commands.
  const cmd = {
    code,
    name,
    offset,
    wordCount,
    byteCount: 0,
    fields: {},
    securityBlob: undefined,
    lmResponse: undefined,
    ntResponse: undefined,
    data: undefined,
    fid: undefined,
    fileName: undefined,
    record: undefined,
  } as unknown as Smb1Command;
  if (wordsStart + wordBytes + 2 > msg.length) {
    problems.push({
      kind: "truncated",
      detail: `${name} ${dir}: WordCount ${wordCount} and ByteCount need ${
        wordBytes + 3
      } bytes at ${offset}, the message has ${msg.length - offset}`,
    });
    cmd.fields = { wordCount, byteCount: 0 };
    return { cmd, blockEnd: msg.length, complete: false };
  }
  const bytesStart = wordsStart + wordBytes + 2;
  const byteCount = msg[bytesStart - 2]! | (msg[bytesStart - 1]! << 8);
  cmd.byteCount = byteCount;
  const blockEnd = bytesStart + byteCount;
  if (blockEnd > msg.length) {
    problems.push({
      kind: "truncated",
      detail: `${name} ${dir}: ByteCount ${byteCount} runs ${
        blockEnd - msg.length
      } bytes past the end of the message`,
    });
  }
  const ctx: CommandContext = {
    msg,
    header,
    cmd,
    words: msg.subarray(wordsStart, wordsStart + wordBytes),
    bytes: msg.subarray(bytesStart, Math.min(blockEnd, msg.length)),
    bytesOffset: bytesStart,
    request: header.response ? pairedCommand(request, code) : undefined,
    problems,
  };
  const decoders = DECODERS.get(code);
  const decode = decoders ? (header.response ? decoders[1] : decoders[0]) : undefined;
  if (header.response && wordCount === 0 && byteCount === 0) {
    // An error response (or one that carries nothing): nothing to decode.
  } else if (!decode) {
    cmd.fields = { wordCount, byteCount };
    problems.push({
      kind: "unsupported",
      detail: `${name} ${dir} (WordCount ${wordCount}, ByteCount ${byteCount}) is not decoded`,
    });
  } else {
    try {
      decode(ctx);
    } catch (e) {
      const cut = blockEnd > msg.length;
      problems.push({
        kind: e !== TRUNCATED ? "malformed" : cut ? "truncated" : "malformed",
        detail: e !== TRUNCATED
          ? `${name} ${dir}: decoder failed: ${String(e)}`
          : `${name} ${dir}: a field runs past the end of its block${
            cut ? " (the message is cut short)" : ""
          }`,
      });
    }
  }
  addRecord(cmd, header.response);
  return { cmd, blockEnd, complete: true };
}
