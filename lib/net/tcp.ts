/**
 * TCP header fields the flow layer needs. [RFC 9293] 3.1
 * @module
 */
import { be16, be32 } from "../bytes/cursor.ts";

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
/** The payload of a segment that carries none (shared; never written). */
const NO_PAYLOAD = new Uint8Array(0);

/** A parsed TCP header; one object is reused for every segment, so copy what you keep. */
export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** Payload actually captured (a view). */
  payload: Uint8Array;
  /** Payload length the IP header implies; more than `payload.length` under a snap length. */
  payloadLength: number;
}

/**
 * Read the TCP header at the start of `ipPayload` into `out`. `declaredLength`
 * is the IP payload length from the IP header. Returns a reason string when
 * the header is unusable, else undefined.
 */
export function readTcpHeader(
  ipPayload: Uint8Array,
  declaredLength: number,
  out: TcpSegment,
): string | undefined {
  if (ipPayload.length < 20) return `TCP header needs 20 bytes, ${ipPayload.length} captured`;
  const dataOffset = (ipPayload[12]! >> 4) * 4;
  if (dataOffset < 20) return `TCP data offset ${dataOffset} is below 20`;
  if (dataOffset > declaredLength) {
    return `TCP data offset ${dataOffset} runs past the segment (${declaredLength} bytes)`;
  }
  out.srcPort = be16(ipPayload, 0);
  out.dstPort = be16(ipPayload, 2);
  out.seq = be32(ipPayload, 4);
  out.ack = be32(ipPayload, 8);
  out.flags = ipPayload[13]!;
  // Most segments of a flood or a handshake carry nothing: no view made for them.
  out.payload = dataOffset >= ipPayload.length ? NO_PAYLOAD : ipPayload.subarray(dataOffset);
  out.payloadLength = declaredLength - dataOffset;
  return undefined;
}
