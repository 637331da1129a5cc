/**
 * SMB1 over the NetBIOS datagram service (UDP/138): names as `nbss` events,
 * the mailslot TRANSACTIONs inside as `smb` events.
 * @module
 */
import type { Frame } from "../capture/frame.ts";
import type { ConnectionInfo, StreamObserver } from "../flow/observer.ts";
import { readNetbiosDatagram } from "../netbios/nbds.ts";
import { isSmbProtocolId } from "../netbios/nbss.ts";
import type { SmbContext } from "./context.ts";
import { Smb1Session } from "./smb1/session.ts";

/** Decodes one UDP conversation on port 138. */
export class NbdsAnalyzer implements StreamObserver {
  readonly #smb1: Smb1Session;

  constructor(readonly info: ConnectionInfo, readonly ctx: SmbContext) {
    // Mailslot transactions are one-way: no response is awaited.
    this.#smb1 = new Smb1Session({ info, ctx }, { oneWay: true });
  }

  datagram(fromClient: boolean, payload: Uint8Array, frame: Frame): void {
    const datagram = readNetbiosDatagram(payload);
    if (datagram === undefined) return;
    if (datagram === "malformed") {
      this.ctx.reporter.anomaly(
        "nbss",
        "malformed",
        "NetBIOS datagram with undecodable source or destination name",
        frame.index,
        frame.ts,
        this.info,
      );
      return;
    }
    const evidence = { frames: [frame.index], ts: frame.ts, connection: this.info.id };
    this.ctx.out.push({
      type: "nbss",
      client: this.info.client,
      server: this.info.server,
      action: "datagram",
      calledName: datagram.destination,
      callingName: datagram.source,
      evidence,
    });
    const body = datagram.body;
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
