/**
 * Remote-execution transcripts: a consumer of SMB I/O facts that follows the
 * named pipes PsExec-style services create for a remote process (PsExec's
 * `PSEXESVC-<HOST>-<PID>-stdin|stdout|stderr`, RemCom's `RemCom_stdin...`,
 * PAExec's `paexec-...-stdin`, CSExec's `csexecsvc-...-stdin`, and their control
 * pipes), groups the pipes of one execution and hands back what was typed
 * and what came back, in capture order, as one {@link Transcript}.
 *
 * PsExec 2.1 and later encrypt everything on these pipes: each message is a
 * 4-byte little-endian length and that many bytes of ciphertext. Such a
 * transcript still tells who ran something where, when, and how much output
 * it made, but its text is hex (`encoding` `binary`, `encrypted` true).
 *
 * Memory is bounded: at most {@link TranscriptLimits.maxGroups} executions are
 * followed at once (the oldest is reported early past it), each keeps at most
 * {@link TranscriptLimits.maxBytes} bytes and
 * {@link TranscriptLimits.maxEntries} entries, and all of them together at
 * most {@link TranscriptLimits.maxTotalBytes}; bytes left out are counted in
 * `truncated`.
 * @module
 */
import type {
  TranscriptEncoding,
  TranscriptEnd,
  TranscriptEntry,
  TranscriptEvent,
  TranscriptStream,
  TranscriptTool,
} from "../events.ts";
import type { IoEvidence, OpenFile, SmbIoFact } from "../smb/io.ts";
import { le32, toHex } from "../bytes/cursor.ts";
import { latin1, utf16le } from "../bytes/text.ts";
import { normalisePath } from "./path.ts";

/** One remote execution: the `transcript` event without its `type`. */
export type Transcript = Omit<TranscriptEvent, "type">;

/** Caps (see the module comment). */
export interface TranscriptLimits {
  /** Executions followed at once; past it the oldest is reported (`evicted`). */
  maxGroups: number;
  /** Bytes kept per transcript (over all streams). */
  maxBytes: number;
  /** Entries per transcript; bytes that would start another are not kept. */
  maxEntries: number;
  /** Bytes kept across all transcripts being followed. */
  maxTotalBytes: number;
}

/** Defaults: 64 executions, 1 MiB and 10 000 entries each, 16 MiB in all. */
export const DEFAULT_TRANSCRIPT_LIMITS: TranscriptLimits = {
  maxGroups: 64,
  maxBytes: 1 << 20,
  maxEntries: 10_000,
  maxTotalBytes: 16 << 20,
};

/** Frame numbers listed per entry (a merged entry of a long output has thousands). */
export const MAX_ENTRY_FRAMES = 64;
/** Open frames listed in a transcript's evidence. */
const MAX_EVIDENCE_FRAMES = 16;
/** Shortest printable run kept from a binary control message. */
const MIN_STRING = 4;

/** What a pipe name says: its tool, stream, and the service prefix that groups it. */
export interface PipeName {
  /** The tool the name belongs to. */
  tool: TranscriptTool;
  /** Which pipe of the execution it is. */
  stream: TranscriptStream;
  /** The prefix shared by one execution's pipes (the name itself for a control pipe). */
  service: string;
}

// Order matters: the named tools before the catch-all for renamed PsExec
// services (`psexec -r NAME` makes `NAME-HOST-PID-stdin`).
const STDIO: [TranscriptTool, RegExp][] = [
  ["remcom", /^remcom_(stdin|stdout|stderr)(.+)$/i],
  ["paexec", /^(paexec.+)-(stdin|stdout|stderr)$/i],
  ["csexec", /^(csexecsvc.*)-(stdin|stdout|stderr)$/i],
  ["psexec", /^(psexesvc.*)-(stdin|stdout|stderr)$/i],
  ["psexec", /^([^\\]+-[^\\]+-\d+)-(stdin|stdout|stderr)$/i],
];
const CONTROL: [TranscriptTool, RegExp][] = [
  ["psexec", /^psexesvc$/i],
  ["remcom", /^remcom_communica(?:ton|tion)$/i],
  ["csexec", /^csexecsvc$/i],
  ["paexec", /^paexec[^\\]*$/i],
];

