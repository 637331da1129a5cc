/**
 * The decode-wide map of DCE/RPC endpoints learned from endpoint-mapper
 * (epm) answers: which interface listens on which TCP address, so that a
 * connection to a dynamic port is decoded even when its bind was not seen.
 * Capped; the oldest entries go first.
 * @module
 */
import type { Endpoint } from "../events.ts";
import { BoundedMap } from "../state/bounded_map.ts";

/** An interface at an address. */
export interface MappedInterface {
  uuid: string;
  version: string;
}

/** Several interfaces were learned at one address. */
const AMBIGUOUS: MappedInterface = { uuid: "", version: "" };

/** Endpoints by `ip|port`. */
export class EndpointMap {
  readonly #map: BoundedMap<string, MappedInterface>;

  constructor(max: number, onLimit: () => void) {
    this.#map = new BoundedMap({ max, onEvict: () => onLimit() });
  }

  /**
   * Remember that `iface` listens at `ip:port`. A server process often
   * serves several interfaces on one port (lsass: samr, lsarpc, netlogon...):
   * a second interface at the same address makes it ambiguous.
   */
  learn(ip: string, port: number, iface: MappedInterface): void {
    const key = `${ip}|${port}`;
    const known = this.#map.get(key);
    if (known !== undefined && known !== AMBIGUOUS && known.uuid !== iface.uuid) {
      this.#map.set(key, AMBIGUOUS);
    } else if (known === undefined) this.#map.set(key, iface);
  }

  /** The one interface learned for a server address; undefined when none or several were. */
  get(server: Endpoint): MappedInterface | undefined {
    const found = this.#map.get(`${server.ip}|${server.port}`);
    return found === AMBIGUOUS ? undefined : found;
  }

  /** Whether anything was learned for it. */
  has(server: Endpoint): boolean {
    return this.#map.has(`${server.ip}|${server.port}`);
  }
}
