/**
 * The one event union every layer emits and every front end consumes.
 * Events are plain JSON-safe objects: no bigint, no Date, no raw bytes.
 * @module
 */

/** One end of a conversation. */
export interface Endpoint {
  /** Dotted IPv4 or RFC 5952 IPv6 text. */
  ip: string;
  /** TCP or UDP port. */
  port: number;
}

/**
 * The addresses every event about one connection carries at its top level,
 * so a reader never has to join with `connection` events.
 */
export interface Addressed {
  /** The side that opened the connection (SYN sender), or the likelier one by port. */
  client: Endpoint;
  /** The side that accepted it. */
  server: Endpoint;
}

/** Where an event's evidence lies in the capture. */
export interface Evidence {
  /** Capture frame numbers (1-based, as Wireshark counts them). */
  frames: number[];
  /** Capture time of the first frame, seconds since the Unix epoch. */
  ts: number;
  /** Connection id, when the event concerns one connection. */
  connection?: number;
}

/** The decoding layer an anomaly was found in. */
export type Layer =
  | "capture"
  | "link"
  | "ip"
  | "tcp"
  | "udp"
  | "flow"
  | "nbss"
  | "smb1"
  | "smb2"
  | "auth"
  | "files"
  | "dcerpc"
  | "detect";

/**
 * What went wrong. The first four are Wireshark's outcomes (cut short by the
 * snap length; malformed; bytes missing from a reassembly; a decoder bug),
 * `loop` and `limit` are Zeek's weirds for loops and discarded state,
 * `unsupported` is a well-formed thing we do not decode, `unrecognized`
 * means the input is not a capture at all (decoding stops), and
 * `unanswered` is a request whose response never came before its connection
 * ended.
 */
export type AnomalyKind =
  | "truncated"
  | "malformed"
  | "gap"
  | "bug"
  | "loop"
  | "limit"
  | "unsupported"
  | "unrecognized"
  | "unanswered";

/** Something in the input that could not be decoded as it should. */
export interface AnomalyEvent {
  /** Discriminant. */
  type: "anomaly";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** The layer that found it. */
  layer: Layer;
  /** What kind of fault. */
  kind: AnomalyKind;
  /**
   * A stable name for this particular anomaly, like Zeek's weird names
   * (`smb1_andx_overlap`, `nbss_no_smb`, `tcp_gap`...): `<layer>_<what>`, never
   * reworded; the README lists them. Filter on it, not on `detail`.
   */
  code: string;
  /** The connection's client address, when the anomaly concerns one. */
  client?: Endpoint;
  /** The connection's server address, when the anomaly concerns one. */
  server?: Endpoint;
  /** One sentence for a person: what was wrong and what was skipped. */
  detail: string;
  /** Where in the capture. */
  evidence: Evidence;
}

/** Counters for one direction of a conversation. */
export interface DirectionStats {
  /** Packets sent in this direction. */
  packets: number;
  /** Transport payload bytes as the headers declare them, retransmissions included (tshark's sum of `tcp.len`/`udp.length - 8`). */
  payloadBytes: number;
  /** TCP only: bytes delivered in order to the stream, each byte once. */
  streamBytes: number;
  /** TCP only: bytes that never arrived (capture loss or snap length), skipped as gaps. */
  gapBytes: number;
  /** TCP only: number of separate gaps. */
  gaps: number;
  /** TCP only: payload bytes seen again (retransmissions and overlaps). */
  retransmittedBytes: number;
}

/** How a TCP connection's state ended up. */
export type ConnectionState =
  | "open"
  | "closed_fin"
  | "closed_rst"
  | "timeout"
  | "evicted"
  | "capture_end";

/** A TCP or UDP conversation opening or closing. */
export interface ConnectionEvent {
  /** Discriminant. */
  type: "connection";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** `open` when first seen; `close` when it ended, timed out, was evicted, or the capture ended. */
  action: "open" | "close";
  /** Conversation id, in order of first packet (0-based, like tshark's `tcp.stream`). */
  id: number;
  /** Transport protocol. */
  transport: "tcp" | "udp";
  /** The side that opened it (SYN sender), or the likelier one by port. */
  client: Endpoint;
  /** The side that accepted it. */
  server: Endpoint;
  /** How client and server were told apart: `syn` from the handshake, `port` by a known service port, `first_packet` by who spoke first. */
  orientation: "syn" | "port" | "first_packet";
  /** Whether the three-way handshake was seen (false: picked up mid-stream). */
  handshake: boolean;
  /** Capture time of the first packet. */
  start: number;
  /** Frame number of the first packet. */
  firstFrame: number;
  /** Present on `close`: frame number of the last packet. */
  lastFrame?: number;
  /** Present on `close`. */
  end?: number;
  /** Present on `close`. */
  state?: ConnectionState;
  /** Present on `close` when an RST ended it: the side that sent the first RST. */
  resetBy?: "client" | "server";
  /** Present on `close`: client-to-server counters. */
  clientStats?: DirectionStats;
  /** Present on `close`: server-to-client counters. */
  serverStats?: DirectionStats;
  /** Open: the first frame; close: the last frame. */
  evidence: Evidence;
}

