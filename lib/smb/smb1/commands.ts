/**
 * The SMB1 name tables, each written once: command codes ([MS-CIFS] 2.2.2.1),
 * transaction subcommands (TRANSACTION named-pipe/mailslot functions, TRANS2
 * subcommands [MS-CIFS] 2.2.6 and [MS-SMB] 2.2.2.2, NT_TRANSACT functions
 * [MS-CIFS] 2.2.7 and [MS-SMB] 2.2.2.2), information levels ([MS-CIFS]
 * 2.2.2.3 / 2.2.8, [MS-SMB] 2.2.2.3) with the pass-through levels (1000 +
 * an [MS-FSCC] information class), capability bits ([MS-CIFS] 2.2.4.52.2,
 * [MS-SMB] 2.2.4.5.2) and the NT create dispositions and actions.
 * Every lookup returns a string: `UNKNOWN_0x...` for a code not in its table.
 * @module
 */

import {
  CreateAction,
  CreateDisposition,
  FileInformationClass,
  FsInformationClass,
} from "../fscc.ts";

/** The [MS-FSCC] tables SMB1 shares with SMB2, re-exported for its decoders. */
export { CreateAction, CreateDisposition, FileInformationClass, FsInformationClass };

/** SMB1 command codes, [MS-CIFS] 2.2.2.1 (names without the `SMB_COM_` prefix). */
export const Smb1Command = {
  CREATE_DIRECTORY: 0x00,
  DELETE_DIRECTORY: 0x01,
  OPEN: 0x02,
  CREATE: 0x03,
  CLOSE: 0x04,
  FLUSH: 0x05,
  DELETE: 0x06,
  RENAME: 0x07,
  QUERY_INFORMATION: 0x08,
  SET_INFORMATION: 0x09,
  READ: 0x0a,
  WRITE: 0x0b,
  LOCK_BYTE_RANGE: 0x0c,
  UNLOCK_BYTE_RANGE: 0x0d,
  CREATE_TEMPORARY: 0x0e,
  CREATE_NEW: 0x0f,
  CHECK_DIRECTORY: 0x10,
  PROCESS_EXIT: 0x11,
  SEEK: 0x12,
  LOCK_AND_READ: 0x13,
  WRITE_AND_UNLOCK: 0x14,
  READ_RAW: 0x1a,
  READ_MPX: 0x1b,
  READ_MPX_SECONDARY: 0x1c,
  WRITE_RAW: 0x1d,
  WRITE_MPX: 0x1e,
  WRITE_MPX_SECONDARY: 0x1f,
  WRITE_COMPLETE: 0x20,
  QUERY_SERVER: 0x21,
  SET_INFORMATION2: 0x22,
  QUERY_INFORMATION2: 0x23,
  LOCKING_ANDX: 0x24,
  TRANSACTION: 0x25,
  TRANSACTION_SECONDARY: 0x26,
  IOCTL: 0x27,
  IOCTL_SECONDARY: 0x28,
  COPY: 0x29,
  MOVE: 0x2a,
  ECHO: 0x2b,
  WRITE_AND_CLOSE: 0x2c,
  OPEN_ANDX: 0x2d,
  READ_ANDX: 0x2e,
  WRITE_ANDX: 0x2f,
  NEW_FILE_SIZE: 0x30,
  CLOSE_AND_TREE_DISC: 0x31,
  TRANSACTION2: 0x32,
  TRANSACTION2_SECONDARY: 0x33,
  FIND_CLOSE2: 0x34,
  FIND_NOTIFY_CLOSE: 0x35,
  TREE_CONNECT: 0x70,
  TREE_DISCONNECT: 0x71,
  NEGOTIATE: 0x72,
  SESSION_SETUP_ANDX: 0x73,
  LOGOFF_ANDX: 0x74,
  TREE_CONNECT_ANDX: 0x75,
  SECURITY_PACKAGE_ANDX: 0x7e,
  QUERY_INFORMATION_DISK: 0x80,
  SEARCH: 0x81,
  FIND: 0x82,
  FIND_UNIQUE: 0x83,
  FIND_CLOSE: 0x84,
  NT_TRANSACT: 0xa0,
  NT_TRANSACT_SECONDARY: 0xa1,
  NT_CREATE_ANDX: 0xa2,
  NT_CANCEL: 0xa4,
  NT_RENAME: 0xa5,
  OPEN_PRINT_FILE: 0xc0,
  WRITE_PRINT_FILE: 0xc1,
  CLOSE_PRINT_FILE: 0xc2,
  GET_PRINT_QUEUE: 0xc3,
  READ_BULK: 0xd8,
  WRITE_BULK: 0xd9,
  WRITE_BULK_DATA: 0xda,
  INVALID: 0xfe,
  NO_ANDX_COMMAND: 0xff,
} as const;
export type Smb1Command = (typeof Smb1Command)[keyof typeof Smb1Command];

