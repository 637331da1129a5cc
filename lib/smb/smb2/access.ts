/**
 * Access masks and share access as SMB2 carries them. [MS-SMB2] 2.2.13.1
 * (File_Pipe_Printer_Access_Mask, Directory_Access_Mask), [MS-DTYP] 2.4.3
 * (ACCESS_MASK); ShareAccess [MS-SMB2] 2.2.13.
 * @module
 */
import { flagNames } from "./wire.ts";

/**
 * Access mask bits, file names for the low bits (a directory's
 * FILE_LIST_DIRECTORY, FILE_ADD_FILE... share them with FILE_READ_DATA,
 * FILE_WRITE_DATA...).
 */
export const AccessMask = {
  FILE_READ_DATA: 0x0000_0001,
  FILE_WRITE_DATA: 0x0000_0002,
  FILE_APPEND_DATA: 0x0000_0004,
  FILE_READ_EA: 0x0000_0008,
  FILE_WRITE_EA: 0x0000_0010,
  FILE_EXECUTE: 0x0000_0020,
  FILE_DELETE_CHILD: 0x0000_0040,
  FILE_READ_ATTRIBUTES: 0x0000_0080,
  FILE_WRITE_ATTRIBUTES: 0x0000_0100,
  DELETE: 0x0001_0000,
  READ_CONTROL: 0x0002_0000,
  WRITE_DAC: 0x0004_0000,
  WRITE_OWNER: 0x0008_0000,
  SYNCHRONIZE: 0x0010_0000,
  ACCESS_SYSTEM_SECURITY: 0x0100_0000,
  MAXIMUM_ALLOWED: 0x0200_0000,
  GENERIC_ALL: 0x1000_0000,
  GENERIC_EXECUTE: 0x2000_0000,
  GENERIC_WRITE: 0x4000_0000,
  GENERIC_READ: 0x8000_0000,
} as const;

/** Names of the bits of an access mask. */
export function accessMaskNames(mask: number): string[] {
  return flagNames(mask, AccessMask);
}

/** ShareAccess of a CREATE. [MS-SMB2] 2.2.13 */
export const ShareAccess = {
  FILE_SHARE_READ: 0x0000_0001,
  FILE_SHARE_WRITE: 0x0000_0002,
  FILE_SHARE_DELETE: 0x0000_0004,
} as const;
