/**
 * The SMB2/SMB3 parser: one NBSS message in, its messages (or its transform)
 * out, synchronously, never throwing on input. [MS-SMB2] 2.2
 *
 * - 0xFE 'SMB': a message or a compound of them (compound.ts); each header
 *   (header.ts), then its body by command and direction, or the ERROR body
 *   (error.ts).
 * - 0xFD 'SMB': an encrypted TRANSFORM_HEADER (transform.ts), reported only.
 * - 0xFC 'SMB': a COMPRESSION_TRANSFORM_HEADER (compression.ts); when it
 *   decompresses, `messages` are those of the decompressed bytes, whose
 *   header offsets then count within `compression.decompressed` (only its
 *   headers when `compression.partial`).
 * @module
 */
import { le32, TRUNCATED } from "../../bytes/cursor.ts";
import type { ParseProblem } from "../types.ts";
import { Smb2Body } from "./body.ts";
import { parseCancelRequest } from "./cancel.ts";
import { parseChangeNotifyRequest, parseChangeNotifyResponse } from "./change_notify.ts";
import { parseCloseRequest, parseCloseResponse } from "./close.ts";
import { Smb2Command, smb2CommandName } from "./commands.ts";
import { compoundSlots } from "./compound.ts";
import { type DecompressionGate, readCompression } from "./compression.ts";
import { parseCreateRequest, parseCreateResponse } from "./create.ts";
import { parseEchoRequest, parseEchoResponse } from "./echo.ts";
import { isErrorResponse, parseErrorResponse } from "./error.ts";
import { parseFlushRequest, parseFlushResponse } from "./flush.ts";
import { readSmb2Header, SMB2_HEADER_SIZE, smb2HeaderStructureSize } from "./header.ts";
import { parseIoctlRequest, parseIoctlResponse } from "./ioctl.ts";
import { parseLockRequest, parseLockResponse } from "./lock.ts";
import { parseLogoffRequest, parseLogoffResponse } from "./logoff.ts";
import { parseNegotiateRequest, parseNegotiateResponse } from "./negotiate.ts";
import { parseOplockBreakRequest, parseOplockBreakResponse } from "./oplock_break.ts";
import { parseQueryDirectoryRequest, parseQueryDirectoryResponse } from "./query_directory.ts";
import { parseQueryInfoRequest, parseQueryInfoResponse } from "./query_info.ts";
import { parseReadRequest, parseReadResponse } from "./read.ts";
import { parseSessionSetupRequest, parseSessionSetupResponse } from "./session_setup.ts";
import { parseSetInfoRequest, parseSetInfoResponse } from "./set_info.ts";
import { readTransform } from "./transform.ts";
import { parseTreeConnectRequest, parseTreeConnectResponse } from "./tree_connect.ts";
import { parseTreeDisconnectRequest, parseTreeDisconnectResponse } from "./tree_disconnect.ts";
import type { Smb2Message, Smb2Packet } from "./types.ts";
import { parseWriteRequest, parseWriteResponse } from "./write.ts";

type Reader = (b: Smb2Body) => void;

/** Each command's request and response reader (CANCEL has no response). */
const READERS: ReadonlyMap<number, readonly [Reader, Reader | undefined]> = new Map([
  [Smb2Command.NEGOTIATE, [parseNegotiateRequest, parseNegotiateResponse]],
  [Smb2Command.SESSION_SETUP, [parseSessionSetupRequest, parseSessionSetupResponse]],
  [Smb2Command.LOGOFF, [parseLogoffRequest, parseLogoffResponse]],
  [Smb2Command.TREE_CONNECT, [parseTreeConnectRequest, parseTreeConnectResponse]],
  [Smb2Command.TREE_DISCONNECT, [parseTreeDisconnectRequest, parseTreeDisconnectResponse]],
  [Smb2Command.CREATE, [parseCreateRequest, parseCreateResponse]],
  [Smb2Command.CLOSE, [parseCloseRequest, parseCloseResponse]],
  [Smb2Command.FLUSH, [parseFlushRequest, parseFlushResponse]],
  [Smb2Command.READ, [parseReadRequest, parseReadResponse]],
  [Smb2Command.WRITE, [parseWriteRequest, parseWriteResponse]],
  [Smb2Command.LOCK, [parseLockRequest, parseLockResponse]],
  [Smb2Command.IOCTL, [parseIoctlRequest, parseIoctlResponse]],
  [Smb2Command.CANCEL, [parseCancelRequest, undefined]],
  [Smb2Command.ECHO, [parseEchoRequest, parseEchoResponse]],
  [Smb2Command.QUERY_DIRECTORY, [parseQueryDirectoryRequest, parseQueryDirectoryResponse]],
  [Smb2Command.CHANGE_NOTIFY, [parseChangeNotifyRequest, parseChangeNotifyResponse]],
  [Smb2Command.QUERY_INFO, [parseQueryInfoRequest, parseQueryInfoResponse]],
  [Smb2Command.SET_INFO, [parseSetInfoRequest, parseSetInfoResponse]],
  [Smb2Command.OPLOCK_BREAK, [parseOplockBreakRequest, parseOplockBreakResponse]],
]);

/** Finds the request a response answers: by MessageId and position in its compound. */
export type RequestLookup = (messageId: string, index: number) => Smb2Message | undefined;

function protocolId(b: Uint8Array): number {
  return b.length >= 4 && b[1] === 0x53 && b[2] === 0x4d && b[3] === 0x42 ? b[0]! : -1;
}

