/**
 * NetBIOS Datagram Service (UDP/138, [RFC 1002] 4.4): the header and names of
 * the datagrams that carry user data (SMB1 mailslot TRANSACTIONs: browser
 * announcements, \MAILSLOT\NET\NETLOGON).
 * @module
 */
import { decodeNetbiosName } from "./netbios_name.ts";

/** NetBIOS datagram types that carry user data. [RFC 1002] 4.4.1 */
const DIRECT_UNIQUE = 0x10, DIRECT_GROUP = 0x11, BROADCAST = 0x12;
/** Type, flags, datagram id, source IP and port, length, packet offset. */
const HEADER_BYTES = 14;

/** The UDP/138 port of the NetBIOS datagram service. */
export const NBDS_PORT = 138;

/** A datagram carrying user data: its names and the user data (a view). */
export interface NetbiosDatagram {
  /** Source name, `NAME<xx>`. */
  source: string;
  /** Destination name, `NAME<xx>`. */
  destination: string;
  /** The user data after the names. */
  body: Uint8Array;
}

/**
 * Reads one datagram. `undefined` for types without user data (or too short
 * for a header), `"malformed"` when a name cannot be decoded.
 */
export function readNetbiosDatagram(
  payload: Uint8Array,
): NetbiosDatagram | "malformed" | undefined {
  const type = payload[0];
  if (type !== DIRECT_UNIQUE && type !== DIRECT_GROUP && type !== BROADCAST) return undefined;
  if (payload.length < HEADER_BYTES) return undefined;
  const source = decodeNetbiosName(payload, HEADER_BYTES);
  const destination = source ? decodeNetbiosName(payload, source.next) : undefined;
  if (source === undefined || destination === undefined) return "malformed";
  return {
    source: source.name,
    destination: destination.name,
    body: payload.subarray(destination.next),
  };
}
