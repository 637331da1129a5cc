/**
 * SMB2/3 sessions decode-wide, keyed by SessionId across connections: an
 * SMB 3 session bound to a second channel (multichannel) shares its user,
 * trees and open files with the first, so READ/WRITE on any channel name
 * their share and file. [MS-SMB2] 3.3.5.5.2 (binding), 3.2.4.1.7 (channels)
 *
 * SessionIds are unique per server, not per capture, so a session is keyed
 * by server address and SessionId. A connection joins a session known under
 * another server address (a channel bound to another interface of the same
 * server) only when it binds to it (SESSION_SETUP with the BINDING flag), and
 * only if exactly one session of that SessionId is known. A connection picked
 * up mid-stream that uses a SessionId it never set up joins the session known
 * under its own server address, never one of another address: two servers
 * may hand out the same SessionId. The store is capped (`maxSmbSessions`) and
 * so is each session's state (`maxSmbStateEntries`). A session whose last
 * channel closed is forgotten once no channel came back for `tcpIdleTimeout`
 * of capture time, as an idle connection is: a long capture then holds the
 * sessions of about that much time, not every session up to the cap.
 * @module
 */
import type { Reporter } from "../../report.ts";
import { BoundedMap, type EvictionCause, SharedEntryCap } from "../../state/bounded_map.ts";
import type { OpenFile } from "../io.ts";
import type { Smb2SessionKeys } from "./session_crypto.ts";

/** A tree (share) of a session. */
export interface Smb2Tree {
  /** `\\server\share` as the client asked for it. */
  readonly path: string;
  /** Whether it is a pipe share (IPC$, share type PIPE). */
  readonly pipe: boolean;
}

/** One SMB2 session, shared by all its channels. */
export interface Smb2SessionRecord {
  readonly sessionId: string;
  /** `DOMAIN\user` once a login succeeded (absent for anonymous sessions). */
  user: string | undefined;
  /** Whether the session is anonymous (null session). */
  anonymous: boolean;
  /** TreeId -> share. */
  readonly trees: BoundedMap<number, Smb2Tree>;
  /** FileId (32 hex digits) -> the open. */
  readonly files: BoundedMap<string, OpenFile>;
  /** Connections that used it and are still open. */
  readonly channels: Set<number>;
  /** Its signing and cipher keys, when secrets were given that yield them. */
  keys?: Smb2SessionKeys;
  /** Set once it is known that no given secret applies (met mid-stream, no session key for it). */
  noKeys?: boolean;
  /** Why the secrets given for its user yield no key (a password that does not match), said once. */
  noKeyReason?: string;
  /** Capture time its last channel closed at, while it has none. */
  orphanedAt?: number;
}

/** What the table needs from the decode. */
export interface Smb2SessionLimits {
  maxSmbSessions: number;
  maxSmbStateEntries: number;
  /** Unbounded when absent (tests of the table alone). */
  maxTotalSmbStateEntries?: number;
  /** Seconds a session without channels is kept (a channel may still come back). */
  tcpIdleTimeout: number;
}

/** Every SMB2 session of the decode. */
export class Smb2SessionTable {
  readonly #byKey: BoundedMap<string, Smb2SessionRecord>;
  /** SessionId -> its first session and how many sessions use it (more than one: ambiguous). */
  readonly #bySessionId = new Map<string, { first: Smb2SessionRecord; sessions: number }>();
  /** Keys (server address and SessionId) each session is known under. */
  readonly #keys = new Map<Smb2SessionRecord, string[]>();
  /** Sessions whose last channel closed, in the order they did (a queue from `#orphanHead`). */
  #orphans: ({ session: Smb2SessionRecord; at: number } | undefined)[] = [];
  #orphanHead = 0;

