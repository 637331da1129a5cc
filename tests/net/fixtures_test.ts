import assert from "node:assert/strict";
import { formatIp } from "../../lib/net/address.ts";
import { fixture, readPcap, run } from "./_pcap.ts";

interface Expected {
  frames: number;
  nonIpFrames: number;
  ipFragments: number;
  packets: {
    frame: number;
    version: 4 | 6;
    src: string;
    dst: string;
    protocol: number;
    payloadLength: number;
    fragmentFrames?: number[];
  }[];
}

const CAPTURES = [
  "eth",
  "sll",
  "sll2",
  "tun",
  "snap80",
  "vlan",
  "null_le",
  "null_be",
  "loop",
  "raw4",
  "raw6",
  "tunnels",
];

for (const name of CAPTURES) {
  Deno.test(`NetworkLayer matches tshark on ${name}.pcap`, () => {
    const expected: Expected = JSON.parse(
      new TextDecoder().decode(fixture(`${name}.expected.json`)),
    );
    const frames = readPcap(fixture(`${name}.pcap`));
    assert.equal(frames.length, expected.frames);
    const { packets, events, layer } = run(frames);
    const got = packets.map((p) => {
      const e: Expected["packets"][number] = {
        frame: p.frame,
        version: p.version,
        src: formatIp(p.src),
        dst: formatIp(p.dst),
        protocol: p.protocol,
        payloadLength: p.payloadLength,
      };
      if (p.fragmentFrames) e.fragmentFrames = [...p.fragmentFrames].sort((a, b) => a - b);
      return e;
    });
    assert.deepEqual(got, expected.packets);
    for (const p of packets) {
      assert.ok(
        p.payload.length <= p.payloadLength,
        `frame ${p.frame}: payload longer than declared`,
      );
      assert.equal(p.reassembled, p.fragmentFrames !== undefined);
      if (p.fragmentFrames) assert.equal(p.fragmentFrames.at(-1), p.frame);
    }
    assert.equal(layer.ipPackets, expected.packets.length);
    assert.equal(layer.nonIpFrames, expected.nonIpFrames);
    assert.equal(layer.ipFragments, expected.ipFragments);
    const anomalies = events.filter((e) => e.type === "anomaly");
    if (name !== "snap80") assert.deepEqual(anomalies, []);
    else { // the four fragmented datagrams of eth.pcap lose their first fragment's tail
      assert.deepEqual(anomalies.map((a) => [a.layer, a.kind, a.evidence.frames]), [
        ["ip", "truncated", [8]],
        ["ip", "truncated", [11]],
        ["ip", "truncated", [16]],
        ["ip", "truncated", [19]],
      ]);
    }
  });
}