/** A limit that was reached during the decode, with how often. */
export interface LimitHit {
  /** The option name of the cap, e.g. `maxConnections`. */
  limit: string;
  /** How many times it was reached. */
  count: number;
}

/** An account that logged in or tried to, in a summary. */
export interface UserSummary {
  /** User name as the login sent it (NTLM user, or Kerberos client principal). */
  user: string;
  /** Its domain (NTLM domain, or Kerberos client realm); empty when none was sent. */
  domain: string;
  /** Whether every login attempt of this account was refused (`success === false`); one success, or one attempt whose answer was not seen, makes it false. */
  refused: boolean;
  /** Login attempts of this account (NTLM authentications and Kerberos AP-REQs). */
  logins: number;
}

/** The SMB side of a decode at a glance (lists hold at most 100 names each). */
export interface SmbSummary {
  /** SMB messages decoded (each command of an AndX chain or compound counts). */
  messages: number;
  /** Of which SMB1. */
  smb1Messages: number;
  /** Of which SMB2/3. */
  smb2Messages: number;
  /** SMB3 messages seen only as encrypted transform headers. */
  encryptedMessages: number;
  /** SMB2 messages that came encrypted and were decrypted with given secrets (present when any were). */
  decryptedMessages?: number;
  /** Responses with an error status (interim ones such as STATUS_PENDING, STATUS_MORE_PROCESSING_REQUIRED, STATUS_BUFFER_OVERFLOW, STATUS_NO_MORE_FILES, STATUS_NOTIFY_ENUM_DIR are not errors). */
  errorResponses: number;
  /** Dialects negotiated, e.g. `SMB2 3.1.1`. */
  dialects: string[];
  /**
   * Logins by account, from `ntlm` and `kerberos` events, in order of first
   * attempt: refused accounts are listed too, marked `refused`. Anonymous
   * logins are counted in `anonymousLogins`, never listed; a Kerberos login
   * whose client is unknown is not listed. At most 100 accounts: the logins
   * of further accounts are counted in `unlistedLogins`.
   */
  users: UserSummary[];
  /** Login attempts of accounts past the 100 listed in `users`. */
  unlistedLogins: number;
  /** Anonymous (null session) logins. */
  anonymousLogins: number;
  /** Shares (tree paths) used. */
  shares: string[];
  /** File and pipe names seen. */
  files: string[];
  /** NTLM authentications. */
  authentications: number;
  /** Of which refused by the server. */
  failedAuthentications: number;
  /** Kerberos logins (AP-REQ in SESSION_SETUP). */
  kerberosLogins: number;
  /** Of which refused by the server. */
  failedKerberosLogins: number;
}

/** What DCE/RPC carried, for the summary. */
export interface RpcSummary {
  /** Calls (`rpc` events with action `call`). */
  calls: number;
  /** Calls that failed: a fault, or a return value that is not success. */
  failedCalls: number;
  /** Calls never answered. */
  unansweredCalls: number;
  /** Calls whose stubs were encrypted. */
  encryptedCalls: number;
  /** Bind and alter_context exchanges. */
  binds: number;
  /** Interfaces called, by name (the UUID when unnamed), in order of first call; at most 100. */
  interfaces: string[];
}

