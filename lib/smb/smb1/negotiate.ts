/**
 * SMB_COM_NEGOTIATE (0x72), [MS-CIFS] 2.2.4.52 and [MS-SMB] 2.2.4.5.
 *
 * Request (WordCount 0), Bytes: repeated { BufferFormat 0x02, OEM dialect name NUL }.
 *   -> `dialects` (string[])
 *
 * Response, by WordCount:
 * - 0: error, nothing.
 * - 1: DialectIndex (core protocol, or 0xFFFF: none of the offered dialects).
 * - 13 (LAN Manager 1.0-2.1): DialectIndex, SecurityMode u16, MaxBufferSize u16,
 *   MaxMpxCount u16, MaxNumberVcs u16, RawMode u16, SessionKey u32, ServerTime
 *   (SMB_TIME), ServerDate (SMB_DATE), ServerTimeZone i16, EncryptionKeyLength u16,
 *   Reserved u16; Bytes: EncryptionKey, PrimaryDomain (OEM).
 * - 17 (NT LM 0.12): DialectIndex, SecurityMode u8, MaxMpxCount u16, MaxNumberVcs u16,
 *   MaxBufferSize u32, MaxRawSize u32, SessionKey u32, Capabilities u32, SystemTime
 *   (FILETIME), ServerTimeZone i16, ChallengeLength u8; Bytes: with
 *   CAP_EXTENDED_SECURITY ServerGUID[16] and SecurityBlob (the rest), else
 *   Challenge[ChallengeLength], DomainName, ServerName (SMB_STRINGs, which
 *   Windows does not pad).
 *   -> `dialectIndex`, `dialect` (from the paired request), `securityMode`,
 *   `signingEnabled`, `signingRequired`, `maxMpxCount`, `maxNumberVcs`,
 *   `maxBufferSize`, `maxRawSize`, `sessionKey`, `capabilities`,
 *   `capabilityNames`, `systemTime`, `serverTimeZone` (minutes), `challenge`
 *   (hex) or `serverGuid` (hex) and `securityBlobLength` (+ `securityBlob` view),
 *   `primaryDomain`, `serverName`.
 * @module
 */
import { toHex } from "../../bytes/cursor.ts";
import { byteCursor, type CommandContext, problem, readString, wordCursor } from "./context.ts";
import { Capability, capabilityNames } from "./commands.ts";
import { readOemString } from "./strings.ts";
import { readFiletime, smbDateTime } from "./values.ts";

const SECURITY_SIGNATURES_ENABLED = 0x04;
const SECURITY_SIGNATURES_REQUIRED = 0x08;
/** BufferFormat of a dialect string. */
const DIALECT_FORMAT = 0x02;

export function decodeNegotiateRequest(ctx: CommandContext): void {
  const c = byteCursor(ctx);
  const dialects: string[] = [];
  while (c.remaining > 0) {
    const format = c.u8();
    if (format !== DIALECT_FORMAT) {
      problem(ctx, "malformed", `dialect BufferFormat 0x${format.toString(16)}, expected 0x02`);
      break;
    }
    dialects.push(readOemString(c));
  }
  ctx.cmd.fields.dialects = dialects;
}

export function decodeNegotiateResponse(ctx: CommandContext): void {
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx);
  const wc = ctx.cmd.wordCount;
  if (wc === 0) return;
  const index = w.u16();
  f.dialectIndex = index;
  const offered = ctx.request?.fields.dialects;
  if (Array.isArray(offered) && index < offered.length) f.dialect = offered[index]!;
  if (wc === 13) {
    const securityMode = w.u16();
    f.securityMode = securityMode;
    f.maxBufferSize = w.u16();
    f.maxMpxCount = w.u16();
    f.maxNumberVcs = w.u16();
    f.rawMode = w.u16();
    f.sessionKey = w.u32();
    const time = w.u16(), date = w.u16();
    f.systemTime = smbDateTime(date, time);
    f.serverTimeZone = (w.u16() << 16) >> 16;
    const keyLength = w.u16();
    const b = byteCursor(ctx);
    f.challenge = toHex(b.take(Math.min(keyLength, b.remaining)));
    if (keyLength > ctx.bytes.length) {
      problem(ctx, "malformed", `EncryptionKeyLength ${keyLength} exceeds ByteCount`);
    }
    if (b.remaining > 0) f.primaryDomain = readOemString(b);
    return;
  }
  if (wc !== 17) {
    if (wc !== 1) problem(ctx, "unsupported", `WordCount ${wc} (unknown dialect layout)`);
    return;
  }
  const securityMode = w.u8();
  f.securityMode = securityMode;
  f.signingEnabled = (securityMode & SECURITY_SIGNATURES_ENABLED) !== 0;
  f.signingRequired = (securityMode & SECURITY_SIGNATURES_REQUIRED) !== 0;
  f.maxMpxCount = w.u16();
  f.maxNumberVcs = w.u16();
  f.maxBufferSize = w.u32();
  f.maxRawSize = w.u32();
  f.sessionKey = w.u32();
  const caps = w.u32();
  f.capabilities = caps;
  f.capabilityNames = capabilityNames(caps);
  f.systemTime = readFiletime(w);
  f.serverTimeZone = (w.u16() << 16) >> 16;
  const challengeLength = w.u8();
  const b = byteCursor(ctx);
  if ((caps & Capability.CAP_EXTENDED_SECURITY) !== 0) {
    f.serverGuid = toHex(b.take(16));
    const blob = b.take(b.remaining);
    ctx.cmd.securityBlob = blob;
    f.securityBlobLength = blob.length;
    return;
  }
  f.challenge = toHex(b.take(Math.min(challengeLength, b.remaining)));
  if (challengeLength > ctx.bytes.length) {
    problem(ctx, "malformed", `ChallengeLength ${challengeLength} exceeds ByteCount`);
  }
  if (b.remaining > 0) f.primaryDomain = readString(ctx, b, ctx.header.unicode, false);
  if (b.remaining > 0) f.serverName = readString(ctx, b, ctx.header.unicode, false);
}
