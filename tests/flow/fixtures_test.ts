/**
 * TCP reassembly on real traffic: every fixture capture made by
 * fixtures/smb/make.sh is decoded with a tap on the reassembled streams, and
 * each direction's bytes must hash to what `tshark -z follow,tcp,raw` gave the
 * script (fixtures/smb/<name>.expected.json), with tshark's packet and
 * payload counts and endpoints.
 */
import * as assert from "node:assert/strict";
import { type ConnectionEvent, type DecodeEvent, Decoder, type StreamObserver } from "../../mod.ts";
import { toHex } from "../../lib/bytes/cursor.ts";

const dir = new URL("../../fixtures/smb/", import.meta.url);

interface Direction {
  packets: number;
  payloadBytes: number;
  streamBytes: number;
  streamSha256: string;
}
interface ExpectedStream {
  stream: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  synSeen: boolean;
  firstFrame: number;
  lastFrame: number;
  clientToServer: Direction;
  serverToClient: Direction;
}
interface Expected {
  tshark: { frames: number; tcpStreams: ExpectedStream[] };
}

/** Collects each direction of every connection's reassembled stream. */
function tap(streams: Map<number, Uint8Array[][]>) {
  return (info: { id: number; transport: string }): StreamObserver | undefined => {
    if (info.transport !== "tcp") return undefined;
    const sides: Uint8Array[][] = [[], []];
    streams.set(info.id, sides);
    return {
      data: (fromClient, bytes) => sides[fromClient ? 0 : 1]!.push(bytes.slice()),
      gap: () => assert.fail(`unexpected gap in connection ${info.id}`),
      close: () => {},
    };
  };
}

async function sha256(chunks: Uint8Array[]): Promise<string> {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", all)));
}

const captures = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".pcap"))
  .sort();

for (const name of captures) {
  Deno.test(`TCP reassembly of fixtures/smb/${name} matches tshark's follow streams`, async () => {
    const expected: Expected = JSON.parse(
      Deno.readTextFileSync(new URL(name.replace(/\.pcap$/, ".expected.json"), dir)),
    );
    const streams = new Map<number, Uint8Array[][]>();
    const decoder = new Decoder({}, { observe: tap(streams) });
    const bytes = Deno.readFileSync(new URL(name, dir));
    const events: DecodeEvent[] = [];
    // Odd-sized chunks, so records and segments straddle pushes.
    for (let at = 0; at < bytes.length; at += 65521) {
      events.push(...decoder.push(bytes.subarray(at, at + 65521)));
    }
    events.push(...decoder.end());
    const summary = events.at(-1);
    assert.ok(summary?.type === "summary");
    assert.equal(summary.frames, expected.tshark.frames);
    assert.equal(summary.anomalies, 0, JSON.stringify(events.filter((e) => e.type === "anomaly")));
    const conns = events.filter((e): e is ConnectionEvent =>
      e.type === "connection" && e.action === "close" && e.transport === "tcp"
    );
    assert.equal(conns.length, expected.tshark.tcpStreams.length);
    for (const [i, want] of expected.tshark.tcpStreams.entries()) {
      const c = conns.find((c) => c.firstFrame === want.firstFrame)!;
      assert.ok(c, `stream ${i} starting at frame ${want.firstFrame}`);
      assert.deepEqual([c.client, c.server], [want.client, want.server]);
      assert.equal(c.handshake, want.synSeen);
      assert.equal(c.lastFrame, want.lastFrame);
      const sides = streams.get(c.id)!;
      for (
        const [label, stats, side, tshark] of [
          ["client→server", c.clientStats!, sides[0]!, want.clientToServer],
          ["server→client", c.serverStats!, sides[1]!, want.serverToClient],
        ] as const
      ) {
        assert.equal(stats.packets, tshark.packets, label);
        assert.equal(stats.payloadBytes, tshark.payloadBytes, label);
        assert.equal(stats.streamBytes, tshark.streamBytes, label);
        assert.equal(await sha256(side), tshark.streamSha256, label);
      }
    }
  });
}