/** Commands whose parameter words start with the AndX block (AndXCommand, reserved, AndXOffset). */
export const ANDX_COMMANDS: ReadonlySet<number> = new Set([
  Smb1Command.LOCKING_ANDX,
  Smb1Command.OPEN_ANDX,
  Smb1Command.READ_ANDX,
  Smb1Command.WRITE_ANDX,
  Smb1Command.SESSION_SETUP_ANDX,
  Smb1Command.LOGOFF_ANDX,
  Smb1Command.TREE_CONNECT_ANDX,
  Smb1Command.SECURITY_PACKAGE_ANDX,
  Smb1Command.NT_CREATE_ANDX,
]);

/** Named-pipe and mailslot functions of TRANSACTION (Setup[0]), [MS-CIFS] 2.2.5. */
export const TransSubcommand = {
  SET_NMPIPE_STATE: 0x0001,
  RAW_READ_NMPIPE: 0x0011,
  QUERY_NMPIPE_STATE: 0x0021,
  QUERY_NMPIPE_INFO: 0x0022,
  PEEK_NMPIPE: 0x0023,
  TRANSACT_NMPIPE: 0x0026,
  RAW_WRITE_NMPIPE: 0x0031,
  READ_NMPIPE: 0x0036,
  WRITE_NMPIPE: 0x0037,
  WAIT_NMPIPE: 0x0053,
  CALL_NMPIPE: 0x0054,
} as const;

/** Mailslot functions of TRANSACTION on `\MAILSLOT\...` (Setup[0]), [MS-CIFS] 2.2.5.12. */
export const MailslotSubcommand = { MAILSLOT_WRITE: 0x0001 } as const;

/** TRANSACTION2 subcommands (Setup[0]), [MS-CIFS] 2.2.6 (names without the `TRANS2_` prefix). */
export const Trans2Subcommand = {
  OPEN2: 0x0000,
  FIND_FIRST2: 0x0001,
  FIND_NEXT2: 0x0002,
  QUERY_FS_INFORMATION: 0x0003,
  SET_FS_INFORMATION: 0x0004,
  QUERY_PATH_INFORMATION: 0x0005,
  SET_PATH_INFORMATION: 0x0006,
  QUERY_FILE_INFORMATION: 0x0007,
  SET_FILE_INFORMATION: 0x0008,
  FSCTL: 0x0009,
  IOCTL2: 0x000a,
  FIND_NOTIFY_FIRST: 0x000b,
  FIND_NOTIFY_NEXT: 0x000c,
  CREATE_DIRECTORY: 0x000d,
  SESSION_SETUP: 0x000e,
  GET_DFS_REFERRAL: 0x0010,
  REPORT_DFS_INCONSISTENCY: 0x0011,
} as const;

/** NT_TRANSACT functions, [MS-CIFS] 2.2.7 and [MS-SMB] 2.2.2.2 (names without `NT_TRANSACT_`). */
export const NtTransactFunction = {
  CREATE: 0x0001,
  IOCTL: 0x0002,
  SET_SECURITY_DESC: 0x0003,
  NOTIFY_CHANGE: 0x0004,
  RENAME: 0x0005,
  QUERY_SECURITY_DESC: 0x0006,
  QUERY_QUOTA: 0x0007,
  SET_QUOTA: 0x0008,
  CREATE2: 0x0009,
} as const;

/** First pass-through level: 1000 + an [MS-FSCC] information class, [MS-SMB] 2.2.2.3.5. */
export const SMB_INFO_PASSTHROUGH = 1000;

/** FIND levels (TRANS2_FIND_FIRST2/FIND_NEXT2), [MS-CIFS] 2.2.2.3.1 and [MS-SMB] 2.2.2.3.1. */
export const FindInfoLevel = {
  SMB_INFO_STANDARD: 0x0001,
  SMB_INFO_QUERY_EA_SIZE: 0x0002,
  SMB_INFO_QUERY_EAS_FROM_LIST: 0x0003,
  SMB_FIND_FILE_DIRECTORY_INFO: 0x0101,
  SMB_FIND_FILE_FULL_DIRECTORY_INFO: 0x0102,
  SMB_FIND_FILE_NAMES_INFO: 0x0103,
  SMB_FIND_FILE_BOTH_DIRECTORY_INFO: 0x0104,
  SMB_FIND_FILE_ID_FULL_DIRECTORY_INFO: 0x0105,
  SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO: 0x0106,
} as const;

