/** BoundedMap: its caps, including a cap of 0 (found by `deno task fuzz`). */
import * as assert from "node:assert/strict";
import { BoundedMap } from "../../lib/state/bounded_map.ts";

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
