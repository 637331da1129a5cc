/**
 * NetBIOS Datagram Service (UDP/138, [RFC 1002] 4.4): the datagrams that
 * carry SMB1 mailslot TRANSACTIONs (browser announcements, \MAILSLOT\NET\NETLOGON).
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { ConnectionInfo, StreamObserver } from "../flow/observer.ts";
import type { SmbContext } from "./context.ts";
import { isSmbProtocolId } from "./nbss.ts";
import { decodeNetbiosName } from "./netbios_name.ts";
import { Smb1Session } from "./smb1_session.ts";

/** NetBIOS datagram types that carry user data. [RFC 1002] 4.4.1 */
const DIRECT_UNIQUE = 0x10, DIRECT_GROUP = 0x11, BROADCAST = 0x12;
/** Type, flags, datagram id, source IP and port, length, packet offset. */
const HEADER_BYTES = 14;

/** The UDP/138 port of the NetBIOS datagram service. */
export const NBDS_PORT = 138;

/** Decodes one UDP conversation on port 138: names as `nbss` events, SMB1 inside as `smb` events. */
export class NbdsAnalyzer implements StreamObserver {
  readonly #smb1: Smb1Session;

  constructor(readonly info: ConnectionInfo, readonly ctx: SmbContext) {
    // Mailslot transactions are one-way: no response is awaited.
    this.#smb1 = new Smb1Session({ info, ctx }, { oneWay: true });
  }

  datagram(fromClient: boolean, payload: Uint8Array, frame: Frame): void {
    const type = payload[0];
    if (type !== DIRECT_UNIQUE && type !== DIRECT_GROUP && type !== BROADCAST) return;
    if (payload.length < HEADER_BYTES) return;
    const source = decodeNetbiosName(payload, HEADER_BYTES);
    const destination = source ? decodeNetbiosName(payload, source.next) : undefined;
    if (source === undefined || destination === undefined) {
      this.ctx.reporter.anomaly(
        "nbss",
        "malformed",
        "NetBIOS datagram with undecodable source or destination name",
        frame.index,
        frame.ts,
        this.info.id,
      );
      return;
    }
    const evidence = { frames: [frame.index], ts: frame.ts, connection: this.info.id };
    this.ctx.out.push({
      type: "nbss",
      action: "datagram",
      calledName: destination.name,
      callingName: source.name,
      evidence,
    });
    const body = payload.subarray(destination.next);
    if (body.length >= 4 && isSmbProtocolId(body, 0) && body[0] === 0xff) {
      this.#smb1.message(fromClient, {
        type: 0,
        length: body.length,
        body,
        partial: false,
        frames: [frame.index],
        ts: frame.ts,
        streamOffset: 0,
      });
    }
  }

  data(): void {}
  gap(): void {}

  close(): void {
    this.#smb1.close();
  }
}
