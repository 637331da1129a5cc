import * as assert from "node:assert/strict";
import { describeInput, isGzip, sniff } from "../../lib/capture/sniff.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);

Deno.test("isGzip recognises the gzip magic only", () => {
  assert.equal(isGzip(bytes(0x1f, 0x8b, 8)), true);
  assert.equal(isGzip(bytes(0x1f)), false);
  assert.equal(isGzip(bytes(0x1f, 0x8c)), false);
  assert.equal(isGzip(new Uint8Array()), false);
});

Deno.test("sniff tells the six pcap magics and pcapng apart from 4 bytes", () => {
  const cases: [number[], string][] = [
    [[0xd4, 0xc3, 0xb2, 0xa1], "pcap le us 16"],
    [[0xa1, 0xb2, 0xc3, 0xd4], "pcap be us 16"],
    [[0x4d, 0x3c, 0xb2, 0xa1], "pcap le ns 16"],
    [[0xa1, 0xb2, 0x3c, 0x4d], "pcap be ns 16"],
    [[0x34, 0xcd, 0xb2, 0xa1], "pcap le us 24"],
    [[0xa1, 0xb2, 0xcd, 0x34], "pcap be us 24"],
    [[0x0a, 0x0d, 0x0d, 0x0a], "pcapng"],
  ];
  for (const [magic, want] of cases) {
    const s = sniff(bytes(...magic), false)!;
    const got = s.format === "pcap"
      ? `pcap ${s.littleEndian ? "le" : "be"} ${s.nanoseconds ? "ns" : "us"} ${s.recordHeaderBytes}`
      : s.format;
    assert.equal(got, want);
  }
});

Deno.test("sniff waits for more bytes before calling input unknown", () => {
  assert.equal(sniff(bytes(0xd4, 0xc3), false), undefined);
  assert.equal(sniff(new TextEncoder().encode("<html>"), false), undefined);
  assert.equal(sniff(new TextEncoder().encode("<html>"), true)?.format, "unknown");
});

Deno.test("describeInput names compressed data, archives and other captures", () => {
  assert.match(describeInput(bytes(0x28, 0xb5, 0x2f, 0xfd, 0)), /^zstd-compressed/);
  assert.match(describeInput(bytes(0x42, 0x5a, 0x68, 0x39)), /^bzip2-compressed/);
  assert.match(
    describeInput(new TextEncoder().encode("snoop\0\0\0\0\0\0\x02")),
    /^Sun snoop capture/,
  );
  assert.match(
    describeInput(new TextEncoder().encode("\ufeff<?xml version='1.0'?>")),
    /^XML document/,
  );
  assert.match(describeInput(new TextEncoder().encode('{"error": "nope"}')), /^JSON or other text/);
});
