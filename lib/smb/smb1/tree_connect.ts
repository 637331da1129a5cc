/**
 * SMB_COM_TREE_CONNECT_ANDX (0x75), [MS-CIFS] 2.2.4.55 and [MS-SMB] 2.2.4.7.
 *
 * Request (WordCount 4): AndX block, Flags u16, PasswordLength u16; Bytes:
 * Password[PasswordLength], Pad, Path (SMB_STRING, e.g. `\\SERVER\SHARE`),
 * Service (OEM: `A:`, `LPT1:`, `IPC`, `COMM`, `?????`).
 *   -> `flags`, `passwordLength`, `path`, `service`
 *
 * Response (WordCount 3, or 7 in the [MS-SMB] extended form): AndX block,
 * OptionalSupport u16, [MaximalShareAccessRights u32,
 * GuestMaximalShareAccessRights u32]; Bytes: Service (OEM), Pad,
 * NativeFileSystem (SMB_STRING).
 *   -> `optionalSupport`, `maximalAccess`, `guestMaximalAccess`, `service`,
 *   `nativeFileSystem`
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
import { readOemString } from "./strings.ts";

export function decodeTreeConnectRequest(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 4)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  f.flags = w.u16();
  const passwordLength = w.u16();
  f.passwordLength = passwordLength;
  const b = byteCursor(ctx);
  if (passwordLength > b.remaining) {
    problem(
      ctx,
      "malformed",
      `PasswordLength ${passwordLength} exceeds the ${b.remaining} data bytes`,
    );
    return;
  }
  b.skip(passwordLength);
  f.path = readString(ctx, b);
  f.service = readOemString(b);
}

export function decodeTreeConnectResponse(ctx: CommandContext): void {
  if (!expectWordCount(ctx, 3, 7)) return;
  const f = ctx.cmd.fields;
  const w = wordCursor(ctx, true);
  f.optionalSupport = w.u16();
  if (ctx.cmd.wordCount === 7) {
    f.maximalAccess = w.u32();
    f.guestMaximalAccess = w.u32();
  }
  const b = byteCursor(ctx);
  f.service = readOemString(b);
  if (b.remaining > 0) f.nativeFileSystem = readString(ctx, b);
}