  constructor(
    readonly limits: Smb2SessionLimits,
    readonly reporter: Reporter,
    /** Told of the open files of sessions forgotten at the cap. */
    readonly onEvictFiles: (files: OpenFile[]) => void,
    /** Trees and opens over all sessions (and SMB1 connections): `maxTotalSmbStateEntries`. */
    readonly stateEntries: SharedEntryCap = new SharedEntryCap(
      limits.maxTotalSmbStateEntries ?? Infinity,
    ),
  ) {
    this.#byKey = new BoundedMap({
      max: limits.maxSmbSessions,
      onEvict: (evicted) => {
        reporter.limit(
          "smb2",
          "maxSmbSessions",
          `more than ${limits.maxSmbSessions} SMB2 sessions; the older ${evicted.length} forgotten`,
          0,
          0,
        );
        for (const [key, s] of evicted) {
          const keys = this.#keys.get(s);
          const at = keys?.indexOf(key) ?? -1;
          if (at >= 0) keys!.splice(at, 1);
          if (keys !== undefined && keys.length > 0) continue;
          this.onEvictFiles([...s.files.values()]);
          this.#drop(s);
        }
      },
    });
  }

  /**
   * The session of `sessionId` on `server`, if known: at capture time `now`
   * (when given), not one without channels for `tcpIdleTimeout` or more.
   */
  get(server: string, sessionId: string, now?: number): Smb2SessionRecord | undefined {
    const s = this.#byKey.get(`${server} ${sessionId}`);
    if (s === undefined || now === undefined || s.orphanedAt === undefined) return s;
    if (s.channels.size > 0 || now - s.orphanedAt < this.limits.tcpIdleTimeout) return s;
    this.#forget(s);
    return undefined;
  }

  /** Whether `s` is still in the table (not forgotten at the cap or after expiry). */
  knows(s: Smb2SessionRecord): boolean {
    return this.#keys.has(s);
  }

  /**
   * The session a channel to `server` binds to: its own, or the one session
   * of that SessionId known under another address (then remembered under
   * this one too). Undefined when none or several are known.
   */
  join(server: string, sessionId: string): Smb2SessionRecord | undefined {
    const key = `${server} ${sessionId}`;
    const own = this.#byKey.get(key);
    if (own !== undefined) return own;
    const entry = this.#bySessionId.get(sessionId);
    if (entry === undefined || entry.sessions > 1) return undefined;
    // Another address of the same session (a channel to another interface): remember it.
    this.#byKey.set(key, entry.first);
    this.#keys.get(entry.first)?.push(key);
    return entry.first;
  }

  /** The session of `sessionId` on `server` (as {@link get} finds it at `now`), made when first seen. */
  ensure(
    server: string,
    sessionId: string,
    connection: number,
    now?: number,
  ): Smb2SessionRecord {
    let s = this.get(server, sessionId, now);
    if (s === undefined) {
      const max = this.limits.maxSmbStateEntries, shared = this.stateEntries;
      const overflow = (what: string) => (_: unknown, cause: EvictionCause) =>
        cause === "own"
          ? this.reporter.limit(
            "smb2",
            "maxSmbStateEntries",
            `more than ${max} ${what} in one SMB2 session; the older half forgotten`,
            0,
            0,
            connection,
          )
          : this.reporter.limit(
            "smb2",
            "maxTotalSmbStateEntries",
            `more than ${shared.max} SMB users, trees and opens over all connections and sessions; the oldest ${what} of this session forgotten`,
            0,
            0,
            connection,
          );
      s = {
        sessionId,
        user: undefined,
        anonymous: false,
        trees: new BoundedMap({ max, shared, onEvict: overflow("trees") }),
        files: new BoundedMap({
          max,
          shared,
          onEvict: (evicted, cause) => {
            overflow("open files")(evicted, cause);
            this.onEvictFiles(evicted.map(([, f]) => f));
          },
        }),
        channels: new Set(),
      };
      const key = `${server} ${sessionId}`;
      this.#byKey.set(key, s);
      this.#keys.set(s, [key]);
      const entry = this.#bySessionId.get(sessionId);
      if (entry === undefined) this.#bySessionId.set(sessionId, { first: s, sessions: 1 });
      else entry.sessions++;
    }
    s.channels.add(connection);
    return s;
  }

  /**
   * The last channel of `s` closed at capture time `at` (undefined: unknown,
   * and it is kept). Sessions orphaned more than `tcpIdleTimeout` before `at`
   * that no channel came back to are forgotten now.
   */
  orphaned(s: Smb2SessionRecord, at: number | undefined): void {
    if (at === undefined || !(at >= 0)) return;
    s.orphanedAt = at;
    this.#orphans.push({ session: s, at });
    const before = at - this.limits.tcpIdleTimeout;
    const queue = this.#orphans;
    while (this.#orphanHead < queue.length) {
      const o = queue[this.#orphanHead]!;
      if (o.at > before) break; // orphaned less than tcpIdleTimeout before `at`
      queue[this.#orphanHead++] = undefined;
      const { session } = o;
      // A channel came back, or it was orphaned again later (that entry decides).
      if (session.channels.size > 0 || session.orphanedAt !== o.at) continue;
      this.#forget(session);
    }
    if (this.#orphanHead > 1024 && this.#orphanHead * 2 > queue.length) {
      this.#orphans = queue.slice(this.#orphanHead);
      this.#orphanHead = 0;
    } else if (queue.length - this.#orphanHead > 2 * this.limits.maxSmbSessions) {
      // Capture time standing still while sessions come and go (the cap forgets them): keep only
      // the entries that still decide, at most one per session known, so the queue stays bounded.
      this.#orphans = queue.slice(this.#orphanHead).filter((o) =>
        o !== undefined && this.#keys.has(o.session) && o.session.orphanedAt === o.at
      );
      this.#orphanHead = 0;
    }
  }

  /** Orphanings still queued (bounded by twice `maxSmbSessions`). */
  get orphansQueued(): number {
    return this.#orphans.length - this.#orphanHead;
  }

  /** Sessions known. */
  get size(): number {
    return this.#keys.size;
  }

  /** Forget a session under every key it is known by (its opens were closed with its channels). */
  #forget(s: Smb2SessionRecord): void {
    const keys = this.#keys.get(s);
    if (keys === undefined) return;
    for (const key of keys) this.#byKey.delete(key);
    this.#drop(s);
  }

  /** A session is no longer known: the SessionId index follows. */
  #drop(s: Smb2SessionRecord): void {
    this.#keys.delete(s);
    if (s.channels.size === 0) {
      // No connection uses it: its trees and opens leave the shared count (the maps would
      // otherwise stay among its holders, and count towards its cap, for the rest of the decode).
      s.trees.clear();
      s.files.clear();
    }
    const entry = this.#bySessionId.get(s.sessionId);
    // Forgetting the first of several leaves no safe choice: no cross-server joins for it.
    if (entry !== undefined && (--entry.sessions === 0 || entry.first === s)) {
      this.#bySessionId.delete(s.sessionId);
    }
  }
}
