/**
 * What the REPL knows about a capture: events gathered by conversation as the
 * decode goes on.
 * @module
 */
import type {
  AlertEvent,
  AnomalyEvent,
  ConnectionEvent,
  DecodeEvent,
  FileEvent,
  KerberosEvent,
  NtlmEvent,
  RpcEvent,
  SmbEvent,
  SummaryEvent,
  TranscriptEvent,
  TreeEvent,
} from "../../mod.ts";
import { AccountTally } from "../../lib/tally.ts";
import { normalisePath } from "../../lib/files/path.ts";
import { ShareTree } from "../../lib/files/share_tree.ts";

/**
 * SMB commands that move named-pipe bytes: SMB2 WRITE, READ, IOCTL; SMB1 READ/WRITE(_ANDX...)
 * and TRANSACTION (TransactNmPipe) with its secondary requests.
 */
const PIPE_CARRIER = /^(READ|WRITE|IOCTL|TRANSACTION(_SECONDARY)?$)/;

/** One TCP or UDP conversation and its SMB messages. */
export interface Conversation {
  /** The `open` event (or the `close` one when opens were not emitted). */
  first: ConnectionEvent;
  /** The `close` event, once the conversation ended. */
  close?: ConnectionEvent;
  /** Dialect negotiated, from the first SMB message that names it. */
  dialect?: string;
  /** Users of its sessions, in order of first use. */
  users: string[];
  /** Its SMB messages, in capture order. */
  messages: SmbEvent[];
}

/** Events of one capture, grouped for browsing; grows while the decode runs. */
export class CaptureModel {
  readonly conversations: Conversation[] = [];
  readonly #byId = new Map<number, Conversation>();
  readonly ntlm: NtlmEvent[] = [];
  readonly kerberos: KerberosEvent[] = [];
  /** `file` events: one per open of a file, pipe or directory. */
  readonly fileEvents: FileEvent[] = [];
  /** Remote executions seen on PsExec-style pipes. */
  readonly transcripts: TranscriptEvent[] = [];
  /** DCE/RPC calls and binds, in the order they completed; `rpc N` is `rpc[N - 1]`. */
  readonly rpc: RpcEvent[] = [];
  readonly #rpcNumber = new Map<RpcEvent, number>();
  readonly #rpcByConnection = new Map<number, RpcEvent[]>();
  /** RPC events by frame of their evidence (a frame belongs to one connection). */
  readonly #rpcByFrame = new Map<number, RpcEvent[]>();
  /** The open id behind each file event with content (for `save`). */
  readonly fileIds: Map<FileEvent, number> = new Map();
  readonly trees: TreeEvent[] = [];
  readonly anomalies: AnomalyEvent[] = [];
  /** Alerts of the detection rules, in the order raised. */
  readonly alerts: AlertEvent[] = [];
  readonly dialects = new Set<string>();
  /** Logins by account, refused ones marked: the same rule as the summary event's `users`. */
  readonly accounts = new AccountTally();
  readonly shares = new Set<string>();
  readonly files = new Set<string>();
  messages = 0;
  firstTs: number | undefined;
  lastTs: number | undefined;
  summary: SummaryEvent | undefined;
  /** Capture bytes read so far, and the file size when known. */
  bytesRead = 0;
  size: number | undefined;
  /** Set when the decode finished (or failed: then `error` says why). */
  done = false;
  error: string | undefined;

  /** Folders and files by share, from listings and file events. */
  readonly shareTree: ShareTree = new ShareTree();

  /** Take in one batch of events. */
  add(events: DecodeEvent[]): void {
    for (const e of events) this.shareTree.add(e);
    for (const e of events) {
      if (e.type !== "summary" && e.evidence.frames.length) {
        this.firstTs ??= e.evidence.ts;
        this.lastTs = Math.max(this.lastTs ?? e.evidence.ts, e.evidence.ts);
      }
      switch (e.type) {
        case "connection": {
          const known = this.#byId.get(e.id);
          if (known) {
            if (e.action === "close") known.close = e;
          } else {
            const conv: Conversation = { first: e, users: [], messages: [] };
            if (e.action === "close") conv.close = e;
            this.#byId.set(e.id, conv);
            this.conversations.push(conv);
          }
          break;
        }
        case "smb": {
          this.messages++;
          const id = e.evidence.connection;
          const conv = id === undefined ? undefined : this.#byId.get(id);
          if (conv) {
            conv.messages.push(e);
            if (e.dialect !== undefined && conv.dialect === undefined) conv.dialect = e.dialect;
            if (e.user !== undefined && !conv.users.includes(e.user)) conv.users.push(e.user);
          }
          if (e.dialect !== undefined) this.dialects.add(`SMB${e.version} ${e.dialect}`);
          if (e.share !== undefined) this.shares.add(e.share);
          if (e.file !== undefined && e.file !== "") this.files.add(normalisePath(e.file));
          break;
        }
        case "kerberos":
          this.kerberos.push(e);
          this.accounts.add(e);
          break;
        case "ntlm":
          this.ntlm.push(e);
          this.accounts.add(e);
          break;
        case "tree":
          this.trees.push(e);
          this.shares.add(e.path);
          break;
        case "anomaly":
          this.anomalies.push(e);
          break;
        case "alert":
          this.alerts.push(e);
          break;
        case "summary":
          this.summary = e;
          break;
        case "nbss":
          break;
        case "file":
          this.fileEvents.push(e);
          break;
        case "transcript":
          this.transcripts.push(e);
          break;
        case "rpc":
          this.#addRpc(e);
          break;
        default: {
          // Every type of EVENT_TYPES is handled: a new one does not compile until it is.
          const unknown: never = e;
          void unknown;
        }
      }
    }
  }

