/**
 * TRANSACTION2 subcommands ([MS-CIFS] 2.2.6, [MS-SMB] 2.2.6): what their
 * Trans2_Parameters and Trans2_Data blocks hold, decoded from complete
 * blocks (one message, or reassembled by TransactionAssembler).
 *
 * Request parameters:
 * - OPEN2: Flags u16, AccessMode u16, Reserved u16, FileAttributes u16,
 *   CreationTime (UTIME), OpenMode u16, AllocationSize u32, Reserved[5] u16,
 *   FileName -> `flags`, `accessMode`, `fileAttributes`, `creationTime`,
 *   `openMode`, `allocationSize`, `fileName`
 * - FIND_FIRST2: SearchAttributes u16, SearchCount u16, Flags u16,
 *   InformationLevel u16, SearchStorageType u32, FileName -> `searchAttributes`,
 *   `searchCount`, `flags`, `infoLevel`, `infoLevelName`, `searchStorageType`,
 *   `pattern`
 * - FIND_NEXT2: SID u16, SearchCount u16, InformationLevel u16, ResumeKey u32,
 *   Flags u16, FileName -> `sid`, `searchCount`, `infoLevel`, `infoLevelName`,
 *   `resumeKey`, `flags`, `pattern` (the resume name)
 * - QUERY_FS_INFORMATION: InformationLevel u16 -> `infoLevel`, `infoLevelName`
 * - SET_FS_INFORMATION: FID u16, InformationLevel u16 -> `fid`, `infoLevel`, ...
 * - QUERY_PATH_INFORMATION / SET_PATH_INFORMATION: InformationLevel u16,
 *   Reserved u32, FileName -> `infoLevel`, `infoLevelName`, `fileName`
 * - QUERY_FILE_INFORMATION: FID u16, InformationLevel u16; SET_FILE_INFORMATION:
 *   FID u16, InformationLevel u16, Reserved u16 -> `fid`, `infoLevel`, ...
 * - SET_*_INFORMATION data: see file_info.ts.
 * - CREATE_DIRECTORY: Reserved u32, DirectoryName -> `fileName`
 * - GET_DFS_REFERRAL: MaxReferralLevel u16, RequestFileName -> `maxReferralLevel`,
 *   `fileName`
 * Response parameters:
 * - FIND_FIRST2: SID u16, SearchCount u16, EndOfSearch u16, EaErrorOffset u16,
 *   LastNameOffset u16; FIND_NEXT2: the same without SID -> `sid`,
 *   `searchCount`, `endOfSearch`, `lastNameOffset`; data -> `names` (find.ts)
 * - QUERY_PATH/FILE_INFORMATION: EaErrorOffset u16; data: see file_info.ts.
 * - OPEN2: FID u16, FileAttributes u16, CreationTime u32, FileDataSize u32,
 *   AccessMode u16, ResourceType u16, NMPipeStatus u16, ActionTaken u16 ->
 *   `fid`, `fileAttributes`, `endOfFile`, `openAction`
 * The info level of a response comes from the paired request.
 * @module
 */
import { Cursor } from "../../bytes/cursor.ts";
import type { Fields } from "../json.ts";
import { type InfoLevelKind, infoLevelName, Trans2Subcommand } from "./commands.ts";
import { decodeQueryInfo, decodeSetInfo } from "./file_info.ts";
import { isFindLevelDecoded, readFindNames, SMB_FIND_RETURN_RESUME_KEYS } from "./find.ts";
import { readSmbString } from "./strings.ts";
import { utime } from "./values.ts";

const T = Trans2Subcommand;

/** Strings in a parameter block align relative to the block's start. */
function str(c: Cursor, unicode: boolean): string {
  return readSmbString(c, unicode, 0);
}

function level(f: Fields, kind: InfoLevelKind, value: number): void {
  f.infoLevel = value;
  f.infoLevelName = infoLevelName(kind, value);
}

/**
 * Decodes a TRANS2 request's parameter and data blocks into `f`. Returns a
 * problem sentence for data it had to skip, or undefined. Throws TRUNCATED
 * when a field runs past its block.
 */
