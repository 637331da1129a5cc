import assert from "node:assert/strict";
import type { AnomalyEvent } from "../../lib/events.ts";
import { MAX_EXTENSION_HEADERS, MAX_TUNNEL_DEPTH } from "../../lib/net/network.ts";
import { concat, eth, ext, frag6, ipv4, ipv6, pattern } from "./_build.ts";
import { fixture, frameOf, hex, readPcap, run } from "./_pcap.ts";

const kinds = (events: unknown[]) =>
  (events as AnomalyEvent[]).filter((e) => e.type === "anomaly").map((e) => `${e.layer}/${e.kind}`);

Deno.test("NetworkLayer never throws on frames cut at every length", () => {
  for (const name of ["eth", "vlan", "sll", "sll2", "null_le", "loop", "raw6", "tunnels", "tun"]) {
    const frames = readPcap(fixture(`${name}.pcap`));
    for (const cutBySnaplen of [true, false]) {
      const cuts = frames.flatMap((f) =>
        Array.from(
          { length: Math.min(f.bytes.length, 200) },
          (_, n) =>
            frameOf(
              f.bytes.subarray(0, n),
              f.linktype,
              f.index,
              f.ts,
              cutBySnaplen ? f.origlen : n,
            ),
        )
      );
      const { events, packets } = run(cuts, { maxAnomaliesPerKind: 1e9 });
      const seen = new Set(kinds(events).map((k) => k.split("/")[1]));
      assert.ok(!seen.has("bug"), `${name}: ${[...seen]}`);
      if (cutBySnaplen) assert.ok(!seen.has("malformed"), `${name}: ${[...seen]}`);
      for (const p of packets) assert.ok(p.payload.length <= p.payloadLength);
    }
  }
});

Deno.test("NetworkLayer reports a snap-length cut as truncated, a short frame as malformed", () => {
  const whole = eth(0x0800, ipv4(pattern(1000)));
  let r = run([frameOf(whole.subarray(0, 100), 1, 1, 1, whole.length)]);
  assert.deepEqual(kinds(r.events), []);
  assert.equal(r.packets[0]!.payloadLength, 1000);
  assert.equal(r.packets[0]!.payload.length, 100 - 34);
  r = run([frameOf(whole.subarray(0, 100))]);
  assert.deepEqual(kinds(r.events), ["ip/malformed"]);
  assert.equal(r.packets[0]!.payloadLength, 100 - 34);
  r = run([frameOf(whole.subarray(0, 30), 1, 1, 1, whole.length)]);
  assert.deepEqual(kinds(r.events), ["ip/truncated"]);
  r = run([frameOf(whole.subarray(0, 30))]);
  assert.deepEqual(kinds(r.events), ["ip/malformed"]);
  assert.equal(r.layer.nonIpFrames, 1);
});

Deno.test("NetworkLayer trusts the IP length, not Ethernet padding or a trailer", () => {
  const frame = concat(eth(0x0800, ipv4(pattern(6))), new Uint8Array(20), hex("deadbeef"));
  const { packets } = run([frameOf(frame)]);
  assert.deepEqual(packets[0]!.payload, pattern(6));
  const six = concat(eth(0x86dd, ipv6(17, pattern(4))), new Uint8Array(10));
  assert.deepEqual(run([frameOf(six)]).packets[0]!.payload, pattern(4));
});

Deno.test("NetworkLayer rejects bad IPv4 headers", () => {
  const good = ipv4(pattern(20));
  const ihl4 = good.slice();
  ihl4[0] = 0x44;
  const v5 = good.slice();
  v5[0] = 0x55;
  const short = good.slice();
  short[3] = 19; // total length below the header
  const hugeIhl = ipv4(pattern(4), { ihl: 15 }).subarray(0, 30); // header says 60, 30 there
  for (
    const [bytes, kind] of [[ihl4, "ip/malformed"], [v5, "ip/malformed"], [short, "ip/malformed"], [
      hugeIhl,
      "ip/malformed",
    ]] as const
  ) {
    const { packets, events, layer } = run([frameOf(eth(0x0800, bytes))]);
    assert.deepEqual(packets, []);
    assert.deepEqual(kinds(events), [kind]);
    assert.equal(layer.nonIpFrames, 1);
  }
  // on raw IP the version nibble decides: not IP at all
  assert.deepEqual(kinds(run([frameOf(v5, 101)]).events), []);
  // options are skipped
  const opts = ipv4(pattern(8), { ihl: 6 });
  assert.deepEqual(run([frameOf(opts, 101)]).packets[0]!.payload, pattern(8));
});

