/** MinHeap: items come out smallest first whatever order they went in. */
import * as assert from "node:assert/strict";
import { MinHeap } from "../../lib/state/min_heap.ts";

Deno.test("min heap: 5 000 pseudo-random numbers, descending and ascending runs come out sorted", () => {
  let x = 12345;
  const random = Array.from({ length: 5000 }, () => (x = (x * 1103515245 + 12345) >>> 0) % 1000);
  const descending = Array.from({ length: 1000 }, (_, i) => 1000 - i);
  const ascending = Array.from({ length: 1000 }, (_, i) => i);
  for (const input of [random, descending, ascending]) {
    const heap = new MinHeap<number>((a, b) => a < b);
    for (const n of input) heap.add(n);
    assert.equal(heap.size, input.length);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.take()!);
    assert.deepEqual(out, [...input].sort((a, b) => a - b));
    assert.equal(heap.take(), undefined);
  }
});

Deno.test("min heap: peek leaves the smallest in place; a tie-break keeps equal keys in arrival order", () => {
  const heap = new MinHeap<{ key: number; seq: number }>((a, b) =>
    a.key < b.key || (a.key === b.key && a.seq < b.seq)
  );
  [5, 1, 5, 1, 3].forEach((key, seq) => heap.add({ key, seq }));
  assert.deepEqual(heap.peek(), { key: 1, seq: 1 });
  assert.equal(heap.size, 5);
  const out = [];
  while (heap.size > 0) out.push(heap.take()!.seq);
  assert.deepEqual(out, [1, 3, 4, 0, 2]);
  heap.add({ key: 0, seq: 9 });
  heap.clear();
  assert.equal(heap.size, 0);
});
