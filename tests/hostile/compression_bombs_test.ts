/**
 * SMB2 compression bombs (issue 16, finding 1), end to end on the fixtures
 * fixtures/hostile/make_bombs.ts made (their contents in bombs.json, from the
 * script; tshark 4.0 counts the same 320 and 2 000 compression transforms and
 * the same ECHO frames). A 35-byte message claiming 16 MiB is decompressed
 * only while the budget allows it: one `limit` anomaly, every refusal counted,
 * and every other message still decoded.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type DecoderOptions, type SummaryEvent } from "../../mod.ts";

const fixture = (name: string) =>
  Deno.readFileSync(new URL(`../../fixtures/hostile/${name}`, import.meta.url));
const bombs = JSON.parse(
  Deno.readTextFileSync(new URL("../../fixtures/hostile/bombs.json", import.meta.url)),
);

function decode(name: string, options: DecoderOptions = {}) {
  const d = new Decoder(options);
  const bytes = fixture(name);
  const events: DecodeEvent[] = [];
  for (let at = 0; at < bytes.length; at += 4093) {
    events.push(...d.push(bytes.subarray(at, at + 4093)));
  }
  events.push(...d.end());
  const summary = events.at(-1) as SummaryEvent;
  const smb = events.filter((e) => e.type === "smb");
  const limits = events.filter((e) => e.type === "anomaly" && e.kind === "limit");
  assert.deepEqual(events.filter((e) => e.type === "anomaly" && e.kind === "bug"), []);
  return { events, summary, smb, limits };
}

const MIB = 1 << 20;

Deno.test("compression_lz77_bomb.pcap: one message decompressed on the connection's allowance, the other 319 refused, the ECHOs decoded", () => {
  const b = bombs["compression_lz77_bomb.pcap"];
  // Its 300 × 31 + 20 × 143 compressed bytes allow 32 × 12 160 bytes past the connection's
  // first 16 MiB: far from a second 16 MiB message.
  assert.equal(b.lz77 * b.lz77Bytes + b.writes * b.writeBytes, 12_160);
  const { summary, smb, limits } = decode("compression_lz77_bomb.pcap");
  assert.deepEqual(summary.limitsHit, [{
    limit: "maxDecompressionRatio",
    count: b.lz77 + b.writes - 1,
  }]);
  assert.equal(limits.length, 1);
  assert.ok(limits[0]!.type === "anomaly" && limits[0]!.code === "smb2_maxDecompressionRatio");
  // The one decompressed: 16 MiB of 0xfe, which is no SMB2 message.
  assert.equal(summary.anomalyCounts["smb2.malformed"], 1);
  assert.deepEqual(
    smb.map((e) => [e.command, e.response, e.evidence.frames[0]]),
    [["ECHO", false, 4], ["ECHO", true, 5], ["ECHO", false, 34], ["ECHO", true, 35]],
  );
  assert.deepEqual(b.echoFrames, [4, 5, 34, 35]);
});

Deno.test("compression_lz77_bomb.pcap: maxTotalDecompressedBytes stops what a lifted ratio lets through", () => {
  const b = bombs["compression_lz77_bomb.pcap"];
  const { summary, smb } = decode("compression_lz77_bomb.pcap", {
    maxDecompressionRatio: 1e12,
    maxTotalDecompressedBytes: 64 * MIB,
  });
  // Four messages of 16 MiB fit in 64 MiB.
  assert.deepEqual(summary.limitsHit, [{
    limit: "maxTotalDecompressedBytes",
    count: b.lz77 + b.writes - 4,
  }]);
  assert.equal(smb.length, 4);
});

Deno.test("compression_lz77_bomb.pcap: with nobody wanting file data, the WRITE bombs cost their headers only and are all decoded", () => {
  const b = bombs["compression_lz77_bomb.pcap"];
  const { summary, smb } = decode("compression_lz77_bomb.pcap", {
    fileEvents: false,
    decodeDcerpc: false,
  });
  // The LZ77 bombs are no READ/WRITE: the first is decompressed, the rest refused as before.
  assert.deepEqual(summary.limitsHit, [{ limit: "maxDecompressionRatio", count: b.lz77 - 1 }]);
  const writes = smb.filter((e) => e.command === "WRITE");
  assert.equal(writes.length, b.writes);
  for (const w of writes) assert.equal(w.fields.dataLength, b.size - 112);
  assert.equal(summary.anomalyCounts["smb2.truncated"], undefined);
});

Deno.test("compression_pattern_bomb.pcap: 2 000 messages spread over 100 connections stop at the capture's budget", () => {
  const b = bombs["compression_pattern_bomb.pcap"];
  const { summary, smb, limits } = decode("compression_pattern_bomb.pcap");
  // The first connection's first message fits the allowance (16 MiB, per connection and per
  // capture); 2 000 × 24 bytes consumed allow only 32 × 48 000 bytes more.
  assert.equal(b.connections * b.perConnection * b.bytes, 48_000);
  assert.deepEqual(summary.limitsHit, [{
    limit: "maxDecompressionRatio",
    count: b.connections * b.perConnection - 1,
  }]);
  assert.equal(limits.length, 1);
  assert.ok(limits[0]!.type === "anomaly" && limits[0]!.code === "smb2_maxDecompressionRatio");
  assert.equal(summary.anomalyCounts["smb2.malformed"], 1);
  assert.deepEqual(smb.map((e) => e.evidence.frames[0]), b.echoFrames);
  assert.ok(smb.every((e) => e.command === "ECHO"));
});
