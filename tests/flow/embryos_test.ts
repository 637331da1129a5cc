/**
 * Connections that carry nothing yet live as rows of the embryo table
 * (lib/flow/embryos.ts) and become objects at their first payload, FIN or
 * RST. What their events say must not depend on which they were: ids,
 * orientation, packet counts, new attempts by ISN, idle timeouts, eviction
 * order, the order of close events at the end. Packets built field by field
 * (RFC 9293).
 */
import * as assert from "node:assert/strict";
import type { Frame } from "../../lib/capture/frame.ts";
import type { ConnectionEvent, DecodeEvent } from "../../lib/events.ts";
import { Embryos } from "../../lib/flow/embryos.ts";
import { FlowTable } from "../../lib/flow/table.ts";
import type { IpPacket } from "../../lib/net/packet.ts";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../../lib/net/tcp.ts";
import { type LimitOptions, limitsFrom } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";

interface Seg {
  from: number;
  to: number;
  sport: number;
  dport: number;
  flags: number;
  seq?: number;
  ack?: number;
  data?: string;
  ts: number;
}

function packet(s: Seg, index: number): IpPacket {
  const data = new TextEncoder().encode(s.data ?? "");
  const l4 = new Uint8Array(20 + data.length);
  const v = new DataView(l4.buffer);
  v.setUint16(0, s.sport);
  v.setUint16(2, s.dport);
  v.setUint32(4, s.seq ?? 0);
  v.setUint32(8, s.ack ?? 0);
  l4[12] = 5 << 4;
  l4[13] = s.flags;
  l4.set(data, 20);
  const ip = (n: number) => Uint8Array.from([10, 0, n >> 8, n & 0xff]);
  const frame: Frame = { index, ts: s.ts, linktype: 1, interfaceId: 0, origlen: 0, bytes: l4 };
  return {
    frame,
    version: 4,
    src: ip(s.from),
    dst: ip(s.to),
    protocol: 6,
    payload: l4,
    payloadLength: l4.length,
    reassembled: false,
  };
}

function run(segments: Seg[], options: LimitOptions = {}) {
  const out: DecodeEvent[] = [];
  const reporter = new Reporter(out, 100);
  const table = new FlowTable(limitsFrom(options), reporter, out);
  segments.forEach((s, i) => table.packet(packet(s, i + 1)));
  table.end();
  const conns = out.filter((e): e is ConnectionEvent => e.type === "connection");
  return {
    opens: conns.filter((e) => e.action === "open"),
    closes: conns.filter((e) => e.action === "close"),
    reporter,
  };
}

const syn = (from: number, sport: number, ts: number, seq = 100): Seg => ({
  from,
  to: 2,
  sport,
  dport: 445,
  flags: TCP_SYN,
  seq,
  ts,
});

Deno.test("a connection that carries data after its handshake keeps its id, orientation and counts", () => {
  const { opens, closes } = run([
    syn(1, 40000, 1),
    {
      from: 2,
      to: 1,
      sport: 445,
      dport: 40000,
      flags: TCP_SYN | TCP_ACK,
      seq: 900,
      ack: 101,
      ts: 1.1,
    },
    { from: 1, to: 2, sport: 40000, dport: 445, flags: TCP_ACK, seq: 101, ack: 901, ts: 1.2 },
    {
      from: 1,
      to: 2,
      sport: 40000,
      dport: 445,
      flags: TCP_ACK,
      seq: 101,
      ack: 901,
      data: "abc",
      ts: 2,
    },
  ]);
  assert.equal(opens.length, 1);
  assert.equal(closes.length, 1);
  const c = closes[0]!;
  assert.deepEqual(
    [c.id, c.orientation, c.handshake, c.firstFrame, c.lastFrame, c.start, c.end, c.state],
    [0, "syn", true, 1, 4, 1, 2, "capture_end"],
  );
  assert.deepEqual([c.clientStats!.packets, c.clientStats!.streamBytes], [3, 3]);
  assert.deepEqual([c.serverStats!.packets, c.serverStats!.streamBytes], [1, 0]);
  assert.deepEqual([c.client, c.server], [{ ip: "10.0.0.1", port: 40000 }, {
    ip: "10.0.0.2",
    port: 445,
  }]);
});