/** QUERY_FS levels (TRANS2_QUERY_FS_INFORMATION), [MS-CIFS] 2.2.2.3.2. */
export const QueryFsInfoLevel = {
  SMB_INFO_ALLOCATION: 0x0001,
  SMB_INFO_VOLUME: 0x0002,
  SMB_QUERY_FS_VOLUME_INFO: 0x0102,
  SMB_QUERY_FS_SIZE_INFO: 0x0103,
  SMB_QUERY_FS_DEVICE_INFO: 0x0104,
  SMB_QUERY_FS_ATTRIBUTE_INFO: 0x0105,
} as const;

/** QUERY levels (TRANS2_QUERY_PATH/FILE_INFORMATION), [MS-CIFS] 2.2.2.3.3. */
export const QueryInfoLevel = {
  SMB_INFO_STANDARD: 0x0001,
  SMB_INFO_QUERY_EA_SIZE: 0x0002,
  SMB_INFO_QUERY_EAS_FROM_LIST: 0x0003,
  SMB_INFO_QUERY_ALL_EAS: 0x0004,
  SMB_INFO_IS_NAME_VALID: 0x0006,
  SMB_QUERY_FILE_BASIC_INFO: 0x0101,
  SMB_QUERY_FILE_STANDARD_INFO: 0x0102,
  SMB_QUERY_FILE_EA_INFO: 0x0103,
  SMB_QUERY_FILE_NAME_INFO: 0x0104,
  SMB_QUERY_FILE_ALL_INFO: 0x0107,
  SMB_QUERY_FILE_ALT_NAME_INFO: 0x0108,
  SMB_QUERY_FILE_STREAM_INFO: 0x0109,
  SMB_QUERY_FILE_COMPRESSION_INFO: 0x010b,
} as const;

/** SET levels (TRANS2_SET_PATH/FILE_INFORMATION), [MS-CIFS] 2.2.2.3.4. */
export const SetInfoLevel = {
  SMB_INFO_STANDARD: 0x0001,
  SMB_INFO_SET_EAS: 0x0002,
  SMB_SET_FILE_BASIC_INFO: 0x0101,
  SMB_SET_FILE_DISPOSITION_INFO: 0x0102,
  SMB_SET_FILE_ALLOCATION_INFO: 0x0103,
  SMB_SET_FILE_END_OF_FILE_INFO: 0x0104,
} as const;

/** Capability bits of NEGOTIATE and SESSION_SETUP_ANDX, [MS-CIFS] 2.2.4.52.2 and [MS-SMB] 2.2.4.5.2. */
export const Capability = {
  CAP_RAW_MODE: 0x00000001,
  CAP_MPX_MODE: 0x00000002,
  CAP_UNICODE: 0x00000004,
  CAP_LARGE_FILES: 0x00000008,
  CAP_NT_SMBS: 0x00000010,
  CAP_RPC_REMOTE_APIS: 0x00000020,
  CAP_STATUS32: 0x00000040,
  CAP_LEVEL_II_OPLOCKS: 0x00000080,
  CAP_LOCK_AND_READ: 0x00000100,
  CAP_NT_FIND: 0x00000200,
  CAP_DFS: 0x00001000,
  CAP_INFOLEVEL_PASSTHRU: 0x00002000,
  CAP_LARGE_READX: 0x00004000,
  CAP_LARGE_WRITEX: 0x00008000,
  CAP_LWIO: 0x00010000,
  CAP_UNIX: 0x00800000,
  CAP_COMPRESSED_DATA: 0x02000000,
  CAP_DYNAMIC_REAUTH: 0x20000000,
  CAP_EXTENDED_SECURITY: 0x80000000,
} as const;

function unknown(code: number, digits: number): string {
  return `UNKNOWN_0x${code.toString(16).padStart(digits, "0")}`;
}

function invert(table: Record<string, number>): Map<number, string> {
  return new Map(Object.entries(table).map(([name, code]) => [code, name]));
}

