/**
 * What takes part in a decode, in one place: the analyzers that watch
 * connections (chosen by port or by content), and the consumers of SMB I/O
 * facts and of events. Adding an analyzer or a consumer is one file plus one
 * line in a list below.
 * @module
 */
import type { DecodeEvent } from "./events.ts";
import type { ConnectionInfo, StreamObserver } from "./flow/observer.ts";
import { NBDS_PORT } from "./netbios/nbds.ts";
import type { Limits } from "./options.ts";
import { SmbAnalyzer } from "./smb/analyzer.ts";
import type { SmbContext } from "./smb/context.ts";
import { NbdsAnalyzer } from "./smb/nbds_analyzer.ts";
import { KdcAnalyzer, KERBEROS_PORT } from "./kerberos/kdc_analyzer.ts";
import type { DcerpcContext } from "./dcerpc/association.ts";
import { DcerpcUdpAnalyzer } from "./dcerpc/cl_analyzer.ts";
import { DcerpcTcpAnalyzer, dcerpcTcpCandidate } from "./dcerpc/tcp_analyzer.ts";

/** What an analyzer gets besides its connection: the decode-wide state and caps. */
export interface AnalyzerContext {
  readonly limits: Limits;
  /** The decode-wide SMB state (sessions across connections, I/O consumers). */
  readonly smb: SmbContext;
  /** The decode-wide DCE/RPC state (endpoint map, stub budget). */
  readonly dcerpc: DcerpcContext;
}

/** An analyzer of one kind of traffic. */
export interface AnalyzerSpec {
  /** Short name, e.g. `smb`. */
  readonly name: string;
  /**
   * Whether it watches a new conversation, from its ports (and transport).
   * Analyzers that recognise their protocol by content watch every
   * candidate and detach themselves from what is not theirs.
   */
  watches(conn: ConnectionInfo, limits: Limits): boolean;
  /** Its observer of that conversation's streams or datagrams. */
  create(conn: ConnectionInfo, ctx: AnalyzerContext): StreamObserver;
}

/** SMB over NBSS or direct TCP: on any TCP port, recognised by content (lib/smb/analyzer.ts). */
const smbOverTcp: AnalyzerSpec = {
  name: "smb",
  watches: (conn, limits) => limits.decodeSmb && conn.transport === "tcp",
  create: (conn, ctx) => new SmbAnalyzer(conn, ctx.smb, !conn.handshake),
};

/** SMB1 mailslots in NetBIOS datagrams on UDP/138. */
const smbOverNbds: AnalyzerSpec = {
  name: "nbds",
  watches: (conn, limits) =>
    limits.decodeSmb && conn.transport === "udp" &&
    (conn.server.port === NBDS_PORT || conn.client.port === NBDS_PORT),
  create: (conn, ctx) => new NbdsAnalyzer(conn, ctx.smb),
};

/** Kerberos on port 88 (TCP and UDP): the tickets KDC replies issue, to name Kerberos logins. */
const kerberosKdc: AnalyzerSpec = {
  name: "kerberos",
  watches: (conn, limits) =>
    limits.decodeSmb && (conn.server.port === KERBEROS_PORT || conn.client.port === KERBEROS_PORT),
  create: (conn, ctx) => new KdcAnalyzer(conn, ctx.smb.tickets, ctx.smb.reporter, ctx.smb.messages),
};

/** DCE/RPC over TCP: port 135, learned endpoints, and any other port by content (lib/dcerpc/tcp_analyzer.ts). */
const dcerpcOverTcp: AnalyzerSpec = {
  name: "dcerpc",
  watches: (conn, limits) => limits.decodeDcerpc && dcerpcTcpCandidate(conn),
  create: (conn, ctx) => new DcerpcTcpAnalyzer(conn, ctx.dcerpc),
};

/** Connectionless DCE/RPC over UDP, by content (lib/dcerpc/cl_analyzer.ts). */
const dcerpcOverUdp: AnalyzerSpec = {
  name: "dcerpc_udp",
  watches: (conn, limits) =>
    limits.decodeDcerpc && conn.transport === "udp" && conn.server.port !== NBDS_PORT &&
    conn.server.port !== KERBEROS_PORT,
  create: (conn, ctx) => new DcerpcUdpAnalyzer(conn, ctx.dcerpc),
};

/** Every analyzer, in the order they see a connection's bytes. */
export const ANALYZERS: readonly AnalyzerSpec[] = [
  smbOverTcp,
  smbOverNbds,
  kerberosKdc,
  dcerpcOverTcp,
  dcerpcOverUdp,
];

/**
 * Receives every event as it is emitted, synchronously, before front ends
 * see it (detection rules are event watchers). It may push further events
 * to `out`.
 */
export interface EventWatcher {
  /** One event, as it is emitted; events pushed to `out` follow it. */
  event(event: DecodeEvent, out: DecodeEvent[]): void;
  /** The decode ended (before the summary). */
  end?(out: DecodeEvent[]): void;
}

/** The observers of one conversation, called in turn; none, one or several. */
export function observersOf(
  conn: ConnectionInfo,
  ctx: AnalyzerContext,
  extra: StreamObserver | undefined,
): StreamObserver | undefined {
  const list: StreamObserver[] = [];
  for (const spec of ANALYZERS) {
    if (spec.watches(conn, ctx.limits)) list.push(spec.create(conn, ctx));
  }
  if (extra !== undefined) list.push(extra);
  if (list.length <= 1) return list[0];
  return {
    data: (fromClient, bytes, frame) => {
      for (const o of list) o.data(fromClient, bytes, frame);
    },
    datagram: (fromClient, payload, frame) => {
      for (const o of list) o.datagram?.(fromClient, payload, frame);
    },
    gap: (fromClient, length, frame) => {
      for (const o of list) o.gap(fromClient, length, frame);
    },
    // The end carries the connection's last packet: SMB2 sessions orphaned without it are never
    // queued to expire (SMB on other ports, which the DCE/RPC analyzer watches too, lost it).
    close: (last) => {
      for (const o of list) o.close(last);
    },
  };
}
