/**
 * What the pcap and pcapng parsers share with the reader that feeds them.
 * @module
 */
import type { Limits } from "../options.ts";
import type { Reporter } from "../report.ts";
import type { FrameHandler } from "./frame.ts";

/** Counters and callbacks of one capture file, shared by the reader and its parser. */
export class CaptureState {
  /** Frames handed over so far; the last frame's index. */
  frames = 0;
  /** Time of the first frame (0 before any). */
  firstTs = 0;
  /** Time of the last frame handed over (0 before any). */
  lastTs = 0;
  /** File offset of the first byte the parser has not consumed. */
  consumed = 0;
  /** LINKTYPE_ values of the file or of every interface defined. */
  readonly linkTypes: Set<number> = new Set();

  /**
   * Fresh counters for one capture file.
   * @param onFrame called with every frame
   * @param reporter where anomalies go
   * @param limits `maxRecordBytes` bounds every record and block
   */
  constructor(
    readonly onFrame: FrameHandler,
    readonly reporter: Reporter,
    readonly limits: Readonly<Limits>,
  ) {}

  /** Report a capture-layer anomaly at the time of the last frame. */
  anomaly(kind: "truncated" | "malformed" | "unsupported", detail: string): void {
    this.reporter.anomaly("capture", kind, detail, 0, this.lastTs);
  }
}

/**
 * A format's record walker. `parse` consumes whole records from `b[pos, end)`
 * and returns the position after the last one; it never reads past `end`.
 * When it returns, either `failed` is set or fewer than `need` bytes are left,
 * so the caller knows how many bytes to gather before calling again.
 */
export interface FormatParser {
  /** Bytes, counted from the first unconsumed one, needed to make progress. */
  readonly need: number;
  /** Set once the record framing is lost: the rest of the input is ignored. */
  readonly failed: boolean;
  /** Consume whole records of `b[pos, end)`; returns the position after the last one. */
  parse(b: Uint8Array, pos: number, end: number): number;
  /** Describe `have` unconsumed bytes left at the end of the input. */
  incomplete(have: number): string;
}
