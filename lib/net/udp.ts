/**
 * UDP header. [RFC 768]
 * @module
 */
import { be16 } from "../bytes/cursor.ts";

/** A parsed UDP header; one object is reused for every datagram, so copy what you keep. */
export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  /** Payload actually captured (a view). */
  payload: Uint8Array;
  /** Payload length the headers declare. */
  payloadLength: number;
}

/** Read the UDP header into `out`; returns a reason string when unusable. */
export function readUdpHeader(
  ipPayload: Uint8Array,
  declaredLength: number,
  ipVersion: 4 | 6,
  out: UdpDatagram,
): string | undefined {
  if (ipPayload.length < 8) return `UDP header needs 8 bytes, ${ipPayload.length} captured`;
  const length = be16(ipPayload, 4);
  // Length 0 is legal only for IPv6 jumbograms (RFC 2675); otherwise it must fit the IP payload.
  const total = length === 0 && ipVersion === 6 ? declaredLength : length;
  if (total < 8 || total > declaredLength) {
    return `UDP length ${length} does not fit the IP payload of ${declaredLength} bytes`;
  }
  out.srcPort = be16(ipPayload, 0);
  out.dstPort = be16(ipPayload, 2);
  out.payload = ipPayload.subarray(8, Math.min(total, ipPayload.length));
  out.payloadLength = total - 8;
  return undefined;
}
