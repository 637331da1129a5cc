/**
 * NTLMSSP messages: NEGOTIATE, CHALLENGE and AUTHENTICATE.
 *
 * Variable fields are (Len, MaxLen, BufferOffset) triples whose offsets count
 * from the start of the message; each is checked against the message. A field
 * outside it is a problem and reads as empty; the rest of the message is still
 * decoded. Only a message too short for its fixed header fails as a whole.
 *
 * VERSION and MIC sit between the fixed header and the payload, so they are
 * there only when the payload starts late enough: the lowest BufferOffset of
 * the non-empty fields decides (empty fields' offsets mean nothing; impacket
 * writes 0 for them).
 * @see [MS-NLMP] 2.2.1.1 NEGOTIATE_MESSAGE, 2.2.1.2 CHALLENGE_MESSAGE,
 * 2.2.1.3 AUTHENTICATE_MESSAGE, 2.2.2.7 NTLMv2_CLIENT_CHALLENGE,
 * 2.2.2.10 VERSION, 3.3.1/3.3.2 (response lengths), 3.2.5.1.2 (anonymous)
 * @module
 */
import { Cursor, le32, toHex, TRUNCATED } from "../bytes/cursor.ts";
import { parseAvPairs } from "./av_pairs.ts";
import { NtlmFlag, ntlmFlagNames } from "./ntlm_flags.ts";
import { filetimeToIso, latin1, utf16le } from "./text.ts";
import {
  attachResponses,
  type NtlmAuthenticate,
  type NtlmChallenge,
  type NtlmMessage,
  type NtlmNegotiate,
} from "./types.ts";

const EMPTY = new Uint8Array(0);

/** "NTLMSSP\0" */
const SIGNATURE = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00];

/** NTLMSSP MessageType values. */
export const NtlmMessageType = { NEGOTIATE: 1, CHALLENGE: 2, AUTHENTICATE: 3 } as const;

/** Fixed-header sizes (through NegotiateFlags or the last field triple), VERSION and MIC ends. */
const NEGOTIATE_HEADER = 32, NEGOTIATE_VERSION_END = 40;
const CHALLENGE_MIN = 32, CHALLENGE_HEADER = 48, CHALLENGE_VERSION_END = 56;
const AUTHENTICATE_HEADER = 64, AUTHENTICATE_VERSION_END = 72, AUTHENTICATE_MIC_END = 88;
/** An NTLMv1 NT response is exactly this long; NTLMv2 ones are longer. */
const NTLMV1_RESPONSE = 24;
/** NTProofStr, then the NTLMv2_CLIENT_CHALLENGE header before its AV pairs. */
const NTPROOFSTR = 16, CLIENT_CHALLENGE_HEADER = 28;

/** Whether `b` starts with the NTLMSSP signature. */
export function isNtlmssp(b: Uint8Array): boolean {
  if (b.length < SIGNATURE.length) return false;
  for (let i = 0; i < SIGNATURE.length; i++) if (b[i] !== SIGNATURE[i]) return false;
  return true;
}

/**
 * Decodes one NTLMSSP message. Never throws on input: a message that cannot
 * be decoded at all gives `{ problem }`; lesser problems (a field outside the
 * message, a lying AvLen) are appended to `problems` and the rest is decoded.
 */
export function parseNtlmssp(
  bytes: Uint8Array,
  problems: string[] = [],
): NtlmMessage | { problem: string } {
  if (!isNtlmssp(bytes)) return { problem: "no NTLMSSP signature" };
  if (bytes.length < 12) return { problem: `NTLMSSP message of ${bytes.length} bytes has no type` };
  const type = le32(bytes, 8);
  const name = type === 1 ? "NEGOTIATE" : type === 2 ? "CHALLENGE" : "AUTHENTICATE";
  try {
    switch (type) {
      case NtlmMessageType.NEGOTIATE:
        return negotiate(bytes, problems);
      case NtlmMessageType.CHALLENGE:
        return challenge(bytes, problems);
      case NtlmMessageType.AUTHENTICATE:
        return authenticate(bytes, problems);
      default:
        return { problem: `unknown NTLMSSP message type ${type}` };
    }
  } catch (e) {
    if (e !== TRUNCATED) throw e;
    return { problem: `NTLMSSP ${name} of ${bytes.length} bytes is shorter than its fixed header` };
  }
}

interface Field {
  name: string;
  len: number;
  offset: number;
}

