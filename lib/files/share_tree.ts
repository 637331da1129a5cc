/**
 * A per-share directory view rebuilt from what a capture shows, like
 * pcapFS's SMB view: every directory and file named by a directory listing
 * (SMB2 QUERY_DIRECTORY, SMB1 TRANS2 FIND_FIRST2/FIND_NEXT2 responses) or
 * opened (`file` events), with renames followed, deletes flagged and one
 * version per open that wrote.
 *
 * Events are applied in the order they arrive. `file` events come when an
 * open ends, so a rename or delete may arrive after listings that already
 * show its outcome; moving onto an existing name therefore merges the two
 * entries instead of keeping both.
 * @module
 */
import type { DecodeEvent, FileEvent, SmbEvent } from "../events.ts";
import { normalisePath } from "./path.ts";

/** How the capture made an entry known. */
export type ShareTreeSource =
  /** Named in a directory listing response. */
  | "listing"
  /** Opened (a `file` event), or renamed or deleted by name. */
  | "open"
  /** Only implied: a directory above something seen, or a directory that was listed. */
  | "parent";

/** One written state of a file: what one open that wrote left behind. */
export interface ShareTreeVersion {
  /** 1 for the first version seen at this entry, and so on (older ones past the cap are dropped). */
  n: number;
  /** When the writing open ended (its close's response; else the open's time). */
  ts: number;
  /** The file's size at that close, when known. */
  size?: number;
  /** Whether every byte of `[0, size)` was seen during that open. */
  complete: boolean;
  /** SHA-256 of the content, when the open saw and hashed all of it. */
  sha256?: string;
  /** Bytes the open wrote. */
  bytesWritten: number;
  /** Frames of the open and the close. */
  frames: number[];
}

/** One directory or file of a share (JSON-safe). */
export interface ShareTreeEntry {
  /** Path in the share, backslashes, no leading backslash, each name spelt as first seen. */
  path: string;
  /** The last component of `path`. */
  name: string;
  /** 0 for a name at the share's root, 1 below that, ... */
  depth: number;
  /** Whether it is a directory, when the server said or something was seen below it. */
  directory?: boolean;
  /** How it became known, each once. */
  sources: ShareTreeSource[];
  /** Capture time it was first and last seen. */
  firstSeen: number;
  /** Capture time it was last seen. */
  lastSeen: number;
  /** Listing responses that named it. */
  listings: number;
  /** Opens of it (`file` events). */
  opens: number;
  /** Its last known size: the newest of its opens' and its listings' (a listing names a size for every class but FileNamesInformation). */
  size?: number;
  /** When an open created it (`FILE_CREATED`), the first such open's time. */
  created?: number;
  /** Bytes read and written over all its opens. */
  bytesRead: number;
  /** Bytes written over all its opens. */
  bytesWritten: number;
  /** Renames into this entry. */
  renames?: number;
  /** Paths it had before, oldest first (at most 16; `renames` counts them all). */
  renamedFrom?: string[];
  /** Present when it was deleted and not seen again afterwards. */
  deleted?: true;
  /** When it was deleted. */
  deletedAt?: number;
  /** Named streams seen opened on it (`AFP_AfpInfo`...), at most 16. */
  streams?: string[];
  /** Versions written, oldest first (at most 16, the newest). */
  versions?: ShareTreeVersion[];
  /** Versions past the cap, the oldest, not listed. */
  droppedVersions?: number;
}

/** One share and everything seen in it. */
export interface ShareTreeShare {
  /** `\\server\share` as first seen; absent when the tree connect was not in the capture. */
  share?: string;
  /** Entries depth first, a directory before its contents, siblings by name (case-insensitive). */
  entries: ShareTreeEntry[];
}

/** The whole view (JSON-safe). */
export interface ShareTreeJson {
  /** Shares in order of first sight. */
  shares: ShareTreeShare[];
  /** Entries held, over all shares, each share counting one (what `maxEntries` bounds). */
  entries: number;
  /** Names not held because `maxEntries` was reached (and streams past 16 on one file). */
  droppedEntries: number;
  /** Versions dropped past 16 on one file, over all files. */
  droppedVersions: number;
  /** Listing responses whose directory could not be told (its open or its search was not seen). */
  unplacedListings: number;
}

/** Options of {@link ShareTree}. */
export interface ShareTreeOptions {
  /** Most entries held (shares count as one each); past it new names are counted in `droppedEntries`. */
  maxEntries?: number;
}