/** The last event of every decode. */
export interface SummaryEvent {
  /** Discriminant. */
  type: "summary";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** `pcap`, `pcapng`, or `unknown` when the input was not recognised. */
  format: string;
  /** Whether the input was gzip-compressed. */
  gzip: boolean;
  /** Capture bytes read (after inflating). */
  bytes: number;
  /** Frames (packets) read. */
  frames: number;
  /** Capture time of the first and last frame (0 when there were none). */
  firstTs: number;
  /** Capture time of the last frame. */
  lastTs: number;
  /** Link types seen, by name. */
  linkTypes: string[];
  /** IP datagrams decoded (a reassembled datagram counts once; tunnelled ones are counted at the innermost layer). */
  ipPackets: number;
  /** Frames that carried an IP fragment. */
  ipFragments: number;
  /** TCP connections seen (each reuse of a 5-tuple counts again). */
  tcpConnections: number;
  /** UDP conversations seen (a 5-tuple quiet past `udpIdleTimeout` counts again). */
  udpConversations: number;
  /** Frames whose link or network layer we could not decode or do not carry IP. */
  nonIpFrames: number;
  /** Anomalies found, including those past `maxAnomaliesPerKind` that were only counted. */
  anomalies: number;
  /** Anomalies by layer and kind, e.g. `{"tcp.gap": 3}`. */
  anomalyCounts: Record<string, number>;
  /** Caps reached, by option name. */
  limitsHit: LimitHit[];
  /** What SMB carried. */
  smb: SmbSummary;
  /** What DCE/RPC carried. */
  rpc: RpcSummary;
  /** Alerts raised: how many, and how many by rule id. */
  alerts: { count: number; byRule: Record<string, number> };
  /** Whether the decode stopped early (input unrecognised, or a caller's budget). */
  truncated: boolean;
  /**
   * Only after a sharded decode (`decode --jobs`, `fanout`) that reached a
   * cap each shard applies to its own share (such as `maxConnections`): the
   * result may then differ from one decoder's. `perShardLimits` names them.
   */
  sharded?: { shards: number; perShardLimits: string[] };
}

/** A JSON value, as decoded protocol fields hold them. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * One SMB message (SMB1 or SMB2/3): the same shape for both, so listing file
 * names or statuses needs one code path. A message of an SMB1 AndX chain or an
 * SMB2 compound is one event each, with `chainIndex`.
 */
export interface SmbEvent extends Addressed {
  /** Discriminant. */
  type: "smb";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** 1 for SMB1 (0xFF 'SMB'), 2 for SMB2/SMB3 (0xFE 'SMB'). */
  version: 1 | 2;
  /** The dialect negotiated on this connection, when seen: `NT LM 0.12`, `2.1`, `3.1.1`... */
  dialect?: string;
  /** Command name, e.g. `NT_CREATE_ANDX` or `CREATE`. */
  command: string;
  /** Command code. */
  commandCode: number;
  /** Whether this is a response. */
  response: boolean;
  /** Status (responses): the NT status; an SMB1 DOS error's NT equivalent ([MS-CIFS] 2.2.2.4), or class | code << 16 when it has none. */
  status?: number;
  /** `STATUS_...` name (an SMB1 DOS error's NT equivalent), or the DOS name when it has none. */
  statusName?: string;
  /** SMB1 responses with a DOS-class status: the error as sent, e.g. `ERRDOS/ERRbadfile`. */
  dosError?: string;
  /** SMB1 MID or SMB2 MessageId, as a decimal string. */
  messageId: string;
  /** SMB1 UID or SMB2 SessionId, as a decimal string. */
  sessionId: string;
  /** SMB1 TID or SMB2 TreeId (absent in SMB2 async messages). */
  treeId?: number;
  /** SMB1 PID (PIDHigh << 16 | PIDLow) or SMB2 ProcessId. */
  processId?: number;
  /** SMB2 AsyncId (async messages). */
  asyncId?: string;
  /** Position in an AndX chain or compound (0 for the first). */
  chainIndex: number;
  /** The authenticated user of the session, `DOMAIN\user`, when known (never set for anonymous sessions). */
  user?: string;
  /** Present and true when the session is anonymous (a null session). */
  anonymous?: true;
  /** The share the tree id stands for, e.g. `\\SERVER\share`, when known. */
  share?: string;
  /** The file name the message concerns (by FID/FileId or its own name field), when known. */
  file?: string;
  /** Present and true when the message came inside an SMB3 TRANSFORM and was decrypted with a given key (`keys` option, `--password`...). */
  decrypted?: true;
  /** SMB2/3 messages flagged SIGNED, when secrets were given (`keys`): `valid` or `invalid` against the session's signing key, `unchecked` when no key for the session is known. Absent for unsigned messages and when no secrets were given. */
  signature?: "valid" | "invalid" | "unchecked";
  /** Decoded fields of the command, JSON-safe. */
  fields: { [key: string]: JsonValue };
  /** The raw header fields not given above (SMB1: flags, flags2, status as sent, ntStatus, signature; SMB2: credits, flags, nextCommand, signature...). */
  header: { [key: string]: JsonValue };
  /** On a response: frames and time of the paired request, and the time between. */
  request?: { frames: number[]; ts: number };
  /** Seconds between the request and this response. */
  responseTime?: number;
  /** Frames of the message and its byte offset in its direction's TCP stream. */
  evidence: Evidence & { streamOffset: number; fromClient: boolean };
}