function readField(c: Cursor, name: string): Field {
  const len = c.u16();
  c.skip(2); // MaxLen: informational
  return { name, len, offset: c.u32() };
}

/** The field's bytes, or undefined (and a problem) when it lies outside the message. */
function fieldView(
  msg: Uint8Array,
  f: Field,
  header: number,
  problems: string[],
  where: string,
): Uint8Array | undefined {
  if (f.len === 0) return msg.subarray(0, 0);
  if (f.offset > msg.length || f.len > msg.length - f.offset) {
    problems.push(
      `${where}: ${f.name} (${f.len} bytes at offset ${f.offset}) runs past the message (${msg.length} bytes)`,
    );
    return undefined;
  }
  if (f.offset < header) {
    problems.push(`${where}: ${f.name} at offset ${f.offset} overlaps the ${header}-byte header`);
  }
  return msg.subarray(f.offset, f.offset + f.len);
}

/** Where the payload starts: the lowest offset of the non-empty fields, else the message end. */
function payloadStart(fields: Field[], msgLength: number): number {
  let lowest = msgLength;
  for (const f of fields) if (f.len > 0 && f.offset < lowest) lowest = f.offset;
  return lowest;
}

/** VERSION, [MS-NLMP] 2.2.2.10: major, minor, build (LE16), 3 reserved, NTLM revision. */
function version(msg: Uint8Array, at: number): string {
  const build = msg[at + 2]! | (msg[at + 3]! << 8);
  return `${msg[at]}.${msg[at + 1]}.${build} rev ${msg[at + 7]}`;
}

function text(b: Uint8Array | undefined, unicode: boolean): string {
  if (b === undefined) return "";
  return unicode ? utf16le(b) : latin1(b);
}

function negotiate(msg: Uint8Array, problems: string[]): NtlmNegotiate {
  const where = "NTLMSSP NEGOTIATE";
  const c = new Cursor(msg);
  c.skip(12);
  const flags = c.u32();
  const out: NtlmNegotiate = { messageType: 1, flags, flagNames: ntlmFlagNames(flags) };
  // Very old clients stop after the flags; then there is nothing more to read.
  if (msg.length < NEGOTIATE_HEADER) return out;
  const domain = readField(c, "DomainName"), workstation = readField(c, "Workstation");
  // [MS-NLMP] 2.2.1.1: both names are OEM, whatever the flags say.
  const d = fieldView(msg, domain, NEGOTIATE_HEADER, problems, where);
  const w = fieldView(msg, workstation, NEGOTIATE_HEADER, problems, where);
  if (d !== undefined && d.length > 0) out.domain = latin1(d);
  if (w !== undefined && w.length > 0) out.workstation = latin1(w);
  if (
    (flags & NtlmFlag.NTLMSSP_NEGOTIATE_VERSION) !== 0 &&
    msg.length >= NEGOTIATE_VERSION_END &&
    payloadStart([domain, workstation], msg.length) >= NEGOTIATE_VERSION_END
  ) out.version = version(msg, NEGOTIATE_HEADER);
  return out;
}

function challenge(msg: Uint8Array, problems: string[]): NtlmChallenge {
  const where = "NTLMSSP CHALLENGE";
  const c = new Cursor(msg);
  c.skip(12);
  const targetName = readField(c, "TargetName");
  const flags = c.u32();
  const serverChallenge = toHex(c.take(8));
  const out: NtlmChallenge = {
    messageType: 2,
    flags,
    flagNames: ntlmFlagNames(flags),
    serverChallenge,
  };
  const fields = [targetName];
  let targetInfo: Field | undefined;
  // TargetInfo came with NTLMv2; a CHALLENGE_MIN-byte message predates it.
  if (msg.length >= CHALLENGE_HEADER) {
    c.skip(8); // Reserved
    targetInfo = readField(c, "TargetInfo");
    fields.push(targetInfo);
  }
  const header = msg.length >= CHALLENGE_HEADER ? CHALLENGE_HEADER : CHALLENGE_MIN;
  const unicode = (flags & NtlmFlag.NTLMSSP_NEGOTIATE_UNICODE) !== 0;
  if (targetName.len > 0) {
    const v = fieldView(msg, targetName, header, problems, where);
    if (v !== undefined) out.targetName = text(v, unicode);
  }
  if (targetInfo !== undefined && targetInfo.len > 0) {
    const v = fieldView(msg, targetInfo, header, problems, where);
    if (v !== undefined) out.targetInfo = parseAvPairs(v, problems, `${where} TargetInfo`);
  }
  if (
    (flags & NtlmFlag.NTLMSSP_NEGOTIATE_VERSION) !== 0 &&
    msg.length >= CHALLENGE_VERSION_END &&
    payloadStart(fields, msg.length) >= CHALLENGE_VERSION_END
  ) out.version = version(msg, CHALLENGE_HEADER);
  return out;
}

