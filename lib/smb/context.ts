/**
 * What every SMB session handler shares: where events go, the caps, and the
 * helpers that turn parser output into events.
 * @module
 */
import type { ConnectionInfo } from "../flow/observer.ts";
import type { DecodeEvent, Layer, SmbEvent, TreeEvent } from "../events.ts";
import type { Limits } from "../options.ts";
import type { Reporter } from "../report.ts";
import { BoundedMap, type EvictionCause, type SharedEntryCap } from "../state/bounded_map.ts";
import type { NbssMessage } from "../netbios/nbss.ts";
import type { MessageBudget } from "../state/message_budget.ts";
import type { KerberosTickets } from "../auth/kerberos_tickets.ts";
import { LoginTracker } from "../auth/login_tracker.ts";
import type { Keyring } from "../auth/keyring.ts";
import type { IoConsumers } from "./io.ts";
import type { DecompressionBudget } from "./smb2/decompression_budget.ts";
import type { Smb2SessionTable } from "./smb2/sessions.ts";
import type { ParseProblem } from "./types.ts";

/** Shared by the SMB analyzers of one decode: the decode-wide SMB state. */
export interface SmbContext {
  readonly out: DecodeEvent[];
  readonly reporter: Reporter;
  readonly limits: Limits;
  /** The registered consumers of I/O facts. */
  readonly io: IoConsumers;
  /** SMB2 sessions by SessionId across connections (multichannel). */
  readonly smb2Sessions: Smb2SessionTable;
  /** Numbers opens decode-wide (`OpenFile.id`). */
  nextOpenId(): number;
  /** Kerberos tickets seen issued on port 88, to name Kerberos logins' clients. */
  readonly tickets: KerberosTickets;
  /** The analyst's secrets (passwords, NT hashes, session keys), when any were given. */
  readonly keyring: Keyring | undefined;
  /** What SMB2 decompression may still cost: `decompression.gate(conn.info, frame, ts)` for `parseSmb2`. */
  readonly decompression: DecompressionBudget;
  /** Bytes the NBSS framers of all connections may hold in messages not yet complete. */
  readonly messages: MessageBudget;
  /** Requests awaiting their response over all connections (`maxTotalPendingRequests`); none: no cap. */
  readonly pendingRequests?: SharedEntryCap;
}

/** One connection's view for the session handlers. */
export interface SmbConnection {
  readonly info: ConnectionInfo;
  readonly ctx: SmbContext;
}

/** Report parser problems of one message as anomalies (a fixed cap reached as a `limit`). */
export function reportProblems(
  conn: SmbConnection,
  layer: Layer,
  m: NbssMessage,
  problems: ParseProblem[],
  what: string,
): void {
  for (const p of problems) {
    // A message kept only in part (bulk data skipped) is expected to run short.
    if (m.partial && p.kind === "truncated") continue;
    if (p.kind === "limit") {
      conn.ctx.reporter.limit(
        layer,
        p.code ?? "limit",
        `${what} at stream offset ${m.streamOffset}: ${p.detail}`,
        m.frames[m.frames.length - 1] ?? 0,
        m.ts,
        conn.info,
      );
      continue;
    }
    conn.ctx.reporter.anomaly(
      layer,
      p.kind,
      `${what} at stream offset ${m.streamOffset}: ${p.detail}`,
      m.frames[m.frames.length - 1] ?? 0,
      m.ts,
      conn.info,
      p.code,
    );
  }
}

/** A parser threw (a bug, never the input's fault by design): one `bug` anomaly, the message skipped. */
export function reportParserBug(
  conn: SmbConnection,
  layer: "smb1" | "smb2",
  m: NbssMessage,
  e: unknown,
): void {
  conn.ctx.reporter.anomaly(
    layer,
    "bug",
    `${layer.toUpperCase()} parser failed: ${e}`,
    m.frames[0] ?? 0,
    m.ts,
    conn.info,
  );
}

