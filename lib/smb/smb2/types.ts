/**
 * What the SMB2/3 parser hands to the SMB analyzer. [MS-SMB2] 2.2
 * @module
 */
import type { Fields } from "../json.ts";
import type { DataLocation, ParseProblem } from "../types.ts";

/** The 64-byte SMB2 header (sync or async form). [MS-SMB2] 2.2.1 */
export interface Smb2Header {
  /** Offset of this header from the start of the NBSS message (compounds hold several). */
  offset: number;
  creditCharge: number;
  /** Status (responses) - in requests the same field holds ChannelSequence/Reserved, see `channelSequence`. */
  status: number;
  /** Requests: ChannelSequence (low 16 bits of the field). */
  channelSequence?: number;
  command: number;
  /** CreditRequest (requests) / CreditResponse (responses). */
  credits: number;
  flags: number;
  response: boolean;
  async: boolean;
  related: boolean;
  signed: boolean;
  /** Priority value from flags (SMB 3.1.1), 0 when none. */
  priority: number;
  dfs: boolean;
  replay: boolean;
  nextCommand: number;
  /** 64-bit ids as decimal strings (JSON-safe). */
  messageId: string;
  /** Async form only. */
  asyncId?: string;
  /** Sync form only. */
  processId?: number;
  treeId?: number;
  sessionId: string;
  /** 16 bytes as hex. */
  signature: string;
}

/** One SMB2 message (one element of a compound chain). */
export interface Smb2Message {
  header: Smb2Header;
  /** Name from the one command table (`NEGOTIATE` ... `OPLOCK_BREAK`), `UNKNOWN_0x..` otherwise. */
  name: string;
  /** Whether the body is an ERROR response ([MS-SMB2] 2.2.2) rather than the command's own. */
  error: boolean;
  /** Decoded fields (documented per command in its file); JSON-safe. */
  fields: Fields;
  /** SESSION_SETUP security buffer, a view. */
  securityBlob?: Uint8Array;
  /** READ response / WRITE request data, IOCTL input/output: location only, never copied. Offsets from the start of this message's header. */
  data?: DataLocation;
  ioctlInput?: DataLocation;
  ioctlOutput?: DataLocation;
  /** FileId (persistent + volatile) as 32 hex digits, for commands that carry one. */
  fileId?: string;
  /** The file name the message carries (CREATE request, FileNameInformation), when it carries one. */
  fileName?: string;
  /** Typed values of the commands sessions and consumers act on (the JSON view is `fields`). */
  record?: Smb2Record;
}

/**
 * What sessions and consumers read of a command, typed: the values that
 * decide state (users, trees, opens) and I/O facts. Offsets and sizes are
 * numbers (exact up to 2^53).
 */
export type Smb2Record =
  /** [MS-SMB2] 2.2.4; the cipher from the 3.1.1 ENCRYPTION_CAPABILITIES context. */
  | {
    kind: "negotiate_response";
    dialectRevision: number;
    dialect: string;
    cipher?: number;
    cipherName?: string;
    /** The signing algorithm the SIGNING_CAPABILITIES context chose (3.1.1). */
    signingAlgorithmName?: string;
  }
  /** [MS-SMB2] 2.2.5: Flags bit SMB2_SESSION_FLAG_BINDING. */
  | { kind: "session_setup_request"; binding: boolean }
  /** [MS-SMB2] 2.2.6: SessionFlags. */
  | { kind: "session_setup_response"; guest: boolean; anonymous: boolean }
  | { kind: "tree_connect_request"; path: string | undefined }
  | { kind: "tree_connect_response"; shareType: number; shareTypeName: string }
  | {
    kind: "create_request";
    fileName: string | undefined;
    desiredAccess: number;
    createDisposition: number;
    createOptions: number;
  }
  | {
    kind: "create_response";
    createActionName: string;
    endOfFile: number;
    creationTime: string | null;
    lastWriteTime: string | null;
    fileAttributes: number;
  }
  /** Attributes only with SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB. */
  | { kind: "close_response"; endOfFile: number | undefined }
  | { kind: "read_request"; offset: number; length: number }
  | { kind: "write_request"; offset: number; length: number }
  | { kind: "ioctl_request"; ctlCode: number }
  | { kind: "ioctl_response"; ctlCode: number }
  | {
    kind: "set_info_request";
    infoClassName: string;
    renameTo?: string;
    deletePending?: boolean;
    endOfFile?: number;
  };

/** SMB2 TRANSFORM_HEADER (0xFD 'SMB'): encrypted, reported, never parsed as cleartext. [MS-SMB2] 2.2.41 */
export interface Smb2Transform {
  kind: "transform";
  /** Signature, 16 bytes hex. */
  signature: string;
  /** Nonce, 16 bytes hex (11 used for CCM, 12 for GCM). */
  nonce: string;
  originalMessageSize: number;
  /** Flags (3.1.1) / EncryptionAlgorithm (3.0/3.0.2). */
  flags: number;
  sessionId: string;
  /** Bytes of ciphertext present. */
  encryptedLength: number;
}

/** SMB2 COMPRESSION_TRANSFORM_HEADER (0xFC 'SMB'). [MS-SMB2] 2.2.42 */
export interface Smb2Compression {
  kind: "compression";
  originalCompressedSegmentSize: number;
  /** Algorithm name (`NONE`, `LZNT1`, `LZ77`, `LZ77+Huffman`, `Pattern_V1`, `LZ4`) or UNKNOWN_0x.. */
  algorithm: string;
  chained: boolean;
  /** Unchained: Offset; chained: first payload header's values. */
  offset: number;
  /** Decompressed SMB2 message bytes, when the algorithm is supported and the sizes are sane. */
  decompressed?: Uint8Array;
  /** Only the first bytes were decompressed: a READ response or WRITE request whose data nobody wants. */
  partial?: boolean;
}

/** What one NBSS message beginning with an SMB2-family protocol id decodes to. */
export interface Smb2Packet {
  /** `messages` for 0xFE 'SMB' (one or more, compounded), else the transform kind. */
  messages: Smb2Message[];
  transform?: Smb2Transform;
  compression?: Smb2Compression;
  problems: ParseProblem[];
}