/**
 * Recognise a remote-execution pipe by the name it was opened with (a leading
 * `\`, `PIPE\` or `/` is ignored, case too). Undefined for any other name.
 */
export function classifyPipe(raw: string): PipeName | undefined {
  let name = normalisePath(raw);
  if (/^pipe\\/i.test(name)) name = name.slice(5);
  if (name === "" || name.length > 256) return undefined;
  for (const [tool, re] of STDIO) {
    const m = re.exec(name);
    if (m === null) continue;
    if (tool === "remcom") {
      return {
        tool,
        stream: m[1]!.toLowerCase() as TranscriptStream,
        service: `RemCom_${m[2]!}`,
      };
    }
    return { tool, stream: m[2]!.toLowerCase() as TranscriptStream, service: m[1]! };
  }
  for (const [tool, re] of CONTROL) {
    if (re.test(name)) return { tool, stream: "control", service: name };
  }
  return undefined;
}

/** An entry while it grows: its bytes in a buffer that doubles. */
interface Piece {
  ts: number;
  stream: TranscriptStream;
  fromClient: boolean;
  buf: Uint8Array;
  len: number;
  frames: number[];
}

/** Per stream: message framing seen, to tell PsExec 2 ciphertext. */
interface Framing {
  /** Length announced by the last 4-byte message, awaited as the next message's size. */
  expect: number | undefined;
  records: number;
  others: number;
}

/** One execution being followed. */
interface Group {
  key: string | undefined;
  /** Server and session, to pair a control pipe with the execution that follows it. */
  sessionKey: string;
  file: OpenFile;
  tool: TranscriptTool;
  service: string;
  pipes: string[];
  openFrames: number[];
  /** Opens of the group not closed yet. */
  open: Set<number>;
  /** Standard streams seen opened. */
  stdio: Set<TranscriptStream>;
  start: number;
  end: number;
  pieces: Piece[];
  kept: number;
  truncated: number;
  /** Entries reached their cap: later bytes are only counted, so no entry joins what was not adjacent. */
  full: boolean;
  bytes: { stdin: number; stdout: number; stderr: number; control: number };
  framing: Map<string, Framing>;
}

/**
 * Follows remote-execution pipes and calls back with one {@link Transcript}
 * per execution, when all its pipes are closed or lost, or at {@link end}.
 * Register it as an I/O consumer; it wants pipe data only.
 */
export class TranscriptCollector {
  /** Disk-file bytes are not needed: the decoder skips them for this consumer. */
  readonly wantsFileData = false;
  /** Pipe bytes are what it collects. */
  readonly wantsPipeData = true;
  /** The caps in force. */
  readonly limits: TranscriptLimits;
  /** Groups by server, session, tool and service prefix; insertion order is age. */
  readonly #groups = new Map<string, Group>();
  /** Control-pipe groups not yet joined by standard-stream pipes, by server and session. */
  readonly #waiting = new Map<string, Group>();
  /** Our opens: open id to its group and stream. */
  readonly #opens = new Map<number, { group: Group; stream: TranscriptStream }>();
  /** Every group followed (those of both maps, once), oldest first. */
  readonly #all = new Set<Group>();
  #totalKept = 0;

  /**
   * A collector that hands each finished transcript to `emit`.
   * @param emit called once per finished execution (the object is new and JSON-safe).
   * @param limits caps, each defaulting to {@link DEFAULT_TRANSCRIPT_LIMITS}.
   */
  constructor(
    /** Receives each finished transcript. */
    readonly emit: (t: Transcript) => void,
    limits: Partial<TranscriptLimits> = {},
    /** Told when a cap is reached (`maxGroups`, `maxBytes`, `maxEntries`, `maxTotalBytes`). */
    readonly onLimit: (cap: keyof TranscriptLimits, detail: string) => void = () => {},
  ) {
    this.limits = { ...DEFAULT_TRANSCRIPT_LIMITS, ...limits };
  }

  /** Executions followed now. */
  get following(): number {
    return this.#all.size;
  }

  /** Bytes held now across all of them. */
  get bytesHeld(): number {
    return this.#totalKept;
  }