/** One NTLM authentication attempt, with its outcome. */
export interface NtlmEvent extends Addressed {
  /** Discriminant. */
  type: "ntlm";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** The protocol that carried it: `smb1`, `smb2` (SESSION_SETUP) or `dcerpc` (auth verifiers). */
  protocol: "smb1" | "smb2" | "dcerpc";
  /** Whether the login was anonymous (empty user name and responses): then `user` is empty. */
  anonymous: boolean;
  /** `ntlmssp` (NTLMSSP in SPNEGO or raw), or `smb1_legacy` (SMB1 SESSION_SETUP without extended security: LM/NT responses in the command, no NTLMSSP). */
  mechanism: "ntlmssp" | "smb1_legacy";
  /** `v1`, `v2`, `anonymous` or `unknown` (from the response lengths). */
  ntlmVersion: "v1" | "v2" | "anonymous" | "unknown";
  /** User name from the AUTHENTICATE message (empty for anonymous). */
  user: string;
  /** Domain from the AUTHENTICATE message. */
  domain: string;
  /** Workstation (client NetBIOS name) from the AUTHENTICATE message. */
  workstation: string;
  /** Outcome from the SESSION_SETUP response: true on success, false on an error status, absent when no response was seen. */
  success?: boolean;
  /** The SESSION_SETUP response status. */
  status?: number;
  /** Its name. */
  statusName?: string;
  /** Whether the server gave a guest session (SMB1 action / SMB2 session flags). */
  guest?: boolean;
  /** The session id it set up (SMB1 UID / SMB2 SessionId), for logins carried by SMB. */
  sessionId?: string;
  /** Server challenge (hex) from the CHALLENGE message. */
  serverChallenge?: string;
  /** NetBIOS computer name from the server's target info. */
  serverNbComputerName?: string;
  /** NetBIOS domain name from the server's target info. */
  serverNbDomainName?: string;
  /** DNS computer name from the server's target info. */
  serverDnsComputerName?: string;
  /** DNS domain name from the server's target info. */
  serverDnsDomainName?: string;
  /** Bytes of the LM (or LMv2) response: 24 for LM/LMv2, 0 when absent. */
  lmResponseLength: number;
  /** Bytes of the NT response: 24 for NTLMv1, more for NTLMv2, 0 for none (LM only, or anonymous). */
  ntResponseLength: number;
  /** NTLMSSP flags of the AUTHENTICATE message, by name. */
  flags: string[];
  /** Whether a MIC was sent. */
  mic: boolean;
  /** Whether an EncryptedRandomSessionKey was sent. */
  sessionKeyPresent: boolean;
  /** Client OS version from NTLMSSP VERSION, when sent. */
  clientVersion?: string;
  /** When a password or NT hash was given for this account (`keys` option, `--password`, `--nt-hash`): whether it produced these responses. Absent otherwise, or when it cannot be told. */
  passwordMatch?: boolean;
  /** With `keys.exportHashes` (`--export-hashes`): the login as a line for hashcat (`USER::DOMAIN:...`), crackable offline. */
  hashcat?: string;
  /** Its hashcat mode: 5600 (NetNTLMv2) or 5500 (NetNTLMv1). */
  hashcatMode?: 5500 | 5600;
  /** Frames of the AUTHENTICATE request. */
  evidence: Evidence;
}

/**
 * One Kerberos login to a service: the AP-REQ a client presented in a
 * SESSION_SETUP, with the outcome from its answer.
 */