/** FileAttributes bit of a directory. [MS-FSCC] 2.6 */
const FILE_ATTRIBUTE_DIRECTORY = 0x10;

/** Versions kept per file; a file rewritten all day must not grow without bound. */
const MAX_VERSIONS = 16;
/** Old names and stream names kept per entry. */
const MAX_NAMES = 16;
/** SMB1 searches and pending FIND requests remembered; both are short-lived. */
const MAX_SEARCHES = 1024;

const SOURCE_BITS: Record<ShareTreeSource, number> = { listing: 1, open: 2, parent: 4 };

interface Node {
  name: string;
  parent: Node | undefined;
  children: Map<string, Node> | undefined;
  directory?: boolean;
  sources: number;
  firstSeen: number;
  lastSeen: number;
  listings: number;
  opens: number;
  size?: number;
  /** Capture time of what `size` comes from (the newest wins: an open's end, a listing). */
  sizeTs?: number;
  created?: number;
  bytesRead: number;
  bytesWritten: number;
  renames: number;
  renamedFrom: string[];
  deletedAt?: number;
  streams: string[];
  versions: ShareTreeVersion[];
  versionCount: number;
}

interface Share {
  display: string | undefined;
  root: Node;
}

/** Where an SMB1 search lists: its share and directory. */
interface Search {
  share: string | undefined;
  dir: string;
}

function newNode(name: string, parent: Node | undefined, ts: number): Node {
  return {
    name,
    parent,
    children: undefined,
    sources: 0,
    firstSeen: ts,
    lastSeen: ts,
    listings: 0,
    opens: 0,
    bytesRead: 0,
    bytesWritten: 0,
    renames: 0,
    renamedFrom: [],
    streams: [],
    versions: [],
    versionCount: 0,
  };
}

/** SMB names compare case-insensitively. */
function key(name: string): string {
  return name.toLowerCase();
}

/** Components of a path in the share (`a\b`, `\a\b`, `a/b` alike). */
function components(path: string): string[] {
  return normalisePath(path).split("\\").filter((c) => c !== "");
}

function pathOf(node: Node): string {
  const names: string[] = [];
  for (let n: Node | undefined = node; n?.parent !== undefined; n = n.parent) names.push(n.name);
  return names.reverse().join("\\");
}

function seen(node: Node, ts: number): void {
  if (ts < node.firstSeen) node.firstSeen = ts;
  if (ts > node.lastSeen) node.lastSeen = ts;
  // Seen after its delete: the name exists again.
  if (node.deletedAt !== undefined && ts > node.deletedAt) delete node.deletedAt;
}

/**
 * Builds the share tree from decode events: feed it every event with
 * {@link ShareTree.add} (others are ignored), then read {@link ShareTree.tree}.
 *
 * @example
 * ```ts ignore
 * const tree = new ShareTree();
 * for await (const e of decode(bytes)) tree.add(e);
 * console.log(JSON.stringify(tree.tree));
 * ```
 */
export class ShareTree {
  readonly #max: number;
  readonly #shares = new Map<string, Share>();
  #entries = 0;
  #dropped = 0;
  #droppedVersions = 0;
  #unplaced = 0;
  /** FIND_FIRST2/FIND_NEXT2 requests awaiting their response: the response lacks the pattern and SID. */
  readonly #finds = new Map<string, { dir?: string; sid?: number }>();
  /** Open SMB1 searches by SID: FIND_NEXT2 names only the SID, not the directory. */
  readonly #searches = new Map<string, Search>();