Deno.test("NetworkLayer walks IPv6 extension headers and bounds the walk", () => {
  // hop-by-hop, routing, destination options, then UDP
  const chain = concat(ext(43), ext(60, 2), ext(17, 1), pattern(12));
  let r = run([frameOf(ipv6(0, chain), 101)]);
  assert.deepEqual(kinds(r.events), []);
  assert.equal(r.packets[0]!.protocol, 17);
  assert.equal(r.packets[0]!.payloadLength, 12);
  // AH counts 4-byte units minus 2: 3 → 20 bytes
  const ah = new Uint8Array(20);
  ah[0] = 6;
  ah[1] = 3;
  r = run([frameOf(ipv6(51, concat(ah, pattern(20))), 101)]);
  assert.equal(r.packets[0]!.protocol, 6);
  assert.equal(r.packets[0]!.payloadLength, 20);
  // ESP stops the walk: the rest is opaque
  r = run([frameOf(ipv6(50, pattern(40)), 101)]);
  assert.equal(r.packets[0]!.protocol, 50);
  // a chain longer than the bound: each header names a destination-options header again
  const long = concat(...Array.from({ length: MAX_EXTENSION_HEADERS + 4 }, () => ext(60)));
  r = run([frameOf(ipv6(60, long), 101)]);
  assert.deepEqual(r.packets, []);
  assert.deepEqual(kinds(r.events), ["ip/loop"]);
  // a header running past the payload length
  r = run([frameOf(ipv6(0, ext(17, 4).subarray(0, 8)), 101)]);
  assert.deepEqual(kinds(r.events), ["ip/malformed"]);
  // an atomic fragment (offset 0, no more fragments) is no fragment at all
  r = run([frameOf(ipv6(44, concat(frag6(17, 0, false, 9), pattern(8))), 101)]);
  assert.equal(r.packets[0]!.protocol, 17);
  assert.equal(r.packets[0]!.reassembled, false);
});

Deno.test("NetworkLayer decodes nested tunnels up to its depth bound", () => {
  let d = ipv4(pattern(8), { protocol: 17 });
  // UDP in IPv4 in IPv6 in IPv4 in IPv6 ...
  for (let i = 0; i < MAX_TUNNEL_DEPTH; i++) d = i % 2 ? ipv4(d, { protocol: 41 }) : ipv6(4, d);
  let r = run([frameOf(d, 101)]);
  assert.deepEqual(kinds(r.events), []);
  assert.equal(r.packets[0]!.protocol, 17);
  d = ipv6(4, d);
  r = run([frameOf(d, 101)]);
  assert.deepEqual(r.packets, []);
  assert.deepEqual(kinds(r.events), ["ip/loop"]);
});

Deno.test("NetworkLayer leaves GRE it does not decode to the IP handler", () => {
  const pptp = concat(hex("3001 880b 0010 0001 00000001"), pattern(16)); // GRE version 1
  const r = run([frameOf(ipv4(pptp, { protocol: 47 }), 101)]);
  assert.equal(r.packets[0]!.protocol, 47);
  const erspan = concat(hex("1000 88be 00000001"), pattern(16));
  assert.equal(run([frameOf(ipv4(erspan, { protocol: 47 }), 101)]).packets[0]!.protocol, 47);
  // GRE with a checksum carrying IPv6
  const gre = concat(hex("8000 86dd 0000 0000"), ipv6(17, pattern(8)));
  assert.equal(run([frameOf(ipv4(gre, { protocol: 47 }), 101)]).packets[0]!.version, 6);
});

