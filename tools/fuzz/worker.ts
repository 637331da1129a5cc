/**
 * The fuzzer's worker: decodes the cases it is sent, one at a time, and
 * answers with what it saw and the process's resident memory afterwards. The
 * main thread watches the time; a worker that overruns is terminated.
 * @module
 */
import { type FuzzCase, runCase } from "./run.ts";

/** A case as sent to the worker. */
export interface WorkerRequest {
  id: number;
  case: FuzzCase;
}

/** The worker's answer. */
export interface WorkerAnswer {
  id: number;
  result: Awaited<ReturnType<typeof runCase>>;
  /** Resident set size of the process after the decode, bytes. */
  rss: number;
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(answer: WorkerAnswer): void;
};

scope.onmessage = async (e) => {
  const { id, case: c } = e.data;
  const result = await runCase(c);
  scope.postMessage({ id, result, rss: Deno.memoryUsage().rss });
};
