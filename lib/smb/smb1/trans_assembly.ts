/**
 * Reassembly of SMB1 transactions that span several messages, [MS-CIFS]
 * 3.2.4.1.5 and 3.3.5.2.5: a primary TRANSACTION / TRANSACTION2 / NT_TRANSACT
 * request (or response) announces TotalParameterCount and TotalDataCount and
 * carries the first part; secondary requests (or further responses) carry
 * the rest at ParameterDisplacement / DataDisplacement. The caller keys each
 * transaction (for requests: MID + PID + UID + TID) and feeds every part;
 * the assembler keeps a copy of each part, within caps, and hands back both
 * blocks, assembled, once every byte has arrived. It holds what arrived, not
 * what a primary announced: an announced megabyte costs nothing until its
 * bytes come (it cost a megabyte per 100-byte primary before).
 * A transaction that fits in its primary message is returned at once as
 * views, without copying.
 * @module
 */
import { BoundedMap } from "../../state/bounded_map.ts";
import type { MessageBudget } from "../../state/message_budget.ts";
import type { Smb1Command } from "./types.ts";

/** One part of a transaction, as `transactionPart` takes it from a parsed command. */
export interface TransactionPart {
  totalParameterCount: number;
  totalDataCount: number;
  parameterDisplacement: number;
  dataDisplacement: number;
  /** The parameter bytes this message carries (a view). */
  parameters: Uint8Array;
  /** The data bytes this message carries (a view). */
  data: Uint8Array;
}

/** What went wrong while assembling; the analyzer turns each into an anomaly. */
export interface AssemblyProblem {
  kind: "malformed" | "limit";
  detail: string;
  /** For a `limit` of the decoder's options: its name (counted in `summary.limitsHit`). */
  option?: string;
}

/** The state of a transaction after a part was added. */
export type AssemblyResult =
  | { state: "partial"; problems: AssemblyProblem[] }
  | {
    state: "complete";
    /** All parameter bytes, in order. */
    parameters: Uint8Array;
    /** All data bytes, in order. */
    data: Uint8Array;
    problems: AssemblyProblem[];
  }
  /** The transaction is not (or no longer) being assembled; see `problems`. */
  | { state: "dropped"; problems: AssemblyProblem[] };

/** Caps of a TransactionAssembler. */
export interface AssemblerLimits {
  /** Transactions open at once; past it the oldest is dropped. @default {64} */
  maxOpen?: number;
  /** TotalParameterCount + TotalDataCount of one transaction; a larger one is not assembled. @default {1048576} */
  maxTransactionBytes?: number;
  /** Bytes buffered across all open transactions; past it the oldest are dropped. @default {8388608} */
  maxBufferedBytes?: number;
  /** Parts of one transaction; a transaction sent in more pieces is dropped. @default {4096} */
  maxParts?: number;
}

/** The defaults of AssemblerLimits. */
export const DEFAULT_ASSEMBLER_LIMITS: Required<AssemblerLimits> = {
  maxOpen: 64,
  maxTransactionBytes: 1 << 20,
  maxBufferedBytes: 8 << 20,
  maxParts: 4096,
};

/** One block (parameters or data) being filled. */
class Block {
  /** The parts received, copied, in the order they came (disjoint). */
  readonly parts: { at: number; bytes: Uint8Array }[] = [];
  /** Received [start, end) ranges, sorted and disjoint. */
  readonly ranges: [number, number][] = [];
  received = 0;
  constructor(public total: number) {}
  /** Whether [at, at + n) overlaps a range already received. */
  overlaps(at: number, n: number): boolean {
    // The ranges are sorted and disjoint: only the neighbours of where `at` falls can overlap.
    const i = this.#firstStartingAtOrAfter(at);
    const before = this.ranges[i - 1], after = this.ranges[i];
    return (before !== undefined && before[1] > at) || (after !== undefined && after[0] < at + n);
  }
  /** Index of the first range that starts at or after `at` (binary search; parts may number thousands). */
  #firstStartingAtOrAfter(at: number): number {
    const ranges = this.ranges;
    let lo = 0, hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranges[mid]![0] < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** Keep a copy of `bytes` (a view) at `at`. */
  put(at: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push({ at, bytes: bytes.slice() });
    this.received += bytes.length;
    const end = at + bytes.length;
    const i = this.#firstStartingAtOrAfter(at);
    this.ranges.splice(i, 0, [at, end]);
    // Merge with the neighbours it touches, so in-order parts keep one range.
    const next = this.ranges[i + 1];
    if (next && next[0] === end) {
      this.ranges[i]![1] = next[1];
      this.ranges.splice(i + 1, 1);
    }
    const prev = this.ranges[i - 1];
    if (prev && prev[1] === at) {
      prev[1] = this.ranges[i]![1];
      this.ranges.splice(i, 1);
    }
  }
  get done(): boolean {
    return this.received >= this.total;
  }

