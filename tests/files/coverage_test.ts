import * as assert from "node:assert/strict";
import { RangeSet } from "../../lib/files/coverage.ts";

Deno.test("RangeSet merges touching and overlapping ranges and counts overlap", () => {
  const r = new RangeSet(100);
  assert.equal(r.add(0, 10), 0);
  assert.equal(r.add(10, 20), 0); // touching: merged
  assert.equal(r.size, 1);
  assert.equal(r.add(30, 40), 0);
  assert.equal(r.add(35, 50), 5);
  assert.deepEqual(r.ranges(), [[0, 20], [30, 50]]);
  assert.equal(r.add(5, 35), 20); // bridges the hole: 15 + 5 seen before
  assert.deepEqual(r.ranges(), [[0, 50]]);
  assert.equal(r.covered, 50);
  assert.ok(r.covers(50));
  assert.ok(!r.covers(51));
});

Deno.test("RangeSet lists missing ranges exactly, clipped to the size", () => {
  const r = new RangeSet(100);
  r.add(100, 200);
  r.add(300, 1000);
  assert.deepEqual(r.missing(500, 10), { ranges: [[0, 100], [200, 300]], more: 0 });
  assert.deepEqual(r.missing(1200, 10).ranges, [[0, 100], [200, 300], [1000, 1200]]);
  assert.deepEqual(r.missing(1200, 2), { ranges: [[0, 100], [200, 300]], more: 1 });
  assert.equal(r.coveredBelow(500), 300);
  assert.deepEqual(new RangeSet(1).missing(0, 5), { ranges: [], more: 0 });
});

Deno.test("RangeSet out of order and backwards: same result as in order", () => {
  const a = new RangeSet(1000), b = new RangeSet(1000);
  const pieces: [number, number][] = [];
  for (let i = 0; i < 200; i++) pieces.push([i * 7, i * 7 + 7]);
  for (const [s, e] of pieces) a.add(s, e);
  for (const [s, e] of [...pieces].reverse()) b.add(s, e);
  assert.deepEqual(a.ranges(), [[0, 1400]]);
  assert.deepEqual(b.ranges(), [[0, 1400]]);
});

Deno.test("RangeSet stops at its cap (every other byte) and says so", () => {
  const r = new RangeSet(64);
  for (let i = 0; i < 1000; i++) r.add(i * 2, i * 2 + 1);
  assert.equal(r.size, 64);
  assert.equal(r.overflowed, true);
  assert.equal(r.covered, 64);
});
