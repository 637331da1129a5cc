/**
 * Information-level data blocks of TRANS2 QUERY/SET_PATH_INFORMATION and
 * QUERY/SET_FILE_INFORMATION that matter for file activity, [MS-CIFS] 2.2.8.3
 * and 2.2.8.4, and their pass-through forms ([MS-FSCC] 2.4, level - 1000):
 *
 * SET (request data):
 * - SMB_SET_FILE_BASIC_INFO 0x101 / FileBasicInformation 1004: CreationTime,
 *   LastAccessTime, LastWriteTime, ChangeTime (FILETIME), ExtFileAttributes
 *   u32 -> `creationTime`, `lastAccessTime`, `lastWriteTime`, `changeTime`,
 *   `fileAttributes`
 * - SMB_SET_FILE_DISPOSITION_INFO 0x102 / FileDispositionInformation 1013:
 *   DeletePending u8 -> `deletePending`
 * - SMB_SET_FILE_ALLOCATION_INFO 0x103 / FileAllocationInformation 1019:
 *   AllocationSize u64 -> `allocationSize`
 * - SMB_SET_FILE_END_OF_FILE_INFO 0x104 / FileEndOfFileInformation 1020:
 *   EndOfFile u64 -> `endOfFile`
 * - FileRenameInformation 1010: ReplaceIfExists u8, Reserved[3],
 *   RootDirectory u32, FileNameLength u32, FileName -> `replaceIfExists`,
 *   `newFileName`
 *
 * QUERY (response data):
 * - SMB_QUERY_FILE_BASIC_INFO 0x101 / FileBasicInformation 1004: as above.
 * - SMB_QUERY_FILE_STANDARD_INFO 0x102 / FileStandardInformation 1005:
 *   AllocationSize u64, EndOfFile u64, NumberOfLinks u32, DeletePending u8,
 *   Directory u8 -> `allocationSize`, `endOfFile`, `numberOfLinks`,
 *   `deletePending`, `directory`
 * - SMB_QUERY_FILE_ALL_INFO 0x107: the four times, ExtFileAttributes u32,
 *   Reserved u32, AllocationSize u64, EndOfFile u64, NumberOfLinks u32,
 *   DeletePending u8, Directory u8, Reserved u16, EaSize u32, FileNameLength
 *   u32, FileName -> the fields above and `fileName`
 * - SMB_QUERY_FILE_NAME_INFO 0x104 / FileNameInformation 1009 and
 *   SMB_QUERY_FILE_ALT_NAME_INFO 0x108 / FileAlternateNameInformation 1021:
 *   FileNameLength u32, FileName -> `fileName`
 * Strings here are Unicode or OEM as the header says, with explicit lengths.
 * @module
 */
import { Cursor } from "../../bytes/cursor.ts";
import type { Fields } from "../json.ts";
import { decodeFixed } from "./strings.ts";
import { readFiletime, readU64Number } from "./values.ts";

const P = 1000;

function times(c: Cursor, f: Fields): void {
  f.creationTime = readFiletime(c);
  f.lastAccessTime = readFiletime(c);
  f.lastWriteTime = readFiletime(c);
  f.changeTime = readFiletime(c);
  f.fileAttributes = c.u32();
}

function name(c: Cursor, unicode: boolean): string {
  const length = c.u32();
  return decodeFixed(c.take(Math.min(length, c.remaining)), unicode);
}

/** Decodes the data of a SET request at `level` into `f`; returns false for a level it does not decode. Throws TRUNCATED. */
export function decodeSetInfo(
  level: number,
  data: Uint8Array,
  unicode: boolean,
  f: Fields,
): boolean {
  const c = new Cursor(data);
  switch (level) {
    case 0x101:
    case P + 4:
      times(c, f);
      return true;
    case 0x102:
    case P + 13:
      f.deletePending = c.u8() !== 0;
      return true;
    case 0x103:
    case P + 19:
      f.allocationSize = readU64Number(c);
      return true;
    case 0x104:
    case P + 20:
      f.endOfFile = readU64Number(c);
      return true;
    case P + 10: {
      f.replaceIfExists = c.u8() !== 0;
      c.skip(3);
      f.rootDirectory = c.u32();
      f.newFileName = name(c, unicode);
      return true;
    }
  }
  return false;
}

function standard(c: Cursor, f: Fields): void {
  f.allocationSize = readU64Number(c);
  f.endOfFile = readU64Number(c);
  f.numberOfLinks = c.u32();
  f.deletePending = c.u8() !== 0;
  f.directory = c.u8() !== 0;
}

/** Decodes the data of a QUERY response at `level` into `f`; returns false for a level it does not decode. Throws TRUNCATED. */
export function decodeQueryInfo(
  level: number,
  data: Uint8Array,
  unicode: boolean,
  f: Fields,
): boolean {
  const c = new Cursor(data);
  switch (level) {
    case 0x101:
    case P + 4:
      times(c, f);
      return true;
    case 0x102:
    case P + 5:
      standard(c, f);
      return true;
    case 0x107:
      times(c, f);
      c.skip(4);
      standard(c, f);
      c.skip(2);
      f.eaSize = c.u32();
      f.fileName = name(c, unicode);
      return true;
    case 0x104:
    case 0x108:
    case P + 9:
    case P + 21:
      f.fileName = name(c, unicode);
      return true;
  }
  return false;
}