  /** Bytes `[0, total)`: each part in its place (cut at the total, which may have shrunk). */
  assemble(): Uint8Array {
    const only = this.parts.length === 1 ? this.parts[0]! : undefined;
    if (only !== undefined && only.at === 0 && only.bytes.length >= this.total) {
      return only.bytes.subarray(0, this.total);
    }
    const out = new Uint8Array(this.total);
    for (const { at, bytes } of this.parts) {
      if (at < this.total) out.set(bytes.subarray(0, this.total - at), at);
    }
    return out;
  }
}

interface Open {
  params: Block;
  data: Block;
  parts: number;
  /** The announced totals: what the per-connection cap counts. */
  bytes: number;
  /** Bytes of the parts kept, taken from the decode's budget. */
  held: number;
}

/**
 * Collects transactions by caller-given key and returns each one's
 * reassembled parameter and data blocks when complete.
 */
export class TransactionAssembler {
  readonly #limits: Required<AssemblerLimits>;
  /** Open transactions in the order they began, capped in number and buffered bytes. */
  readonly #open: BoundedMap<string, Open>;
  /** Problems of the insert under way (evictions are reported through it). */
  #problems: AssemblyProblem[] = [];

  /**
   * @param limits this connection's caps
   * @param budget the decode's allowance for bytes held in messages not yet
   *   complete, which the parts kept count against (none: only `limits`)
   */
  constructor(limits: AssemblerLimits = {}, readonly budget?: MessageBudget) {
    this.#limits = { ...DEFAULT_ASSEMBLER_LIMITS, ...limits };
    this.#open = new BoundedMap({
      max: this.#limits.maxOpen,
      evictFraction: 0, // one at a time: at most maxOpen (64 by default) entries
      maxWeight: this.#limits.maxBufferedBytes,
      weigh: (t) => t.bytes,
      onEvict: (evicted) => {
        for (const [oldest, t] of evicted) {
          this.budget?.give(t.held);
          this.#problems.push({
            kind: "limit",
            detail: `too many open transactions or buffered bytes: transaction ${oldest} dropped`,
          });
        }
      },
    });
  }

  /** Transactions awaiting parts. */
  get openCount(): number {
    return this.#open.size;
  }

  /** Bytes held in buffers of open transactions. */
  get bufferedBytes(): number {
    return this.#open.weight;
  }

  /** Forgets a transaction (e.g. its primary got an error response). */
  drop(key: string): void {
    const t = this.#open.get(key);
    if (t === undefined) return;
    this.budget?.give(t.held);
    this.#open.delete(key);
  }

  /** Forgets every open transaction (the connection ended). */
  clear(): void {
    for (const t of this.#open.values()) this.budget?.give(t.held);
    this.#open.clear();
  }

  /** Adds the primary part of a transaction (TRANSACTION, TRANSACTION2, NT_TRANSACT request or its first response). */
  primary(key: string, part: TransactionPart): AssemblyResult {
    const problems: AssemblyProblem[] = [];
    if (this.#open.has(key)) {
      problems.push({
        kind: "malformed",
        detail: `a new primary for open transaction ${key}: the unfinished one is dropped`,
      });
      this.drop(key);
    }
    const { totalParameterCount: tp, totalDataCount: td } = part;
    if (
      part.parameterDisplacement === 0 && part.dataDisplacement === 0 &&
      part.parameters.length === tp && part.data.length === td
    ) {
      return { state: "complete", parameters: part.parameters, data: part.data, problems };
    }
    const size = tp + td;
    if (size > this.#limits.maxTransactionBytes) {
      problems.push({
        kind: "limit",
        detail:
          `transaction ${key} announces ${size} bytes, over the ${this.#limits.maxTransactionBytes}-byte cap; not assembled`,
      });
      return { state: "dropped", problems };
    }
    const t: Open = { params: new Block(tp), data: new Block(td), parts: 0, bytes: size, held: 0 };
    this.#problems = problems;
    const kept = this.#open.set(key, t);
    this.#problems = [];
    if (!kept) {
      problems.push({
        kind: "limit",
        detail: `transaction ${key} needs ${size} bytes, over the buffer cap; not assembled`,
      });
      return { state: "dropped", problems };
    }
    return this.#add(key, t, part, problems);
  }

  /** Adds a further part: a _SECONDARY request, or a later response message. */
  secondary(key: string, part: TransactionPart): AssemblyResult {
    const t = this.#open.get(key);
    if (!t) {
      return {
        state: "dropped",
        problems: [{
          kind: "malformed",
          detail: `a secondary part for transaction ${key}, which is not open`,
        }],
      };
    }
    return this.#add(key, t, part, []);
  }

  #add(key: string, t: Open, part: TransactionPart, problems: AssemblyProblem[]): AssemblyResult {
    if (++t.parts > this.#limits.maxParts) {
      this.drop(key);
      problems.push({
        kind: "limit",
        detail: `transaction ${key} came in more than ${this.#limits.maxParts} parts; dropped`,
      });
      return { state: "dropped", problems };
    }
    // Totals may shrink in later parts ([MS-CIFS] 3.3.5.2.5); they may not grow.
    for (
      const [block, total, what] of [
        [t.params, part.totalParameterCount, "TotalParameterCount"],
        [t.data, part.totalDataCount, "TotalDataCount"],
      ] as const
    ) {
      if (total < block.total) block.total = total;
      else if (total > block.total) {
        problems.push({
          kind: "malformed",
          detail:
            `transaction ${key}: ${what} grew from ${block.total} to ${total}; the first value is kept`,
        });
      }
    }
    for (
      const [block, at, bytes, what] of [
        [t.params, part.parameterDisplacement, part.parameters, "parameters"],
        [t.data, part.dataDisplacement, part.data, "data"],
      ] as const
    ) {
      if (bytes.length === 0) continue;
      if (at + bytes.length > block.total) {
        problems.push({
          kind: "malformed",
          detail: `transaction ${key}: ${what} [${at}, ${
            at + bytes.length
          }) run past the total ${block.total}; part skipped`,
        });
      } else if (block.overlaps(at, bytes.length)) {
        problems.push({
          kind: "malformed",
          detail: `transaction ${key}: ${what} [${at}, ${
            at + bytes.length
          }) overlap bytes already received; part skipped`,
        });
      } else if (this.budget !== undefined && !this.budget.take(bytes.length)) {
        this.drop(key);
        problems.push({
          kind: "limit",
          detail: `transaction ${key}: maxTotalSmbMessageBytes (${this.budget.max}) is held by ` +
            `messages not yet complete; dropped`,
          option: "maxTotalSmbMessageBytes",
        });
        return { state: "dropped", problems };
      } else {
        t.held += bytes.length;
        block.put(at, bytes);
      }
    }
    if (t.params.done && t.data.done) {
      this.drop(key);
      return {
        state: "complete",
        parameters: t.params.assemble(),
        data: t.data.assemble(),
        problems,
      };
    }
    return { state: "partial", problems };
  }
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

/**
 * The part a parsed transaction command carries: its totals and
 * displacements from `cmd.fields` and views of its blocks in `msg` (cut to
 * what the message holds). Undefined for a command without transaction
 * framing (e.g. an interim response).
 */
export function transactionPart(msg: Uint8Array, cmd: Smb1Command): TransactionPart | undefined {
  const f = cmd.fields;
  if (typeof f.totalParameterCount !== "number" || typeof f.totalDataCount !== "number") {
    return undefined;
  }
  const view = (offset: number, count: number) => {
    const at = Math.min(offset, msg.length);
    return msg.subarray(at, Math.min(at + count, msg.length));
  };
  return {
    totalParameterCount: f.totalParameterCount,
    totalDataCount: f.totalDataCount,
    parameterDisplacement: num(f.parameterDisplacement),
    dataDisplacement: num(f.dataDisplacement),
    parameters: view(num(f.parameterOffset), num(f.parameterCount)),
    data: view(num(f.dataOffset), num(f.dataCount)),
  };
}
