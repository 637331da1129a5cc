/**
 * Typed SMB I/O facts for consumers (the file tracker, the DCE/RPC pipe
 * transport, detection rules): what SMB1 and SMB2/3 sessions did to files and
 * pipes, with the bytes as views. Facts are not events: they are handed
 * synchronously to registered consumers and never serialised, so data stays
 * uncopied unless a consumer keeps it.
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { Endpoint } from "../events.ts";
import type { BulkReceiver } from "../netbios/nbss.ts";
import { CreateOptions } from "./smb2/create.ts";

/** CreateOptions bit asking for delete on close; SMB1's NT_CREATE_ANDX uses the same bits. [MS-CIFS] 2.2.4.64.1 */
export const FILE_DELETE_ON_CLOSE: number = CreateOptions.FILE_DELETE_ON_CLOSE;

/** One open of a file or pipe (one FID or FileId from its CREATE to its CLOSE). */
export interface OpenFile {
  /** Decode-wide number of this open, in order of opening (1-based); key consumer state by it. */
  readonly id: number;
  /** 1 for SMB1, 2 for SMB2/3. */
  readonly smbVersion: 1 | 2;
  /** Connection the open was made on (SMB 3 multichannel may read and write it on others). */
  readonly connection: number;
  /** Client address of that connection. */
  readonly client: Endpoint;
  /** Server address of that connection. */
  readonly server: Endpoint;
  /** SMB1 UID / SMB2 SessionId, as a decimal string. */
  readonly sessionId: string;
  /** SMB1 FID (decimal) or SMB2 FileId (32 hex digits, as on the wire). */
  readonly handle: string;
  /** `DOMAIN\user` of the session, when known. */
  user: string | undefined;
  /** Whether the session is anonymous (null session). */
  anonymous: boolean;
  /** Share path (`\\server\share`), when the tree connect was seen. */
  share: string | undefined;
  /** Name as the client sent it at open; renames update it. Empty when the open was not seen. */
  name: string;
  /**
   * Whether its CREATE (or NT_CREATE_ANDX/OPEN_ANDX) was seen. False for a
   * handle first met in use (a capture begun mid-session): the decoder still
   * follows it, with an empty name and no `open` fact.
   */
  readonly openSeen: boolean;
  /**
   * Named pipe (IPC$ share or PIPE share type: true) or disk file (false);
   * undefined when the tree connect was not seen (a capture begun mid-session)
   * until a pipe transaction on it shows it is a pipe.
   */
  pipe: boolean | undefined;
  /** Dialect of the connection it was opened on (`NT LM 0.12`, `3.1.1`...), when seen. */
  readonly dialect: string | undefined;
}

/** Where a fact's evidence lies. */
export interface IoEvidence {
  /** Capture frames of the message (or of this piece of its data). */
  frames: number[];
  /** Capture time of the first frame. */
  ts: number;
  /** The connection the message travelled on. */
  connection: number;
  /** Whether the message went from client to server. */
  fromClient: boolean;
  /** SMB1 MID / SMB2 MessageId of the message, as a decimal string. */
  messageId: string;
}

/** The open succeeded (from the response, with what the request asked). */
export interface OpenFact {
  /** Discriminant. */
  kind: "open";
  /** The open it concerns. */
  file: OpenFile;
  /** `FILE_OPENED`, `FILE_CREATED`, `FILE_OVERWRITTEN`, `FILE_SUPERSEDED` (SMB1 OPEN_ANDX: the same names). */
  createAction: string | undefined;
  /** Whether the client asked for the file to be deleted when closed (FILE_DELETE_ON_CLOSE). */
  deleteOnClose: boolean;
  /** End of file at open, bytes. */
  size: number | undefined;
  /** Creation time from the response (ISO 8601; null when zero on the wire), when sent. */
  creationTime: string | null | undefined;
  /** Last write time from the response, likewise. */
  lastWriteTime: string | null | undefined;
  /** Whether it is a directory (the response's FILE_ATTRIBUTE_DIRECTORY), when the server said. */
  directory: boolean | undefined;
  /** Where it lies in the capture. */
  evidence: IoEvidence;
}

/**
 * Bytes read from (READ response) or written to (WRITE request) a file or
 * pipe. A large message arrives as several facts, one per piece of its data,
 * in order: `offset` is the file offset of `data[0]`, `at` its position in
 * the message's data, `total` the data length the message declared.
 */
export interface DataFact {
  /** Discriminant. */
  kind: "read" | "write";
  /** The open it concerns. */
  file: OpenFile;
  /** File offset of `data[0]` (pipes: as the client sent it, usually 0). */
  offset: number;
  /** A view, valid only during the call: copy what you keep. */
  data: Uint8Array;
  /** Position of `data[0]` within the message's data. */
  at: number;
  /** Data length the message declared. */
  total: number;
  /** Where it lies in the capture. */
  evidence: IoEvidence;
}

/**
 * One direction of a pipe transaction: SMB2 IOCTL FSCTL_PIPE_TRANSCEIVE
 * (input in the request, output in the response), SMB1 TRANSACTION
 * TransactNmPipe (data of the request and of the response).
 */
export interface TransceiveFact {
  /** Discriminant. */
  kind: "transceive";
  /** The open it concerns. */
  file: OpenFile;
  /** `request`: written to the pipe; `response`: read back. */
  direction: "request" | "response";
  /** A view, valid only during the call. */
  data: Uint8Array;
  /** Where it lies in the capture. */
  evidence: IoEvidence;
}