export interface KerberosEvent extends Addressed {
  /** Discriminant. */
  type: "kerberos";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** The protocol that carried it: `smb1` or `smb2` (SESSION_SETUP); `dcerpc` next. */
  protocol: "smb1" | "smb2" | "dcerpc";
  /** The ticket's realm (the service's), e.g. `CONTOSO.LOCAL`. */
  realm: string;
  /** The service principal of the ticket, components joined by `/`, e.g. `cifs/fs1.contoso.local`. */
  service: string;
  /** Encryption type of the ticket, number and name (`aes256-cts-hmac-sha1-96`, `rc4-hmac`...). */
  ticketEtype: number;
  /** Its name. */
  ticketEtypeName: string;
  /** Whether the client asked the service to prove itself (AP-OPTIONS mutual-required). */
  mutualRequired: boolean;
  /** The client principal, when the KDC reply that issued the ticket is in the capture (port 88). */
  clientPrincipal?: string;
  /** Its realm. */
  clientRealm?: string;
  /** Outcome from the answer: true on success, false on an error status; absent when none was seen. */
  success?: boolean;
  /** The answer's status. */
  status?: number;
  /** Its name. */
  statusName?: string;
  /** The session id it set up (SMB1 UID / SMB2 SessionId), for logins carried by SMB. */
  sessionId?: string;
  /** Frames of the request that carried the AP-REQ. */
  evidence: Evidence;
}

/** A tree connect (or disconnect) and its result. */
export interface TreeEvent extends Addressed {
  /** Discriminant. */
  type: "tree";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** What happened. */
  action: "connect" | "disconnect";
  /** Which SMB carried it. */
  smbVersion: 1 | 2;
  /** Share path as the client asked for it, e.g. `\\10.0.0.1\IPC$`. */
  path: string;
  /** `DISK`, `PIPE`, `PRINT` (SMB2 share type / SMB1 service), when known. */
  shareType?: string;
  /** Tree id given in the response. */
  treeId?: number;
  /** Whether the response status was success. */
  success?: boolean;
  /** The response status. */
  status?: number;
  /** Its name. */
  statusName?: string;
  /** The session's user, `DOMAIN\user`, when known. */
  user?: string;
  /** Present and true when the session is anonymous. */
  anonymous?: true;
  /** Frames of the response (connect) or request (disconnect). */
  evidence: Evidence;
}

/** How a file's open ended. */
export type FileState = "closed" | "connection_end" | "evicted" | "capture_end";

/** What was done to a file during one open, in the order first seen. */
export type FileAction = "read" | "write" | "rename" | "delete" | "set_info" | "truncate";

/**
 * One open of a file, pipe or directory, from its CREATE (or NT_CREATE_ANDX,
 * OPEN_ANDX) to its CLOSE, or to the end of its connection or of the capture:
 * who opened what, what was done to it, and what of its content was seen.
 */
export interface FileEvent extends Addressed {
  /** Discriminant. */
  type: "file";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** Which SMB carried it. */
  smbVersion: 1 | 2;
  /** Dialect of the connection it was opened on, when seen. */
  dialect?: string;
  /** SMB1 UID / SMB2 SessionId (decimal string). */
  sessionId: string;
  /** SMB1 FID (decimal string) or SMB2 FileId (32 hex digits). */
  handle: string;
  /** The session's user, `DOMAIN\user`, when known. */
  user?: string;
  /** Present and true when the session is anonymous. */
  anonymous?: true;
  /** Share path, e.g. `\\10.0.0.1\data`, when the tree connect was seen. */
  share?: string;
  /**
   * Path within the share in one form: backslashes, no leading backslash
   * (`dir\file.txt`); the name at open, also after a rename (see `renamedTo`).
   * Empty when the open was not seen (a capture begun mid-session).
   */
  path: string;
  /** Named pipe (true), disk file or directory (false); absent when the share type was not seen. */
  pipe?: boolean;
  /** Whether it is a directory, when the server said. */
  directory?: boolean;
  /** Whether its open was seen (false: first met in use). */
  openSeen: boolean;
  /** `FILE_OPENED`, `FILE_CREATED`, `FILE_OVERWRITTEN`, `FILE_SUPERSEDED`, when seen. */
  createAction?: string;
  /** The open's response (time and frames), when seen. */
  opened?: { ts: number; frames: number[] };
  /** The close's response, when seen. */
  closed?: { ts: number; frames: number[] };
  /** How the open ended. */
  state: FileState;
  /** What was done to it, each once, in the order first seen. */
  actions: FileAction[];
  /** The last name it was renamed to (path form as `path`). */
  renamedTo?: string;
  /** Present and true when delete-on-close was set and not cleared. */
  deleted?: true;
  /** READ responses carrying data (pipes: also transaction responses). */
  reads: number;
  /** Data bytes of those reads. */
  bytesRead: number;
  /** WRITE requests carrying data (pipes: also transaction requests). */
  writes: number;
  /** Data bytes of those writes. */
  bytesWritten: number;
  /**
   * Size in bytes: from the close response, else the last end-of-file set,
   * else the open's, extended by writes past it; absent when none was seen.
   */
  size?: number;
  /** Distinct bytes of `[0, size)` (of everything, when the size is unknown) seen read or written. */
  bytesSeen: number;
  /** Whether every byte of `[0, size)` was seen (disk files with a known size only). */
  complete: boolean;
  /** Ranges `[start, end)` of `[0, size)` never seen (at most 100; `missingMore` counts the rest). */
  missing?: [number, number][];
  /** Missing ranges past the 100 listed. */
  missingMore?: number;
  /** Bytes seen more than once: the same again, different, or not comparable. */
  overlaps?: { duplicateBytes: number; conflictingBytes: number; unverifiedBytes: number };
  /** Ranges whose bytes came back different (at most 16). */
  conflicts?: [number, number][];
  /** Digests of the content, present when `complete` and every byte was hashed in order. */
  hashes?: { md5: string; sha1: string; sha256: string };
  /** Why there are no hashes for a disk file with content (coverage, buffer cap, conflicts, hashing off). */
  hashNote?: string;
  /** Connections its messages travelled on, when more than the one it was opened on (multichannel). */
  connections?: number[];
  /** Frames of the open and the close (or the last message seen). */
  evidence: Evidence;
}