  /** One I/O fact (see `IoConsumer`). */
  io(fact: SmbIoFact): void {
    if (fact.kind === "open") {
      this.#open(fact.file, fact.evidence);
      return;
    }
    const ours = this.#opens.get(fact.file.id);
    if (ours === undefined) return;
    const { group, stream } = ours;
    switch (fact.kind) {
      case "read":
      case "write": {
        // Client writes stdin and control; it reads the rest. The other way
        // round is odd but kept, under the pipe it came through.
        if (fact.at === 0) this.#frame(group, `${stream}:${fact.kind}`, fact.total, fact.data);
        this.#add(group, stream, fact.data, fact.evidence);
        return;
      }
      case "transceive":
        this.#frame(group, `${stream}:${fact.direction}`, fact.data.length, fact.data);
        this.#add(group, stream, fact.data, fact.evidence);
        return;
      case "close":
      case "lost":
        this.#opens.delete(fact.file.id);
        group.open.delete(fact.file.id);
        if (fact.kind === "close") group.end = Math.max(group.end, fact.evidence.ts);
        // An execution ends when its pipes are closed, once all three standard
        // streams were opened (or none: a control pipe alone); or when the
        // connection ended with none left open, however many were opened (no
        // other stream can come: kept, it would wait for the capture's end).
        if (
          group.open.size === 0 &&
          (group.stdio.size === 3 || group.stdio.size === 0 ||
            (fact.kind === "lost" && fact.reason === "connection_end"))
        ) {
          this.#finish(group, fact.kind === "close" ? "closed" : "connection_end");
        }
        return;
      default:
        return;
    }
  }

  /** The capture ended: report every execution still followed. */
  end(): void {
    for (const g of [...this.#all]) this.#finish(g, "capture_end");
  }

  #open(file: OpenFile, evidence: IoEvidence): void {
    if (file.pipe === false) return;
    const what = classifyPipe(file.name);
    if (what === undefined) return;
    const sessionKey = `${file.server.ip}|${file.server.port}|${file.sessionId}`;
    let group: Group | undefined;
    if (what.stream === "control") {
      group = this.#newGroup(file, evidence, what, undefined, sessionKey);
      // A newer control pipe on the session replaces the one waiting: the
      // older one is still followed and reported on its own.
      this.#waiting.set(sessionKey, group);
    } else {
      const key = `${sessionKey}|${what.tool}|${what.service.toLowerCase()}`;
      group = this.#groups.get(key);
      if (group === undefined) {
        const waiting = this.#waiting.get(sessionKey);
        if (waiting !== undefined && waiting.tool === what.tool) {
          // The control pipe opened just before on this session belongs to this execution.
          this.#waiting.delete(sessionKey);
          group = waiting;
          group.key = key;
          group.service = what.service;
          this.#groups.set(key, group);
        } else {
          group = this.#newGroup(file, evidence, what, key, sessionKey);
          this.#groups.set(key, group);
        }
      }
      group.stdio.add(what.stream);
    }
    const name = normalisePath(file.name);
    if (group.pipes.length < 16 && !group.pipes.includes(name)) group.pipes.push(name);
    if (group.openFrames.length < MAX_EVIDENCE_FRAMES) group.openFrames.push(...evidence.frames);
    group.open.add(file.id);
    group.end = Math.max(group.end, evidence.ts);
    this.#opens.set(file.id, { group, stream: what.stream });
  }

  #newGroup(
    file: OpenFile,
    evidence: IoEvidence,
    what: PipeName,
    key: string | undefined,
    sessionKey: string,
  ): Group {
    if (this.#all.size >= this.limits.maxGroups) {
      this.onLimit(
        "maxGroups",
        `more than ${this.limits.maxGroups} remote executions followed at once; the oldest reported early`,
      );
      const oldest = this.#all.values().next().value!;
      this.#finish(oldest, "evicted");
    }
    const g: Group = {
      key,
      sessionKey,
      file,
      tool: what.tool,
      service: what.service,
      pipes: [],
      openFrames: [],
      open: new Set(),
      stdio: new Set(),
      start: evidence.ts,
      end: evidence.ts,
      pieces: [],
      kept: 0,
      truncated: 0,
      full: false,
      bytes: { stdin: 0, stdout: 0, stderr: 0, control: 0 },
      framing: new Map(),
    };
    this.#all.add(g);
    return g;
  }

