/**
 * SMB2 command codes and names. [MS-SMB2] 2.2.1.2 (Command). The only place
 * these codes live.
 * @module
 */

/** Command codes by name. */
export const Smb2Command = {
  NEGOTIATE: 0x0000,
  SESSION_SETUP: 0x0001,
  LOGOFF: 0x0002,
  TREE_CONNECT: 0x0003,
  TREE_DISCONNECT: 0x0004,
  CREATE: 0x0005,
  CLOSE: 0x0006,
  FLUSH: 0x0007,
  READ: 0x0008,
  WRITE: 0x0009,
  LOCK: 0x000a,
  IOCTL: 0x000b,
  CANCEL: 0x000c,
  ECHO: 0x000d,
  QUERY_DIRECTORY: 0x000e,
  CHANGE_NOTIFY: 0x000f,
  QUERY_INFO: 0x0010,
  SET_INFO: 0x0011,
  OPLOCK_BREAK: 0x0012,
} as const;

/** One of the 19 command codes. */
export type Smb2Command = (typeof Smb2Command)[keyof typeof Smb2Command];

const NAMES = new Map<number, string>(Object.entries(Smb2Command).map(([n, c]) => [c, n]));

/** The command's name, `UNKNOWN_0x...` (four hex digits) for a code not in the table. */
export function smb2CommandName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN_0x${code.toString(16).padStart(4, "0")}`;
}
