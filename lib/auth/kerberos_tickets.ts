/**
 * Which client each Kerberos ticket was issued to, decode-wide: filled from
 * the AS-REP and TGS-REP messages on port 88, read when an AP-REQ presents a
 * ticket (an SMB SESSION_SETUP), so a Kerberos login names its client
 * principal. Capped like every store; at the cap the older half goes.
 * @module
 */
import { BoundedMap } from "../state/bounded_map.ts";

/** The client a ticket was issued to. */
export interface TicketClient {
  /** The client principal (e.g. `alice`). */
  principal: string;
  /** Its realm (e.g. `EXAMPLE.COM`). */
  realm: string;
}

/** Tickets seen issued in this decode, by ticket id (see `KrbTicket.id`). */
export class KerberosTickets {
  readonly #map: BoundedMap<string, TicketClient>;

  /** @param max tickets remembered; `onEvict` is told when the older half is forgotten. */
  constructor(max: number, onEvict: () => void) {
    this.#map = new BoundedMap({ max, onEvict });
  }

  /** A KDC reply issued ticket `id` to this client. */
  issued(id: string, client: TicketClient): void {
    this.#map.set(id, client);
  }

  /** The client ticket `id` was issued to, when its KDC reply was seen. */
  clientOf(id: string): TicketClient | undefined {
    return this.#map.get(id);
  }

  /** Tickets remembered. */
  get size(): number {
    return this.#map.size;
  }
}