/** The remote-execution tools recognised by their pipe names. */
export type TranscriptTool = "psexec" | "remcom" | "paexec" | "csexec";

/**
 * A pipe of an execution: the process's standard streams, or the service's
 * control pipe (where the client sends the command line and gets the exit
 * code back).
 */
export type TranscriptStream = "stdin" | "stdout" | "stderr" | "control";

/**
 * How a stream's bytes were turned into `text`: `utf-8`, `utf-16le`,
 * `latin-1` (bytes that are not UTF-8, such as an OEM code page, one
 * character per byte), `strings` (a binary control message: its printable
 * ASCII and UTF-16LE runs, one per line) or `binary` (ciphertext or other
 * non-text: lower-case hex).
 */
export type TranscriptEncoding = "utf-8" | "utf-16le" | "latin-1" | "strings" | "binary";

/** Consecutive bytes of one stream. */
export interface TranscriptEntry {
  /** Capture time of the first piece. */
  ts: number;
  /** Which pipe: `stdin` and `control` writes are the client's, the rest the server's. */
  stream: TranscriptStream;
  /** Whether the client sent it (stdin and control requests) or the server (output, control replies). */
  fromClient: boolean;
  /** The bytes as text, per the stream's `encoding` (hex when `binary`). */
  text: string;
  /** Bytes kept in this entry. */
  bytes: number;
  /** Frames of its pieces (the first 64). */
  frames: number[];
}

/** How a transcript ended. */
export type TranscriptEnd = "closed" | "connection_end" | "capture_end" | "evicted";

/**
 * One remote execution by a PsExec-style service (PsExec, RemCom, PAExec,
 * CSExec): the pipes of one service instance on one SMB session, and what
 * went through them, in capture order. `client` and `server` are those of the
 * connection its first pipe was opened on.
 */
export interface TranscriptEvent extends Addressed {
  /** Discriminant. */
  type: "transcript";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** That connection's id. */
  connection: number;
  /** SMB1 UID / SMB2 SessionId, decimal. */
  sessionId: string;
  /** `DOMAIN\user` of the session, when the decoder learned it (not from Kerberos). */
  user?: string;
  /** Which tool the pipe names belong to. */
  tool: TranscriptTool;
  /**
   * The pipes' shared prefix, e.g. `PSEXESVC-WIN7-1234` (for RemCom,
   * `RemCom_` and the machine and process suffix); the control pipe's name
   * when no standard-stream pipe was seen.
   */
  service: string;
  /** Pipe names as opened (normalised), in order of opening. */
  pipes: string[];
  /** Time of the first fact of the group. */
  start: number;
  /** Time of the last. */
  end: number;
  /** Why it was reported. */
  ended: TranscriptEnd;
  /** Entries in capture order; consecutive pieces of one stream and direction are merged. */
  entries: TranscriptEntry[];
  /** Bytes seen per stream (kept or not). */
  bytes: { stdin: number; stdout: number; stderr: number; control: number };
  /** Per stream that carried bytes, how its text was made. */
  encoding: Partial<Record<TranscriptStream, TranscriptEncoding>>;
  /** PsExec >= 2.1 framing seen (length-prefixed ciphertext): the text is hex. */
  encrypted?: true;
  /** Bytes seen but not kept (caps). */
  truncated?: number;
  /** The opens of its pipes. */
  evidence: Evidence;
}

