/**
 * Connection-table behaviour that the corpus shows only once or not at all:
 * orientation without a SYN, port reuse, idle timeouts, the close linger and
 * eviction. Packets are built field by field (RFC 9293 header layout).
 */
import * as assert from "node:assert/strict";
import type { Frame } from "../../lib/capture/frame.ts";
import type { ConnectionEvent, DecodeEvent } from "../../lib/events.ts";
import { FlowTable } from "../../lib/flow/table.ts";
import type { IpPacket } from "../../lib/net/packet.ts";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../../lib/net/tcp.ts";
import type { DecoderOptions } from "../../lib/decoder.ts";
import { limitsFrom } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";

const A = [10, 0, 0, 1], B = [10, 0, 0, 2];

interface Seg {
  from: number[];
  to: number[];
  sport: number;
  dport: number;
  flags: number;
  seq?: number;
  ack?: number;
  data?: string;
  ts: number;
  proto?: 6 | 17;
}

function ipPacket(s: Seg, index: number): IpPacket {
  const data = new TextEncoder().encode(s.data ?? "");
  const proto = s.proto ?? 6;
  const header = proto === 6 ? 20 : 8;
  const l4 = new Uint8Array(header + data.length);
  const v = new DataView(l4.buffer);
  v.setUint16(0, s.sport);
  v.setUint16(2, s.dport);
  if (proto === 6) {
    v.setUint32(4, s.seq ?? 0);
    v.setUint32(8, s.ack ?? 0);
    l4[12] = 5 << 4;
    l4[13] = s.flags;
  } else v.setUint16(4, 8 + data.length);
  l4.set(data, header);
  const frame: Frame = {
    index,
    ts: s.ts,
    linktype: 1,
    interfaceId: 0,
    origlen: 0,
    bytes: new Uint8Array(0),
  };
  return {
    frame,
    version: 4,
    src: Uint8Array.from(s.from),
    dst: Uint8Array.from(s.to),
    protocol: proto,
    payload: l4,
    payloadLength: l4.length,
    reassembled: false,
  };
}

function run(segments: Seg[], options: DecoderOptions = {}): DecodeEvent[] {
  const out: DecodeEvent[] = [];
  const limits = limitsFrom(options);
  const table = new FlowTable(limits, new Reporter(out, 100), out);
  segments.forEach((s, i) => table.packet(ipPacket(s, i + 1)));
  table.end();
  return out;
}

const closes = (events: DecodeEvent[]) =>
  events.filter((e): e is ConnectionEvent => e.type === "connection" && e.action === "close");

function handshake(ts: number, sport = 40000, isn = 100): Seg[] {
  return [
    { from: A, to: B, sport, dport: 445, flags: TCP_SYN, seq: isn, ts },
    {
      from: B,
      to: A,
      sport: 445,
      dport: sport,
      flags: TCP_SYN | TCP_ACK,
      seq: 900,
      ack: isn + 1,
      ts,
    },
    { from: A, to: B, sport, dport: 445, flags: TCP_ACK, seq: isn + 1, ack: 901, ts },
  ];
}

Deno.test("FlowTable orients by the SYN and counts each direction", () => {
  const events = run([
    ...handshake(1),
    {
      from: A,
      to: B,
      sport: 40000,
      dport: 445,
      flags: TCP_ACK,
      seq: 101,
      ack: 901,
      data: "hello",
      ts: 2,
    },
    {
      from: B,
      to: A,
      sport: 445,
      dport: 40000,
      flags: TCP_ACK,
      seq: 901,
      ack: 106,
      data: "hi",
      ts: 3,
    },
  ]);
  const [c] = closes(events);
  assert.deepEqual([c!.client, c!.server], [{ ip: "10.0.0.1", port: 40000 }, {
    ip: "10.0.0.2",
    port: 445,
  }]);
  assert.equal(c!.orientation, "syn");
  assert.equal(c!.handshake, true);
  assert.equal(c!.state, "capture_end");
  assert.deepEqual([c!.clientStats!.packets, c!.clientStats!.streamBytes], [3, 5]);
  assert.deepEqual([c!.serverStats!.packets, c!.serverStats!.streamBytes], [2, 2]);
});

Deno.test("FlowTable orients a mid-stream connection by its well-known port", () => {
  const events = run([
    {
      from: B,
      to: A,
      sport: 445,
      dport: 40000,
      flags: TCP_ACK,
      seq: 5,
      ack: 7,
      data: "resp",
      ts: 1,
    },
    {
      from: A,
      to: B,
      sport: 40000,
      dport: 445,
      flags: TCP_ACK,
      seq: 7,
      ack: 9,
      data: "req",
      ts: 2,
    },
  ]);
  const [c] = closes(events);
  assert.equal(c!.orientation, "port");
  assert.equal(c!.handshake, false);
  assert.deepEqual(c!.server, { ip: "10.0.0.2", port: 445 });
});

Deno.test("FlowTable takes the SYN-ACK sender as server when the SYN was missed", () => {
  const [c] = closes(run(handshake(1).slice(1)));
  assert.equal(c!.orientation, "syn");
  assert.deepEqual(c!.client, { ip: "10.0.0.1", port: 40000 });
});

