/**
 * Kerberos on port 88 (TCP and UDP): reads the KDC's replies so that the
 * tickets they issue name their client when an AP-REQ later presents them
 * (an SMB SESSION_SETUP). Over TCP each message follows a 4-byte big-endian
 * length ([RFC 4120] 7.2.2); over UDP one message is one datagram. Memory
 * per direction is capped: a message announced larger than the cap is
 * reported and that direction is no longer read.
 * @module
 */
import type { KerberosTickets } from "../auth/kerberos_tickets.ts";
import { KrbMessageType, readKdcMessage } from "../auth/kerberos.ts";
import type { Frame } from "../capture/frame.ts";
import type { ConnectionInfo, StreamObserver } from "../flow/observer.ts";
import type { Reporter } from "../report.ts";

/** The KDC's port. */
export const KERBEROS_PORT = 88;

/** Largest KDC message read over TCP; tickets with large PACs stay well below. */
const MAX_MESSAGE_BYTES = 64 << 10;

/** One direction of a TCP conversation: length-prefixed messages. */
class Framer {
  #buffer = new Uint8Array(0);
  #stopped = false;

  constructor(
    readonly onMessage: (m: Uint8Array, frame: Frame) => void,
    readonly onTooBig: (n: number, frame: Frame) => void,
  ) {}

  push(bytes: Uint8Array, frame: Frame): void {
    if (this.#stopped) return;
    let b = bytes;
    if (this.#buffer.length > 0) {
      const joined = new Uint8Array(this.#buffer.length + bytes.length);
      joined.set(this.#buffer);
      joined.set(bytes, this.#buffer.length);
      b = joined;
    }
    let at = 0;
    while (b.length - at >= 4) {
      const length = ((b[at]! & 0x7f) << 24 | b[at + 1]! << 16 | b[at + 2]! << 8 | b[at + 3]!) >>>
        0;
      if (length > MAX_MESSAGE_BYTES) {
        this.onTooBig(length, frame);
        this.#stopped = true;
        this.#buffer = new Uint8Array(0);
        return;
      }
      if (b.length - at - 4 < length) break;
      this.onMessage(b.subarray(at + 4, at + 4 + length), frame);
      at += 4 + length;
    }
    this.#buffer = b.slice(at);
  }

  /** Bytes are missing: what was buffered cannot be completed. */
  gap(): void {
    this.#buffer = new Uint8Array(0);
  }
}

/** Watches one conversation on port 88 and records the tickets its KDC replies issue. */
export class KdcAnalyzer implements StreamObserver {
  readonly #framers: [Framer, Framer];

  constructor(
    readonly info: ConnectionInfo,
    readonly tickets: KerberosTickets,
    readonly reporter: Reporter,
  ) {
    const tooBig = (n: number, frame: Frame) =>
      // A cap hit is a limit, counted in the summary's limitsHit like every other.
      reporter.limit(
        "auth",
        "maxKerberosMessageBytes",
        `Kerberos message of ${n} bytes on port 88 is over ${MAX_MESSAGE_BYTES}; direction not read further`,
        frame.index,
        frame.ts,
        info,
      );
    this.#framers = [
      new Framer((m) => this.#message(m), tooBig),
      new Framer((m) => this.#message(m), tooBig),
    ];
  }

  data(fromClient: boolean, bytes: Uint8Array, frame: Frame): void {
    this.#framers[fromClient ? 0 : 1].push(bytes, frame);
  }

  datagram(_fromClient: boolean, payload: Uint8Array): void {
    this.#message(payload);
  }

  gap(fromClient: boolean): void {
    this.#framers[fromClient ? 0 : 1].gap();
  }

  close(): void {}

  #message(bytes: Uint8Array): void {
    const m = readKdcMessage(bytes);
    if (m === undefined || m.ticket === undefined || m.client === undefined) return;
    if (m.msgType !== KrbMessageType.AS_REP && m.msgType !== KrbMessageType.TGS_REP) return;
    this.tickets.issued(m.ticket.id, { principal: m.client, realm: m.clientRealm ?? "" });
  }
}