/** One presentation context of a bind or alter_context, with the server's answer. */
export interface RpcContext {
  /** p_cont_id: what requests name it by. */
  id: number;
  /** Interface UUID, lower case. */
  interface: string;
  /** Interface version, `major.minor`. */
  interfaceVersion: string;
  /** Interface name from the [MS-*] specifications, when known. */
  interfaceName?: string;
  /** Transfer syntaxes offered: `ndr`, `ndr64`, `bind_time_features`, or a UUID. */
  transferSyntaxes: string[];
  /** The answer: `acceptance`, `user_rejection`, `provider_rejection`, `negotiate_ack`; absent when none was seen. */
  result?: string;
  /** Why it was rejected; for `negotiate_ack`, the bind time feature bits. */
  reason?: string | number;
  /** The transfer syntax accepted. */
  acceptedSyntax?: string;
}

/**
 * One DCE/RPC call (a request and its response or fault, paired by call id,
 * fragments reassembled) or one bind / alter_context exchange, over an SMB
 * named pipe or directly over TCP or UDP.
 */
export interface RpcEvent extends Addressed {
  /** Discriminant. */
  type: "rpc";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** A call, or the binding of presentation contexts. */
  action: "call" | "bind" | "alter_context";
  /** What carried it: a named pipe over SMB1 or SMB2/3, or TCP or UDP directly. */
  transport: "smb1" | "smb2" | "tcp" | "udp";
  /** SMB: the session (SMB1 UID / SMB2 SessionId, decimal). */
  sessionId?: string;
  /** SMB: the session's user, `DOMAIN\user`, when known. */
  user?: string;
  /** Present and true when the SMB session is anonymous. */
  anonymous?: true;
  /** SMB: the share (`\\server\IPC$`), when the tree connect was seen. */
  share?: string;
  /** SMB: the pipe's name as opened, without leading backslashes or `PIPE\` (e.g. `svcctl`). */
  pipe?: string;
  /** Call: the presentation context it used. */
  contextId?: number;
  /** Call: the interface of that context (from the bind, or the endpoint map); lower-case UUID. */
  interface?: string;
  /** Its version, `major.minor`. */
  interfaceVersion?: string;
  /** Its name from the [MS-*] specifications (e.g. `svcctl`), when known. */
  interfaceName?: string;
  /** Call: the transfer syntax of its context (`ndr`, `ndr64`), when the bind was seen. */
  transferSyntax?: string;
  /** call_id: calls pair by it; a bind's, too. */
  callId: number;
  /** Call: the operation number. */
  opnum?: number;
  /** Call: the operation's name from the specifications, when known. */
  operation?: string;
  /** Call: the object UUID of the request, when it named one. */
  objectUuid?: string;
  /** Call: the client gave up on it (a CO_CANCEL, or an ORPHANED PDU abandoning a request). */
  cancelled?: "cancel" | "orphaned";
  /** Bind: the contexts offered and the answer to each. */
  contexts?: RpcContext[];
  /** Bind: the association group. */
  assocGroup?: number;
  /** The port or pipe the server said it answers on (the bind_ack's secondary address; calls: their association's). */
  secondaryAddress?: string;
  /** Bind: why the server refused (bind_nak). */
  rejectReason?: string;
  /** Authentication service of the request or bind (`ntlm`, `spnego`, `kerberos`, `netlogon`...), when it carried a verifier. */
  authType?: string;
  /** Authentication level (`connect`, `integrity`, `privacy`...), likewise. */
  authLevel?: string;
  /** Present and true when the stubs are encrypted (privacy level): no arguments are read from them. */
  encrypted?: true;
  /** How it ended: `response`, `fault`, `no_response` (calls); `ack`, `nak`, `no_response` (binds). */
  outcome: "response" | "fault" | "ack" | "nak" | "no_response";
  /** Call: the operation's return value (from the response stub) or the fault status. */
  status?: number;
  /** Its name: Win32 error, NTSTATUS or HRESULT by the interface, or the fault's `nca_s_` name. */
  statusName?: string;
  /** Call: whether it succeeded (response whose return value is success); absent when unknown. */
  success?: boolean;
  /** Call: stub bytes of the request (all fragments). */
  requestStubBytes?: number;
  /** Call: stub bytes of the response. */
  responseStubBytes?: number;
  /** Call: fragments of the request, when more than one. */
  requestFragments?: number;
  /** Call: fragments of the response, when more than one. */
  responseFragments?: number;
  /** Call: the request's decoded [in] arguments, for the operations smbscope decodes. */
  arguments?: { [key: string]: JsonValue };
  /** Call: the response's decoded [out] values (the return value is in `status`). */
  results?: { [key: string]: JsonValue };
  /** Call: why arguments or results are missing or partial (encrypted, malformed, over a cap, lists cut). */
  argumentsNote?: string;
  /** The request (call) or bind: its frames and time. */
  request?: { frames: number[]; ts: number };
  /** Seconds from the request to the answer. */
  responseTime?: number;
  /** Frames of the request and the answer. */
  evidence: Evidence;
}

