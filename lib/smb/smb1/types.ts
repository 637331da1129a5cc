/**
 * What the SMB1 parser hands to the SMB analyzer. [MS-CIFS] 2.2.3.1, [MS-SMB] 2.2.3.1
 * @module
 */
import type { Fields } from "../json.ts";
import type { DataLocation, ParseProblem } from "../types.ts";

export type { DataLocation, ParseProblem } from "../types.ts";

/** The 32-byte SMB1 header. */
export interface Smb1Header {
  /** Command code of the first command. */
  command: number;
  /** The 32-bit status: an NT status when `ntStatus`, else DOS error class (low byte) and code (high 16 bits). */
  status: number;
  /** Whether flags2 says the status is an NT status (FLAGS2_NT_STATUS, 0x4000). */
  ntStatus: boolean;
  /** DOS error class and code, when not an NT status. */
  dosClass?: number;
  dosCode?: number;
  flags: number;
  flags2: number;
  /** Whether FLAGS_REPLY (0x80) is set. */
  response: boolean;
  /** Whether FLAGS2_UNICODE (0x8000) is set: strings are UTF-16LE. */
  unicode: boolean;
  /** PIDHigh << 16 | PIDLow. */
  pid: number;
  tid: number;
  uid: number;
  mid: number;
  /** SecurityFeatures / signature, 8 bytes as hex. */
  signature: string;
}

/** One command of a message (the first, then each AndX follower). */
export interface Smb1Command {
  code: number;
  /** Name from the one command table, e.g. `SESSION_SETUP_ANDX`, `UNKNOWN_0x..` otherwise. */
  name: string;
  /** Offset of its WordCount byte from the start of the SMB header. */
  offset: number;
  wordCount: number;
  byteCount: number;
  /** Decoded fields (documented per command in its file); JSON-safe. */
  fields: Fields;
  /** SESSION_SETUP_ANDX security blob (extended security), a view into the message. */
  securityBlob?: Uint8Array;
  /** SESSION_SETUP_ANDX legacy password fields (OEM = LM/case-insensitive, Unicode = NT), views. */
  lmResponse?: Uint8Array;
  ntResponse?: Uint8Array;
  /** READ_ANDX response / WRITE_ANDX request / transaction data: location only. */
  data?: DataLocation;
  /** The FID the command carries, when it carries one. */
  fid?: number;
  /** The file or path name the command carries, when it carries one. */
  fileName?: string;
  /** Typed values of the commands sessions and consumers act on (the JSON view is `fields`). */
  record?: Smb1Record;
}

/**
 * What sessions and consumers read of an SMB1 command, typed. Offsets and
 * sizes are numbers (exact up to 2^53).
 */
export type Smb1Record =
  | { kind: "negotiate_response"; dialect: string | undefined }
  /** Legacy (non-extended) logins name their account in clear. [MS-CIFS] 2.2.4.53.1 */
  | { kind: "session_setup_request"; accountName: string; primaryDomain: string }
  /** Action bit 0: logged in as guest. [MS-CIFS] 2.2.4.53.2 */
  | { kind: "session_setup_response"; guest: boolean }
  | { kind: "tree_connect_request"; path: string }
  /** Service: `A:`, `IPC`, `LPT1:`, `COMM`. [MS-CIFS] 2.2.4.55.2 */
  | { kind: "tree_connect_response"; service: string | undefined }
  /** NT_CREATE_ANDX and OPEN_ANDX. */
  /**
   * A command acting on a file by name without an open: DELETE,
   * DELETE_DIRECTORY, RENAME, NT_RENAME (`infoLevel` 0x0104 rename, 0x0105
   * move; 0x0103 makes a hard link). [MS-CIFS] 2.2.4.7, 2.2.4.2, 2.2.4.8, 2.2.4.66
   */
  | {
    kind: "path_request";
    action: "delete" | "rmdir" | "rename" | "link";
    fileName: string;
    newFileName: string | undefined;
  }
  /** `createOptions`: NT_CREATE_ANDX only (0 for OPEN_ANDX). [MS-CIFS] 2.2.4.64.1 */
  | { kind: "open_request"; fileName: string; createOptions: number }
  | {
    kind: "open_response";
    fid: number;
    createActionName: string | undefined;
    endOfFile: number | undefined;
    creationTime: string | null;
    lastWriteTime: string | null;
    directory: boolean | undefined;
  }
  | { kind: "read_request"; offset: number; length: number }
  | { kind: "write_request"; offset: number; dataLength: number }
  /** TRANSACTION: `\PIPE\` names carry a subcommand (TransactNmPipe 0x26...). */
  | { kind: "transaction_request"; name: string | undefined; subcommand: number | undefined };

/** A parsed SMB1 message. */
export interface Smb1Message {
  header: Smb1Header;
  /** The chain: the header's command first, then AndX followers in order. */
  commands: Smb1Command[];
  problems: ParseProblem[];
}