  /** `maxEntries` bounds memory (default 100 000). */
  constructor(options: ShareTreeOptions = {}) {
    const max = options.maxEntries ?? 100_000;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError("maxEntries must be a positive integer");
    }
    this.#max = max;
  }

  /** Takes one decode event; only `smb` listing messages and `file` events matter. */
  add(event: DecodeEvent): void {
    if (event.type === "file") this.#file(event);
    else if (event.type === "smb") this.#smb(event);
  }

  /** The view so far, as plain JSON. */
  get tree(): ShareTreeJson {
    const shares: ShareTreeShare[] = [];
    for (const s of this.#shares.values()) {
      const entries: ShareTreeEntry[] = [];
      // Depth first with an explicit stack: hostile paths may nest thousands deep.
      const stack: [Node, number, string][] = sorted(s.root).reverse().map((n) => [n, 0, ""]);
      while (stack.length > 0) {
        const [node, depth, above] = stack.pop()!;
        const path = above === "" ? node.name : `${above}\\${node.name}`;
        entries.push(entryJson(node, depth, path));
        for (const child of sorted(node).reverse()) stack.push([child, depth + 1, path]);
      }
      shares.push(s.display === undefined ? { entries } : { share: s.display, entries });
    }
    return {
      shares,
      entries: this.#entries,
      droppedEntries: this.#dropped,
      droppedVersions: this.#droppedVersions,
      unplacedListings: this.#unplaced,
    };
  }

  #share(display: string | undefined): Share | undefined {
    const k = display === undefined ? "" : "\\" + key(display);
    let s = this.#shares.get(k);
    if (s === undefined) {
      if (this.#entries >= this.#max) return undefined;
      this.#entries++;
      s = { display, root: newNode("", undefined, 0) };
      this.#shares.set(k, s);
    }
    return s;
  }

  /**
   * The node at `parts` below `from`, made (with its parents) when missing;
   * undefined when that would pass `maxEntries`.
   */
  #ensure(from: Node, parts: string[], ts: number): Node | undefined {
    let node = from, i = 0;
    for (; i < parts.length; i++) {
      const child = node.children?.get(key(parts[i]!));
      if (child === undefined) break;
      node = child;
    }
    if (this.#entries + parts.length - i > this.#max) return undefined;
    for (; i < parts.length; i++) {
      const child = newNode(parts[i]!, node, ts);
      // Only the directories above the name are implied; the caller says how the name was seen.
      if (i < parts.length - 1) child.sources = SOURCE_BITS.parent;
      (node.children ??= new Map()).set(key(child.name), child);
      this.#entries++;
      node = child;
    }
    // Whatever is above a name is a directory.
    for (let n = node.parent; n?.parent !== undefined && n.directory !== true; n = n.parent) {
      n.directory = true;
    }
    return node;
  }

  #smb(e: SmbEvent): void {
    const conn = `${e.evidence.connection}:${e.sessionId}`;
    if (e.command === "QUERY_DIRECTORY") {
      if (!e.response || !Array.isArray(e.fields.names)) return;
      // The analyzer names the request's FileId's open (the listed directory) in `file`.
      if (e.file === undefined) this.#unplaced++;
      else this.#listing(e.share, e.file, e.fields, e.evidence.ts);
      return;
    }
    if (e.command !== "TRANSACTION2") return;
    const sub = e.fields.subcommandName;
    if (sub !== "FIND_FIRST2" && sub !== "FIND_NEXT2") return;
    const findKey = `${conn}:${e.messageId}`;
    if (!e.response) {
      const pattern = e.fields.pattern, sid = e.fields.sid;
      const find: { dir?: string; sid?: number } = {};
      // FIND_FIRST2's pattern is `\dir\*`: its directory is all but the last component.
      if (sub === "FIND_FIRST2" && typeof pattern === "string") {
        find.dir = components(pattern).slice(0, -1).join("\\");
      }
      if (typeof sid === "number") find.sid = sid;
      remember(this.#finds, findKey, find);
      return;
    }
    const find = this.#finds.get(findKey);
    this.#finds.delete(findKey);
    if (!Array.isArray(e.fields.names)) return;
    const sid = typeof e.fields.sid === "number" ? e.fields.sid : find?.sid;
    const searchKey = `${conn}:${e.treeId}:${sid}`;
    let search: Search | undefined;
    if (find?.dir !== undefined) {
      search = { share: e.share, dir: find.dir };
      if (sid !== undefined && e.fields.endOfSearch !== true) {
        remember(this.#searches, searchKey, search);
      }
    } else {
      search = this.#searches.get(searchKey);
    }
    if (e.fields.endOfSearch === true) this.#searches.delete(searchKey);
    if (search === undefined) this.#unplaced++;
    else this.#listing(search.share, search.dir, e.fields, e.evidence.ts);
  }

  /**
   * One listing response's entries under `dir`: `fields.names`, with
   * `fields.sizes` and `fields.attributes` in the same order when the
   * information class carries them.
   */
  #listing(
    shareName: string | undefined,
    dir: string,
    fields: SmbEvent["fields"],
    ts: number,
  ): void {
    const names = fields.names as unknown[];
    const sizes = Array.isArray(fields.sizes) ? fields.sizes : undefined;
    const attributes = Array.isArray(fields.attributes) ? fields.attributes : undefined;
    const share = this.#share(shareName);
    if (share === undefined) {
      this.#dropped += names.length;
      return;
    }
    const parent = this.#ensure(share.root, components(dir), ts);
    if (parent === undefined) {
      this.#dropped += names.length;
      return;
    }
    if (parent.parent !== undefined) {
      parent.directory = true;
      if (parent.sources === 0) parent.sources = SOURCE_BITS.parent;
      seen(parent, ts);
    }
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (typeof name !== "string" || name === "." || name === "..") continue;
      // A listed name is one component; a separator in it would be hostile.
      const node = this.#ensure(parent, [name.replaceAll("\\", "_").replaceAll("/", "_")], ts);
      if (node === undefined) {
        this.#dropped++;
        continue;
      }
      node.sources |= SOURCE_BITS.listing;
      node.listings++;
      seen(node, ts);
      const attrs = attributes?.[i];
      if (typeof attrs === "number") node.directory = (attrs & FILE_ATTRIBUTE_DIRECTORY) !== 0;
      const size = sizes?.[i];
      if (
        typeof size === "number" && node.directory !== true && !(ts < (node.sizeTs ?? -Infinity))
      ) {
        node.size = size;
        node.sizeTs = ts;
      }
    }
  }

  #file(e: FileEvent): void {
    if (e.pipe === true) return;
    const parts = components(e.path);
    // A handle first met in use has no name, and the root is the share itself.
    if (parts.length === 0) return;
    const share = this.#share(e.share);
    if (share === undefined) {
      this.#dropped++;
      return;
    }
    const start = e.opened?.ts ?? e.evidence.ts;
    const end = e.closed?.ts ?? e.evidence.ts;
    // `name:stream` is a named stream of `name`, not an entry of its own.
    const last = parts[parts.length - 1]!;
    const colon = last.indexOf(":");
    let stream: string | undefined;
    if (colon >= 0) {
      stream = last.slice(colon + 1).replace(/:\$DATA$/i, "");
      parts[parts.length - 1] = last.slice(0, colon);
      if (parts[parts.length - 1] === "") return;
    }
    const node = this.#ensure(share.root, parts, start);
    if (node === undefined) {
      this.#dropped++;
      return;
    }
    node.sources |= SOURCE_BITS.open;
    seen(node, start);
    seen(node, end);
    if (stream) {
      if (!node.streams.some((s) => key(s) === key(stream))) {
        if (node.streams.length < MAX_NAMES) node.streams.push(stream);
        else this.#dropped++;
      }
      return;
    }
    node.opens++;
    if (e.directory !== undefined) node.directory = e.directory;
    if (e.size !== undefined && e.directory !== true && !(end < (node.sizeTs ?? -Infinity))) {
      node.size = e.size;
      node.sizeTs = end;
    }
    if (e.createAction === "FILE_CREATED" && node.created === undefined) node.created = start;
    node.bytesRead += e.bytesRead;
    node.bytesWritten += e.bytesWritten;
    if (e.actions.includes("write")) {
      const v: ShareTreeVersion = {
        n: 0,
        ts: end,
        complete: e.complete,
        bytesWritten: e.bytesWritten,
        frames: e.evidence.frames,
      };
      if (e.size !== undefined) v.size = e.size;
      if (e.hashes !== undefined) v.sha256 = e.hashes.sha256;
      this.#addVersions(node, [v], 1);
    }
    let at = node;
    if (e.renamedTo !== undefined) at = this.#rename(share, node, components(e.renamedTo), end);
    if (e.deleted === true) at.deletedAt = end;
  }

  /** Keeps the newest MAX_VERSIONS of `node`'s versions plus `more` (which add `count` to its total). */
  #addVersions(node: Node, more: ShareTreeVersion[], count: number): void {
    const all = [...node.versions, ...more].sort((a, b) => a.ts - b.ts);
    node.versionCount += count;
    const kept = all.slice(-MAX_VERSIONS);
    this.#droppedVersions += all.length - kept.length;
    const first = node.versionCount - kept.length + 1;
    node.versions = kept.map((v, i) => ({ ...v, n: first + i }));
  }

  /** Moves `node` to `to`, merging into what is already there; returns where it ended up. */
  #rename(share: Share, node: Node, to: string[], ts: number): Node {
    if (to.length === 0) return node;
    // A folder cannot move into itself: no server allows it, so the event is hostile or garbled.
    let at: Node | undefined = share.root;
    for (const part of to.slice(0, -1)) {
      at = at.children?.get(key(part));
      if (at === undefined) break;
      if (at === node) return node;
    }
    const oldPath = pathOf(node);
    const parent = this.#ensure(share.root, to.slice(0, -1), ts);
    if (parent === undefined) {
      this.#dropped++;
      return node;
    }
    if (parent.parent !== undefined && parent.sources === 0) parent.sources = SOURCE_BITS.parent;
    const name = to[to.length - 1]!;
    let target = parent.children?.get(key(name));
    if (target === node) {
      node.name = name; // a change of case only
    } else {
      node.parent!.children!.delete(key(node.name));
      if (target === undefined) {
        node.name = name;
        node.parent = parent;
        (parent.children ??= new Map()).set(key(name), node);
        target = node;
      } else {
        this.#merge(node, target);
      }
    }
    target.renames++;
    if (target.renamedFrom.length < MAX_NAMES) target.renamedFrom.push(oldPath);
    return target;
  }

  /** Folds `from` (already detached) into `into`, children too, without recursion. */
  #merge(from: Node, into: Node): void {
    const work: [Node, Node][] = [[from, into]];
    while (work.length > 0) {
      const [a, b] = work.pop()!;
      this.#entries--;
      b.sources |= a.sources;
      b.listings += a.listings;
      b.opens += a.opens;
      b.bytesRead += a.bytesRead;
      b.bytesWritten += a.bytesWritten;
      b.firstSeen = Math.min(a.firstSeen, b.firstSeen);
      b.lastSeen = Math.max(a.lastSeen, b.lastSeen);
      // What moved in is the newer state of the name.
      if (a.directory !== undefined) b.directory = a.directory;
      if (a.size !== undefined) b.size = a.size;
      if (b.created === undefined && a.created !== undefined) b.created = a.created;
      if (a.deletedAt !== undefined) b.deletedAt = a.deletedAt;
      else delete b.deletedAt;
      b.renames += a.renames;
      for (const p of a.renamedFrom) if (b.renamedFrom.length < MAX_NAMES) b.renamedFrom.push(p);
      for (const s of a.streams) {
        if (!b.streams.some((t) => key(t) === key(s))) {
          if (b.streams.length < MAX_NAMES) b.streams.push(s);
          else this.#dropped++;
        }
      }
      if (a.versionCount > 0) this.#addVersions(b, a.versions, a.versionCount);
      for (const [k, child] of a.children ?? []) {
        const other = b.children?.get(k);
        if (other !== undefined) work.push([child, other]);
        else {
          child.parent = b;
          (b.children ??= new Map()).set(k, child);
        }
      }
    }
  }
}