const COMMAND_NAMES = invert(Smb1Command);
const TRANS_NAMES = invert(TransSubcommand);
const MAILSLOT_NAMES = invert(MailslotSubcommand);
const TRANS2_NAMES = invert(Trans2Subcommand);
const NT_TRANSACT_NAMES = invert(NtTransactFunction);
const FIND_LEVEL_NAMES = invert(FindInfoLevel);
const QUERY_FS_LEVEL_NAMES = invert(QueryFsInfoLevel);
const QUERY_LEVEL_NAMES = invert(QueryInfoLevel);
const SET_LEVEL_NAMES = invert(SetInfoLevel);
const FILE_CLASS_NAMES = invert(FileInformationClass);
const FS_CLASS_NAMES = invert(FsInformationClass);
const DISPOSITION_NAMES = invert(CreateDisposition);
const ACTION_NAMES = invert(CreateAction);
const CAPABILITY_NAMES = Object.entries(Capability);

/** `SESSION_SETUP_ANDX` for 0x73; `UNKNOWN_0x..` for a code not in [MS-CIFS] 2.2.2.1. */
export function smb1CommandName(code: number): string {
  return COMMAND_NAMES.get(code) ?? unknown(code, 2);
}

/** A TRANSACTION function name; `mailslot` picks the mailslot table (`\MAILSLOT\...` names). */
export function transSubcommandName(code: number, mailslot = false): string {
  return (mailslot ? MAILSLOT_NAMES : TRANS_NAMES).get(code) ?? unknown(code, 4);
}

/** `FIND_FIRST2` for 1; `UNKNOWN_0x....` otherwise. */
export function trans2SubcommandName(code: number): string {
  return TRANS2_NAMES.get(code) ?? unknown(code, 4);
}

/** `CREATE` for 1, `IOCTL` for 2, ...; `UNKNOWN_0x....` otherwise. */
export function ntTransactFunctionName(code: number): string {
  return NT_TRANSACT_NAMES.get(code) ?? unknown(code, 4);
}

/** Which information-level table a level number belongs to. */
export type InfoLevelKind = "find" | "queryFs" | "setFs" | "query" | "set";

/**
 * The name of an information level in its context: `SMB_FIND_FILE_BOTH_DIRECTORY_INFO`
 * for a FIND 0x104, `FileRenameInformation` for a SET pass-through 1010.
 */
export function infoLevelName(kind: InfoLevelKind, level: number): string {
  if (level >= SMB_INFO_PASSTHROUGH) {
    const cls = level - SMB_INFO_PASSTHROUGH;
    const fs = kind === "queryFs" || kind === "setFs";
    const name = (fs ? FS_CLASS_NAMES : FILE_CLASS_NAMES).get(cls);
    if (name) return name;
  }
  const table = kind === "find"
    ? FIND_LEVEL_NAMES
    : kind === "queryFs" || kind === "setFs"
    ? QUERY_FS_LEVEL_NAMES
    : kind === "query"
    ? QUERY_LEVEL_NAMES
    : SET_LEVEL_NAMES;
  return table.get(level) ?? unknown(level, 4);
}

/** `FILE_OPEN_IF` for 3; `UNKNOWN_0x........` otherwise. */
export function createDispositionName(code: number): string {
  return DISPOSITION_NAMES.get(code) ?? unknown(code, 8);
}

/** `FILE_CREATED` for 2; `UNKNOWN_0x........` otherwise. */
export function createActionName(code: number): string {
  return ACTION_NAMES.get(code) ?? unknown(code, 8);
}

/** Names of the capability bits set in `caps`, in bit order; unnamed bits are left out. */
export function capabilityNames(caps: number): string[] {
  const out: string[] = [];
  for (const [name, bit] of CAPABILITY_NAMES) if ((caps & bit) !== 0) out.push(name);
  return out;
}

/** InformationLevel of SMB_COM_NT_RENAME, [MS-CIFS] 2.2.4.66.1. */
export const NtRenameLevel = {
  SMB_NT_RENAME_SET_LINK_INFO: 0x0103,
  SMB_NT_RENAME_RENAME_FILE: 0x0104,
  SMB_NT_RENAME_MOVE_FILE: 0x0105,
} as const;
const NT_RENAME_LEVEL_NAMES = invert(NtRenameLevel);

/** `SMB_NT_RENAME_RENAME_FILE` for 0x104; `UNKNOWN_0x....` otherwise. */
export function ntRenameLevelName(level: number): string {
  return NT_RENAME_LEVEL_NAMES.get(level) ?? unknown(level, 4);
}
