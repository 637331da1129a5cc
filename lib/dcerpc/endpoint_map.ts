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

/** Endpoints by `ip|port`. */
export class EndpointMap {
  readonly #map: BoundedMap<string, MappedInterface>;

  constructor(max: number, onLimit: () => void) {
    this.#map = new BoundedMap({ max, onEvict: () => onLimit() });
  }

  /** Remember that `iface` listens at `ip:port`. */
  learn(ip: string, port: number, iface: MappedInterface): void {
    this.#map.set(`${ip}|${port}`, iface);
  }

  /** The interface learned for a server address. */
  get(server: Endpoint): MappedInterface | undefined {
    return this.#map.get(`${server.ip}|${server.port}`);
  }

  /** Whether anything was learned for it. */
  has(server: Endpoint): boolean {
    return this.#map.has(`${server.ip}|${server.port}`);
  }
}
