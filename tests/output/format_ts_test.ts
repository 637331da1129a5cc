/** Timestamps in text output: ISO 8601 UTC with microseconds, across second and day boundaries. */
import assert from "node:assert/strict";
import { formatTs } from "../../lib/output/text.ts";

Deno.test("formatTs: microseconds, the second cached across calls and changed when it must", () => {
  // `date -u -d @1700000000` prints 2023-11-14T22:13:20.
  assert.equal(formatTs(1700000000.123456), "2023-11-14T22:13:20.123456Z");
  assert.equal(formatTs(1700000000.999999), "2023-11-14T22:13:20.999999Z");
  assert.equal(formatTs(1700000001), "2023-11-14T22:13:21.000000Z");
  assert.equal(formatTs(1699999999.5), "2023-11-14T22:13:19.500000Z");
  assert.equal(formatTs(0), "1970-01-01T00:00:00.000000Z");
  assert.equal(formatTs(-0.25), "1969-12-31T23:59:59.750000Z");
  // Past year 9999 the cache is not used; nonsense times print as numbers.
  assert.equal(formatTs(253402300799.5), "9999-12-31T23:59:59.500000Z");
  assert.equal(formatTs(Infinity), "Infinity");
  assert.equal(formatTs(1e13), "10000000000000");
});