  /**
   * Notes a message's size on one direction of one pipe: PsExec 2 sends a
   * 4-byte length, then a message of exactly that many bytes (a multiple of
   * the 16-byte AES block).
   */
  #frame(g: Group, direction: string, total: number, first: Uint8Array): void {
    let f = g.framing.get(direction);
    if (f === undefined) {
      if (g.framing.size >= 16) return;
      f = { expect: undefined, records: 0, others: 0 };
      g.framing.set(direction, f);
    }
    if (f.expect !== undefined && total === f.expect) {
      f.records++;
      f.expect = undefined;
      return;
    }
    if (total === 4 && first.length >= 4) {
      const n = le32(first, 0);
      if (n > 0 && n % 16 === 0) {
        f.expect = n;
        return;
      }
    }
    f.expect = undefined;
    f.others++;
  }

  #add(g: Group, stream: TranscriptStream, data: Uint8Array, e: IoEvidence): void {
    if (data.length === 0) return;
    g.bytes[stream] += data.length;
    g.end = Math.max(g.end, e.ts);
    const room = Math.min(
      this.limits.maxBytes - g.kept,
      this.limits.maxTotalBytes - this.#totalKept,
    );
    const take = g.full ? 0 : Math.max(0, Math.min(room, data.length));
    if (take < data.length && !g.full) {
      const perGroup = this.limits.maxBytes - g.kept <= this.limits.maxTotalBytes - this.#totalKept;
      this.onLimit(
        perGroup ? "maxBytes" : "maxTotalBytes",
        perGroup
          ? `a transcript passed ${this.limits.maxBytes} bytes; the rest is counted, not kept`
          : `transcripts passed ${this.limits.maxTotalBytes} bytes held in all; the rest is counted, not kept`,
      );
    }
    g.truncated += data.length - take;
    if (take === 0) return;
    let last = g.pieces[g.pieces.length - 1];
    if (last === undefined || last.stream !== stream || last.fromClient !== e.fromClient) {
      if (g.pieces.length >= this.limits.maxEntries) {
        this.onLimit(
          "maxEntries",
          `a transcript passed ${this.limits.maxEntries} entries; the rest is counted, not kept`,
        );
        g.full = true;
        g.truncated += take;
        return;
      }
      last = {
        ts: e.ts,
        stream,
        fromClient: e.fromClient,
        buf: new Uint8Array(Math.max(64, take)),
        len: 0,
        frames: [],
      };
      g.pieces.push(last);
    }
    if (last.len + take > last.buf.length) {
      // Double, so many small pieces cost amortised linear copying.
      const grown = new Uint8Array(Math.max(last.len + take, last.buf.length * 2));
      grown.set(last.buf.subarray(0, last.len));
      last.buf = grown;
    }
    last.buf.set(data.subarray(0, take), last.len);
    last.len += take;
    g.kept += take;
    this.#totalKept += take;
    for (const n of e.frames) {
      if (last.frames.length >= MAX_ENTRY_FRAMES) break;
      if (last.frames[last.frames.length - 1] !== n) last.frames.push(n);
    }
  }

  #finish(g: Group, ended: TranscriptEnd): void {
    if (!this.#all.delete(g)) return;
    if (g.key !== undefined) this.#groups.delete(g.key);
    if (this.#waiting.get(g.sessionKey) === g) this.#waiting.delete(g.sessionKey);
    for (const id of g.open) this.#opens.delete(id);
    this.#totalKept -= g.kept;

    const encrypted = [...g.framing.values()].some((f) => f.records > 0 && f.others <= 1);
    const encoding: Partial<Record<TranscriptStream, TranscriptEncoding>> = {};
    const texts = new Map<Piece, string>();
    for (const stream of ["stdin", "stdout", "stderr", "control"] as const) {
      const pieces = g.pieces.filter((p) => p.stream === stream);
      if (pieces.length === 0) continue;
      const cipher = [...g.framing].some(([k, f]) =>
        k.startsWith(`${stream}:`) && f.records > 0 && f.others <= 1
      );
      const views = pieces.map((p) => p.buf.subarray(0, p.len));
      const enc = cipher ? "binary" : chooseEncoding(stream, views);
      encoding[stream] = enc;
      decode(enc, views).forEach((text, i) => texts.set(pieces[i]!, text));
    }
    const entries: TranscriptEntry[] = g.pieces.map((p) => ({
      ts: p.ts,
      stream: p.stream,
      fromClient: p.fromClient,
      text: texts.get(p)!,
      bytes: p.len,
      frames: p.frames,
    }));

    const f = g.file;
    const t: Transcript = {
      client: { ...f.client },
      server: { ...f.server },
      connection: f.connection,
      sessionId: f.sessionId,
      ...(f.user === undefined ? {} : { user: f.user }),
      tool: g.tool,
      service: g.service,
      pipes: g.pipes,
      start: g.start,
      end: g.end,
      ended,
      entries,
      bytes: g.bytes,
      encoding,
      ...(encrypted ? { encrypted: true as const } : {}),
      ...(g.truncated > 0 ? { truncated: g.truncated } : {}),
      evidence: { frames: g.openFrames, ts: g.start, connection: f.connection },
    };
    this.emit(t);
  }
}

