import assert from "node:assert/strict";
import type { AnomalyEvent } from "../../lib/events.ts";
import { B4, eth, fragments4, fragments6, ipv4, ipv6, pattern, permutations } from "./_build.ts";
import { frameOf, run } from "./_pcap.ts";

const anomalies = (events: unknown[]) =>
  (events as AnomalyEvent[]).filter((e) => e.type === "anomaly").map((e) => `${e.layer}/${e.kind}`);

/** Frames 1..n at one second apart from `datagrams` (raw IP, linktype 101). */
function raw(datagrams: Uint8Array[], order?: number[], t0 = 100) {
  return (order ?? datagrams.map((_, i) => i)).map((k, i) =>
    frameOf(datagrams[k]!, 101, i + 1, t0 + i)
  );
}

Deno.test("NetworkLayer reassembles IPv4 fragments in every arrival order", () => {
  const payload = pattern(3000);
  const frags = fragments4(payload, 800, { id: 0x4242, protocol: 17 });
  assert.equal(frags.length, 4);
  for (const order of permutations(4)) {
    const { packets, events, layer } = run(raw(frags, order));
    assert.deepEqual(anomalies(events), []);
    assert.equal(packets.length, 1, `order ${order}`);
    const p = packets[0]!;
    assert.deepEqual(p.payload, payload);
    assert.equal(p.payloadLength, 3000);
    assert.equal(p.protocol, 17);
    assert.equal(p.frame, 4);
    assert.deepEqual(p.fragmentFrames, [1, 2, 3, 4]);
    assert.equal(layer.ipFragments, 4);
    assert.equal(layer.ipPackets, 1);
  }
});

Deno.test("NetworkLayer reassembles IPv6 fragments in every arrival order", () => {
  const payload = pattern(2000, 3);
  const frags = fragments6(6, payload, 504);
  for (const order of permutations(frags.length)) {
    const { packets, events } = run(raw(frags, order));
    assert.deepEqual(anomalies(events), []);
    assert.equal(packets.length, 1);
    assert.deepEqual(packets[0]!.payload, payload);
    assert.equal(packets[0]!.protocol, 6);
    assert.equal(packets[0]!.version, 6);
  }
});

Deno.test("NetworkLayer ignores duplicate fragments", () => {
  const frags = fragments4(pattern(1600), 800);
  const { packets, events } = run(raw([frags[0]!, frags[0]!, frags[1]!, frags[1]!]));
  assert.deepEqual(anomalies(events), []);
  assert.equal(packets.length, 1);
  assert.deepEqual(packets[0]!.payload, pattern(1600));
  // the second copy of the last fragment starts a datagram that never completes; as its
  // datagram was just reassembled it is dropped without a gap anomaly
  assert.deepEqual(packets[0]!.fragmentFrames, [1, 2, 3]);
});

Deno.test("NetworkLayer keeps the first bytes of overlapping fragments and says when they disagree", () => {
  const payload = pattern(1600);
  const a = ipv4(payload.subarray(0, 808), { more: true });
  const same = ipv4(payload.subarray(800, 1600), { offset: 800 }); // overlaps 8 bytes, agreeing
  let r = run(raw([a, same]));
  assert.deepEqual(anomalies(r.events), []);
  assert.deepEqual(r.packets[0]!.payload, payload);

  const changed = payload.slice(800, 1600);
  changed.fill(0xee, 0, 8);
  r = run(raw([a, ipv4(changed, { offset: 800 })]));
  assert.deepEqual(anomalies(r.events), ["ip/malformed"]);
  assert.match((r.events[0] as AnomalyEvent).detail, /overlapping fragments disagree/);
  assert.deepEqual(r.packets[0]!.payload, payload, "the first arrival wins");

  // the same overlap arriving first wins instead
  r = run(raw([ipv4(changed, { offset: 800 }), a]));
  assert.deepEqual(r.packets[0]!.payload.subarray(800, 808), new Uint8Array(8).fill(0xee));
});

Deno.test("NetworkLayer rejects a fragment that ends past 65535", () => {
  const last = ipv4(pattern(100), { offset: 65512 }); // 65512 + 100 > 65535
  const { packets, events } = run(raw([ipv4(pattern(8), { more: true }), last]));
  assert.deepEqual(packets, []);
  assert.deepEqual(anomalies(events), ["ip/malformed", "ip/gap"]);
});

Deno.test("NetworkLayer reports conflicting last fragments", () => {
  const { packets, events } = run(raw([
    ipv4(pattern(16), { offset: 16 }),
    ipv4(pattern(16), { offset: 8 }),
  ]));
  assert.deepEqual(packets, []);
  assert.deepEqual(anomalies(events), ["ip/malformed", "ip/gap"]);
});

Deno.test("NetworkLayer drops incomplete datagrams after fragmentTimeout of capture time", () => {
  const frags = fragments4(pattern(1600), 800);
  const frames = [frameOf(frags[0]!, 101, 1, 100), frameOf(frags[1]!, 101, 2, 131)];
  const { packets, events } = run(frames, { fragmentTimeout: 30 });
  assert.deepEqual(packets, []);
  const gaps = (events as AnomalyEvent[]).filter((e) => e.kind === "gap");
  assert.equal(gaps.length, 2); // the first expired at frame 2, the second never completed
  assert.deepEqual(gaps[0]!.evidence.frames, [1]);
  assert.match(gaps[0]!.detail, /incomplete after 30 s/);
  assert.match(gaps[1]!.detail, /never completed/);
  // within the timeout it completes
  const ok = run([frameOf(frags[0]!, 101, 1, 100), frameOf(frags[1]!, 101, 2, 129)], {
    fragmentTimeout: 30,
  });
  assert.equal(ok.packets.length, 1);
});

