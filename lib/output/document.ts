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
import { safeJson } from "./sanitize.ts";

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

/** The document's lists of whole events, in the document's key order. */
export const DOCUMENT_LISTS = [
  "connections",
  "smbSessions",
  "authentications",
  "kerberos",
  "trees",
  "netbios",
  "files",
  "transcripts",
  "rpc",
  "alerts",
  "anomalies",
] as const;

/** One of {@link DOCUMENT_LISTS}. */
export type DocumentList = typeof DOCUMENT_LISTS[number];

/** An entry of one of the document's lists: an event, or an SMB session's summary. */
export type DocumentEntry = DecodeEvent | SmbSessionSummary;

/**
 * Collects events into a {@link DecodeDocument}. Given `spill`, the entries of
 * the lists go there instead of into the document (a front end writes them
 * out of memory, e.g. to temporary files, and {@link documentText} joins
 * them back); the summary and the share tree stay. An SMB session's summary
 * is spilled once its connection's `close` event came (no SMB message of a
 * connection follows it) and every session first seen before it was spilled,
 * so they keep their order; the rest at {@link finish}.
 */
export class DocumentBuilder {
  constructor(readonly spill?: (list: DocumentList, entry: DocumentEntry) => void) {}

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
  /** Sessions not yet spilled (all of them without `spill`), by connection. */
  readonly #sessions = new Map<number, SmbSessionSummary>();
  /** With `spill`: sessions not yet spilled, in the order first seen, from `#head`. */
  #waiting: (SmbSessionSummary | undefined)[] = [];
  #head = 0;
  /** Connections closed whose session waits behind one still open. */
  readonly #closed = new Set<number>();

  readonly #tree = new ShareTree();

  /** The document with the share tree filled in (call once the events are all in). */
  finish(): DecodeDocument {
    for (let i = this.#head; i < this.#waiting.length; i++) {
      this.spill!("smbSessions", this.#waiting[i]!);
    }
    this.#waiting = [];
    this.#head = 0;
    this.#sessions.clear();
    this.#closed.clear();
    const tree = this.#tree.tree;
    if (tree.shares.length > 0) this.document.shareTree = tree;
    return this.document;
  }

  #put(list: DocumentList, entry: DocumentEntry): void {
    if (this.spill !== undefined) this.spill(list, entry);
    else (this.document[list] as DocumentEntry[]).push(entry);
  }

  /** The connection `id` closed: spill its session, and those behind it that may go now. */
  #connectionClosed(id: number): void {
    if (this.spill === undefined || !this.#sessions.has(id)) return;
    this.#closed.add(id);
    const waiting = this.#waiting;
    while (this.#head < waiting.length) {
      const s = waiting[this.#head]!;
      if (!this.#closed.delete(s.connection)) break;
      this.#sessions.delete(s.connection);
      waiting[this.#head++] = undefined;
      this.spill("smbSessions", s);
    }
    // Give back the front of the queue now and then (linear over the whole decode).
    if (this.#head >= 1024 && this.#head * 2 >= waiting.length) {
      this.#waiting = waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  add(events: Iterable<DecodeEvent>): void {
    const d = this.document;
    for (const e of events) {
      this.#tree.add(e);
      switch (e.type) {
        case "connection":
          if (e.action === "close") {
            this.#put("connections", e);
            this.#connectionClosed(e.id);
          }
          break;
        case "anomaly":
          this.#put("anomalies", e);
          break;
        case "summary":
          d.summary = e;
          break;
        case "ntlm":
          this.#put("authentications", e);
          break;
        case "kerberos":
          this.#put("kerberos", e);
          break;
        case "tree":
          this.#put("trees", e);
          break;
        case "nbss":
          this.#put("netbios", e);
          break;
        case "file":
          this.#put("files", e);
          break;
        case "transcript":
          this.#put("transcripts", e);
          break;
        case "alert":
          this.#put("alerts", e);
          break;
        case "rpc":
          this.#put("rpc", e);
          break;
        case "smb": {
          const id = e.evidence.connection ?? -1;
          let s = this.#sessions.get(id);
          if (s === undefined) {
            s = {
              connection: id,
              versions: [e.version],
              users: [],
              shares: [],
              files: [],
              messages: 0,
              errors: 0,
              encrypted: 0,
            };
            this.#sessions.set(id, s);
            if (this.spill === undefined) d.smbSessions.push(s);
            else this.#waiting.push(s);
          }
          s.messages++;
          if (!s.versions.includes(e.version)) s.versions.push(e.version);
          if (e.dialect !== undefined) s.dialect = e.dialect;
          if (e.command === "ENCRYPTED") s.encrypted++;
          if (e.response && isErrorResponse(e)) s.errors++;
          s.users = withName(s.users, e.user);
          s.shares = withName(s.shares, e.share);
          s.files = withName(s.files, e.file === undefined ? undefined : normalisePath(e.file));
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

/**
 * `list` with `name` added if new. A first name makes a one-element array: pushed onto an empty
 * one, it would reserve 17 (the document keeps one summary per SMB connection until its end).
 */
function withName(list: string[], name: string | undefined): string[] {
  if (name !== undefined && name !== "" && list.length < MAX_NAMES && !list.includes(name)) {
    if (list.length === 0) return [name];
    list.push(name);
  }
  return list;
}

/** What `safeJson({ e: [entry] }, 2)` puts before and after its entry. */
const ENTRY_PREFIX = '{\n  "e": [\n';
const ENTRY_SUFFIX = "\n  ]\n}";

/**
 * One event as it stands in a list of the document: `safeJson(event, 2)`
 * indented by four spaces, so {@link documentText} writes what
 * `safeJson(document, 2)` would.
 */
export function documentEntry(entry: DocumentEntry): string {
  // Serialised inside a one-entry list, which indents it as the document does, and cut out:
  // a third cheaper than indenting each line with a regular expression, and the same text.
  const text = safeJson({ e: [entry] }, 2);
  return text.slice(ENTRY_PREFIX.length, text.length - ENTRY_SUFFIX.length);
}

/** A list's entries as pieces of the document's text: entries joined by `",\n"`. */
export function* entryPieces(entries: Iterable<DocumentEntry>): Generator<string> {
  let first = true;
  for (const e of entries) {
    yield first ? documentEntry(e) : `,\n${documentEntry(e)}`;
    first = false;
  }
}

/**
 * The text of `safeJson(document, 2)`, in pieces: each list's text comes
 * from `lists` (pieces that together are its entries joined by `",\n"`, as
 * {@link entryPieces} makes them: the document's own lists by default, or
 * what was spilled), so a document of any size is written without being one
 * string.
 */
export function* documentText(
  document: DecodeDocument,
  lists: (list: DocumentList) => Iterable<string> = (list) => entryPieces(document[list]),
): Generator<string> {
  let first = true;
  const key = (name: string) => {
    const text = `${first ? "{" : ","}\n  ${JSON.stringify(name)}: `;
    first = false;
    return text;
  };
  for (const name of Object.keys(document) as (keyof DecodeDocument)[]) {
    const value = document[name];
    if ((DOCUMENT_LISTS as readonly string[]).includes(name)) {
      let open = false;
      for (const piece of lists(name as DocumentList)) {
        if (piece === "") continue;
        yield open ? piece : `${key(name)}[\n${piece}`;
        open = true;
      }
      yield open ? "\n  ]" : `${key(name)}[]`;
    } else if (value !== undefined) yield key(name) + safeJson(value, 2).replace(/\n/g, "\n  ");
  }
  yield first ? "{}" : "\n}";
}
