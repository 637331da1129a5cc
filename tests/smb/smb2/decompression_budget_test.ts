/**
 * DecompressionBudget: a connection's first 16 MiB and a capture's first
 * 16 MiB are free; past them each may produce `maxDecompressionRatio` bytes
 * per compressed byte consumed, and the capture `maxTotalDecompressedBytes` in
 * all. Refusals are `limit` anomalies (the first reported, all counted).
 */
import * as assert from "node:assert/strict";
import type { DecodeEvent } from "../../../lib/events.ts";
import { DEFAULT_LIMITS, type Limits } from "../../../lib/options.ts";
import { type ConnectionRef, Reporter } from "../../../lib/report.ts";
import {
  CAPTURE_ALLOWANCE,
  CONNECTION_ALLOWANCE,
  DecompressionBudget,
} from "../../../lib/smb/smb2/decompression_budget.ts";

const MIB = 1 << 20;

function budget(limits: Partial<Limits> = {}) {
  const out: DecodeEvent[] = [];
  const reporter = new Reporter(out, 1000);
  const b = new DecompressionBudget({ ...DEFAULT_LIMITS, ...limits }, reporter, true);
  return { b, out, reporter };
}

const conn = (id: number): ConnectionRef => ({
  id,
  client: { ip: "10.0.0.1", port: 40000 + id },
  server: { ip: "10.0.0.2", port: 445 },
});

Deno.test("DecompressionBudget allows a connection's first 16 MiB, then 32 bytes per byte consumed", () => {
  assert.equal(CONNECTION_ALLOWANCE, 16 * MIB);
  const { b, out, reporter } = budget();
  const gate = b.gate(conn(1), 7, 1.5);
  assert.equal(gate.grant(16 * MIB, 31), true);
  // 31 bytes consumed allow 32 × 31 = 992 bytes past the allowance.
  assert.equal(gate.grant(993, 0), false);
  assert.equal(gate.grant(992, 0), true);
  assert.equal(gate.grant(1, 0), false);
  // A refused message's bytes still count as consumed; one more byte allows 32 more.
  assert.equal(gate.grant(32, 1), true);
  assert.equal(b.produced, 16 * MIB + 1024);
  assert.deepEqual([...reporter.limitsHit], [["maxDecompressionRatio", 2]]);
  assert.equal(out.length, 1);
  const e = out[0]!;
  assert.ok(e.type === "anomaly");
  assert.deepEqual(
    [e.layer, e.kind, e.code, e.evidence.frames, e.evidence.ts, e.evidence.connection],
    ["smb2", "limit", "smb2_maxDecompressionRatio", [7], 1.5, 1],
  );
  assert.match(e.detail, /on this connection would pass 32 bytes per compressed byte/);
});

Deno.test("DecompressionBudget weighs the whole capture past its first 16 MiB", () => {
  assert.equal(CAPTURE_ALLOWANCE, 16 * MIB);
  const { b, reporter } = budget();
  // One connection uses its own allowance, which is the capture's too: a second one is refused.
  assert.equal(b.gate(conn(0), 1, 0).grant(16 * MIB, 24), true);
  assert.equal(b.gate(conn(1), 1, 0).grant(16 * MIB, 24), false);
  assert.deepEqual([...reporter.limitsHit], [["maxDecompressionRatio", 1]]);
  // 2 × 24 bytes consumed so far allow 1 536 bytes more across the capture.
  assert.equal(b.gate(conn(2), 1, 0).grant(1536 + 1, 0), false);
  assert.equal(b.gate(conn(2), 1, 0).grant(1536, 0), true);
});

Deno.test("DecompressionBudget stops at maxTotalDecompressedBytes whatever the ratio", () => {
  const { b, out, reporter } = budget({ maxTotalDecompressedBytes: 10 * MIB });
  assert.equal(b.gate(conn(1), 1, 0).grant(6 * MIB, 6 * MIB), true);
  assert.equal(b.gate(conn(2), 1, 0).grant(5 * MIB, 5 * MIB), false);
  assert.equal(b.gate(conn(2), 1, 0).grant(4 * MIB, 4 * MIB), true);
  assert.deepEqual([...reporter.limitsHit], [["maxTotalDecompressedBytes", 1]]);
  assert.ok(out[0]?.type === "anomaly" && out[0].code === "smb2_maxTotalDecompressedBytes");
});

Deno.test("DecompressionBudget passes on whether anyone wants bulk data", () => {
  const reporter = new Reporter([], 1);
  assert.equal(
    new DecompressionBudget(DEFAULT_LIMITS, reporter, false).gate(conn(1), 1, 0).wantsBulk,
    false,
  );
  assert.equal(
    new DecompressionBudget(DEFAULT_LIMITS, reporter, true).gate(conn(1), 1, 0).wantsBulk,
    true,
  );
});