Deno.test("NetworkLayer survives a fragment bomb with bounded state", () => {
  const frames = [];
  for (let i = 0; i < 5000; i++) {
    frames.push(frameOf(eth(0x0800, ipv4(pattern(64, i), { id: i, more: true })), 1, i + 1, 100));
  }
  const { packets, events, layer } = run(frames, {
    maxFragmentedDatagrams: 100,
    maxAnomaliesPerKind: 10_000,
  });
  assert.deepEqual(packets, []);
  const limits = (events as AnomalyEvent[]).filter((e) => e.kind === "limit");
  assert.equal(limits.length, 1, "the first hit is an anomaly, the rest are counted");
  assert.match(limits[0]!.detail, /^maxFragmentedDatagrams/);
  // 4900 evicted, the last 100 reported as never completed at end()
  assert.equal((events as AnomalyEvent[]).filter((e) => e.kind === "gap").length, 100);
  assert.equal(layer.ipFragments, 5000);
});

Deno.test("NetworkLayer bounds fragment bytes", () => {
  const frames = [];
  for (let i = 0; i < 50; i++) {
    frames.push(frameOf(ipv4(pattern(1000), { id: i, more: true }), 101, i + 1, 100));
  }
  // complete datagram after the bomb still reassembles
  const last = fragments4(pattern(1600), 800, { id: 9999 });
  frames.push(frameOf(last[0]!, 101, 51, 100), frameOf(last[1]!, 101, 52, 100));
  const { packets, events } = run(frames, { maxFragmentBytes: 10_000 });
  assert.equal(packets.length, 1);
  assert.deepEqual(packets[0]!.payload, pattern(1600));
  assert.match(
    (events as AnomalyEvent[]).find((e) => e.kind === "limit")!.detail,
    /^maxFragmentBytes/,
  );
});

Deno.test("NetworkLayer drops a datagram split into too many fragments", () => {
  const frames = [];
  for (let i = 0; i < 1100; i++) {
    frames.push(frameOf(ipv4(pattern(8), { offset: i * 8, more: true }), 101, i + 1, 100));
  }
  const { packets, events } = run(frames);
  assert.deepEqual(packets, []);
  assert.ok(anomalies(events).includes("ip/limit"));
});

Deno.test("NetworkLayer does not reassemble a fragment cut by the snap length", () => {
  const frags = fragments4(pattern(1600), 800);
  const cut = frags[0]!.subarray(0, 100);
  const { packets, events } = run([
    frameOf(cut, 101, 1, 100, frags[0]!.length),
    frameOf(frags[1]!, 101, 2, 100),
  ]);
  assert.deepEqual(packets, []);
  assert.deepEqual(anomalies(events), ["ip/truncated"]);
});

Deno.test("NetworkLayer decodes a tunnel inside a reassembled datagram", () => {
  const inner = ipv6(17, pattern(1200));
  const frags = fragments4(inner, 400, { protocol: 41 });
  assert.equal(frags.length, 4);
  const { packets, events } = run(raw(frags, [3, 0, 2, 1]));
  assert.deepEqual(anomalies(events), []);
  assert.equal(packets.length, 1);
  assert.equal(packets[0]!.version, 6);
  assert.equal(packets[0]!.protocol, 17);
  assert.deepEqual(packets[0]!.payload, pattern(1200));
  assert.deepEqual(packets[0]!.fragmentFrames, [1, 2, 3, 4]);
});

Deno.test("NetworkLayer reassembles interleaved datagrams of many sizes with reused buffers", () => {
  const frames: Uint8Array[] = [];
  const want: Uint8Array[] = [];
  for (let i = 0; i < 60; i++) {
    const payload = pattern(500 + i * 97, i);
    want.push(payload);
    const frags = fragments4(payload, 1480, { id: 1000 + i });
    const other = fragments6(17, pattern(300 + i * 211, i + 7), 1232, 5000 + i);
    // interleave: this datagram's fragments with an IPv6 one's, last fragments swapped
    frames.push(...frags.slice(1), ...other.reverse(), frags[0]!);
    want.push(pattern(300 + i * 211, i + 7));
  }
  const { packets, events } = run(raw(frames));
  assert.deepEqual(anomalies(events), []);
  assert.equal(packets.length, 120);
  const got = packets.map((p) => p.payload).sort((a, b) => a.length - b.length || a[0]! - b[0]!);
  want.sort((a, b) => a.length - b.length || a[0]! - b[0]!);
  assert.deepEqual(got, want);
});

Deno.test("NetworkLayer reassembles a fragmented datagram inside a fragmented tunnel", () => {
  const inner = pattern(2000, 5);
  const innerFrags = fragments4(inner, 1000, { id: 77 }); // two inner fragments
  const frames = innerFrags.flatMap((f, k) =>
    fragments4(f, 512, { id: 300 + k, protocol: 4, src: B4 })
  );
  const { packets, events } = run(raw(frames));
  assert.deepEqual(anomalies(events), []);
  assert.equal(packets.length, 1);
  assert.deepEqual(packets[0]!.payload, inner);
});
