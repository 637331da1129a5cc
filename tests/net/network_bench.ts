/**
 * `deno bench --allow-read tests/net/`: cost per frame of the link and IP layers.
 * Each iteration pushes every frame of the set once; divide by the frame count.
 */
import { DEFAULT_LIMITS } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";
import { NetworkLayer } from "../../lib/net/network.ts";
import { fixture, readPcap } from "./_pcap.ts";

const eth = readPcap(fixture("eth.pcap"));
/** Ethernet → IPv4, not fragmented (the common path). */
const plain4 = eth.filter((f) =>
  f.bytes[12] === 0x08 && f.bytes[13] === 0 && (f.bytes[20]! & 0x3f) === 0 && f.bytes[21] === 0
);
const sets = {
  [`Ethernet→IPv4 unfragmented (${plain4.length} frames)`]: plain4,
  [`eth.pcap, all (${eth.length} frames)`]: eth,
  [`vlan.pcap (QinQ, padding)`]: readPcap(fixture("vlan.pcap")),
  [`tunnels.pcap`]: readPcap(fixture("tunnels.pcap")),
};
let sink = 0;
for (const [name, frames] of Object.entries(sets)) {
  const layer = new NetworkLayer(
    (p) => {
      sink += p.payloadLength;
    },
    new Reporter([], 1000),
    { ...DEFAULT_LIMITS },
  );
  Deno.bench(`NetworkLayer.frame: ${name}`, () => {
    for (const f of frames) layer.frame(f);
  });
}
globalThis.addEventListener("unload", () => {
  if (sink < 0) console.log(sink);
});