Deno.test("a SYN-only connection's events say what an object's would", () => {
  const { opens, closes } = run([syn(1, 40000, 5), syn(1, 40000, 6)]);
  assert.equal(opens.length, 1); // the same ISN: a retransmission
  assert.deepEqual(
    [closes.length, closes[0]!.clientStats, closes[0]!.serverStats, closes[0]!.lastFrame],
    [
      1,
      {
        packets: 2,
        payloadBytes: 0,
        streamBytes: 0,
        gapBytes: 0,
        gaps: 0,
        retransmittedBytes: 0,
      },
      { packets: 0, payloadBytes: 0, streamBytes: 0, gapBytes: 0, gaps: 0, retransmittedBytes: 0 },
      2,
    ],
  );
});

Deno.test("a SYN with another ISN on a SYN-only connection is a new attempt", () => {
  const { closes } = run([syn(1, 40000, 5, 100), syn(1, 40000, 6, 7777)]);
  assert.deepEqual(closes.map((c) => [c.id, c.state, c.firstFrame]), [
    [0, "timeout", 1],
    [1, "capture_end", 2],
  ]);
});

Deno.test("a SYN-only connection idle past tcpIdleTimeout is closed as timeout", () => {
  const { closes } = run([syn(1, 40000, 5), syn(3, 40000, 20)], { tcpIdleTimeout: 10 });
  assert.deepEqual(closes.map((c) => [c.id, c.state, c.end]), [[0, "timeout", 5], [
    1,
    "capture_end",
    20,
  ]]);
});

Deno.test("an RST or a FIN on a SYN-only connection closes it as an object would", () => {
  const { closes } = run([
    syn(1, 40000, 1),
    {
      from: 2,
      to: 1,
      sport: 445,
      dport: 40000,
      flags: TCP_RST | TCP_ACK,
      seq: 0,
      ack: 101,
      ts: 1.5,
    },
    syn(1, 40001, 2),
    { from: 1, to: 2, sport: 40001, dport: 445, flags: TCP_FIN | TCP_ACK, seq: 101, ts: 3 },
  ]);
  assert.deepEqual(closes.map((c) => [c.id, c.state]), [[0, "closed_rst"], [1, "capture_end"]]);
});

Deno.test("eviction takes the least recently active, embryo or object", () => {
  const { closes, reporter } = run([
    // 0: carries data (an object), active at 1 and 4
    syn(1, 40000, 1),
    { from: 1, to: 2, sport: 40000, dport: 445, flags: TCP_ACK, seq: 101, data: "x", ts: 4 },
    syn(1, 40001, 2), // 1: SYN only, last at 2
    syn(1, 40002, 5), // 2: the table (max 2) is full: 1 goes
    syn(1, 40003, 6), // 3: now 0 (last at 4) goes
  ], { maxConnections: 2 });
  assert.deepEqual(closes.map((c) => [c.id, c.state]), [
    [1, "evicted"],
    [0, "evicted"],
    [2, "capture_end"],
    [3, "capture_end"],
  ]);
  assert.deepEqual([...reporter.limitsHit], [["maxConnections", 2]]);
});

Deno.test("Embryos finds every row it holds through any churn of adds and removes", () => {
  const e = new Embryos();
  const held = new Map<string, number>();
  let seed = 7;
  const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  for (let i = 0; i < 20_000; i++) {
    if (held.size > 0 && rand(3) === 0) {
      const keys = [...held.keys()];
      const k = keys[rand(keys.length)]!;
      e.remove(held.get(k)!);
      held.delete(k);
    } else {
      const a = rand(64) | 0, b = (rand(64) - 32) | 0, pa = rand(70), pb = rand(70);
      if (e.find(a, b, pa, pb) >= 0) continue;
      held.set(`${a}/${b}/${pa}/${pb}`, e.add(a, b, pa, pb));
    }
  }
  assert.equal(e.size, held.size);
  for (const [k, row] of held) {
    const [a, b, pa, pb] = k.split("/").map(Number) as [number, number, number, number];
    assert.equal(e.find(a, b, pa, pb), row, k);
    assert.equal(e.find(b, a, pb, pa), row, `${k} reversed`);
  }
  assert.equal([...e.rows()].length, held.size);
});
