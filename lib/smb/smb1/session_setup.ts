/**
 * SMB_COM_SESSION_SETUP_ANDX (0x73), [MS-CIFS] 2.2.4.53 and [MS-SMB] 2.2.4.6.
 * All forms start with the AndX block (AndXCommand, AndXReserved, AndXOffset).
 *
 * Request, by WordCount:
 * - 10 (LAN Manager): MaxBufferSize u16, MaxMpxCount u16, VcNumber u16,
 *   SessionKey u32, PasswordLength u16, Reserved u32; Bytes: Password,
 *   AccountName, PrimaryDomain, NativeOS, NativeLanMan.
 * - 12 (extended security): MaxBufferSize, MaxMpxCount, VcNumber, SessionKey,
 *   SecurityBlobLength u16, Reserved u32, Capabilities u32; Bytes:
 *   SecurityBlob, Pad, NativeOS, NativeLanMan (and, from some clients,
 *   PrimaryDomain).
 * - 13 (NT LM 0.12): MaxBufferSize, MaxMpxCount, VcNumber, SessionKey,
 *   OEMPasswordLen u16, UnicodePasswordLen u16, Reserved u32, Capabilities u32;
 *   Bytes: OEMPassword (LM / case-insensitive response), UnicodePassword (NT /
 *   case-sensitive response), Pad, AccountName, PrimaryDomain, NativeOS,
 *   NativeLanMan.
 *   -> `maxBufferSize`, `maxMpxCount`, `vcNumber`, `sessionKey`, `capabilities`,
 *   `capabilityNames`, `securityBlobLength` (+ `securityBlob` view) or
 *   `lmResponseLength`/`ntResponseLength` (+ `lmResponse`/`ntResponse` views),
 *   `accountName`, `primaryDomain`, `nativeOs`, `nativeLanMan`.
 *
 * Response, by WordCount: 3: Action u16; Bytes: NativeOS, NativeLanMan,
 * PrimaryDomain. 4 (extended security): Action u16, SecurityBlobLength u16;
 * Bytes: SecurityBlob, Pad, NativeOS, NativeLanMan (, PrimaryDomain).
 *   -> `action`, `guest` (Action bit 0), `securityBlobLength` (+ view),
 *   `nativeOs`, `nativeLanMan`, `primaryDomain`.
 * @module
 */
import {
  byteCursor,
  type CommandContext,
  expectWordCount,
  problem,
  readString,
  wordCursor,
} from "./context.ts";
import { capabilityNames } from "./commands.ts";
import type { Cursor } from "../../bytes/cursor.ts";

const ACTION_GUEST = 0x0001;

function takeBlob(ctx: CommandContext, c: Cursor, length: number, what: string): Uint8Array {
  if (length > c.remaining) {
    problem(ctx, "malformed", `${what} length ${length} exceeds the ${c.remaining} data bytes`);
    return c.take(c.remaining);
  }
  return c.take(length);
}

export function decodeSessionSetupRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 10, 12, 13)) return;
  const f = ctx.cmd.fields;
  const wc = ctx.cmd.wordCount;
  const w = wordCursor(ctx, true);
  f.maxBufferSize = w.u16();
  f.maxMpxCount = w.u16();
  f.vcNumber = w.u16();
  f.sessionKey = w.u32();
  const b = byteCursor(ctx);
  if (wc === 12) {
    const blobLength = w.u16();
    w.skip(4);
    const caps = w.u32();
    f.capabilities = caps;
    f.capabilityNames = capabilityNames(caps);
    const blob = takeBlob(ctx, b, blobLength, "SecurityBlob");
    ctx.cmd.securityBlob = blob;
    f.securityBlobLength = blob.length;
    f.nativeOs = readString(ctx, b);
    f.nativeLanMan = readString(ctx, b);
    if (b.remaining > 1) f.primaryDomain = readString(ctx, b);
    return;
  }
  let unicode = ctx.header.unicode;
  if (wc === 10) {
    const passwordLength = w.u16();
    const lm = takeBlob(ctx, b, passwordLength, "Password");
    ctx.cmd.lmResponse = lm;
    f.lmResponseLength = lm.length;
    unicode = false;
  } else {
    const lmLength = w.u16(), ntLength = w.u16();
    w.skip(4);
    const caps = w.u32();
    f.capabilities = caps;
    f.capabilityNames = capabilityNames(caps);
    const lm = takeBlob(ctx, b, lmLength, "OEMPassword");
    const nt = takeBlob(ctx, b, ntLength, "UnicodePassword");
    ctx.cmd.lmResponse = lm;
    ctx.cmd.ntResponse = nt;
    f.lmResponseLength = lm.length;
    f.ntResponseLength = nt.length;
  }
  f.accountName = readString(ctx, b, unicode);
  f.primaryDomain = readString(ctx, b, unicode);
  f.nativeOs = readString(ctx, b, unicode);
  f.nativeLanMan = readString(ctx, b, unicode);
}

export function decodeSessionSetupResponse(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 3, 4)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  const action = w.u16();
  f.action = action;
  f.guest = (action & ACTION_GUEST) !== 0;
  const b = byteCursor(ctx);
  if (ctx.cmd.wordCount === 4) {
    const blob = takeBlob(ctx, b, w.u16(), "SecurityBlob");
    ctx.cmd.securityBlob = blob;
    f.securityBlobLength = blob.length;
  }
  if (b.remaining > 0) f.nativeOs = readString(ctx, b);
  if (b.remaining > 0) f.nativeLanMan = readString(ctx, b);
  if (b.remaining > 1) f.primaryDomain = readString(ctx, b);
}
