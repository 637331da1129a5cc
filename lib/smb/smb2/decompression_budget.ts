/**
 * What decompressing SMB2 COMPRESSION_TRANSFORM messages may cost, per
 * connection and per capture. A 35-byte message may claim 16 MiB and fill it
 * with one LZ77 match: without a budget, a few kilobytes of capture cost
 * seconds of CPU and hundreds of megabytes of short-lived buffers.
 *
 * Bytes produced are weighed against compressed bytes consumed: past a free
 * allowance (one largest message, per connection and per capture), each
 * connection and the capture as a whole may produce at most
 * `maxDecompressionRatio` bytes per byte consumed, and the capture at most
 * `maxTotalDecompressedBytes` in all. A message that would pass either is not
 * decompressed: one `limit` anomaly names the cap (later hits are counted),
 * and decoding goes on with the next message.
 * @module
 */
import type { Limits } from "../../options.ts";
import type { ConnectionRef, Reporter } from "../../report.ts";
import { type DecompressionGate, MAX_DECOMPRESSED_SIZE } from "./compression.ts";

/** Bytes a connection may produce before its ratio is weighed: one largest message. */
export const CONNECTION_ALLOWANCE = MAX_DECOMPRESSED_SIZE;
/**
 * Bytes a capture may produce before its ratio is weighed: one largest
 * message. (Four let a 1 KB capture of WRITE bombs on two connections cost
 * seconds of hashing what they decompressed: found by deno task fuzz.)
 */
export const CAPTURE_ALLOWANCE = MAX_DECOMPRESSED_SIZE;

/** Bytes produced and consumed, by one connection or the whole capture. */
interface Spent {
  produced: number;
  consumed: number;
}

/** The decode-wide budget; `gate` gives each message its way to it. */
export class DecompressionBudget {
  readonly #capture: Spent = { produced: 0, consumed: 0 };
  readonly #connections = new WeakMap<ConnectionRef, Spent>();

  /**
   * @param limits `maxDecompressionRatio` and `maxTotalDecompressedBytes`
   * @param reporter where a spent budget is reported
   * @param wantsBulk whether any consumer wants READ/WRITE data (else those are decompressed only as far as their headers)
   */
  constructor(
    readonly limits: Readonly<Limits>,
    readonly reporter: Reporter,
    readonly wantsBulk: boolean,
  ) {}

  /** Bytes decompressed so far in this capture. */
  get produced(): number {
    return this.#capture.produced;
  }

  /**
   * The gate for one message of `conn` (for `parseSmb2`); `frame` and `ts`
   * name the message in a limit anomaly.
   */
  gate(conn: ConnectionRef, frame: number, ts: number): DecompressionGate {
    return {
      wantsBulk: this.wantsBulk,
      grant: (produced, consumed) => this.#grant(conn, frame, ts, produced, consumed),
    };
  }

  #grant(
    conn: ConnectionRef,
    frame: number,
    ts: number,
    produced: number,
    consumed: number,
  ): boolean {
    let own = this.#connections.get(conn);
    if (own === undefined) this.#connections.set(conn, own = { produced: 0, consumed: 0 });
    const all = this.#capture;
    // What was consumed counts even when refused: the ratio weighs the whole input.
    own.consumed += consumed;
    all.consumed += consumed;
    const ratio = this.limits.maxDecompressionRatio;
    const max = this.limits.maxTotalDecompressedBytes;
    let cap: string | undefined, detail = "";
    if (all.produced + produced > max) {
      cap = "maxTotalDecompressedBytes";
      detail = `SMB2 decompression would pass ${max} bytes in this capture`;
    } else if (own.produced + produced > CONNECTION_ALLOWANCE + ratio * own.consumed) {
      cap = "maxDecompressionRatio";
      detail = `SMB2 decompression on this connection would pass ${ratio} bytes per ` +
        `compressed byte (${own.produced + produced} from ${own.consumed})`;
    } else if (all.produced + produced > CAPTURE_ALLOWANCE + ratio * all.consumed) {
      cap = "maxDecompressionRatio";
      detail = `SMB2 decompression in this capture would pass ${ratio} bytes per ` +
        `compressed byte (${all.produced + produced} from ${all.consumed})`;
    }
    if (cap !== undefined) {
      this.reporter.limit(
        "smb2",
        cap,
        `${detail}; the message is not decompressed`,
        frame,
        ts,
        conn,
      );
      return false;
    }
    own.produced += produced;
    all.produced += produced;
    return true;
  }
}
