/**
 * What the network layer hands to the flow layer.
 * @module
 */
import type { Frame } from "../capture/frame.ts";

/**
 * An IP datagram (reassembled when it came in fragments). Valid only during
 * the call that hands it over: the network layer reuses this object and its
 * reassembly buffers for the next frame, so copy anything you keep.
 */
export interface IpPacket {
  frame: Frame;
  version: 4 | 6;
  /** 4 or 16 bytes; like the whole packet, valid only during the handler call (copy to keep). */
  src: Uint8Array;
  dst: Uint8Array;
  /** Upper-layer protocol number (6 TCP, 17 UDP, ...), after IPv6 extension headers. */
  protocol: number;
  /** Upper-layer bytes actually captured. */
  payload: Uint8Array;
  /** Upper-layer length the IP header declares; larger than `payload.length` when the snap length cut it. */
  payloadLength: number;
  /** Whether this datagram was reassembled from fragments. */
  reassembled: boolean;
  /** Frame numbers of every fragment, when reassembled (the last is `frame.index`). */
  fragmentFrames?: number[];
}

/** What the network layer calls for each complete IP datagram that is not itself a tunnel. */
export type IpHandler = (packet: IpPacket) => void;
