/**
 * Types SMB1 and SMB2 share: what a parser reports and where bulk data lies.
 * @module
 */

/** Where bulk data sits in the message, left in place (never copied). */
export interface DataLocation {
  /** Offset from the start of the SMB header. */
  offset: number;
  length: number;
}

/** A problem found while parsing a message; the analyzer turns each into an anomaly. */
export interface ParseProblem {
  /** `limit`: a fixed cap of the parser was reached (reported as a cap, counted in `summary.limitsHit`). */
  kind: "truncated" | "malformed" | "loop" | "unsupported" | "limit";
  detail: string;
  /** Stable anomaly code (`smb1_andx_loop`...); default `<layer>_<kind>`; for `limit`, the cap's name (`maxAndxDepth`). */
  code?: string;
}
