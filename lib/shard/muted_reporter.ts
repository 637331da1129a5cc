/**
 * The reporter of the capture and network layers in shards other than 0:
 * every shard reads every frame, and what those layers find is reported
 * once, by shard 0.
 * @module
 */
import { Reporter } from "../report.ts";

/** A {@link Reporter} that reports and counts nothing. */
export class MutedReporter extends Reporter {
  override anomaly(): void {}
  override limit(): void {}
}
