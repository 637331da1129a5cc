/**
 * The CLI's MD5-on-a-thread digests give exactly node:crypto's digests of the
 * whole content, whatever the piece sizes, file sizes (both sides of the stage
 * and of the offload threshold), interleaving of files, and with more large
 * files open than the worker has slots.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { createHash } from "node:crypto";
import { ENGAGE_AFTER, LARGE_FILE, Md5Thread, SLOTS } from "../../cli/threaded_hashes.ts";
import { MAX_STAGES, NativeDigester, stagesInUse } from "../../cli/native_hashes.ts";

function content(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 2654435761 + seed * 40503 + (i >>> 11)) >>> 24;
  return b;
}

function expected(bytes: Uint8Array) {
  const hex = (alg: string) => createHash(alg).update(bytes).digest("hex");
  return { md5: hex("md5"), sha1: hex("sha1"), sha256: hex("sha256") };
}

/** Feeds `bytes` in pieces whose sizes cycle through `sizes`. */
function* pieces(bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at += n);
  }
}

/** Runs `fn` with an MD5 thread, closed afterwards (its worker would keep the test running). */
function withThread(engageAfter: number | undefined, fn: (thread: Md5Thread) => void): void {
  const thread = new Md5Thread(engageAfter);
  try {
    fn(thread);
  } finally {
    thread.close();
  }
}

Deno.test("threaded digests equal node:crypto's for sizes around the stage", () => {
  withThread(0, (thread) => {
    const sizes = [0, 1, 65_535, 65_536, 65_537, (2 << 20) - 1, 2 << 20, (2 << 20) + 1, 5_000_000];
    for (const size of sizes) {
      const bytes = content(size, size);
      for (const split of [[1448], [65_536], [70_001, 3, 1_048_576], [size || 1]]) {
        const d = thread.digester();
        for (const piece of pieces(bytes, split)) d.update(piece);
        assertEquals(d.digest(), expected(bytes), `size ${size}, pieces ${split}`);
      }
    }
  });
});

Deno.test("threaded digests: more large files open than slots", () => {
  withThread(0, (thread) => {
    const files = Array.from({ length: SLOTS + 20 }, (_, i) => content(200_000 + i * 17, i));
    const digesters = files.map(() => thread.digester());
    // Each file past its stage in turn, all left open: the last 20 find no slot.
    files.forEach((f, i) => digesters[i]!.update(f.subarray(0, 150_000)));
    // Files fed round-robin while every slot is kept.
    const more = Array.from({ length: 40 }, (_, i) => content(150_000, 1000 + i));
    const moreDigesters = more.map(() => thread.digester());
    for (let at = 0; at < 150_000; at += 50_000) {
      more.forEach((f, i) => moreDigesters[i]!.update(f.subarray(at, at + 50_000)));
    }
    files.forEach((f, i) => digesters[i]!.update(f.subarray(150_000)));
    // Digests asked in another order than the files were opened.
    for (const i of files.map((_, i) => i).reverse()) {
      assertEquals(digesters[i]!.digest(), expected(files[i]!), `file ${i}`);
    }
    more.forEach((f, i) => assertEquals(moreDigesters[i]!.digest(), expected(f), `more ${i}`));
  });
});

Deno.test("threaded digests: a view's bytes may change after update returns", () => {
  withThread(0, (thread) => {
    const bytes = content(3_000_000, 7);
    const d = thread.digester();
    const scratch = new Uint8Array(100_000);
    for (let at = 0; at < bytes.length; at += scratch.length) {
      const piece = bytes.subarray(at, at + scratch.length);
      scratch.set(piece);
      d.update(scratch.subarray(0, piece.length));
      scratch.fill(0xee); // the decoder reuses its buffers
    }
    assertEquals(d.digest(), expected(bytes));
  });
});

Deno.test("threaded digests: large files hash here until the allowance is used up", () => {
  assertEquals(ENGAGE_AFTER, 256 << 20); // the CLI's: captures under ~300 MB never start the worker
  withThread(8 << 20, (thread) => {
    const file = content(2 << 20, 3);
    for (let i = 0; i < 6; i++) {
      const d = thread.digester();
      for (const piece of pieces(file, [1_048_576])) d.update(piece);
      assertEquals(d.digest(), expected(file), `file ${i}`);
      // The first four use up the 8 MiB allowance; the worker takes the fifth on.
      assertEquals(thread.started, i >= 4, `worker after file ${i}`);
    }
  });
});

Deno.test("threaded digests: a discarded file frees its slot for the next", () => {
  withThread(0, (thread) => {
    const file = content(100_000, 11);
    for (let i = 0; i < SLOTS + 44; i++) {
      const d = thread.digester();
      d.update(file);
      d.discard?.();
    }
    assertEquals(thread.slotsInUse, 0);
    const d = thread.digester();
    d.update(file);
    assertEquals(thread.slotsInUse, 1); // past its stage: in the worker, not here
    assertEquals(d.digest(), expected(file));
    assertEquals(thread.slotsInUse, 0);
  });
});

Deno.test("threaded digests: a file whose open gave a large size goes to the worker at once", () => {
  // The CLI's allowance: small files alone never start the worker.
  withThread(undefined, (thread) => {
    const file = content(300_000, 5);
    const small = thread.digester({ size: file.length });
    small.update(file);
    assertEquals(thread.started, false);
    assertEquals(small.digest(), expected(file));
    const large = thread.digester({ size: LARGE_FILE });
    large.update(file); // the first 300 KB of a large file
    assertEquals([thread.started, thread.slotsInUse], [true, 1]);
    assertEquals(large.digest(), expected(file));
  });
});

Deno.test("threaded digests agree when every stage buffer is taken (pieces go on unstaged)", () => {
  const holders = Array.from({ length: MAX_STAGES }, () => new NativeDigester());
  for (const h of holders) h.update(new Uint8Array(1));
  assertEquals(stagesInUse() >= MAX_STAGES, true);
  for (const engageAfter of [0, undefined]) {
    withThread(engageAfter, (thread) => {
      for (const size of [0, 100, 70_000, 300_000]) {
        const bytes = content(size, 7);
        const d = thread.digester();
        for (const piece of pieces(bytes, [1448, 10])) d.update(piece);
        assertEquals(d.digest(), expected(bytes), `size ${size}, engageAfter ${engageAfter}`);
      }
    });
  }
  for (const h of holders) h.discard();
});