/** File information set by the client and accepted by the server. */
export interface SetInfoFact {
  /** Discriminant. */
  kind: "set_info";
  /** The open it concerns. */
  file: OpenFile;
  /** Information class name, e.g. `FileRenameInformation`. */
  infoClass: string;
  /** The new name of a rename. */
  renameTo?: string;
  /** Delete-on-close set (true) or cleared (false). */
  deletePending?: boolean;
  /** New end of file (truncate or extend). */
  endOfFile?: number;
  /** Where it lies in the capture. */
  evidence: IoEvidence;
}

/**
 * An SMB1 command that deleted or renamed a file by name, without an open
 * (DELETE, DELETE_DIRECTORY, RENAME, NT_RENAME), answered with success.
 * `file` stands for the named file: its `handle` is empty and `openSeen` false.
 */
export interface PathFact {
  /** Discriminant. */
  kind: "path";
  /** The file named (not an open: no other fact concerns it). */
  file: OpenFile;
  /** What was done to it. */
  action: "delete" | "rename";
  /** Whether it is a directory (DELETE_DIRECTORY). */
  directory: boolean;
  /** The new name of a rename. */
  renameTo?: string;
  /** Where it lies in the capture. */
  evidence: IoEvidence;
}

/** The open ended (CLOSE answered with success). */
export interface CloseFact {
  /** Discriminant. */
  kind: "close";
  /** The open it concerns. */
  file: OpenFile;
  /** End of file reported by the close response, when the server sent it. */
  size: number | undefined;
  /** Where it lies in the capture. */
  evidence: IoEvidence;
}

/** The open's connection ended (or the capture ended) before a CLOSE was seen. */
export interface LostFact {
  /** Discriminant. */
  kind: "lost";
  /** The open it concerns. */
  file: OpenFile;
  /** Why no close was seen: the connection ended, or state was evicted at a cap. */
  reason: "connection_end" | "evicted";
}

/** Every SMB I/O fact. Switch on `kind`. */
export type SmbIoFact =
  | OpenFact
  | DataFact
  | TransceiveFact
  | SetInfoFact
  | CloseFact
  | LostFact
  | PathFact;

/**
 * A consumer of SMB I/O facts (registered in lib/registry.ts). `wants` is
 * read once per decode: a consumer that wants no data makes the decoder skip
 * READ/WRITE payloads without looking at them.
 */
export interface IoConsumer {
  /** Data of disk files (`read`/`write` facts on files that are not pipes). */
  readonly wantsFileData: boolean;
  /** Data on named pipes (`read`/`write`/`transceive` facts on pipes). */
  readonly wantsPipeData: boolean;
  /** One fact; views inside are valid only during the call. */
  io(fact: SmbIoFact): void;
}

/**
 * The decode's consumers as one, so sessions make one call per fact and can
 * ask cheaply whether anyone wants the data of a given open.
 */
export class IoConsumers {
  readonly fileData: boolean;
  readonly pipeData: boolean;
  /** Whether anyone listens at all: with none, sessions build no facts. */
  readonly any: boolean;

  constructor(readonly list: readonly IoConsumer[]) {
    this.fileData = list.some((c) => c.wantsFileData);
    this.pipeData = list.some((c) => c.wantsPipeData);
    this.any = list.length > 0;
  }

  /** Whether anyone wants the bytes of this open (of either kind, when its kind is unknown). */
  wantsData(file: OpenFile): boolean {
    return file.pipe === undefined
      ? this.pipeData || this.fileData
      : file.pipe
      ? this.pipeData
      : this.fileData;
  }

  /** Hand a fact to every consumer; data facts only to those that want that kind of data (an open of unknown kind: to those that want either, they tell by content). */
  emit(fact: SmbIoFact): void {
    const data = fact.kind === "read" || fact.kind === "write" || fact.kind === "transceive";
    const pipe = fact.file.pipe;
    for (const c of this.list) {
      const wants = pipe === undefined
        ? c.wantsPipeData || c.wantsFileData
        : pipe
        ? c.wantsPipeData
        : c.wantsFileData;
      if (data && !wants) continue;
      c.io(fact);
    }
  }
}

/** Where a READ/WRITE message's data lies and whose it is, for {@link streamData}. */
export interface DataPlace {
  kind: "read" | "write";
  file: OpenFile;
  /** File offset of the data's first byte. */
  fileOffset: number;
  /** Offset of the data in the message, and the length the message declares. */
  dataOffset: number;
  total: number;
  /** Evidence of a piece arriving in `frame`. */
  evidence: (frame: Frame) => IoEvidence;
}

/**
 * Hands the data of a message kept only in part to the consumers as it
 * arrives: first what the kept `prefix` holds, then each later piece the
 * framer passes to the returned receiver, as views with their file offsets.
 */
export function streamData(
  io: IoConsumers,
  place: DataPlace,
  prefix: Uint8Array,
  frame: Frame,
): BulkReceiver {
  const { kind, file, fileOffset, dataOffset, total } = place;
  const piece = (bytes: Uint8Array, at: number, f: Frame) => {
    // `at` counts in the message; keep only the data's bytes.
    const from = Math.max(0, dataOffset - at);
    const to = Math.min(bytes.length, dataOffset + total - at);
    if (to <= from) return;
    io.emit({
      kind,
      file,
      offset: fileOffset + at + from - dataOffset,
      // Most pieces are a whole segment of data: no new view for those.
      data: from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to),
      at: at + from - dataOffset,
      total,
      evidence: place.evidence(f),
    });
  };
  piece(prefix, 0, frame);
  return { data: piece };
}
