/** BoundedMap: its caps, including a cap of 0 (found by `deno task fuzz`). */
import * as assert from "node:assert/strict";
import { BoundedMap, SharedEntryCap } from "../../lib/state/bounded_map.ts";

Deno.test("BoundedMap evicts the oldest entries, a batch at a time, and says which", () => {
  const evicted: string[][] = [];
  const m = new BoundedMap<string, number>({
    max: 4,
    onEvict: (e) => evicted.push(e.map(([k]) => k)),
  });
  for (const k of ["a", "b", "c", "d", "e"]) m.set(k, 1);
  assert.deepEqual(evicted, [["a", "b"]]);
  assert.deepEqual([...m.keys()], ["c", "d", "e"]);
});

Deno.test("BoundedMap with a cap of 0 keeps nothing and reports each entry evicted", () => {
  const evicted: [string, number][][] = [];
  const m = new BoundedMap<string, number>({ max: 0, onEvict: (e) => evicted.push(e) });
  assert.equal(m.set("a", 1), false);
  assert.equal(m.set("b", 2), false);
  assert.equal(m.size, 0);
  assert.deepEqual(evicted, [[["a", 1]], [["b", 2]]]);
});

Deno.test("BoundedMap with a shared cap: when full, the map holding the most gives up its oldest; counts stay exact", () => {
  const shared = new SharedEntryCap(6);
  const told: string[] = [];
  const make = (name: string) =>
    new BoundedMap<string, number>({
      max: 100,
      shared,
      onEvict: (e, cause) => told.push(`${name} ${cause}: ${e.map(([k]) => k).join(",")}`),
    });
  const a = make("a"), b = make("b"), c = make("c");
  for (const k of ["a1", "a2", "a3", "a4"]) a.set(k, 1);
  b.set("b1", 1);
  b.set("b1", 2); // a replacement is not a new entry
  b.set("b2", 1);
  assert.equal(shared.held, 6);
  b.set("b3", 1); // full: a holds the most and gives up its older half
  assert.deepEqual(told, ["a shared: a1,a2"]);
  assert.deepEqual([...a.keys()], ["a3", "a4"]);
  assert.equal(shared.held, 5);
  c.set("c1", 1);
  c.set("c2", 1); // full again: b (3) holds the most; half of 3, rounded down, is one
  assert.deepEqual(told.at(-1), "b shared: b1");
  assert.deepEqual([...b.keys()], ["b2", "b3"]);
  assert.equal(shared.held, 6);
  assert.equal(shared.holders.size, 3);
  a.delete("a3");
  a.delete("a4");
  a.delete("nothing");
  assert.equal(shared.held, 4);
  assert.equal(shared.holders.size, 2); // a holds nothing now
  b.clear();
  assert.equal(shared.held, 2);
  assert.deepEqual([...shared.holders], [c]);
  // Own caps still come first, and are told apart.
  const d = new BoundedMap<string, number>({
    max: 1,
    shared,
    onEvict: (_, cause) => told.push(cause),
  });
  d.set("d1", 1);
  d.set("d2", 1);
  assert.equal(told.at(-1), "own");
  assert.equal(shared.held, 3);
  // An owner that deletes what it is told of is not counted twice.
  const e = new BoundedMap<string, number>({
    max: 2,
    shared,
    evictFraction: 1,
    onEvict: (evicted) => {
      for (const [k] of evicted) e.delete(k);
    },
  });
  e.set("e1", 1);
  e.set("e2", 1);
  e.set("e3", 1);
  assert.deepEqual([...e.keys()], ["e3"]);
  assert.equal(shared.held, 4);
});

Deno.test("BoundedMap with a shared cap of 0 keeps nothing", () => {
  const shared = new SharedEntryCap(0);
  const told: string[] = [];
  const m = new BoundedMap<string, number>({ max: 10, shared, onEvict: (_, c) => told.push(c) });
  assert.equal(m.set("a", 1), false);
  assert.deepEqual(told, ["shared"]);
  assert.equal(shared.held, 0);
});
