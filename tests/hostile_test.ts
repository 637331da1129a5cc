/**
 * Hostile input end to end: cut, corrupted and flooding captures never make
 * the decoder throw, never report a bug, and always end with a summary.
 */
import * as assert from "node:assert/strict";
import { decodeInChunks } from "./_support/decode.ts";
import type { DecodeEvent, SummaryEvent } from "../mod.ts";
import { synFlood } from "../tools/hostile/captures.ts";
import { joinParts } from "../tools/hostile/pcap.ts";

const fixture = (name: string) =>
  Deno.readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/** Pushes of an odd size, so records and messages straddle them. */
const decodeAll = (bytes: Uint8Array, options = {}, chunk = 4093): DecodeEvent[] =>
  decodeInChunks(bytes, options, chunk);

function assertSane(events: DecodeEvent[], label: string): SummaryEvent {
  const summary = events.at(-1);
  assert.equal(summary?.type, "summary", label);
  const bugs = events.filter((e) => e.type === "anomaly" && e.kind === "bug");
  assert.deepEqual(bugs, [], label);
  // An argument decoder that failed other than on malformed NDR is a bug too.
  const failed = events.filter((e) =>
    e.type === "rpc" && /decoder failed/.test(e.argumentsNote ?? "")
  );
  assert.deepEqual(failed, [], label);
  return summary as SummaryEvent;
}

function random(seed: number) {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

Deno.test("Decoder survives a capture cut at every 97th byte", () => {
  const bytes = fixture("smb/smb1_session.pcap");
  for (let cut = 0; cut < bytes.length; cut += 97) {
    assertSane(decodeAll(bytes.subarray(0, cut)), `cut at ${cut}`);
  }
});

Deno.test("Decoder survives random byte corruption of real captures", () => {
  const rand = random(1);
  for (
    const name of [
      "smb/smb3_11.pcap",
      "smb/smb1_session.pcap",
      "smb/smb1_guest_139.pcap",
      "smb/impacket_smb2.pcap",
      "net/tunnels.pcap",
      "formats/multi_section.pcapng",
      "dcerpc/rpc_smb2.pcap",
      "dcerpc/rpc_smb1.pcap",
      "dcerpc/rpc_tcp.pcap",
      "dcerpc/rpc_netlogon.pcap",
    ]
  ) {
    const original = fixture(name);
    for (let round = 0; round < 60; round++) {
      const bytes = original.slice();
      const flips = 1 + Math.floor(rand() * 40);
      for (let i = 0; i < flips; i++) {
        bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      }
      assertSane(decodeAll(bytes), `${name} round ${round}`);
    }
  }
});

Deno.test("Decoder survives random bytes after a valid pcap header", () => {
  const rand = random(2);
  const header = fixture("smb/smb1_session.pcap").subarray(0, 24);
  for (let round = 0; round < 50; round++) {
    const body = Uint8Array.from({ length: 5000 }, () => Math.floor(rand() * 256));
    const bytes = new Uint8Array(24 + body.length);
    bytes.set(header);
    bytes.set(body, 24);
    assertSane(decodeAll(bytes), `round ${round}`);
  }
});

Deno.test("Decoder keeps a connection flood within maxConnections and says so", () => {
  const count = 200_000;
  const events = decodeAll(joinParts(synFlood(count)), { maxConnections: 5000 }, 1 << 20);
  const summary = assertSane(events, "flood");
  assert.equal(summary.frames, count);
  assert.equal(summary.tcpConnections, count);
  assert.deepEqual(summary.limitsHit, [{ limit: "maxConnections", count: count - 5000 }]);
  const limitEvents = events.filter((e) => e.type === "anomaly" && e.kind === "limit");
  assert.equal(limitEvents.length, 1);
});
