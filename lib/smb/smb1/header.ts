/**
 * The 32-byte SMB1 header, [MS-CIFS] 2.2.3.1 and [MS-SMB] 2.2.3.1:
 *
 * ```
 *  0  Protocol      4  0xFF 'S' 'M' 'B'
 *  4  Command       1
 *  5  Status        4  NT status, or ErrorClass(1) Reserved(1) ErrorCode(2)
 *  9  Flags         1  0x80 FLAGS_REPLY
 * 10  Flags2        2  0x4000 FLAGS2_NT_STATUS, 0x8000 FLAGS2_UNICODE
 * 12  PIDHigh       2
 * 14  SecurityFeatures 8 (signature)
 * 22  Reserved      2
 * 24  TID           2
 * 26  PIDLow        2
 * 28  UID           2
 * 30  MID           2
 * ```
 * @module
 */
import { Cursor, toHex } from "../../bytes/cursor.ts";
import type { Smb1Header } from "./types.ts";

/** Size of the SMB1 header; the first command's WordCount follows it. */
export const SMB1_HEADER_SIZE = 32;

/** Flags: the message is a response. */
export const FLAGS_REPLY = 0x80;
/** Flags2: strings are UTF-16LE. */
export const FLAGS2_UNICODE = 0x8000;
/** Flags2: Status holds a 32-bit NT status. */
export const FLAGS2_NT_STATUS = 0x4000;
/** Flags2: the client asked for extended security (SPNEGO) in NEGOTIATE/SESSION_SETUP. */
export const FLAGS2_EXTENDED_SECURITY = 0x0800;

/** Whether `msg` starts with the SMB1 protocol id 0xFF 'SMB'. */
export function isSmb1(msg: Uint8Array): boolean {
  return msg.length >= 4 && msg[0] === 0xff && msg[1] === 0x53 && msg[2] === 0x4d &&
    msg[3] === 0x42;
}

/** Reads the header; throws TRUNCATED when `msg` is shorter than 32 bytes. The caller checks the protocol id. */
export function readSmb1Header(msg: Uint8Array): Smb1Header {
  const c = new Cursor(msg);
  c.skip(4);
  const command = c.u8();
  const status = c.u32();
  const flags = c.u8();
  const flags2 = c.u16();
  const pidHigh = c.u16();
  const signature = toHex(c.take(8));
  c.skip(2);
  const tid = c.u16();
  const pidLow = c.u16();
  const uid = c.u16();
  const mid = c.u16();
  const ntStatus = (flags2 & FLAGS2_NT_STATUS) !== 0;
  const header: Smb1Header = {
    command,
    status,
    ntStatus,
    flags,
    flags2,
    response: (flags & FLAGS_REPLY) !== 0,
    unicode: (flags2 & FLAGS2_UNICODE) !== 0,
    pid: ((pidHigh << 16) | pidLow) >>> 0,
    tid,
    uid,
    mid,
    signature,
  };
  if (!ntStatus) {
    // DOS error: ErrorClass is the first byte, ErrorCode the last two (little-endian).
    header.dosClass = status & 0xff;
    header.dosCode = status >>> 16;
  }
  return header;
}