/** Adds to a bounded map, forgetting the oldest entry past MAX_SEARCHES. */
function remember<V>(map: Map<string, V>, k: string, v: V): void {
  map.delete(k);
  map.set(k, v);
  if (map.size > MAX_SEARCHES) map.delete(map.keys().next().value!);
}

function sorted(node: Node): Node[] {
  if (node.children === undefined) return [];
  return [...node.children.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, n]) => n);
}

function entryJson(n: Node, depth: number, path: string): ShareTreeEntry {
  const sources = (Object.keys(SOURCE_BITS) as ShareTreeSource[])
    .filter((s) => (n.sources & SOURCE_BITS[s]) !== 0);
  const e: ShareTreeEntry = {
    path,
    name: n.name,
    depth,
    sources,
    firstSeen: n.firstSeen,
    lastSeen: n.lastSeen,
    listings: n.listings,
    opens: n.opens,
    bytesRead: n.bytesRead,
    bytesWritten: n.bytesWritten,
  };
  if (n.directory !== undefined) e.directory = n.directory;
  if (n.size !== undefined) e.size = n.size;
  if (n.created !== undefined) e.created = n.created;
  if (n.renames > 0) {
    e.renames = n.renames;
    e.renamedFrom = [...n.renamedFrom];
  }
  if (n.deletedAt !== undefined) {
    e.deleted = true;
    e.deletedAt = n.deletedAt;
  }
  if (n.streams.length > 0) e.streams = [...n.streams];
  if (n.versions.length > 0) {
    e.versions = n.versions.map((v) => ({ ...v, frames: [...v.frames] }));
    const dropped = n.versionCount - n.versions.length;
    if (dropped > 0) e.droppedVersions = dropped;
  }
  return e;
}
