/**
 * The one sentence a front end says when its input could not be decoded at
 * all: not a capture (naming what it looks like), or gzip data that is
 * corrupt (rather than the "empty input" its inflated stream amounts to).
 * @module
 */
import type { DecodeEvent } from "../events.ts";

/** The decoder's prefix of an `unrecognized` anomaly's detail. */
const NOT_A_CAPTURE = "not a pcap or pcapng capture: ";
/** The prefix of the anomaly reported when inflating fails (lib/stream.ts). */
const GZIP_CORRUPT = "gzip data is corrupt";

/** What went wrong with the input as a whole. */
export interface InputProblem {
  /** `gzip_corrupt`: nothing could be inflated; `not_a_capture`: the bytes are something else. */
  code: "gzip_corrupt" | "not_a_capture";
  /** One sentence, starting with what it is: `gzip data is corrupt ...`, `not a pcap or pcapng capture: ...`. */
  message: string;
}

/**
 * Watches the events of a decode for the input's fate: feed each event to
 * {@link InputWatch.note}; {@link InputWatch.problem} says what went wrong, if
 * the input could not be decoded at all. A corrupt gzip stream after some
 * frames is no such problem (its anomaly says where decoding stopped).
 */
export class InputWatch {
  #gzipError: string | undefined;
  #unrecognized: string | undefined;

  /** Look at one event. */
  note(e: DecodeEvent): void {
    if (e.type !== "anomaly" || e.layer !== "capture") return;
    if (e.kind === "unrecognized") this.#unrecognized = e.detail;
    else if (e.detail.startsWith(GZIP_CORRUPT)) this.#gzipError ??= e.detail;
  }

  /** The problem, once the events that show it were noted. */
  get problem(): InputProblem | undefined {
    if (this.#unrecognized === undefined) return undefined;
    // Inflating failed before a byte came out: the capture reader then saw "empty input".
    if (this.#gzipError !== undefined) {
      return {
        code: "gzip_corrupt",
        message: this.#gzipError.replace(/^gzip data is corrupt or cut short/, GZIP_CORRUPT),
      };
    }
    const detail = this.#unrecognized;
    return {
      code: "not_a_capture",
      message: detail.startsWith(NOT_A_CAPTURE) ? detail : `${NOT_A_CAPTURE}${detail}`,
    };
  }
}