Deno.test("NetworkLayer reports an unsupported link type once", () => {
  const frames = [1, 2, 3].map((i) => frameOf(pattern(40), 147, i));
  const { events, layer } = run(frames);
  assert.deepEqual(kinds(events), ["link/unsupported"]);
  assert.equal(layer.nonIpFrames, 3);
});

Deno.test("NetworkLayer reads the raw IP aliases and PPP", () => {
  const v4 = ipv4(pattern(8)), v6 = ipv6(17, pattern(8));
  for (const lt of [12, 14, 101]) {
    assert.deepEqual(run([frameOf(v4, lt), frameOf(v6, lt, 2)]).packets.map((p) => p.version), [
      4,
      6,
    ]);
  }
  assert.equal(run([frameOf(v4, 228)]).packets[0]!.version, 4);
  const junk = run([frameOf(hex("00112233"), 101)]);
  assert.equal(junk.layer.nonIpFrames, 1);
  // PPP with address/control, PPP with a compressed protocol, PPP LCP (not IP)
  const ppp = run([
    frameOf(concat(hex("ff03 0021"), v4), 9),
    frameOf(concat(hex("57"), v6), 9, 2),
    frameOf(concat(hex("ff03 c021"), pattern(8)), 9, 3),
  ]);
  assert.deepEqual(ppp.packets.map((p) => p.version), [4, 6]);
  assert.equal(ppp.layer.nonIpFrames, 1);
});

Deno.test("NetworkLayer pops VLAN, MPLS and PPPoE headers and bounds the tag stack", () => {
  const v4 = ipv4(pattern(8));
  const tagged = (n: number) => {
    let body: Uint8Array = concat(hex("0800"), v4);
    for (let i = 0; i < n; i++) body = concat(hex("8100"), hex("0064"), body);
    return concat(hex("020000000002 020000000001"), body);
  };
  assert.equal(run([frameOf(tagged(3))]).packets.length, 1);
  const deep = run([frameOf(tagged(40))]);
  assert.deepEqual(deep.packets, []);
  assert.deepEqual(kinds(deep.events), ["link/malformed"]);
  const mpls = eth(0x8847, concat(hex("00010040 00020140"), v4)); // two labels, bottom of stack
  assert.equal(run([frameOf(mpls)]).packets.length, 1);
  const pppoe = eth(0x8864, concat(hex("1100 0001 0016 0057"), ipv6(17, pattern(8))));
  assert.equal(run([frameOf(pppoe)]).packets[0]!.version, 6);
  const llc = concat(hex("020000000002 020000000001 0026 4242 03"), pattern(40)); // 802.3 + LLC (STP)
  assert.equal(run([frameOf(llc)]).layer.nonIpFrames, 1);
});

Deno.test("NetworkLayer turns an exception in the IP handler into a bug anomaly", async () => {
  const { NetworkLayer } = await import("../../lib/net/network.ts");
  const { Reporter } = await import("../../lib/report.ts");
  const { DEFAULT_LIMITS } = await import("../../lib/options.ts");
  const events: AnomalyEvent[] = [];
  const layer = new NetworkLayer(
    () => {
      throw new Error("boom");
    },
    new Reporter(events, 10),
    { ...DEFAULT_LIMITS },
  );
  layer.frame(frameOf(ipv4(pattern(8)), 101));
  assert.deepEqual(kinds(events), ["ip/bug"]);
});

Deno.test("NetworkLayer takes a zero IP length (segmentation offload) as the rest of the frame", () => {
  const v4 = ipv4(pattern(3000), { totalLength: 0 });
  let r = run([frameOf(eth(0x0800, v4))]);
  assert.deepEqual(kinds(r.events), []);
  assert.equal(r.packets[0]!.payloadLength, 3000);
  const v6 = ipv6(6, pattern(3000));
  v6[4] = v6[5] = 0;
  r = run([frameOf(eth(0x86dd, v6))]);
  assert.deepEqual(kinds(r.events), []);
  assert.equal(r.packets[0]!.payloadLength, 3000);
});
