/**
 * The REPL's state (which conversation, which message, which filter) and its
 * line commands, shared by the scriptable and the interactive mode.
 * @module
 */
import type { SmbEvent } from "../../mod.ts";
import { escapeControl } from "../../lib/output/sanitize.ts";
import { type MessageFilter, parseFilter } from "./filter.ts";
import type { CaptureModel, Conversation } from "./model.ts";
import {
  anomalyLines,
  authLines,
  conversationBytes,
  conversationLine,
  fileLines,
  hexLines,
  messageLine,
  messageLines,
  pairOf,
  summaryLines,
} from "./render.ts";
import type { StreamStore } from "./streams.ts";
import { defaultSavePath, saveFile } from "./save.ts";
import { formatShareTree } from "../../lib/output/share_tree_text.ts";
import { formatTranscript } from "../../lib/output/transcript_text.ts";
import { rpcDetailLines, rpcListLines, rpcNestedLines } from "./rpc_view.ts";
import { alertDetailLines, alertListLines, evidenceTarget } from "./alert_view.ts";
import { followLines, searchLines } from "./follow.ts";
import { exportConversation } from "./export_pcap.ts";

/** Every line command, with what it does (the help text). */
export const COMMANDS: [string, string][] = [
  ["summary", "alerts by rule first, then what the capture holds: duration, packets, dialects,"],
  ["", "users, shares, files"],
  [
    "alerts [TEXT]",
    "alerts of the detection rules, numbered: severity, rule, connection and frame,",
  ],
  ["", "message, user; TEXT keeps those whose rule, title, message, user or address has it"],
  ["alerts N", "alert N in detail: every field, values as a tree, the events it rests on (by seq)"],
  ["evidence N", "open alert N's connection at the first SMB message it cites (or its RPC call)"],
  ["conns [TEXT]", "the connection list (only those whose line contains TEXT)"],
  ["conn N", "open connection #N at its first message (that passes the filter)"],
  ["search TEXT", "SMB messages and DCE/RPC calls of every connection whose line contains TEXT"],
  ["follow", "the open connection's SMB exchanges as a transcript: a line per request and answer"],
  ["export N FILE", "write connection #N's frames to FILE as a pcap (never over an existing file)"],
  ["next [K]", "step K messages forward (default 1)"],
  ["prev [K]", "step K messages back (default 1)"],
  ["first, last", "the first or last message"],
  ["goto N", "message number N; goto fN: first message at or after frame N;"],
  ["", "goto Ts: first message T seconds or more after the capture start;"],
  ["", "goto 2026-11-23T18:56:54.574222Z: first message at or after that UTC time"],
  ["show", "the current message: fields as a tree, status, timing, frames"],
  ["pair", "go to the paired request or response"],
  ["list", "the messages of the connection that pass the filter, one line each"],
  ["hex [all]", "hex/ASCII dump of the current message's bytes (first 4 KiB; all: every byte)"],
  ["filter EXPR", "keep messages matching all clauses: status!=0, cmd=CREATE, file~report,"],
  ["", "user~alice, share~IPC, errors (failures, not interim statuses); ops = != ~ !~;"],
  ["", "the first message that passes becomes the current one; filter alone clears"],
  ["auth", "NTLM authentications (of the open connection, else all)"],
  ["files", "files and pipes opened, numbered: actions, size, coverage, SHA-256"],
  ["", "(of the open connection, else all)"],
  ["save N [PATH]", "write file N's carved content to PATH (default: its name, here)"],
  ["tree", "each share's folders and files as the capture shows them, with versions"],
  ["transcripts [hex]", "remote executions (PsExec, RemCom, PAExec, CSExec) on their pipes"],
  ["rpc [TEXT]", "DCE/RPC calls and binds, numbered (of the open connection, else all);"],
  ["", "TEXT keeps those whose interface, operation, pipe, user or status contains it"],
  ["rpc N", "call or bind N in detail: every field, arguments, results, frames, messages"],
  ["anomalies", "anomalies (of the open connection, else all)"],
  ["help", "this list"],
  ["quit", "leave"],
];

