/**
 * Folding an event stream into one JSON document (the `json` format of the
 * CLI and of the HTTP function).
 * @module
 */
import type {
  AlertEvent,
  AnomalyEvent,
  ConnectionEvent,
  DecodeEvent,
  FileEvent,
  KerberosEvent,
  NbssEvent,
  NtlmEvent,
  RpcEvent,
  SummaryEvent,
  TranscriptEvent,
  TreeEvent,
} from "../events.ts";
import { isErrorResponse } from "../smb/error_status.ts";
import { ShareTree, type ShareTreeJson } from "../files/share_tree.ts";
import { normalisePath } from "../files/path.ts";

/** What the document says about SMB on one connection. */
export interface SmbSessionSummary {
  connection: number;
  /** SMB1 and/or SMB2 seen, and the dialect negotiated last. */
  versions: number[];
  dialect?: string;
  users: string[];
  shares: string[];
  files: string[];
  messages: number;
  /** Responses with an error status. */
  errors: number;
  encrypted: number;
}

/** The `json` output: the summary first, then everything by kind (every SMB message: use `ndjson`). */
export interface DecodeDocument {
  summary: SummaryEvent | undefined;
  /** One entry per conversation, from its `close` event (it carries the counters). */
  connections: ConnectionEvent[];
  /** SMB per connection: users, shares and files named, message and error counts. */
  smbSessions: SmbSessionSummary[];
  authentications: NtlmEvent[];
  /** Kerberos logins (AP-REQ in SESSION_SETUP). */
  kerberos: KerberosEvent[];
  trees: TreeEvent[];
  netbios: NbssEvent[];
  /** One entry per open of a file, pipe or directory: actions, coverage, hashes. */
  files: FileEvent[];
  /** Remote executions (PsExec and the like) seen on their named pipes. */
  transcripts: TranscriptEvent[];
  /** DCE/RPC calls and binds, over named pipes, TCP and UDP. */
  rpc: RpcEvent[];
  /** Alerts of the detection rules, in the order raised. */
  alerts: AlertEvent[];
  /**
   * Each share's folders and files as the capture shows them (listings, opens,
   * renames, deletes), with a version per write; filled in by `finish()`.
   */
  shareTree: ShareTreeJson | undefined;
  anomalies: AnomalyEvent[];
}

/** Most names listed per session in each of users, shares and files. */
const MAX_NAMES = 1000;

/** Collects events into a {@link DecodeDocument}. */
export class DocumentBuilder {
  readonly document: DecodeDocument = {
    summary: undefined,
    connections: [],
    smbSessions: [],
    authentications: [],
    kerberos: [],
    trees: [],
    netbios: [],
    files: [],
    transcripts: [],
    rpc: [],
    alerts: [],
    shareTree: undefined,
    anomalies: [],
  };
  readonly #sessions = new Map<number, SmbSessionSummary>();

  readonly #tree = new ShareTree();

  /** The document with the share tree filled in (call once the events are all in). */
  finish(): DecodeDocument {
    const tree = this.#tree.tree;
    if (tree.shares.length > 0) this.document.shareTree = tree;
    return this.document;
  }

  add(events: Iterable<DecodeEvent>): void {
    const d = this.document;
    for (const e of events) {
      this.#tree.add(e);
      switch (e.type) {
        case "connection":
          if (e.action === "close") d.connections.push(e);
          break;
        case "anomaly":
          d.anomalies.push(e);
          break;
        case "summary":
          d.summary = e;
          break;
        case "ntlm":
          d.authentications.push(e);
          break;
        case "kerberos":
          d.kerberos.push(e);
          break;
        case "tree":
          d.trees.push(e);
          break;
        case "nbss":
          d.netbios.push(e);
          break;
        case "file":
          d.files.push(e);
          break;
        case "transcript":
          d.transcripts.push(e);
          break;
        case "alert":
          d.alerts.push(e);
          break;
        case "rpc":
          d.rpc.push(e);
          break;
        case "smb": {
          const id = e.evidence.connection ?? -1;
          let s = this.#sessions.get(id);
          if (s === undefined) {
            s = {
              connection: id,
              versions: [],
              users: [],
              shares: [],
              files: [],
              messages: 0,
              errors: 0,
              encrypted: 0,
            };
            this.#sessions.set(id, s);
            d.smbSessions.push(s);
          }
          s.messages++;
          if (!s.versions.includes(e.version)) s.versions.push(e.version);
          if (e.dialect !== undefined) s.dialect = e.dialect;
          if (e.command === "ENCRYPTED") s.encrypted++;
          if (e.response && isErrorResponse(e)) s.errors++;
          addName(s.users, e.user);
          addName(s.shares, e.share);
          addName(s.files, e.file === undefined ? undefined : normalisePath(e.file));
          break;
        }
        default: {
          // Every type of EVENT_TYPES has its place: a new one does not compile until it does.
          const unknown: never = e;
          void unknown;
        }
      }
    }
  }
}

function addName(list: string[], name: string | undefined): void {
  if (name !== undefined && name !== "" && list.length < MAX_NAMES && !list.includes(name)) {
    list.push(name);
  }
}
