/** The reader's output does not depend on how the input was cut into chunks. */
import * as assert from "node:assert/strict";
import { fixture, fixtureNames, readInChunks } from "./_helpers.ts";
import { DEFAULT_LIMITS } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";
import { CaptureReader } from "../../lib/capture/reader.ts";

for (const { capture } of fixtureNames()) {
  Deno.test(`CaptureReader gives the same frames for ${capture} whatever the chunk size`, () => {
    const input = fixture(capture);
    const whole = readInChunks(input);
    assert.ok(whole.frames.length > 0);
    for (const size of [1, 3, 7, 64, 1500]) {
      const cut = readInChunks(input, size);
      assert.deepEqual(cut.frames, whole.frames, `chunks of ${size}`);
      assert.deepEqual(cut.events, whole.events, `chunks of ${size}`);
      assert.equal(cut.reader.bytes, input.length);
    }
  });
}

Deno.test("CaptureReader hands over zero-copy views of the pushed chunk when a record fits", () => {
  for (const name of ["lo_usec_le.pcap", "lo_nsec_ng.pcapng"]) {
    const input = fixture(name);
    const views: boolean[] = [];
    const reader = new CaptureReader(
      (f) => views.push(f.bytes.buffer === input.buffer),
      new Reporter([], 10),
      DEFAULT_LIMITS,
    );
    reader.push(input);
    reader.end();
    assert.ok(views.length > 0 && views.every(Boolean), name);
  }
});

Deno.test("CaptureReader copies only records that straddle chunks", () => {
  const input = fixture("lo_usec_le.pcap");
  const half = input.length >> 1;
  const chunks = [input.slice(0, half), input.slice(half)];
  const owners: number[] = [];
  const reader = new CaptureReader(
    (f) => owners.push(chunks.findIndex((c) => c.buffer === f.bytes.buffer)),
    new Reporter([], 10),
    DEFAULT_LIMITS,
  );
  for (const c of chunks) reader.push(c);
  reader.end();
  // Frames before the cut view chunk 0, after it chunk 1; at most one (the
  // straddling record) is a copy, owned by neither.
  assert.ok(owners.filter((o) => o === -1).length <= 1);
  assert.ok(owners.includes(0) && owners.includes(1));
  assert.deepEqual(owners.filter((o) => o !== -1), [...owners.filter((o) => o !== -1)].sort());
});
