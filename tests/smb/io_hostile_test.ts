/**
 * The consumer paths under hostile input: corrupted and cut real captures
 * decoded with a consumer that wants every byte never make the decoder throw
 * or report a bug, and every data fact is self-consistent (its bytes lie
 * within the length its message declared, at a non-negative offset).
 */
import * as assert from "node:assert/strict";
import { Decoder } from "../../lib/decoder.ts";
import type { DecodeEvent } from "../../lib/events.ts";
import type { SmbIoFact } from "../../lib/smb/io.ts";

const fixture = (name: string) =>
  Deno.readFileSync(new URL(`../../fixtures/smb/${name}`, import.meta.url));

function random(seed: number) {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

function decodeWithConsumer(bytes: Uint8Array, chunk: number): {
  events: DecodeEvent[];
  facts: number;
} {
  let facts = 0;
  const check = (f: SmbIoFact) => {
    facts++;
    if (f.kind === "read" || f.kind === "write") {
      assert.ok(f.offset >= 0 && Number.isFinite(f.offset), `offset ${f.offset}`);
      assert.ok(
        f.at >= 0 && f.at + f.data.length <= f.total,
        `${f.at}+${f.data.length}/${f.total}`,
      );
      assert.ok(f.data.length > 0);
    }
    assert.ok(f.file.id > 0);
  };
  const d = new Decoder({
    consumers: [{ wantsFileData: true, wantsPipeData: true, io: check }],
    maxSmbStateEntries: 64,
    maxSmbSessions: 8,
  });
  const events: DecodeEvent[] = [];
  for (let at = 0; at < bytes.length; at += chunk) {
    events.push(...d.push(bytes.subarray(at, at + chunk)));
  }
  events.push(...d.end());
  return { events, facts };
}

Deno.test("io facts survive random corruption of real captures", () => {
  const rand = random(7);
  for (const name of ["smb3_bulk.pcap", "smb1_session.pcap", "smb2_10.pcap", "smb3_11.pcap"]) {
    const original = fixture(name);
    let facts = 0;
    for (let round = 0; round < 25; round++) {
      const bytes = original.slice();
      const flips = 1 + Math.floor(rand() * 60);
      for (let i = 0; i < flips; i++) {
        bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      }
      const run = decodeWithConsumer(bytes, 1 + Math.floor(rand() * 3000));
      assert.equal(run.events.at(-1)?.type, "summary");
      const bugs = run.events.filter((e) => e.type === "anomaly" && e.kind === "bug");
      assert.deepEqual(bugs, [], `${name} round ${round}`);
      facts += run.facts;
    }
    assert.ok(facts > 0, `${name}: some facts survived`);
  }
});

Deno.test("io facts survive a capture cut at every 311th byte", () => {
  const bytes = fixture("smb1_session.pcap");
  for (let cut = 0; cut < bytes.length; cut += 311) {
    const run = decodeWithConsumer(bytes.subarray(0, cut), 1500);
    assert.equal(run.events.at(-1)?.type, "summary");
  }
});