/** A NetBIOS session service exchange (TCP/139: the session request and its answer) or a NetBIOS datagram (UDP/138). */
export interface NbssEvent extends Addressed {
  /** Discriminant. */
  type: "nbss";
  /** Position of the event in the decode's stream of events (1-based; alerts cite events by it). */
  seq?: number;
  /** Which packet. */
  action:
    | "session_request"
    | "positive_response"
    | "negative_response"
    | "retarget_response"
    | "datagram";
  /** Session request: the called (server) name, as `NAME<xx>`; datagram: the destination name. */
  calledName?: string;
  /** Session request: the calling (client) name; datagram: the source name. */
  callingName?: string;
  /** Negative response: the error code ([RFC 1002] 4.3.4: 0x80 not listening on called name, 0x82 called name not present, ...). */
  errorCode?: number;
  /** Frames that carried it. */
  evidence: Evidence;
}

/** How much an alert matters. */
export type AlertSeverity = "low" | "medium" | "high" | "critical";

/**
 * A known attack or risky practice recognised by a detection rule
 * (lib/detect/rules/), with the values that triggered it and the events it
 * rests on.
 */
export interface AlertEvent {
  /** Discriminant. */
  type: "alert";
  /** Position of the event in the decode's stream of events (1-based). */
  seq?: number;
  /** The rule's id, e.g. `ms08-067`. */
  rule: string;
  /** The rule's title. */
  title: string;
  /** How much it matters. */
  severity: AlertSeverity;
  /** MITRE ATT&CK technique id, e.g. `T1210`. */
  technique: string;
  /** Its name. */
  techniqueName: string;
  /** One line for a person, naming the values that triggered it. */
  message: string;
  /** Those values (a path, a service binary, an opnum, a count...). */
  values: { [key: string]: JsonValue };
  /** The connection's client address, when the alert concerns one connection or client. */
  client?: Endpoint;
  /** The connection's server address, when it concerns one connection or server. */
  server?: Endpoint;
  /** The user concerned, `DOMAIN\user`, when known. */
  user?: string;
  /** `seq` of the events it rests on, in order. */
  events: number[];
  /** Frames of those events, the time of the first, and the connection when one. */
  evidence: Evidence;
}

/**
 * Every event smbscope emits. Switch on `type`.
 *
 * @example Counting connections
 * ```ts
 * import { type DecodeEvent, Decoder } from "@smbscope/smbscope";
 * const d = new Decoder();
 * const events: DecodeEvent[] = [...d.push(Deno.readFileSync("fixtures/smb/smb3_11.pcap")), ...d.end()];
 * const opened = events.filter((e) => e.type === "connection" && e.action === "open").length;
 * // tshark -z conv,tcp: one conversation.
 * if (opened !== 1) throw new Error(`${opened} connections`);
 * ```
 */
export type DecodeEvent =
  | ConnectionEvent
  | SmbEvent
  | NtlmEvent
  | KerberosEvent
  | TreeEvent
  | NbssEvent
  | FileEvent
  | TranscriptEvent
  | RpcEvent
  | AlertEvent
  | AnomalyEvent
  | SummaryEvent;

/** Every `type` of {@link DecodeEvent}, in the order the README documents them: the one list front ends use. */
export const EVENT_TYPES = [
  "connection",
  "smb",
  "ntlm",
  "kerberos",
  "tree",
  "nbss",
  "file",
  "transcript",
  "rpc",
  "alert",
  "anomaly",
  "summary",
] as const satisfies readonly DecodeEvent["type"][];

/** One `type` of {@link DecodeEvent}. */
export type EventType = DecodeEvent["type"];

/** Where layers append their events: one array per decoder, drained after each push. */
export type EventSink = DecodeEvent[];
