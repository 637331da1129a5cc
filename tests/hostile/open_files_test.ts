/**
 * Files opened by the thousand and never closed (tools/hostile/captures.ts
 * `openFileFlood`): the native digests of the CLI and the HTTP function keep
 * at most MAX_STAGES stage buffers of 64 KiB, however many files hash at once,
 * and give every one back by the end of the decode.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type FileEvent, type SummaryEvent } from "../../mod.ts";
import { MAX_STAGES, nativeDigester, stagesInUse } from "../../cli/native_hashes.ts";
import { openFileFlood } from "../../tools/hostile/captures.ts";

Deno.test("3 000 files left open with 100 bytes each: at most MAX_STAGES stages, all given back", () => {
  const flood = openFileFlood(3000);
  assert.ok(flood.files > MAX_STAGES);
  const d = new Decoder({ files: { hasher: nativeDigester } });
  const events: DecodeEvent[] = [];
  let most = 0;
  for (let at = 0; at < flood.pcap.length; at += 16_384) {
    events.push(...d.push(flood.pcap.subarray(at, at + 16_384)));
    most = Math.max(most, stagesInUse());
  }
  events.push(...d.end());
  assert.equal(most, MAX_STAGES);
  assert.equal(stagesInUse(), 0);
  const files = events.filter((e): e is FileEvent => e.type === "file");
  assert.equal(files.length, flood.files);
  assert.ok(files.every((f) => f.bytesWritten === flood.bytesEach && f.writes === 1));
  const summary = events.at(-1) as SummaryEvent;
  assert.equal(summary.smb.messages, flood.files);
});