export function decodeTrans2Request(
  subcommand: number,
  params: Uint8Array,
  data: Uint8Array,
  unicode: boolean,
  f: Fields,
): string | undefined {
  const c = new Cursor(params);
  switch (subcommand) {
    case T.OPEN2:
      f.flags = c.u16();
      f.accessMode = c.u16();
      c.skip(2);
      f.fileAttributes = c.u16();
      f.creationTime = utime(c.u32());
      f.openMode = c.u16();
      f.allocationSize = c.u32();
      c.skip(10);
      f.fileName = str(c, unicode);
      break;
    case T.FIND_FIRST2:
      f.searchAttributes = c.u16();
      f.searchCount = c.u16();
      f.flags = c.u16();
      level(f, "find", c.u16());
      f.searchStorageType = c.u32();
      f.pattern = str(c, unicode);
      break;
    case T.FIND_NEXT2:
      f.sid = c.u16();
      f.searchCount = c.u16();
      level(f, "find", c.u16());
      f.resumeKey = c.u32();
      f.flags = c.u16();
      f.pattern = str(c, unicode);
      break;
    case T.QUERY_FS_INFORMATION:
      level(f, "queryFs", c.u16());
      break;
    case T.SET_FS_INFORMATION:
      f.fid = c.u16();
      level(f, "setFs", c.u16());
      break;
    case T.QUERY_PATH_INFORMATION:
    case T.SET_PATH_INFORMATION: {
      const set = subcommand === T.SET_PATH_INFORMATION;
      const value = c.u16();
      level(f, set ? "set" : "query", value);
      c.skip(4);
      f.fileName = str(c, unicode);
      if (set && !decodeSetInfo(value, data, unicode, f) && data.length > 0) {
        return `SET_PATH_INFORMATION level ${f.infoLevelName}: data not decoded`;
      }
      break;
    }
    case T.QUERY_FILE_INFORMATION:
      f.fid = c.u16();
      level(f, "query", c.u16());
      break;
    case T.SET_FILE_INFORMATION: {
      f.fid = c.u16();
      const value = c.u16();
      level(f, "set", value);
      if (!decodeSetInfo(value, data, unicode, f) && data.length > 0) {
        return `SET_FILE_INFORMATION level ${f.infoLevelName}: data not decoded`;
      }
      break;
    }
    case T.CREATE_DIRECTORY:
      c.skip(4);
      f.fileName = str(c, unicode);
      break;
    case T.GET_DFS_REFERRAL:
      f.maxReferralLevel = c.u16();
      f.fileName = str(c, unicode);
      break;
  }
  return undefined;
}

/**
 * Decodes a TRANS2 response's blocks into `f`, using the paired request's
 * fields (`infoLevel`, `flags`). Returns a problem sentence or undefined.
 * Throws TRUNCATED when a field runs past its block.
 */
export function decodeTrans2Response(
  subcommand: number,
  request: Fields | undefined,
  params: Uint8Array,
  data: Uint8Array,
  unicode: boolean,
  f: Fields,
): string | undefined {
  const c = new Cursor(params);
  const requestLevel = typeof request?.infoLevel === "number" ? request.infoLevel : undefined;
  switch (subcommand) {
    case T.FIND_FIRST2:
    case T.FIND_NEXT2: {
      if (params.length === 0) return undefined;
      if (subcommand === T.FIND_FIRST2) f.sid = c.u16();
      const count = c.u16();
      f.searchCount = count;
      f.endOfSearch = c.u16() !== 0;
      f.eaErrorOffset = c.u16();
      f.lastNameOffset = c.u16();
      if (requestLevel === undefined) return undefined;
      level(f, "find", requestLevel);
      if (!isFindLevelDecoded(requestLevel)) {
        return `FIND level ${f.infoLevelName}: names not decoded`;
      }
      const flags = typeof request?.flags === "number" ? request.flags : 0;
      const found = readFindNames(
        data,
        requestLevel,
        unicode,
        count,
        (flags & SMB_FIND_RETURN_RESUME_KEYS) !== 0,
      );
      f.names = found.names;
      if (found.sizes !== undefined) f.sizes = found.sizes;
      if (found.attributes !== undefined) f.attributes = found.attributes;
      return found.problem;
    }
    case T.QUERY_PATH_INFORMATION:
    case T.QUERY_FILE_INFORMATION: {
      if (params.length >= 2) f.eaErrorOffset = c.u16();
      if (requestLevel === undefined) return undefined;
      level(f, "query", requestLevel);
      // Other levels carry no file activity: their data is left undecoded, without a problem.
      decodeQueryInfo(requestLevel, data, unicode, f);
      return undefined;
    }
    case T.QUERY_FS_INFORMATION:
      if (requestLevel !== undefined) level(f, "queryFs", requestLevel);
      return undefined;
    case T.OPEN2:
      if (params.length === 0) return undefined;
      f.fid = c.u16();
      f.fileAttributes = c.u16();
      f.creationTime = utime(c.u32());
      f.endOfFile = c.u32();
      f.accessMode = c.u16();
      f.fileType = c.u16();
      f.deviceState = c.u16();
      f.openAction = c.u16() & 0x0003;
      return undefined;
  }
  return undefined;
}