/** What a command printed, and whether it asked to leave. */
export interface CommandResult {
  lines: string[];
  quit?: boolean;
}

/** One REPL over one capture. */
export class ReplSession {
  conversation: Conversation | undefined;
  filter: MessageFilter | undefined;
  /** Index of the current message in `conversation.messages`. */
  index = 0;

  /** @param capture the capture's path, decoded again by `save` */
  constructor(
    readonly model: CaptureModel,
    readonly store: StreamStore,
    readonly capture?: string,
  ) {}

  /** `save N [path]`: file N's content to a new file. */
  save(n: string | undefined, path: string | undefined): string[] {
    const index = Number(n);
    if (n === undefined || !Number.isInteger(index)) return ["usage: save N [PATH]"];
    const event = this.model.fileEvents[index - 1];
    if (event === undefined) return [`no file ${index}: see files`];
    const id = this.model.fileIds.get(event);
    if (id === undefined || this.capture === undefined) {
      return [`file ${index} has no content in the capture`];
    }
    if (!this.model.done) return ["the capture is still loading: try again when it is done"];
    const dest = path ?? defaultSavePath(event);
    try {
      const { written } = saveFile(this.capture, id, dest);
      const size = event.size ?? written;
      const note = event.complete
        ? `complete, sha256 ${event.hashes?.sha256 ?? "(hashing off)"}`
        : `incomplete: ${event.bytesSeen} of ${size} bytes seen (the rest is zeros)`;
      return [`saved ${escapeControl(dest)}: ${size} bytes, ${note}`];
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) {
        return [`${escapeControl(dest)} exists: give another path (save ${index} PATH)`];
      }
      throw e;
    }
  }

  /** `export N FILE`: conversation N's frames to a new pcap. */
  exportLines(n: string | undefined, path: string | undefined): string[] {
    const id = Number(n?.replace(/^#/, ""));
    if (n === undefined || path === undefined || !Number.isInteger(id)) {
      return ["usage: export N FILE.pcap"];
    }
    const c = this.model.conversation(id);
    if (c === undefined) return [`no connection #${id}`];
    if (this.capture === undefined) return ["no capture file to read again"];
    if (!this.model.done) return ["the capture is still loading: try again when it is done"];
    try {
      const r = exportConversation(this.capture, c, path);
      return [
        `wrote ${escapeControl(path)}: ${r.frames} frame${r.frames === 1 ? "" : "s"} of #${id}` +
        (r.otherLinkTypes ? ` (${r.otherLinkTypes} of another link type left out)` : ""),
      ];
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) {
        return [`${escapeControl(path)} exists: give another path`];
      }
      throw e;
    }
  }

  /** The open conversation's messages that pass the filter. */
  visible(): SmbEvent[] {
    const all = this.conversation?.messages ?? [];
    const f = this.filter;
    return f ? all.filter((e) => f.test(e)) : all;
  }

  /** Indices (in `conversation.messages`) of the messages that pass the filter. */
  visibleIndices(): number[] {
    const all = this.conversation?.messages ?? [];
    const out: number[] = [];
    for (let i = 0; i < all.length; i++) if (!this.filter || this.filter.test(all[i]!)) out.push(i);
    return out;
  }

  /** The current message, if any. */
  current(): SmbEvent | undefined {
    return this.conversation?.messages[this.index];
  }

  /** Capture start time, for relative times. */
  captureStart(): number {
    const s = this.model.summary;
    return s && s.frames > 0 ? s.firstTs : this.model.firstTs ?? 0;
  }

  /** Open a conversation by id; the current message becomes its first visible one. */
  open(id: number): string | undefined {
    const c = this.model.conversation(id);
    if (!c) return `no connection #${id}`;
    this.conversation = c;
    this.index = 0;
    this.#snap(1);
    return undefined;
  }

  /** Move to the nearest visible message from the current one (direction 1 or -1). */
  #snap(direction: 1 | -1): boolean {
    const c = this.conversation;
    if (!c || !this.filter) return c !== undefined && c.messages.length > 0;
    for (let i = this.index; i >= 0 && i < c.messages.length; i += direction) {
      if (this.filter.test(c.messages[i]!)) {
        this.index = i;
        return true;
      }
    }
    return false;
  }

  /** Step `k` visible messages (negative: back); stops at either end. */
  step(k: number): void {
    const c = this.conversation;
    if (!c) return;
    const dir = k < 0 ? -1 : 1;
    for (let moved = 0; moved < Math.abs(k); moved++) {
      let i = this.index + dir;
      while (i >= 0 && i < c.messages.length && this.filter && !this.filter.test(c.messages[i]!)) {
        i += dir;
      }
      if (i < 0 || i >= c.messages.length) break;
      this.index = i;
    }
  }

  /** Go to a message by number (`12`), frame (`f40`) or time since the capture start (`1.5s`). */
  goto(target: string): string | undefined {
    const c = this.conversation;
    if (!c) return "no connection open: use conn N";
    let at: number;
    const t = target.trim();
    if (/^f\d+$/i.test(t)) {
      const frame = Number(t.slice(1));
      at = c.messages.findIndex((e) => (e.evidence.frames[0] ?? 0) >= frame);
    } else if (/^\d+(\.\d+)?s$/.test(t)) {
      const ts = this.captureStart() + Number(t.slice(0, -1));
      at = c.messages.findIndex((e) => e.evidence.ts >= ts);
    } else if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?$/.test(t)) {
      // An absolute capture time as show prints it (UTC), to the microsecond.
      const [whole, fraction = ""] = t.replace(/Z$/, "").split(".");
      const ts = Date.parse(`${whole}Z`) / 1000 + Number(`0.${fraction || "0"}`);
      at = c.messages.findIndex((e) => e.evidence.ts >= ts - 5e-7);
    } else if (/^\d+$/.test(t)) {
      at = Number(t) - 1;
      if (at < 0 || at >= c.messages.length) {
        return `no message ${t}: this connection has ${c.messages.length}`;
      }
    } else {return `cannot read "${
        escapeControl(t)
      }": use N, fN (frame), Ts (seconds) or an ISO time`;}
    if (at < 0) return `no message at or after ${escapeControl(t)}`;
    this.index = at;
    if (this.filter && !this.#snap(1) && !this.#snap(-1)) return "no message passes the filter";
    return undefined;
  }

  /**
   * Set or clear the filter. A new filter starts at its first match; clearing
   * it keeps the current message.
   */
  setFilter(text: string): string | undefined {
    this.filter = text.trim() === "" ? undefined : parseFilter(text);
    if (this.conversation && this.filter) {
      const at = this.index;
      this.index = 0;
      if (!this.#snap(1)) {
        this.index = at;
        return "no message of this connection passes the filter";
      }
    }
    return undefined;
  }

  /**
   * Lines for the current message, with the filter's position on top
   * (`filterLine` false: the caller shows it on its own status line).
   */
  showLines(filterLine = true): string[] {
    const c = this.conversation, e = this.current();
    if (!c) return ["no connection open: use conn N"];
    if (!e) {
      const rpc = this.model.rpcOf(c.first.id).length;
      return [
        `connection #${c.first.id} has no SMB messages` +
        (rpc ? `; it has ${rpc} DCE/RPC calls and binds: see rpc` : ""),
      ];
    }
    const vis = this.visible();
    const pos = vis.indexOf(e);
    const filtered = this.filter && filterLine
      ? [`filter ${escapeControl(this.filter.text)}: ${pos + 1} of ${vis.length} shown`]
      : [];
    return [
      ...filtered,
      ...messageLines(c, e, this.captureStart(), rpcNestedLines(this.model, e)),
    ];
  }

  /** The connection list, optionally only lines containing `search`. */
  connectionLines(search = ""): string[] {
    const lines = this.model.conversations.map((c) => this.conversationHead(c)).filter((l) =>
      l.toLowerCase().includes(search.toLowerCase())
    );
    return lines.length ? lines : ["no connections"];
  }

  /** A conversation's line: endpoints, dialect, users, messages, bytes, RPC calls. */
  conversationHead(c: Conversation): string {
    const id = c.first.id;
    return conversationLine(
      c,
      conversationBytes(c, this.store.streamBytes(id)),
      this.model.rpcOf(id).length,
    );
  }

  /** `rpc N` and `rpc [TEXT]`: one call in detail, or the (filtered) list. */
  rpcLines(arg: string): string[] {
    const t = arg.trim();
    if (/^\d+$/.test(t)) return rpcDetailLines(this.model, Number(t), this.captureStart());
    return rpcListLines(this.model, this.conversation?.first.id, t);
  }

  /** `alerts N` and `alerts [TEXT]`: one alert in detail, or the (filtered) list. */
  alertLines(arg: string): string[] {
    const t = arg.trim();
    if (/^\d+$/.test(t)) return alertDetailLines(this.model, Number(t), this.captureStart());
    return alertListLines(this.model, t);
  }

  /**
   * `evidence N`: open the connection of alert N at the first SMB message it
   * cites (an RPC call's carrying WRITE or IOCTL; a login's SESSION_SETUP), the
   * filter cleared so that message shows. Without one, the RPC call it cites.
   */
  evidence(n: string | undefined): string[] {
    const index = Number(n);
    if (n === undefined || !/^\d+$/.test(n)) return ["usage: evidence N (N as in alerts)"];
    const target = evidenceTarget(this.model, index);
    switch (target.kind) {
      case "none":
        return [target.reason];
      case "message": {
        this.conversation = target.conversation;
        this.filter = undefined;
        this.index = target.index;
        return [
          `alert ${index}: ${target.via}, message ${
            target.index + 1
          } of #${target.conversation.first.id}`,
          this.conversationHead(target.conversation),
          ...this.showLines(),
        ];
      }
      case "rpc": {
        if (target.conversation !== undefined) this.open(target.conversation.first.id);
        return [
          `alert ${index} cites no SMB message: rpc ${target.number}, the call it rests on` +
          (target.conversation ? ` (#${target.conversation.first.id} is open)` : ""),
          ...rpcDetailLines(this.model, target.number, this.captureStart()),
        ];
      }
      case "connection":
        this.open(target.conversation.first.id);
        return [
          `alert ${index} cites no SMB message: #${target.conversation.first.id} is open`,
          this.conversationHead(target.conversation),
          ...this.showLines(),
        ];
    }
  }

  /** Hex dump of the current message. */
  hexLines(all = false): string[] {
    const c = this.conversation, e = this.current();
    if (!c || !e) return ["no message: use conn N"];
    const found = this.store.message(c.first.id, e.evidence.fromClient, e.evidence.streamOffset);
    return [
      `message ${this.index + 1}: ${messageLine(c, this.index).replace(/^\d+: /, "")}`,
      ...hexLines(found, all ? Infinity : 4096),
    ];
  }

  /** Run one line command. */
  run(line: string): CommandResult {
    const [word = "", ...args] = line.trim().split(/\s+/);
    const arg = line.trim().slice(word.length).trim();
    const count = () => {
      const k = args[0] === undefined ? 1 : Number(args[0]);
      if (!Number.isInteger(k) || k < 1) {
        throw new Error(`"${escapeControl(args[0]!)}" is not a count`);
      }
      return k;
    };
    const id = this.conversation?.first.id;
    try {
      switch (word.toLowerCase()) {
        case "":
          return { lines: [] };
        case "summary":
          return { lines: summaryLines(this.model) };
        case "conns":
          return { lines: this.connectionLines(arg) };
        case "conn": {
          const n = Number(args[0]?.replace(/^#/, ""));
          if (args[0] === undefined || !Number.isInteger(n)) return { lines: ["usage: conn N"] };
          const err = this.open(n);
          if (err) return { lines: [err] };
          return { lines: [this.conversationHead(this.conversation!), ...this.showLines()] };
        }
        case "next":
        case "prev": {
          if (!this.conversation) return { lines: ["no connection open: use conn N"] };
          this.step(word.toLowerCase() === "next" ? count() : -count());
          return { lines: this.showLines() };
        }
        case "first":
        case "last": {
          if (!this.conversation) return { lines: ["no connection open: use conn N"] };
          this.index = word === "first" ? 0 : this.conversation.messages.length - 1;
          this.#snap(word === "first" ? 1 : -1);
          return { lines: this.showLines() };
        }
        case "goto": {
          const err = this.goto(arg);
          return { lines: err ? [err] : this.showLines() };
        }
        case "show":
          return { lines: this.showLines() };
        case "pair": {
          const c = this.conversation, e = this.current();
          const p = c && e ? pairOf(c, e) : undefined;
          if (!c || !e) return { lines: ["no message: use conn N"] };
          if (!p) return { lines: ["its pair was not seen"] };
          this.index = c.messages.indexOf(p);
          return { lines: this.showLines() };
        }
        case "list": {
          const c = this.conversation;
          if (!c) return { lines: ["no connection open: use conn N"] };
          const vis = this.visibleIndices();
          return { lines: vis.length ? vis.map((i) => messageLine(c, i)) : ["no messages"] };
        }
        case "hex":
          return { lines: this.hexLines(args[0] === "all") };
        case "search":
          return { lines: searchLines(this.model, arg) };
        case "follow": {
          const c = this.conversation;
          if (!c) return { lines: ["no connection open: use conn N"] };
          return { lines: [this.conversationHead(c), ...followLines(c, this.captureStart())] };
        }
        case "export":
          return { lines: this.exportLines(args[0], args[1]) };
        case "filter": {
          const err = this.setFilter(arg);
          const now = this.filter ? `filter: ${escapeControl(this.filter.text)}` : "filter cleared";
          if (err) return { lines: [now, err] };
          return { lines: this.conversation ? [now, ...this.showLines()] : [now] };
        }
        case "auth":
          return { lines: authLines(this.model, id) };
        case "files":
          return { lines: fileLines(this.model, id) };
        case "save":
          return { lines: this.save(args[0], args[1]) };
        case "tree": {
          const lines = formatShareTree(this.model.shareTree.tree);
          return { lines: lines.length > 0 ? lines : ["no shares seen"] };
        }
        case "transcripts": {
          const all = this.model.transcripts.filter((t) =>
            id === undefined || t.evidence.connection === id
          );
          if (all.length === 0) return { lines: ["no remote executions seen"] };
          return { lines: all.flatMap((t) => formatTranscript(t, { hex: args[0] === "hex" })) };
        }
        case "rpc":
          return { lines: this.rpcLines(arg) };
        case "anomalies":
          return { lines: anomalyLines(this.model, id) };
        case "alerts":
        case "alert":
          return { lines: this.alertLines(arg) };
        case "evidence":
          return { lines: this.evidence(args[0]) };
        case "help":
        case "?":
          return { lines: helpLines() };
        case "quit":
        case "exit":
        case "q":
          return { lines: [], quit: true };
        default:
          return { lines: [`unknown command "${escapeControl(word)}": type help`] };
      }
    } catch (e) {
      return { lines: [escapeControl(e instanceof Error ? e.message : String(e))] };
    }
  }
}

/** The command list, aligned. */
export function helpLines(): string[] {
  return COMMANDS.map(([name, what]) => `  ${name.padEnd(13)} ${what}`);
}