Deno.test("FlowTable closes on FIN both ways, after a linger that keeps the last ACK", () => {
  const events = run([
    ...handshake(1),
    {
      from: A,
      to: B,
      sport: 40000,
      dport: 445,
      flags: TCP_FIN | TCP_ACK,
      seq: 101,
      ack: 901,
      ts: 2,
    },
    {
      from: B,
      to: A,
      sport: 445,
      dport: 40000,
      flags: TCP_FIN | TCP_ACK,
      seq: 901,
      ack: 102,
      ts: 2,
    },
    { from: A, to: B, sport: 40000, dport: 445, flags: TCP_ACK, seq: 102, ack: 902, ts: 2.001 },
    // an unrelated packet 10 s later ends the linger
    { from: A, to: B, sport: 1, dport: 2, flags: 0, ts: 12, proto: 17 },
  ]);
  const [c] = closes(events);
  assert.equal(c!.state, "closed_fin");
  assert.equal(c!.clientStats!.packets, 3 + 1);
  assert.equal(c!.lastFrame, 6);
  // the close event came before the end of the capture, when the linger ran out
  const order = events.map((e) => e.type === "connection" ? `${e.action}${e.id}` : e.type);
  assert.ok(order.indexOf("close0") < order.indexOf("close1"));
});

Deno.test("FlowTable starts a new connection when a SYN reuses a closed 5-tuple", () => {
  const events = run([
    ...handshake(1),
    { from: A, to: B, sport: 40000, dport: 445, flags: TCP_RST, seq: 101, ts: 2 },
    ...handshake(2.5, 40000, 5000),
  ]);
  const cs = closes(events);
  assert.deepEqual(cs.map((c) => [c.id, c.state, c.firstFrame]), [[0, "closed_rst", 1], [
    1,
    "capture_end",
    5,
  ]]);
});

Deno.test("FlowTable treats a SYN with a new ISN as a new attempt, a repeated SYN as a retransmission", () => {
  const events = run([
    { from: A, to: B, sport: 40000, dport: 445, flags: TCP_SYN, seq: 100, ts: 1 },
    { from: A, to: B, sport: 40000, dport: 445, flags: TCP_SYN, seq: 100, ts: 2 },
    { from: A, to: B, sport: 40000, dport: 445, flags: TCP_SYN, seq: 777, ts: 20 },
  ]);
  assert.deepEqual(closes(events).map((c) => [c.firstFrame, c.clientStats!.packets]), [[1, 2], [
    3,
    1,
  ]]);
});

Deno.test("FlowTable times out idle connections by capture time", () => {
  const events = run([
    ...handshake(0),
    {
      from: A,
      to: B,
      sport: 40000,
      dport: 445,
      flags: TCP_ACK,
      seq: 101,
      ack: 901,
      data: "x",
      ts: 50,
    },
    {
      from: A,
      to: B,
      sport: 40000,
      dport: 445,
      flags: TCP_ACK,
      seq: 102,
      ack: 901,
      data: "y",
      ts: 200,
    },
  ], { tcpIdleTimeout: 100 });
  const cs = closes(events);
  assert.deepEqual(cs.map((c) => [c.state, c.firstFrame, c.lastFrame]), [["timeout", 1, 4], [
    "capture_end",
    5,
    5,
  ]]);
});

Deno.test("FlowTable sweeps idle UDP conversations while the capture goes on", () => {
  const udp = (ts: number, sport: number): Seg => ({
    from: A,
    to: B,
    sport,
    dport: 53,
    flags: 0,
    ts,
    proto: 17,
  });
  const events = run([udp(0, 1000), udp(1, 1001), udp(500, 1002)], { udpIdleTimeout: 120 });
  const cs = closes(events);
  assert.deepEqual(cs.map((c) => [c.client.port, c.state]), [[1000, "timeout"], [1001, "timeout"], [
    1002,
    "capture_end",
  ]]);
  // the first two were closed when capture time passed their timeout, before frame 3's conversation opened
  const order = events.map((e) => e.type === "connection" ? `${e.action}${e.id}` : e.type);
  assert.ok(order.indexOf("close0") < order.indexOf("open2"));
});

Deno.test("FlowTable evicts the least recently active conversation at maxConnections", () => {
  const segs: Seg[] = [];
  for (let i = 0; i < 50; i++) {
    segs.push({ from: A, to: B, sport: 20000 + i, dport: 445, flags: TCP_SYN, seq: i, ts: i * 2 });
  }
  const events = run(segs, { maxConnections: 10 });
  const cs = closes(events);
  assert.equal(cs.filter((c) => c.state === "evicted").length, 40);
  assert.deepEqual(cs.filter((c) => c.state === "evicted").slice(0, 3).map((c) => c.client.port), [
    20000,
    20001,
    20002,
  ]);
  const limits = events.filter((e) => e.type === "anomaly" && e.kind === "limit");
  assert.equal(limits.length, 1);
});
