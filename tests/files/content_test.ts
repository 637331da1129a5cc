import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ContentBudget, FileContent, HELD_PIECE_COST } from "../../lib/files/content.ts";

function bytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

// node:crypto is only the test's independent reference; the library uses @noble/hashes.
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const sha1 = (b: Uint8Array) => createHash("sha1").update(b).digest("hex");
const budget = () => new ContentBudget(1 << 20, 4 << 20, 10_000);

Deno.test("content in order: digests equal node:crypto's", () => {
  const data = bytes(200_000);
  const c = new FileContent(budget(), true, true, 100);
  for (let at = 0; at < data.length; at += 65536) c.add(at, data.subarray(at, at + 65536));
  assert.deepEqual(c.finish(data.length), {
    md5: md5(data),
    sha1: sha1(data),
    sha256: sha256(data),
  });
});

Deno.test("content out of order within the buffer: held, then hashed in order, buffer freed", () => {
  const data = bytes(100_000, 7);
  const b = budget();
  const c = new FileContent(b, true, true, 100);
  const order = [3, 1, 4, 0, 2];
  for (const i of order) c.add(i * 20_000, data.subarray(i * 20_000, (i + 1) * 20_000));
  assert.equal(b.heldBytes, 0);
  assert.equal(c.finish(data.length)?.sha256, sha256(data));
});

Deno.test("content past the per-file buffer: hashing stops and says why; coverage goes on", () => {
  const data = bytes(3 << 20, 3);
  const b = new ContentBudget(1 << 20, 4 << 20, 10_000);
  const c = new FileContent(b, true, true, 100);
  // Everything but the first 64 KiB, then the first 64 KiB.
  for (let at = 65536; at < data.length; at += 65536) c.add(at, data.subarray(at, at + 65536));
  c.add(0, data.subarray(0, 65536));
  assert.equal(c.coverage.covers(data.length), true);
  assert.equal(c.finish(data.length), undefined);
  assert.match(c.hashStopped!, /more than 1048576 bytes arrived ahead of a hole at offset 0/);
  assert.equal(b.heldBytes, 0);
});

Deno.test("content: a resent piece is a duplicate, a rewritten one a conflict (no digests)", () => {
  const data = bytes(30_000, 5);
  const c = new FileContent(budget(), true, true, 100);
  c.add(0, data.subarray(0, 10_000));
  c.add(0, data.subarray(0, 10_000));
  assert.deepEqual(c.overlaps, { duplicateBytes: 10_000, conflictingBytes: 0, unverifiedBytes: 0 });
  c.add(10_000, data.subarray(10_000, 30_000));
  assert.equal(c.finish(30_000)?.sha256, sha256(data));

  const d = new FileContent(budget(), true, true, 100);
  d.add(0, data.subarray(0, 2_000));
  d.add(2_000, data.subarray(2_000, 3_000));
  d.add(2_000, bytes(1_000, 99));
  assert.equal(d.overlaps.conflictingBytes, 1_000);
  assert.deepEqual(d.conflicts, [[2_000, 3_000]]);
  assert.equal(d.finish(3_000), undefined);
  assert.equal(d.hashStopped, "bytes already hashed were rewritten");
});

Deno.test("content: read then rewritten whole from offset 0: digests of what the file became", () => {
  const before = bytes(6_000, 5), after = bytes(6_000, 6);
  const c = new FileContent(budget(), true, true, 100);
  c.add(0, before.subarray(0, 4_000));
  c.add(4_000, before.subarray(4_000));
  c.add(0, after); // the same range rewritten (read-modify-write)
  assert.equal(c.overlaps.conflictingBytes, 6_000);
  assert.deepEqual(c.conflicts, [[0, 6_000]]);
  assert.equal(c.finish(6_000)?.sha256, sha256(after));
});