/** One message of a compound (or alone): `msg` runs from its header to its end. */
function parseMessage(
  msg: Uint8Array,
  offset: number,
  index: number,
  requestOf: RequestLookup | undefined,
  problems: ParseProblem[],
): Smb2Message | undefined {
  if (protocolId(msg) !== 0xfe) {
    const where = `message at offset ${offset}`;
    problems.push({ kind: "malformed", detail: `${where} does not start with 0xFE 'SMB'` });
    return undefined;
  }
  if (msg.length < SMB2_HEADER_SIZE) {
    problems.push({
      kind: "truncated",
      detail:
        `message at offset ${offset}: ${msg.length} of the header's ${SMB2_HEADER_SIZE} bytes present`,
    });
    return undefined;
  }
  const header = readSmb2Header(msg, offset);
  const structureSize = smb2HeaderStructureSize(msg);
  if (structureSize !== SMB2_HEADER_SIZE) {
    problems.push({
      kind: "malformed",
      detail:
        `message at offset ${offset}: header StructureSize ${structureSize}, expected ${SMB2_HEADER_SIZE}`,
    });
  }
  const name = smb2CommandName(header.command);
  const body = msg.subarray(SMB2_HEADER_SIZE);
  const error = header.response && isErrorResponse(header.command, header.status, body);
  // Every optional member present from the start: one object shape for all messages.
  const out = {
    header,
    name,
    error,
    fields: {},
    securityBlob: undefined,
    data: undefined,
    ioctlInput: undefined,
    ioctlOutput: undefined,
    fileId: undefined,
    fileName: undefined,
    record: undefined,
  } as unknown as Smb2Message;
  const request = header.response && requestOf ? requestOf(header.messageId, index) : undefined;
  const b = new Smb2Body(msg, header, out, problems, request, offset);
  const readers = READERS.get(header.command);
  let reader: Reader | undefined;
  if (error) reader = parseErrorResponse;
  else if (readers !== undefined) reader = header.response ? readers[1] : readers[0];
  try {
    if (reader !== undefined) reader(b);
    else {
      out.fields.structureSize = b.c.u16();
      b.problem(
        "unsupported",
        readers === undefined
          ? `unknown command 0x${header.command.toString(16).padStart(4, "0")}; body not decoded`
          : `${name} has no response form; body not decoded`,
      );
    }
  } catch (e) {
    if (e !== TRUNCATED) throw e;
    b.problem("truncated", `body runs past the ${body.length} bytes present`);
  }
  // CREATE requests and FileNameInformation answers name their file.
  if (typeof out.fields.fileName === "string") out.fileName = out.fields.fileName;
  return out;
}

function parseMessages(
  packet: Uint8Array,
  requestOf: RequestLookup | undefined,
  problems: ParseProblem[],
): Smb2Message[] {
  // Most packets hold one message (NextCommand 0): no compound walk needed.
  if (packet.length >= SMB2_HEADER_SIZE && le32(packet, 20) === 0) {
    const m = parseMessage(packet, 0, 0, requestOf, problems);
    return m === undefined ? [] : [m];
  }
  const messages: Smb2Message[] = [];
  for (const { start, end } of compoundSlots(packet, problems)) {
    const m = parseMessage(
      packet.subarray(start, end),
      start,
      messages.length,
      requestOf,
      problems,
    );
    if (m === undefined) break;
    messages.push(m);
  }
  return messages;
}

/**
 * Parses one NBSS message that starts with an SMB2-family protocol id.
 * `requestOf` returns the paired request for a response, when the caller has
 * it (QUERY_INFO and QUERY_DIRECTORY responses need it to decode their
 * buffers). `gate` bounds what decompressing a compressed message may cost
 * (none: what the declared sizes allow). Problems in the input are returned,
 * never thrown.
 */
export function parseSmb2(
  msg: Uint8Array,
  requestOf?: RequestLookup,
  gate?: DecompressionGate,
): Smb2Packet {
  const problems: ParseProblem[] = [];
  switch (protocolId(msg)) {
    case 0xfe:
      return { messages: parseMessages(msg, requestOf, problems), problems };
    case 0xfd: {
      const transform = readTransform(msg, problems);
      return transform === undefined
        ? { messages: [], problems }
        : { messages: [], transform, problems };
    }
    case 0xfc: {
      const compression = readCompression(msg, problems, undefined, gate);
      if (compression === undefined) return { messages: [], problems };
      const inner = compression.decompressed;
      let messages: Smb2Message[] = [];
      if (inner !== undefined) {
        if (protocolId(inner) === 0xfe && compression.partial) {
          // Only the headers were decompressed: its data running past them is expected.
          const found: ParseProblem[] = [];
          messages = parseMessages(inner, requestOf, found);
          for (const p of found) if (p.kind !== "truncated") problems.push(p);
        } else if (protocolId(inner) === 0xfe) messages = parseMessages(inner, requestOf, problems);
        else {
          problems.push({
            kind: "malformed",
            detail: "decompressed SMB2 message does not start with 0xFE 'SMB'",
          });
        }
      }
      return { messages, compression, problems };
    }
    default:
      problems.push({
        kind: msg.length < 4 ? "truncated" : "malformed",
        detail: msg.length < 4
          ? `SMB2 message of ${msg.length} bytes, too short for a protocol id`
          : "message does not start with an SMB2 protocol id (0xFE, 0xFD or 0xFC 'SMB')",
      });
      return { messages: [], problems };
  }
}
