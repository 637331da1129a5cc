/** GrowingBytes: pieces appended in order, the front given back, the buffer let go. */
import * as assert from "node:assert/strict";
import { GrowingBytes } from "../../lib/bytes/growing_bytes.ts";

Deno.test("growing bytes: 10 000 one-byte pieces cost at most twice their bytes and read back in order", () => {
  const g = new GrowingBytes();
  const expected = new Uint8Array(10_000);
  for (let i = 0; i < expected.length; i++) {
    expected[i] = (i * 7) & 0xff;
    g.append(expected.subarray(i, i + 1));
    assert.ok(g.capacity <= Math.max(64, 2 * g.length), `${g.capacity} for ${g.length}`);
  }
  assert.equal(g.length, 10_000);
  assert.deepEqual(g.view(), expected);
});

Deno.test("growing bytes: consume keeps the rest at the front; consuming all lets the buffer go", () => {
  const g = new GrowingBytes();
  g.append(new Uint8Array([1, 2, 3, 4, 5]));
  g.append(new Uint8Array([6, 7]));
  g.consume(3);
  assert.deepEqual([...g.view()], [4, 5, 6, 7]);
  g.append(new Uint8Array([8]));
  assert.deepEqual([...g.view()], [4, 5, 6, 7, 8]);
  g.consume(5);
  assert.equal(g.length, 0);
  assert.equal(g.capacity, 0);
  g.append(new Uint8Array(100));
  assert.equal(g.capacity, 128);
  g.clear();
  assert.equal(g.capacity, 0);
  assert.deepEqual([...g.view()], []);
});