function authenticate(msg: Uint8Array, problems: string[]): NtlmAuthenticate {
  const where = "NTLMSSP AUTHENTICATE";
  const c = new Cursor(msg);
  c.skip(12);
  const lm = readField(c, "LmChallengeResponse");
  const nt = readField(c, "NtChallengeResponse");
  const domain = readField(c, "DomainName");
  const user = readField(c, "UserName");
  const workstation = readField(c, "Workstation");
  const key = readField(c, "EncryptedRandomSessionKey");
  const flags = c.u32();
  const unicode = (flags & NtlmFlag.NTLMSSP_NEGOTIATE_UNICODE) !== 0;
  const view = (f: Field) => fieldView(msg, f, AUTHENTICATE_HEADER, problems, where);
  const lmView = view(lm), ntView = view(nt), keyView = view(key);
  const out: NtlmAuthenticate = {
    messageType: 3,
    flags,
    flagNames: ntlmFlagNames(flags),
    domain: text(view(domain), unicode),
    user: text(view(user), unicode),
    workstation: text(view(workstation), unicode),
    lmResponseLength: lmView?.length ?? 0,
    ntResponseLength: ntView?.length ?? 0,
    ntlmVersion: "unknown",
    sessionKeyPresent: keyView !== undefined && keyView.length > 0,
  };
  attachResponses(out, {
    lm: lmView?.slice() ?? EMPTY,
    nt: ntView?.slice() ?? EMPTY,
    encryptedRandomSessionKey: keyView?.slice() ?? EMPTY,
  });
  const start = payloadStart([lm, nt, domain, user, workstation, key], msg.length);
  if (
    (flags & NtlmFlag.NTLMSSP_NEGOTIATE_VERSION) !== 0 &&
    msg.length >= AUTHENTICATE_VERSION_END && start >= AUTHENTICATE_VERSION_END
  ) out.version = version(msg, AUTHENTICATE_HEADER);
  if (msg.length >= AUTHENTICATE_MIC_END && start >= AUTHENTICATE_MIC_END) {
    out.mic = toHex(msg.subarray(AUTHENTICATE_VERSION_END, AUTHENTICATE_MIC_END));
  }
  const lmLen = out.lmResponseLength, ntLen = out.ntResponseLength;
  if (out.user === "" && ntLen === 0 && (lmLen === 0 || (lmLen === 1 && lmView![0] === 0))) {
    out.ntlmVersion = "anonymous";
  } else if (ntLen === NTLMV1_RESPONSE) {
    out.ntlmVersion = "v1";
  } else if (ntLen > NTLMV1_RESPONSE) {
    out.ntlmVersion = "v2";
    ntlmv2(ntView!, out, problems, where);
  }
  return out;
}

/** NTProofStr and the NTLMv2_CLIENT_CHALLENGE that follows it, [MS-NLMP] 2.2.2.7-8. */
function ntlmv2(nt: Uint8Array, out: NtlmAuthenticate, problems: string[], where: string): void {
  out.ntProofStr = toHex(nt.subarray(0, NTPROOFSTR));
  const blob = nt.subarray(NTPROOFSTR);
  if (blob.length < CLIENT_CHALLENGE_HEADER) {
    problems.push(`${where}: NTLMv2 response of ${nt.length} bytes has no room for its blob`);
    return;
  }
  if (blob[0] !== 1 || blob[1] !== 1) {
    problems.push(
      `${where}: NTLMv2 blob RespType ${blob[0]}, HiRespType ${blob[1]} (expected 1, 1)`,
    );
  }
  out.clientTimestamp = filetimeToIso(le32(blob, 8), le32(blob, 12));
  out.clientChallenge = toHex(blob.subarray(16, 24));
  out.clientTargetInfo = parseAvPairs(
    blob.subarray(CLIENT_CHALLENGE_HEADER),
    problems,
    `${where} NTLMv2 blob`,
  );
}