/** How to read a stream's bytes as text. */
function chooseEncoding(stream: TranscriptStream, views: Uint8Array[]): TranscriptEncoding {
  // A sample from the start decides UTF-16: NULs in odd places, hardly any in even ones.
  const sample = new Uint8Array(4096);
  let n = 0;
  for (const v of views) {
    const take = Math.min(v.length, sample.length - n);
    sample.set(v.subarray(0, take), n);
    n += take;
    if (n === sample.length) break;
  }
  let oddZero = 0, evenZero = 0, control = 0;
  for (let i = 0; i < n; i++) {
    const b = sample[i]!;
    if (b === 0) {
      if (i & 1) oddZero++;
      else evenZero++;
    } else if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b && b !== 0x08) {
      control++;
    }
  }
  const half = n >> 1;
  if (half >= 1 && oddZero >= half * 0.3 && evenZero <= half * 0.05) {
    return stream === "control" ? "strings" : "utf-16le";
  }
  // Text has few NULs and control characters; a binary message has many.
  if (n > 0 && (evenZero + oddZero + control) > n * 0.1) {
    return stream === "control" ? "strings" : "binary";
  }
  try {
    const d = new TextDecoder("utf-8", { fatal: true });
    for (const v of views) d.decode(v, { stream: true });
    d.decode();
    return "utf-8";
  } catch {
    return "latin-1";
  }
}

/** Each piece's text, decoding across piece boundaries where the encoding needs it. */
function decode(enc: TranscriptEncoding, views: Uint8Array[]): string[] {
  switch (enc) {
    case "binary":
      return views.map((v) => toHex(v));
    case "latin-1":
      return views.map(latin1);
    case "strings":
      return views.map(printableStrings);
    case "utf-8": {
      const d = new TextDecoder("utf-8");
      return views.map((v, i) => d.decode(v, { stream: i < views.length - 1 }));
    }
    case "utf-16le": {
      // A character split between pieces goes with the piece it ends in.
      let carry: Uint8Array | undefined;
      return views.map((v) => {
        let b = v;
        if (carry !== undefined) {
          b = new Uint8Array(carry.length + v.length);
          b.set(carry);
          b.set(v, carry.length);
          carry = undefined;
        }
        if (b.length & 1) {
          carry = b.subarray(b.length - 1);
          b = b.subarray(0, b.length - 1);
        }
        return utf16le(b);
      });
    }
  }
}

/** Printable ASCII and UTF-16LE runs of a binary message, one per line (as `strings` does). */
export function printableStrings(b: Uint8Array): string {
  const out: [number, string][] = [];
  const printable = (c: number) => (c >= 0x20 && c < 0x7f) || c === 0x09;
  // UTF-16LE runs first: an ASCII pass would see them as single letters.
  const used = new Uint8Array(b.length);
  for (let i = 0; i + 1 < b.length;) {
    let j = i;
    while (j + 1 < b.length && printable(b[j]!) && b[j + 1] === 0) j += 2;
    if ((j - i) / 2 >= MIN_STRING) {
      out.push([i, utf16le(b.subarray(i, j))]);
      used.fill(1, i, j);
      i = j;
    } else i++;
  }
  let start = -1;
  for (let i = 0; i <= b.length; i++) {
    const ok = i < b.length && used[i] === 0 && printable(b[i]!);
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) {
      if (i - start >= MIN_STRING) out.push([start, latin1(b.subarray(start, i))]);
      start = -1;
    }
  }
  return out.sort((x, y) => x[0] - y[0]).map((x) => x[1]).join("\n");
}
