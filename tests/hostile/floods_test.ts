/**
 * Resource tests (issue 16): floods that grow the decoder's state, each
 * checked for its `limit` anomaly and what the capture's construction says
 * must come out (counts follow from the generator in tools/hostile/ and the
 * documented caps). Their time and memory are measured by bench/hostile.ts,
 * never asserted here.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type DecoderOptions, type SummaryEvent } from "../../mod.ts";
import { fragmentFlood, outOfOrderFlood, synFlood } from "../../tools/hostile/captures.ts";
import { ACK, joinParts, PcapBuilder, SYN, tcpFrame } from "../../tools/hostile/pcap.ts";

function decode(bytes: Uint8Array, options: DecoderOptions = {}) {
  const d = new Decoder(options);
  const events: DecodeEvent[] = [];
  for (let at = 0; at < bytes.length; at += 65536) {
    for (const e of d.push(bytes.subarray(at, at + 65536))) events.push(e);
  }
  for (const e of d.end()) events.push(e);
  const summary = events.at(-1) as SummaryEvent;
  assert.deepEqual(events.filter((e) => e.type === "anomaly" && e.kind === "bug"), []);
  const limits = events.filter((e) => e.type === "anomaly" && e.kind === "limit");
  return { events, summary, limits };
}

Deno.test("SYN flood: every connection opened and closed once, the cap reported", () => {
  const count = 150_000, max = 10_000;
  const { events, summary, limits } = decode(joinParts(synFlood(count)), { maxConnections: max });
  assert.equal(summary.tcpConnections, count);
  assert.deepEqual(summary.limitsHit, [{ limit: "maxConnections", count: count - max }]);
  assert.deepEqual(limits.map((e) => e.type === "anomaly" && e.code), ["flow_maxConnections"]);
  const closes = events.filter((e) => e.type === "connection" && e.action === "close");
  assert.equal(closes.length, count);
  assert.equal(new Set(closes.map((e) => e.type === "connection" && e.id)).size, count);
  // The evicted ones are the oldest: ids 0 … count - max - 1, in order.
  const evicted = closes.filter((e) => e.type === "connection" && e.state === "evicted");
  assert.equal(evicted.length, count - max);
  assert.ok(evicted.every((e, i) => e.type === "connection" && e.id === i));
});

Deno.test("fragment flood: incomplete datagrams past maxFragmentedDatagrams are dropped, oldest first", () => {
  const count = 50_000;
  const { summary, limits } = decode(joinParts(fragmentFlood(count)));
  assert.equal(summary.ipFragments, count);
  // Each datagram past the 1024th makes room by dropping the oldest.
  assert.deepEqual(summary.limitsHit, [{ limit: "maxFragmentedDatagrams", count: count - 1024 }]);
  assert.deepEqual(limits.map((e) => e.type === "anomaly" && e.code), [
    "ip_maxFragmentedDatagrams",
  ]);
});

Deno.test("out-of-order flood: one-byte segments, last first, stop at maxOutOfOrderBytes", () => {
  const count = 200_000;
  const { events, summary, limits } = decode(joinParts(outOfOrderFlood(count)));
  assert.deepEqual(summary.limitsHit, [{ limit: "maxOutOfOrderBytes", count: 1 }]);
  assert.deepEqual(limits.map((e) => e.type === "anomaly" && e.code), ["tcp_maxOutOfOrderBytes"]);
  const close = events.find((e) => e.type === "connection" && e.action === "close");
  assert.ok(close?.type === "connection");
  // Every byte sent is accounted for: delivered, declared missing, or arrived after its place.
  const c = close.clientStats!;
  assert.equal(c.payloadBytes, count);
  assert.ok(c.gapBytes > 0);
  assert.equal(c.streamBytes + c.retransmittedBytes, count);
});

Deno.test("out-of-order holes refused on one connection do not use up the budget of all", () => {
  // Connection 1 sends 500 segments of 1 000 bytes, each one byte past a hole: its own cap
  // (4 KiB: three held segments, counted 1 256 bytes each) is reached over and over. A refusal
  // once left what it had reserved counted in the total, so the total filled up. Connection 2
  // then holds 40 segments of 100 bytes (14 280 bytes as counted), well within 64 KiB.
  const pcap = new PcapBuilder();
  const seg = (port: number, seq: number, payload: number, ts: number) =>
    pcap.add(
      tcpFrame({
        src: 0x0a000001,
        dst: 0x0a000002,
        srcPort: port,
        dstPort: 445,
        seq,
        ack: 1,
        flags: payload > 0 ? ACK : SYN,
        ...(payload > 0 ? { payload: new Uint8Array(payload) } : {}),
      }),
      ts,
    );
  seg(40001, 999, 0, 1);
  for (let i = 0; i < 500; i++) seg(40001, 1002 + 1001 * i, 1000, 2);
  seg(40002, 999, 0, 3);
  for (let i = 0; i < 40; i++) seg(40002, 1100 + 100 * i, 100, 4);
  const { summary } = decode(pcap.bytes(), {
    maxOutOfOrderBytes: 4096,
    maxTotalOutOfOrderBytes: 65536,
  });
  const hit = Object.fromEntries(summary.limitsHit.map((l) => [l.limit, l.count]));
  assert.ok(hit.maxOutOfOrderBytes! > 50, JSON.stringify(summary.limitsHit));
  assert.equal(hit.maxTotalOutOfOrderBytes, undefined, JSON.stringify(summary.limitsHit));
});
