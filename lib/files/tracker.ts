/**
 * The file tracker: a consumer of SMB I/O facts that turns each open's
 * lifetime into one `file` event, with what was done to it and what of its
 * content was seen (coverage, missing ranges, overlaps, digests), and hands
 * the content to a sink when there is one.
 * @module
 */
import type { Evidence, FileAction, FileEvent, FileState } from "../events.ts";
import type { Reporter } from "../report.ts";
import type { IoEvidence, OpenFile, SmbIoFact } from "../smb/io.ts";
import { looksLikeDceRpc } from "../dcerpc/pdu.ts";
import { ContentBudget, FileContent } from "./content.ts";
import { ContentHasher, type FileDigesterFactory, type FileHashes } from "../crypto/hashes.ts";
import { normalisePath } from "./path.ts";
import type { ContentSink } from "./sink.ts";

/** The tracker's caps and switches (see `Limits`). */
export interface FileTrackerOptions {
  /** Compute MD5, SHA-1 and SHA-256 of complete files. */
  hashes: boolean;
  /** Opens followed at once; past this the oldest is reported (`evicted`) and forgotten. */
  maxTrackedFiles: number;
  /** Separate byte ranges remembered per file. */
  maxFileRanges: number;
  /** Out-of-order bytes held per file for hashing. */
  maxFileBufferBytes: number;
  /** Out-of-order bytes held across all files. */
  maxTotalFileBufferBytes: number;
  /** Files hashed at once (their digesters made and not yet spent); absent: no cap. */
  maxHashingFiles?: number;
  /** Where content goes, if anywhere. */
  sink: ContentSink | undefined;
  /** Makes each file's digester; the pure-JS {@link ContentHasher} when not given. */
  hasher?: FileDigesterFactory | undefined;
}

/** Missing ranges listed per event. */
const MAX_MISSING_LISTED = 100;
/** Piece fingerprints held across all files (about 100 bytes each). */
const MAX_TOTAL_FINGERPRINTS = 262_144;

/** Digests of no bytes at all, for complete empty files. */
const EMPTY_HASHES: Readonly<FileHashes> = Object.freeze(new ContentHasher().digest());

/** What is known of one open while it lasts. */
interface Tracked {
  file: OpenFile;
  /** The path at first sight (renames change `file.name`). */
  path: string;
  opened: { ts: number; frames: number[] } | undefined;
  createAction: string | undefined;
  directory: boolean | undefined;
  actions: FileAction[];
  renamedTo: string | undefined;
  deleted: boolean;
  reads: number;
  bytesRead: number;
  writes: number;
  bytesWritten: number;
  size: number | undefined;
  /** The close response's size, which overrides every other. */
  closeSize: number | undefined;
  content: FileContent | undefined;
  /** Whether the sink was handed any of its bytes. */
  sunk: boolean;
  /** Named a pipe by its first bytes (DCE/RPC) where the share type was not seen. */
  pipeByContent: boolean;
  /** Other connections it was used on. */
  connections: Set<number> | undefined;
  firstTs: number;
  lastFrames: number[];
}

/** Turns I/O facts into `file` events; register it as a consumer. */
export class FileTracker {
  readonly wantsFileData = true;
  readonly wantsPipeData = true;
  readonly #open = new Map<number, Tracked>();
  readonly #budget: ContentBudget;
  /** Set while the capture ends: opens lost then end with `capture_end`. */
  ending = false;

