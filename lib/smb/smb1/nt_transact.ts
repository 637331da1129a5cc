/**
 * NT_TRANSACT functions ([MS-CIFS] 2.2.7, [MS-SMB] 2.2.7): what their setup
 * words and NT_Trans_Parameters blocks hold, decoded from complete blocks.
 *
 * Requests:
 * - CREATE / CREATE2 parameters: Flags u32, RootDirectoryFID u32,
 *   DesiredAccess u32, AllocationSize u64, ExtFileAttributes u32, ShareAccess
 *   u32, CreateDisposition u32, CreateOptions u32, SecurityDescriptorLength
 *   u32, EALength u32, NameLength u32, ImpersonationLevel u32, SecurityFlags
 *   u8, Name (NameLength bytes; Unicode aligned relative to the block) ->
 *   as NT_CREATE_ANDX plus `securityDescriptorLength`, `eaLength`
 * - IOCTL setup (4 words): FunctionCode u32, FID u16, IsFsctl u8, IsFlags u8
 *   -> `ctlCode`, `fid`, `isFsctl`, `isFlags`
 * - NOTIFY_CHANGE setup: CompletionFilter u32, FID u16, WatchTree u8 ->
 *   `completionFilter`, `fid`, `watchTree`
 * - SET_SECURITY_DESC / QUERY_SECURITY_DESC parameters: FID u16, Reserved u16,
 *   SecurityInformation u32 -> `fid`, `securityInformation`
 * - RENAME parameters: FID u16, Flags u16, NewName -> `fid`, `newFileName`
 * - QUERY_QUOTA / SET_QUOTA parameters: FID u16 -> `fid`
 * Responses:
 * - CREATE / CREATE2 parameters: OpLockLevel u8, Reserved u8, FID u16,
 *   CreateAction u32, EAErrorOffset u32, then the NT_CREATE_ANDX result
 *   fields (nt_create.ts)
 * - QUERY_SECURITY_DESC parameters: LengthNeeded u32 -> `lengthNeeded`
 * @module
 */
import { Cursor } from "../../bytes/cursor.ts";
import type { Fields } from "../json.ts";
import { createDispositionName, NtTransactFunction } from "./commands.ts";
import { readCreateResult } from "./nt_create.ts";
import { decodeFixed, readSmbString } from "./strings.ts";
import { readU64Number } from "./values.ts";

const F = NtTransactFunction;

/** Fields carried by the setup words of a request (IOCTL, NOTIFY_CHANGE). */
export function decodeNtTransactSetup(fn: number, setup: number[], f: Fields): void {
  if (fn === F.IOCTL && setup.length >= 4) {
    f.ctlCode = (setup[0]! | (setup[1]! << 16)) >>> 0;
    f.fid = setup[2]!;
    f.isFsctl = (setup[3]! & 0xff) !== 0;
    f.isFlags = setup[3]! >>> 8;
  } else if (fn === F.NOTIFY_CHANGE && setup.length >= 4) {
    f.completionFilter = (setup[0]! | (setup[1]! << 16)) >>> 0;
    f.fid = setup[2]!;
    f.watchTree = (setup[3]! & 0xff) !== 0;
  }
}

/** Decodes a request's parameter block into `f`. Throws TRUNCATED when a field runs past it. */
export function decodeNtTransactRequest(
  fn: number,
  params: Uint8Array,
  unicode: boolean,
  f: Fields,
): void {
  const c = new Cursor(params);
  switch (fn) {
    case F.CREATE:
    case F.CREATE2: {
      f.flags = c.u32();
      f.rootDirectoryFid = c.u32();
      f.desiredAccess = c.u32();
      f.allocationSize = readU64Number(c);
      f.fileAttributes = c.u32();
      f.shareAccess = c.u32();
      const disposition = c.u32();
      f.createDisposition = disposition;
      f.createDispositionName = createDispositionName(disposition);
      f.createOptions = c.u32();
      f.securityDescriptorLength = c.u32();
      f.eaLength = c.u32();
      const nameLength = c.u32();
      f.impersonationLevel = c.u32();
      f.securityFlags = c.u8();
      if (unicode && (c.pos & 1) !== 0 && c.remaining > 0) c.skip(1);
      f.fileName = decodeFixed(c.take(Math.min(nameLength, c.remaining)), unicode);
      break;
    }
    case F.SET_SECURITY_DESC:
    case F.QUERY_SECURITY_DESC:
      f.fid = c.u16();
      c.skip(2);
      f.securityInformation = c.u32();
      break;
    case F.RENAME:
      f.fid = c.u16();
      f.renameFlags = c.u16();
      f.newFileName = readSmbString(c, unicode, 0);
      break;
    case F.QUERY_QUOTA:
    case F.SET_QUOTA:
      f.fid = c.u16();
      break;
  }
}

/** Decodes a response's parameter block into `f`. Throws TRUNCATED when a field runs past it. */
export function decodeNtTransactResponse(fn: number, params: Uint8Array, f: Fields): void {
  if (params.length === 0) return;
  const c = new Cursor(params);
  switch (fn) {
    case F.CREATE:
    case F.CREATE2:
      f.oplockLevel = c.u8();
      c.skip(1);
      f.fid = c.u16();
      readCreateResult(c, f, true);
      break;
    case F.QUERY_SECURITY_DESC:
      f.lengthNeeded = c.u32();
      break;
  }
}
