/**
 * One captured frame, as every capture format yields it.
 * @module
 */

/** A captured frame. `bytes` is a view valid only during the synchronous call that hands it over: a layer that keeps bytes copies them. */
export interface Frame {
  /** 1-based frame number across the whole file, as Wireshark counts. */
  index: number;
  /** Seconds since the Unix epoch (fraction to about a microsecond). */
  ts: number;
  /** LINKTYPE_ value of the interface the frame was captured on. */
  linktype: number;
  /** pcapng interface id (0 for pcap). */
  interfaceId: number;
  /** Bytes on the wire; more than `bytes.length` when the snap length cut the frame. */
  origlen: number;
  /** The captured bytes. */
  bytes: Uint8Array;
}

/** What a capture reader calls for each frame. */
export type FrameHandler = (frame: Frame) => void;