  #addRpc(e: RpcEvent): void {
    this.rpc.push(e);
    this.#rpcNumber.set(e, this.rpc.length);
    const id = e.evidence.connection;
    if (id !== undefined) {
      const list = this.#rpcByConnection.get(id);
      if (list) list.push(e);
      else this.#rpcByConnection.set(id, [e]);
    }
    for (const frame of new Set(e.evidence.frames)) {
      const list = this.#rpcByFrame.get(frame);
      if (list) list.push(e);
      else this.#rpcByFrame.set(frame, [e]);
    }
  }

  /** The number `rpc N` shows an RPC event by (1-based, in `rpc` order). */
  rpcNumber(e: RpcEvent): number {
    return this.#rpcNumber.get(e) ?? 0;
  }

  /** The RPC calls and binds of one connection (all of them when `id` is undefined). */
  rpcOf(id: number | undefined): readonly RpcEvent[] {
    return id === undefined ? this.rpc : this.#rpcByConnection.get(id) ?? [];
  }

  /**
   * The RPC calls and binds whose PDUs this SMB message carried: a pipe
   * WRITE, READ, IOCTL or TRANSACTION sharing a frame with the event, sent by
   * the client for the request (or bind), by the server for the answer.
   */
  rpcCarriedBy(message: SmbEvent): { rpc: RpcEvent; half: "request" | "answer" }[] {
    if (!PIPE_CARRIER.test(message.command)) return [];
    const out: { rpc: RpcEvent; half: "request" | "answer" }[] = [];
    const seen = new Set<RpcEvent>();
    for (const frame of message.evidence.frames) {
      for (const rpc of this.#rpcByFrame.get(frame) ?? []) {
        if (seen.has(rpc) || rpc.evidence.connection !== message.evidence.connection) continue;
        const inRequest = rpc.request?.frames.includes(frame) ?? false;
        // The client sends requests and binds; the server's frames hold the answers.
        if (message.evidence.fromClient !== inRequest) continue;
        seen.add(rpc);
        out.push({ rpc, half: inRequest ? "request" : "answer" });
      }
    }
    return out;
  }

  /** A conversation by id. */
  conversation(id: number): Conversation | undefined {
    return this.#byId.get(id);
  }

  /** Alerts by rule id, in the order each rule first fired (what the summary counts). */
  alertsByRule(): Map<string, number> {
    const out = new Map<string, number>();
    for (const a of this.alerts) out.set(a.rule, (out.get(a.rule) ?? 0) + 1);
    return out;
  }

  /**
   * The events of these `seq` numbers that the model keeps (everything but
   * NBSS events and the summary). Looked up when asked, by binary search in
   * each list (every list is in stream order), so the model holds no index
   * of its own.
   */
  eventsBySeq(seqs: readonly number[]): Map<number, DecodeEvent> {
    const wanted = new Set(seqs);
    const found = new Map<number, DecodeEvent>();
    const search = (list: readonly DecodeEvent[]) => {
      if (list.length === 0) return;
      for (const seq of wanted) {
        const at = seqIndex(list, seq);
        if (at >= 0) {
          found.set(seq, list[at]!);
          wanted.delete(seq);
        }
      }
    };
    const lists: (readonly DecodeEvent[])[] = [
      this.rpc,
      this.ntlm,
      this.kerberos,
      this.trees,
      this.fileEvents,
      this.transcripts,
      this.anomalies,
      this.alerts,
    ];
    for (const list of lists) search(list);
    for (const c of this.conversations) {
      if (wanted.size === 0) break;
      search(c.messages);
      search(c.close ? [c.first, c.close] : [c.first]);
    }
    return found;
  }
}

/** Index of the event numbered `seq` in `list` (ordered by seq), or -1. */
function seqIndex(list: readonly DecodeEvent[], seq: number): number {
  let lo = 0, hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = list[mid]!.seq ?? 0;
    if (at === seq) return mid;
    if (at < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