Deno.test("content: a partial overlap of hashed bytes cannot be compared (unverified)", () => {
  const data = bytes(20_000, 2);
  const c = new FileContent(budget(), true, true, 100);
  c.add(0, data.subarray(0, 20_000));
  c.add(5_000, data.subarray(5_000, 6_000));
  assert.deepEqual(c.overlaps, { duplicateBytes: 0, conflictingBytes: 0, unverifiedBytes: 1_000 });
  assert.equal(c.finish(20_000)?.sha256, sha256(data));
});

Deno.test("content: held bytes are compared exactly", () => {
  const data = bytes(20_000, 4);
  const c = new FileContent(budget(), true, true, 100);
  c.add(10_000, data.subarray(10_000, 20_000)); // held: 0..10000 missing
  const altered = data.slice(12_000, 13_000);
  altered[500] = altered[500]! ^ 1;
  c.add(12_000, altered);
  assert.equal(c.overlaps.conflictingBytes, 1_000);
  c.add(0, data.subarray(0, 10_000));
  assert.equal(c.finish(20_000), undefined);
  assert.equal(c.hashStopped, "bytes seen twice came back different");
});

Deno.test("content: size unknown or not reached gives no digests, with the reason", () => {
  const c = new FileContent(budget(), true, true, 100);
  c.add(0, bytes(100));
  assert.equal(c.finish(undefined), undefined);
  assert.equal(c.hashStopped, "the file's size is unknown");
  const d = new FileContent(budget(), true, true, 100);
  d.add(0, bytes(100));
  assert.equal(d.finish(200), undefined);
  assert.equal(d.hashStopped, "bytes from offset 100 were not seen");
});

Deno.test("content: one-byte pieces in descending order are held sorted, charged per piece, and hash right", () => {
  const data = bytes(3000, 5);
  const b = new ContentBudget(1 << 20, 4 << 20, 10_000);
  const c = new FileContent(b, true, false, 10_000);
  for (let at = data.length - 1; at >= 1; at--) c.add(at, data.subarray(at, at + 1));
  assert.equal(b.heldBytes, (data.length - 1) * (1 + HELD_PIECE_COST));
  c.add(0, data.subarray(0, 1));
  assert.equal(b.heldBytes, 0);
  assert.equal(c.finish(data.length)?.sha256, sha256(data));
});

Deno.test("content: the per-file buffer counts pieces, not only bytes: a one-byte flood stops hashing", () => {
  const b = new ContentBudget(100 * (1 + HELD_PIECE_COST), 1 << 20, 10_000);
  const c = new FileContent(b, true, false, 10_000);
  for (let at = 1000; at >= 1; at--) c.add(at, new Uint8Array([at & 0xff]));
  assert.match(c.hashStopped!, /more than 25700 bytes arrived ahead of a hole at offset 0/);
  assert.equal(b.heldBytes, 0);
});

Deno.test("content: the decode-wide buffer is shared and released", () => {
  const b = new ContentBudget(1 << 20, 1 << 20, 10_000);
  const one = new FileContent(b, true, true, 100), two = new FileContent(b, true, true, 100);
  one.add(100, bytes(700_000));
  // A held piece is charged its bytes and the cost of the objects that hold it.
  assert.equal(b.heldBytes, 700_000 + HELD_PIECE_COST);
  two.add(100, bytes(700_000));
  assert.match(two.hashStopped!, /decode-wide buffer .* is full/);
  one.finish(700_100);
  assert.equal(b.heldBytes, 0);
  assert.equal(b.fingerprints, 1);
  two.finish(700_100);
  assert.equal(b.fingerprints, 0);
});

Deno.test("content at offsets past 2^53 is not followed, and neither comparing nor holding it hangs", () => {
  // A WRITE whose 64-bit Offset is near 2^64 (found by deno task fuzz): offset + length == offset
  // in doubles, so walks over its pieces never ended.
  const c = new FileContent(budget(), true, true, 100);
  const huge = 2 ** 64 - 2 ** 12;
  c.add(0, bytes(10));
  c.add(huge, bytes(1448));
  c.add(huge, bytes(1448, 3)); // the same place again: compared before, never ends
  c.add(huge + 1448, bytes(1448));
  assert.match(c.hashStopped ?? "", /past 2\^53 bytes/);
  assert.equal(c.coverage.covered, 10);
});

