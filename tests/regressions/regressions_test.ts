/**
 * Every input `deno task fuzz` saved here (a `.json` note beside its capture:
 * what was found, the decoder options, how the bytes were pushed) replayed
 * the way the fuzzer decoded it: it must decode without a throw and without a
 * `bug` anomaly. Each is decoded in a worker, so that one that hangs again
 * fails after 120 s instead of stopping the suite (not a timing assertion:
 * the inputs decode in well under a second).
 */
import * as assert from "node:assert/strict";
import type { FuzzCase } from "../../tools/fuzz/run.ts";
import type { WorkerAnswer } from "../../tools/fuzz/worker.ts";

const here = new URL("./", import.meta.url);
const notes = [...Deno.readDirSync(here)]
  .filter((e) => e.isFile && e.name.endsWith(".json"))
  .map((e) => e.name)
  .sort();

/** Decodes `c` in a fresh worker; undefined when it has not answered in `ms`. */
function replay(c: FuzzCase, ms: number): Promise<WorkerAnswer | undefined> {
  const worker = new Worker(new URL("../../tools/fuzz/worker.ts", import.meta.url), {
    type: "module",
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.terminate();
      resolve(undefined);
    }, ms);
    worker.onmessage = (e: MessageEvent<WorkerAnswer>) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(e.data);
    };
    worker.postMessage({ id: 1, case: c });
  });
}

for (const name of notes) {
  const note = JSON.parse(Deno.readTextFileSync(new URL(name, here)));
  const first = String(note.detail).split("\n")[0];
  Deno.test(`regression ${name.replace(/\.json$/, "")} (${note.kind}: ${first}) decodes cleanly`, async () => {
    const c: FuzzCase = {
      bytes: Deno.readFileSync(new URL(note.input, here)),
      chunking: note.chunking,
      chunkSeed: note.chunkSeed,
      options: note.options,
      gzip: note.gzip,
      outputs: note.outputs,
    };
    const answer = await replay(c, 120_000);
    assert.ok(answer !== undefined, "no answer within 120 s");
    assert.equal(answer.result.threw, undefined);
    assert.deepEqual(answer.result.bugs, []);
    assert.ok(answer.result.types.includes("summary"));
  });
}
