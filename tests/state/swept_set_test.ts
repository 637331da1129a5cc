/** SweptSet: members the owner forgot are swept out once the set has doubled. */
import * as assert from "node:assert/strict";
import { SweptSet } from "../../lib/state/swept_set.ts";

Deno.test("swept set: with an owner that keeps only the last 10, 100 000 additions hold at most 128", () => {
  let newest = 0;
  const set = new SweptSet<number>((n) => n > newest - 10);
  let most = 0;
  for (let n = 1; n <= 100_000; n++) {
    newest = n;
    set.add(n);
    most = Math.max(most, set.size);
  }
  assert.ok(most <= 128, `${most} held at once`);
  // Everything the owner still knows is there.
  for (let n = newest - 9; n <= newest; n++) assert.ok(set.has(n), `${n}`);
});

Deno.test("swept set: members the owner still knows are never dropped, and iterate in order", () => {
  const set = new SweptSet<number>(() => true);
  for (let n = 0; n < 1000; n++) set.add(n);
  set.add(5); // already there
  assert.equal(set.size, 1000);
  assert.deepEqual([...set].slice(0, 3), [0, 1, 2]);
  set.clear();
  assert.equal(set.size, 0);
});