Deno.test("content: a digester whose digests will not be asked for is discarded, once", () => {
  const log: string[] = [];
  let made = 0;
  const factory = () => {
    const id = ++made;
    return {
      update: () => {},
      digest: () => {
        log.push(`digest ${id}`);
        return { md5: "", sha1: "", sha256: "" };
      },
      discard: () => log.push(`discard ${id}`),
    };
  };
  const data = bytes(6_000, 5), other = bytes(6_000, 6);
  // Digested: never discarded.
  const done = new FileContent(budget(), true, true, 100, factory);
  done.add(0, data);
  done.finish(6_000);
  // Read-modify-write from offset 0: the first digester is replaced.
  const rewritten = new FileContent(budget(), true, true, 100, factory);
  rewritten.add(0, data);
  rewritten.add(0, other);
  rewritten.finish(6_000);
  // Hashing stops (bytes already hashed rewritten elsewhere than from 0).
  const stopped = new FileContent(budget(), true, true, 100, factory);
  stopped.add(0, data.subarray(0, 2_000));
  stopped.add(2_000, data.subarray(2_000, 3_000));
  stopped.add(2_000, other.subarray(0, 1_000));
  assert.equal(stopped.hashStopped, "bytes already hashed were rewritten");
  stopped.finish(3_000);
  // Ends short of its size.
  const short = new FileContent(budget(), true, true, 100, factory);
  short.add(0, data.subarray(0, 3_000));
  short.finish(6_000);
  assert.deepEqual(log, ["digest 1", "discard 2", "digest 3", "discard 4", "discard 5"]);
});

Deno.test("content: the size hint reaches every digester, the one after a rewrite too", () => {
  const hints: (number | undefined)[] = [];
  const factory = (hint?: { size?: number | undefined }) => {
    hints.push(hint?.size);
    return { update: () => {}, digest: () => ({ md5: "", sha1: "", sha256: "" }) };
  };
  const c = new FileContent(budget(), true, true, 100, factory, 6_000);
  c.add(0, bytes(6_000, 5));
  c.add(0, bytes(6_000, 6)); // read-modify-write from offset 0: a new digester
  assert.deepEqual(hints, [6_000, 6_000]);
});

Deno.test("content: digesters are made at a file's first bytes, and at most maxHashing at once", () => {
  const limits: string[] = [];
  const b = new ContentBudget(1 << 20, 1 << 20, 10_000, (cap) => limits.push(cap), 2);
  // Opens without content cost no digester.
  const idle = Array.from({ length: 10 }, () => new FileContent(b, true, false, 100));
  assert.equal(b.hashing, 0);
  const [one, two, three] = [0, 1, 2].map(() => new FileContent(b, true, false, 100));
  const data = bytes(1000, 3);
  one!.add(0, data);
  two!.add(0, data);
  assert.equal(b.hashing, 2);
  three!.add(0, data);
  assert.equal(three!.hashStopped, "more than 2 files were being hashed at once");
  assert.deepEqual(limits, ["maxHashingFiles"]);
  assert.equal(b.hashing, 2);
  // A file digested gives its place back; an empty file is digested without taking one.
  assert.equal(one!.finish(1000)?.sha256, sha256(data));
  assert.equal(b.hashing, 1);
  assert.equal(idle[0]!.finish(0)?.sha256, sha256(new Uint8Array(0)));
  const four = new FileContent(b, true, false, 100);
  four.add(0, data);
  assert.equal(four.finish(1000)?.md5, md5(data));
  two!.finish(undefined); // size unknown: not digested, its digester dropped
  assert.equal(b.hashing, 0);
});
