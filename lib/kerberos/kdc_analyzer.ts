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
import type { MessageBudget } from "../state/message_budget.ts";
import { GrowingBytes } from "../bytes/growing_bytes.ts";

/** The KDC's port. */
export const KERBEROS_PORT = 88;

/** Largest KDC message read over TCP; tickets with large PACs stay well below. */
const MAX_MESSAGE_BYTES = 64 << 10;

/** One direction of a TCP conversation: length-prefixed messages. */
class Framer {
  /** Bytes of a message begun but not complete (copied), charged to the budget. */
  readonly #held = new GrowingBytes();
  #charged = 0;
  #stopped = false;

  constructor(
    readonly onMessage: (m: Uint8Array, frame: Frame) => void,
    /** A message announced over the cap, or held bytes the budget refused; the direction stops. */
    readonly onStop: (why: "too big" | "refused", n: number, frame: Frame) => void,
    readonly budget: MessageBudget | undefined,
  ) {}

  push(bytes: Uint8Array, frame: Frame): void {
    if (this.#stopped) return;
    const joined = this.#held.length > 0;
    if (joined) this.#held.append(bytes);
    // Whole messages are read in place; only a message split across segments is copied.
    const b = joined ? this.#held.view() : bytes;
    let at = 0;
    while (b.length - at >= 4) {
      const length = ((b[at]! & 0x7f) << 24 | b[at + 1]! << 16 | b[at + 2]! << 8 | b[at + 3]!) >>>
        0;
      if (length > MAX_MESSAGE_BYTES) return this.#stop("too big", length, frame);
      if (b.length - at - 4 < length) break;
      this.onMessage(b.subarray(at + 4, at + 4 + length), frame);
      at += 4 + length;
    }
    if (joined) this.#held.consume(at);
    else if (at < bytes.length) this.#held.append(bytes.subarray(at));
    if (!this.#charge()) this.#stop("refused", this.#held.length, frame);
  }

  /** Bytes are missing: what was buffered cannot be completed. */
  gap(): void {
    this.#held.clear();
    this.#charge();
  }

  /** The conversation ended: let the held bytes go. */
  end(): void {
    this.gap();
  }

  #stop(why: "too big" | "refused", n: number, frame: Frame): void {
    this.#stopped = true;
    this.gap();
    this.onStop(why, n, frame);
  }

  /** Bring the budget in line with the buffer's size; false when it cannot pay for it. */
  #charge(): boolean {
    const size = this.#held.capacity;
    if (this.budget === undefined || size === this.#charged) return true;
    if (size < this.#charged) this.budget.give(this.#charged - size);
    else if (!this.budget.take(size - this.#charged)) return false;
    this.#charged = size;
    return true;
  }
}

/** Watches one conversation on port 88 and records the tickets its KDC replies issue. */
export class KdcAnalyzer implements StreamObserver {
  readonly #framers: [Framer, Framer];

  constructor(
    readonly info: ConnectionInfo,
    readonly tickets: KerberosTickets,
    readonly reporter: Reporter,
    /** Pays for messages split across segments (`maxTotalSmbMessageBytes`). */
    readonly budget?: MessageBudget,
  ) {
    // A cap hit is a limit, counted in the summary's limitsHit like every other.
    const stop = (why: "too big" | "refused", n: number, frame: Frame) =>
      why === "too big"
        ? reporter.limit(
          "auth",
          "maxKerberosMessageBytes",
          `Kerberos message of ${n} bytes on port 88 is over ${MAX_MESSAGE_BYTES}; direction not read further`,
          frame.index,
          frame.ts,
          info,
        )
        : reporter.limit(
          "auth",
          "maxTotalSmbMessageBytes",
          `${n} bytes of a Kerberos message on port 88 do not fit maxTotalSmbMessageBytes ` +
            `(${budget!.max}), held by messages not yet complete; direction not read further`,
          frame.index,
          frame.ts,
          info,
        );
    this.#framers = [
      new Framer((m) => this.#message(m), stop, budget),
      new Framer((m) => this.#message(m), stop, budget),
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

  close(): void {
    for (const framer of this.#framers) framer.end();
  }

  #message(bytes: Uint8Array): void {
    const m = readKdcMessage(bytes);
    if (m === undefined || m.ticket === undefined || m.client === undefined) return;
    if (m.msgType !== KrbMessageType.AS_REP && m.msgType !== KrbMessageType.TGS_REP) return;
    this.tickets.issued(m.ticket.id, { principal: m.client, realm: m.clientRealm ?? "" });
  }
}