/** Emit a `tree` event: a connect with its outcome, or a disconnect. */
export function emitTree(
  conn: SmbConnection,
  m: NbssMessage,
  tree: Omit<TreeEvent, "type" | "evidence" | "client" | "server">,
): void {
  const event: TreeEvent = {
    type: "tree",
    client: conn.info.client,
    server: conn.info.server,
    ...tree,
    evidence: { frames: m.frames, ts: m.ts, connection: conn.info.id },
  };
  conn.ctx.out.push(event);
}

/**
 * The state one connection remembers - session -> user, tree -> share,
 * open file - each capped by `maxSmbStateEntries` with one limit
 * anomaly when the older half is forgotten.
 */
export function stateMaps<S, T, F, SV, TV, FV>(
  conn: SmbConnection,
  layer: Layer,
  /** Told of the opens forgotten at a cap (their files are then lost to the consumers). */
  onEvictFiles?: (files: FV[]) => void,
): {
  users: BoundedMap<S, SV>;
  trees: BoundedMap<T, TV>;
  files: BoundedMap<F, FV>;
} {
  const max = conn.ctx.limits.maxSmbStateEntries;
  // One cap with the SMB2 sessions' trees and opens: kept by the decode-wide session table.
  const shared = conn.ctx.smb2Sessions.stateEntries;
  const overflow = (what: string) => (_: unknown, cause: EvictionCause) =>
    cause === "own"
      ? conn.ctx.reporter.limit(
        layer,
        "maxSmbStateEntries",
        `more than ${max} ${what} on one connection; the older half forgotten`,
        0,
        0,
        conn.info,
      )
      : conn.ctx.reporter.limit(
        layer,
        "maxTotalSmbStateEntries",
        `more than ${shared.max} SMB users, trees and opens over all connections and sessions; the oldest ${what} of this connection forgotten`,
        0,
        0,
        conn.info,
      );
  return {
    users: new BoundedMap({ max, shared, onEvict: overflow("sessions") }),
    trees: new BoundedMap({ max, shared, onEvict: overflow("trees") }),
    files: new BoundedMap<F, FV>({
      max,
      shared,
      onEvict: (evicted, cause) => {
        overflow("open files")(evicted, cause);
        onEvictFiles?.(evicted.map(([, f]) => f));
      },
    }),
  };
}

/** What both SMB versions add to an `smb` event once its message is decoded. */
export interface SmbEventEnding {
  dialect: string | undefined;
  response: boolean;
  status: number;
  statusName: string;
  /** The request a response answers, when it was seen. */
  request: { frames: number[]; ts: number } | undefined;
  /** Capture time of the message. */
  ts: number;
  user: string | undefined;
  anonymous: boolean;
  share: string | undefined;
  file: string | undefined;
}

/**
 * Completes an `smb` event the same way for SMB1 and SMB2: dialect, a
 * response's status and its request with the time taken, and the user, share
 * and file the message concerns, each only when known.
 */
export function endSmbEvent(event: SmbEvent, e: SmbEventEnding): void {
  if (e.dialect !== undefined) event.dialect = e.dialect;
  if (e.response) {
    event.status = e.status;
    event.statusName = e.statusName;
    if (e.request !== undefined) {
      event.request = { frames: e.request.frames, ts: e.request.ts };
      event.responseTime = Math.max(0, e.ts - e.request.ts);
    }
  }
  if (e.user !== undefined) event.user = e.user;
  if (e.anonymous) event.anonymous = true;
  if (e.share !== undefined) event.share = e.share;
  if (e.file !== undefined) event.file = e.file;
}

/** The logins of one connection, carried by `layer`; past its cap, a `maxOpenLogins` limit. */
export function loginTracker(conn: SmbConnection, layer: "smb1" | "smb2"): LoginTracker {
  return new LoginTracker(
    conn.ctx.out,
    layer,
    conn.info,
    conn.ctx.tickets,
    (detail) => conn.ctx.reporter.limit(layer, "maxOpenLogins", detail, 0, 0, conn.info),
    conn.ctx.keyring,
  );
}
