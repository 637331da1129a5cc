import * as assert from "node:assert/strict";
import type { Frame } from "../../lib/capture/frame.ts";
import { newDirectionStats } from "../../lib/flow/connection.ts";
import { type HalfSink, TcpHalf } from "../../lib/flow/tcp_half.ts";
import { concat } from "../_support/bytes.ts";

interface Recorded {
  half: TcpHalf;
  bytes: () => Uint8Array;
  gaps: { length: number; seq: number }[];
}

function frame(index: number): Frame {
  return { index, ts: index, linktype: 1, interfaceId: 0, origlen: 0, bytes: new Uint8Array(0) };
}

function recorder(maxBuffered = 1 << 20, globalCap = Infinity): Recorded {
  const chunks: Uint8Array[] = [];
  const gaps: { length: number; seq: number }[] = [];
  let buffered = 0;
  let capsReached = 0;
  const sink: HalfSink = {
    deliver: (b) => chunks.push(b.slice()),
    gap: (length, seq) => {
      gaps.push({ length, seq });
      chunks.push(new Uint8Array(length).fill(0x3f)); // "?" marks a hole
    },
    reserve: (n) => {
      if (buffered + n > globalCap) return "global";
      buffered += n;
      return undefined;
    },
    release: (n) => {
      buffered -= n;
    },
    capReached: () => {
      capsReached++;
    },
  };
  const half = new TcpHalf(newDirectionStats(), sink, maxBuffered);
  const bytes = () => concat(...chunks);
  return { half, bytes, gaps };
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("TcpHalf delivers in-order segments after a SYN", () => {
  const r = recorder();
  r.half.segment(1000, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(1001, false, false, enc("hello "), 6, frame(2));
  r.half.segment(1007, false, false, enc("world"), 5, frame(3));
  assert.equal(text(r.bytes()), "hello world");
  assert.equal(r.half.stats.streamBytes, 11);
  assert.equal(r.half.stats.gaps, 0);
});

Deno.test("TcpHalf reorders out-of-order segments", () => {
  const r = recorder();
  r.half.segment(0, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(7, false, false, enc("CCC"), 3, frame(2));
  r.half.segment(4, false, false, enc("BBB"), 3, frame(3));
  assert.equal(text(r.bytes()), "");
  assert.equal(r.half.bufferedBytes, 6);
  r.half.segment(1, false, false, enc("AAA"), 3, frame(4));
  assert.equal(text(r.bytes()), "AAABBBCCC");
  assert.equal(r.half.bufferedBytes, 0);
});

Deno.test("TcpHalf delivers each byte once across retransmissions and overlaps", () => {
  const r = recorder();
  r.half.segment(0, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(1, false, false, enc("abcdef"), 6, frame(2));
  r.half.segment(1, false, false, enc("abcdef"), 6, frame(3)); // full retransmission
  r.half.segment(4, false, false, enc("defghi"), 6, frame(4)); // overlap with new tail
  assert.equal(text(r.bytes()), "abcdefghi");
  assert.equal(r.half.stats.retransmittedBytes, 9);
  assert.equal(r.half.stats.streamBytes, 9);
});

Deno.test("TcpHalf follows sequence numbers across the 2^32 wrap", () => {
  const r = recorder();
  const isn = 0xffff_fffa;
  r.half.segment(isn, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(0xffff_fffb, false, false, enc("0123456789"), 10, frame(2)); // wraps inside
  r.half.segment(0x0000_0009, false, false, enc("XYZ"), 3, frame(4)); // ahead, after the wrap
  r.half.segment(0x0000_0005, false, false, enc("abcd"), 4, frame(3));
  assert.equal(text(r.bytes()), "0123456789abcdXYZ");
});

Deno.test("TcpHalf picks up a stream mid-way at the first segment seen", () => {
  const r = recorder();
  r.half.segment(123456, false, false, enc("middle"), 6, frame(1));
  r.half.segment(123462, false, false, enc("-end"), 4, frame(2));
  assert.equal(text(r.bytes()), "middle-end");
});

Deno.test("TcpHalf declares a gap when the peer acknowledges data the capture lost", () => {
  const r = recorder();
  r.half.segment(0, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(1, false, false, enc("aaaa"), 4, frame(2));
  // bytes 5..8 lost; 9..12 arrive and wait
  r.half.segment(9, false, false, enc("cccc"), 4, frame(3));
  r.half.acknowledged(13);
  assert.equal(text(r.bytes()), "aaaa");
  // the next segment does not fill the hole: the ACK proved it was lost
  r.half.segment(13, false, false, enc("dddd"), 4, frame(5));
  assert.deepEqual(r.gaps, [{ length: 4, seq: 5 }]);
  assert.equal(text(r.bytes()), "aaaa????ccccdddd");
  assert.equal(r.half.stats.gapBytes, 4);
  // a late copy of the lost bytes is a retransmission, not new data
  r.half.segment(5, false, false, enc("bbbb"), 4, frame(6));
  assert.equal(text(r.bytes()), "aaaa????ccccdddd");
});

Deno.test("TcpHalf waits for data that arrives after the ACK covering it (merged captures)", () => {
  const r = recorder();
  r.half.segment(0, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(1, false, false, enc("aaaa"), 4, frame(2));
  r.half.segment(9, false, false, enc("cccc"), 4, frame(3));
  r.half.acknowledged(13); // seen before the segment it covers
  r.half.segment(5, false, false, enc("bbbb"), 4, frame(4));
  assert.deepEqual(r.gaps, []);
  assert.equal(text(r.bytes()), "aaaabbbbcccc");
});

Deno.test("TcpHalf declares a gap when its out-of-order buffer is full", () => {
  const r = recorder(8);
  r.half.segment(0, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(11, false, false, enc("BBBBB"), 5, frame(2));
  r.half.segment(16, false, false, enc("CCCCC"), 5, frame(3)); // 10 > 8: hole becomes a gap
  assert.deepEqual(r.gaps, [{ length: 10, seq: 1 }]);
  assert.equal(text(r.bytes()), "??????????BBBBBCCCCC");
});

Deno.test("TcpHalf honours the cap shared by all connections", () => {
  const r = recorder(1 << 20, 4);
  r.half.segment(0, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(3, false, false, enc("zzzzzz"), 6, frame(2));
  assert.deepEqual(r.gaps, [{ length: 2, seq: 1 }]);
  assert.equal(text(r.bytes()), "??zzzzzz");
});

Deno.test("TcpHalf flushes held data with its holes at close", () => {
  const r = recorder();
  r.half.segment(0, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(5, false, false, enc("EE"), 2, frame(2));
  r.half.segment(10, false, false, enc("JJ"), 2, frame(3));
  r.half.flush(undefined);
  assert.equal(text(r.bytes()), "????EE???JJ");
  assert.equal(r.half.stats.gaps, 2);
});

Deno.test("TcpHalf reports bytes cut by the snap length as a gap", () => {
  const r = recorder();
  r.half.segment(0, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(1, false, false, enc("abc"), 10, frame(2));
  r.half.segment(11, false, false, enc("next"), 4, frame(3));
  assert.equal(text(r.bytes()), "abc???????next");
  assert.deepEqual(r.gaps, [{ length: 7, seq: 4 }]);
});

Deno.test("TcpHalf records the FIN's sequence number", () => {
  const r = recorder();
  r.half.segment(0, true, false, new Uint8Array(0), 0, frame(1));
  r.half.segment(1, false, true, enc("bye"), 3, frame(2));
  assert.equal(r.half.finSeq, 4);
});

Deno.test("TcpHalf rebuilds a stream from any order of its segments, with duplicates", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const original = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) & 0xff);
  for (let round = 0; round < 50; round++) {
    const segments: [number, number][] = [];
    for (let at = 0; at < original.length;) {
      const n = 1 + Math.floor(random() * 300);
      segments.push([at, Math.min(n, original.length - at)]);
      at += n;
    }
    // duplicates and overlapping re-segmentations
    for (let i = 0; i < 10; i++) {
      const start = Math.floor(random() * original.length);
      segments.push([start, Math.min(1 + Math.floor(random() * 500), original.length - start)]);
    }
    segments.sort(() => random() - 0.5);
    const r = recorder();
    const isn = Math.floor(random() * 0xffff_ffff);
    r.half.segment(isn, true, false, new Uint8Array(0), 0, frame(1));
    for (const [at, n] of segments) {
      const seq = (isn + 1 + at) >>> 0;
      r.half.segment(seq, false, false, original.subarray(at, at + n), n, frame(2));
    }
    r.half.flush(undefined);
    assert.deepEqual(r.bytes(), original, `round ${round}`);
    assert.equal(r.half.stats.gaps, 0);
  }
});

Deno.test("the per-direction out-of-order cap is a limit: an anomaly of kind limit, counted in the summary", async () => {
  const { Decoder } = await import("../../mod.ts");
  // reorder.pcap (fixtures/tcp/make.sh) delivers segments out of order: with room for 100 bytes the
  // buffer overflows; each overflow is also the gap it causes.
  const d = new Decoder({ maxOutOfOrderBytes: 100 });
  const events = [...d.push(Deno.readFileSync("fixtures/tcp/reorder.pcap")), ...d.end()];
  const limits = events.filter((e) => e.type === "anomaly" && e.code === "tcp_maxOutOfOrderBytes");
  assert.equal(limits.length, 1);
  assert.equal(limits[0]!.type === "anomaly" && limits[0]!.kind, "limit");
  const summary = events.at(-1)!;
  assert.ok(summary.type === "summary");
  assert.ok(summary.limitsHit.some((l) => l.limit === "maxOutOfOrderBytes" && l.count > 1));
  assert.ok(events.some((e) => e.type === "anomaly" && e.code === "tcp_gap"));
});