  constructor(
    readonly out: FileEvent[] | { push(e: FileEvent): unknown },
    readonly reporter: Reporter,
    readonly options: FileTrackerOptions,
  ) {
    this.#budget = new ContentBudget(
      options.maxFileBufferBytes,
      options.maxTotalFileBufferBytes,
      MAX_TOTAL_FINGERPRINTS,
      (cap, detail) => reporter.limit("files", cap, detail, 0, 0),
      options.maxHashingFiles,
    );
  }

  /** Opens followed now. */
  get tracking(): number {
    return this.#open.size;
  }

  io(fact: SmbIoFact): void {
    const t = this.#tracked(fact.file, fact.kind === "lost" ? undefined : fact.evidence);
    if (t === undefined) return;
    switch (fact.kind) {
      case "open":
        t.opened = { ts: fact.evidence.ts, frames: fact.evidence.frames };
        t.firstTs = fact.evidence.ts;
        t.createAction = fact.createAction;
        t.directory = fact.directory;
        t.size = fact.size;
        t.lastFrames = fact.evidence.frames;
        if (fact.deleteOnClose) {
          action(t, "delete");
          t.deleted = true;
        }
        return;
      case "read":
      case "write": {
        const write = fact.kind === "write";
        if (fact.at === 0) {
          if (write) t.writes++;
          else t.reads++;
          action(t, fact.kind);
        }
        if (write) t.bytesWritten += fact.data.length;
        else t.bytesRead += fact.data.length;
        this.#note(t, fact.evidence);
        if (fact.file.pipe === true || t.directory === true || t.pipeByContent) return;
        // A pipe on a share whose tree connect was not seen: its first bytes are DCE/RPC.
        if (
          fact.file.pipe === undefined && t.content === undefined && fact.offset === 0 &&
          fact.at === 0 && looksLikeDceRpc(fact.data)
        ) {
          t.pipeByContent = true;
          return;
        }
        // The size the open gave (before this write grows it): a hint for the digester.
        t.content ??= new FileContent(
          this.#budget,
          this.options.hashes,
          this.options.hashes || this.options.sink !== undefined,
          this.options.maxFileRanges,
          this.options.hasher,
          t.size,
        );
        const end = fact.offset + fact.data.length;
        if (write && t.size !== undefined && end > t.size) t.size = end;
        t.content.add(fact.offset, fact.data);
        if (this.options.sink !== undefined) {
          t.sunk = true;
          this.options.sink.write(fact.file, fact.offset, fact.data);
        }
        return;
      }
      case "transceive":
        if (fact.direction === "request") {
          t.writes++;
          t.bytesWritten += fact.data.length;
          action(t, "write");
        } else {
          t.reads++;
          t.bytesRead += fact.data.length;
          action(t, "read");
        }
        this.#note(t, fact.evidence);
        return;
      case "set_info":
        this.#note(t, fact.evidence);
        if (fact.renameTo !== undefined) {
          action(t, "rename");
          t.renamedTo = normalisePath(fact.renameTo);
        }
        if (fact.deletePending !== undefined) {
          if (fact.deletePending) action(t, "delete");
          t.deleted = fact.deletePending;
        }
        if (fact.endOfFile !== undefined) {
          action(t, "truncate");
          t.size = fact.endOfFile;
        }
        if (
          fact.renameTo === undefined && fact.deletePending === undefined &&
          fact.endOfFile === undefined
        ) action(t, "set_info");
        return;
      case "path":
        t.directory = fact.directory;
        if (fact.action === "delete") {
          action(t, "delete");
          t.deleted = true;
        } else {
          action(t, "rename");
          if (fact.renameTo !== undefined) t.renamedTo = normalisePath(fact.renameTo);
        }
        this.#finish(t, "closed", undefined);
        return;
      case "close":
        this.#note(t, fact.evidence);
        t.closeSize = fact.size;
        this.#finish(t, "closed", { ts: fact.evidence.ts, frames: fact.evidence.frames });
        return;
      case "lost":
        this.#finish(
          t,
          fact.reason === "evicted" ? "evicted" : this.ending ? "capture_end" : "connection_end",
          undefined,
        );
        return;
    }
  }

  /** The capture ended: every open still followed ends with `capture_end`. */
  end(): void {
    for (const t of [...this.#open.values()]) this.#finish(t, "capture_end", undefined);
  }

  #tracked(file: OpenFile, evidence: IoEvidence | undefined): Tracked | undefined {
    const known = this.#open.get(file.id);
    if (known !== undefined) return known;
    if (evidence === undefined) return undefined; // lost before anything was seen of it
    if (this.#open.size >= this.options.maxTrackedFiles) {
      const oldest = this.#open.values().next().value;
      this.reporter.limit(
        "files",
        "maxTrackedFiles",
        `more than ${this.options.maxTrackedFiles} open files followed at once; the oldest reported as evicted`,
        evidence.frames[0] ?? 0,
        evidence.ts,
        { id: file.connection, client: file.client, server: file.server },
      );
      if (oldest === undefined) return undefined; // a cap of 0 follows nothing
      this.#finish(oldest, "evicted", undefined);
    }
    const t: Tracked = {
      file,
      path: normalisePath(file.name),
      opened: undefined,
      createAction: undefined,
      directory: undefined,
      actions: [],
      renamedTo: undefined,
      deleted: false,
      reads: 0,
      bytesRead: 0,
      writes: 0,
      bytesWritten: 0,
      size: undefined,
      closeSize: undefined,
      content: undefined,
      sunk: false,
      pipeByContent: false,
      connections: undefined,
      firstTs: evidence.ts,
      lastFrames: evidence.frames,
    };
    this.#open.set(file.id, t);
    return t;
  }

  #note(t: Tracked, e: IoEvidence): void {
    t.lastFrames = e.frames;
    if (e.connection !== t.file.connection) (t.connections ??= new Set()).add(e.connection);
  }

  #finish(
    t: Tracked,
    state: FileState,
    closed: { ts: number; frames: number[] } | undefined,
  ): void {
    this.#open.delete(t.file.id);
    const f = t.file;
    const size = t.closeSize ?? t.size;
    const pipe = f.pipe === true || t.pipeByContent ? true : f.pipe;
    const disk = pipe !== true && t.directory !== true;
    const content = t.content;
    const hashes = content?.finish(size);
    const seen = content === undefined
      ? 0
      : size === undefined
      ? content.coverage.covered
      : content.coverage.coveredBelow(size);
    const complete = disk && size !== undefined && !(content?.coverage.overflowed ?? false) &&
      (size === 0 || (content?.coverage.covers(size) ?? false));
    const frames = t.opened === undefined ? [] : [...t.opened.frames];
    for (const n of closed?.frames ?? t.lastFrames) if (!frames.includes(n)) frames.push(n);
    const evidence: Evidence = { frames, ts: t.opened?.ts ?? t.firstTs, connection: f.connection };
    let missing: { ranges: [number, number][]; more: number } | undefined;
    let hashNote: string | undefined;
    let overlaps: FileEvent["overlaps"];
    if (disk && content !== undefined) {
      if (size !== undefined && !complete) {
        missing = content.coverage.missing(size, MAX_MISSING_LISTED);
      }
      const o = content.overlaps;
      if (o.duplicateBytes + o.conflictingBytes + o.unverifiedBytes > 0) overlaps = o;
      if (content.coverage.overflowed) {
        hashNote = `more than ${content.coverage.maxRanges} separate ranges: coverage not followed`;
      } else if (!complete || (hashes === undefined && size !== 0)) hashNote = content.hashStopped;
    }
    // An empty file's digests are known whatever was written before it was cut to 0.
    const digests = !complete
      ? undefined
      : size === 0 && this.options.hashes
      ? { ...EMPTY_HASHES }
      : content !== undefined && !content.coverage.overflowed
      ? hashes
      : undefined;
    // Keys in the order a reader looks for them; absent values are left out.
    const event: FileEvent = {
      type: "file",
      client: f.client,
      server: f.server,
      smbVersion: f.smbVersion,
      ...(f.dialect === undefined ? {} : { dialect: f.dialect }),
      sessionId: f.sessionId,
      handle: f.handle,
      ...(f.user === undefined ? {} : { user: f.user }),
      ...(f.anonymous ? { anonymous: true as const } : {}),
      ...(f.share === undefined ? {} : { share: f.share }),
      path: t.path,
      ...(pipe === undefined ? {} : { pipe }),
      ...(t.directory === undefined ? {} : { directory: t.directory }),
      openSeen: f.openSeen,
      ...(t.createAction === undefined ? {} : { createAction: t.createAction }),
      ...(t.opened === undefined ? {} : { opened: t.opened }),
      ...(closed === undefined ? {} : { closed }),
      state,
      actions: t.actions,
      ...(t.renamedTo === undefined ? {} : { renamedTo: t.renamedTo }),
      ...(t.deleted ? { deleted: true as const } : {}),
      reads: t.reads,
      bytesRead: t.bytesRead,
      writes: t.writes,
      bytesWritten: t.bytesWritten,
      ...(size === undefined ? {} : { size }),
      bytesSeen: seen,
      complete,
      ...(missing === undefined ? {} : { missing: missing.ranges }),
      ...(missing === undefined || missing.more === 0 ? {} : { missingMore: missing.more }),
      ...(overlaps === undefined ? {} : { overlaps }),
      ...(content === undefined || content.conflicts.length === 0
        ? {}
        : { conflicts: content.conflicts }),
      ...(digests === undefined ? {} : { hashes: digests }),
      ...(hashNote === undefined ? {} : { hashNote }),
      ...(t.connections === undefined ? {} : { connections: [f.connection, ...t.connections] }),
      evidence,
    };
    this.out.push(event);
    if (t.sunk) this.options.sink?.end(f, event);
  }
}

function action(t: Tracked, a: FileAction): void {
  if (!t.actions.includes(a)) t.actions.push(a);
}
