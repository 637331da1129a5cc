/**
 * DCE/RPC directly over TCP (ncacn_ip_tcp): the endpoint mapper's port 135,
 * ports learned from its answers, and any other port whose first bytes are a
 * DCE/RPC PDU header. Connections that turn out not to be DCE/RPC are dropped at
 * their first bytes and cost nothing more.
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { ConnectionInfo, StreamObserver } from "../flow/observer.ts";
import { Association, type DcerpcContext } from "./association.ts";
import { CO_HEADER_BYTES, looksLikeDceRpc, parseCoHeader } from "./pdu.ts";

/** The endpoint mapper's well-known port. */
export const EPM_PORT = 135;
/** Packet types only a caller sends: request, bind, alter_context, auth3, co_cancel, orphaned. */
const CALLER_TYPES: ReadonlySet<number> = new Set([0, 11, 14, 16, 18, 19]);
/** NetBIOS session service and SMB: their DCE/RPC is read from the pipes. */
const SMB_PORTS: ReadonlySet<number> = new Set([139, 445]);

/** Whether a TCP connection is a candidate (the rest are checked by content). */
export function dcerpcTcpCandidate(conn: ConnectionInfo): boolean {
  return conn.transport === "tcp" && !SMB_PORTS.has(conn.server.port) &&
    !SMB_PORTS.has(conn.client.port);
}

/** One TCP connection's DCE/RPC. */
export class DcerpcTcpAnalyzer implements StreamObserver {
  #association: Association | undefined;
  /** Known DCE/RPC (port 135 or a learned endpoint): any PDU may come first. */
  readonly #known: boolean;
  #decided = false;
  /** The flow's client is the RPC server (the connection was oriented by a later packet). */
  #swapped = false;
  #detached = false;

  constructor(readonly conn: ConnectionInfo, readonly ctx: DcerpcContext) {
    this.#known = conn.server.port === EPM_PORT || ctx.endpoints.has(conn.server);
  }

  data(fromClient: boolean, bytes: Uint8Array, frame: Frame): void {
    if (this.#detached) return;
    if (!this.#decided) {
      if (!this.#recognise(bytes)) {
        this.#detached = true;
        return;
      }
      this.#decided = true;
      // A connection picked up mid-stream is oriented by its first packet; the first PDU says
      // who the client is (requests and binds come from it).
      const fromCaller = CALLER_TYPES.has(bytes[2]!);
      this.#swapped = !this.conn.handshake && fromCaller !== fromClient;
      // Events keep the connection's addresses, as every event of the connection does.
      this.#association = new Association(this.ctx, {
        transport: "tcp",
        connection: this.conn.id,
        client: this.conn.client,
        server: this.conn.server,
      });
    }
    this.#association!.data(
      fromClient !== this.#swapped,
      bytes,
      { frames: [frame.index], ts: frame.ts },
      false,
    );
  }

  /**
   * Port 135 and learned ports: any PDU header. Other ports: a PDU header
   * whose frag and auth lengths are consistent; the 8 fixed bytes of the
   * header (version, packet type, data representation) make a false match
   * unlikely, and connections picked up mid-call (no bind seen) are common.
   */
  #recognise(bytes: Uint8Array): boolean {
    if (!looksLikeDceRpc(bytes)) return false;
    if (this.#known) return true;
    const h = parseCoHeader(bytes);
    return h !== null && h.authLength + CO_HEADER_BYTES <= h.fragLength;
  }

  gap(fromClient: boolean): void {
    this.#association?.gap(fromClient !== this.#swapped);
  }

  close(): void {
    this.#association?.end();
  }
}
