/**
 * TCP reassembly under bad conditions, on real captures made by
 * fixtures/tcp/make.sh: reordering, duplicates and retransmissions
 * (reorder.pcap), segments missing from the capture (capture_loss.pcap),
 * sequence numbers wrapping past 2^32 (seq_wrap.pcap) and a connection picked
 * up mid-stream (midstream.pcap). Each direction's delivered bytes, gaps and
 * counters must match fixtures/tcp/<name>.expected.json, which tshark and the
 * script that did the transfer wrote.
 */
import * as assert from "node:assert/strict";
import { type ConnectionEvent, type DecodeEvent, Decoder, type StreamObserver } from "../../mod.ts";
import { toHex } from "../../lib/bytes/cursor.ts";

const dir = new URL("../../fixtures/tcp/", import.meta.url);

interface Direction {
  packets: number;
  payloadBytes: number;
  streamBytes: number;
  streamSha256: string;
  gaps: { seq: number; offset: number; length: number }[];
  gapBytes: number;
}
interface Expected {
  frames: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  handshakeSeen: boolean;
  clientToServer: Direction;
  serverToClient: Direction;
}

/** What a stream tap saw of one direction. */
interface Side {
  chunks: Uint8Array[];
  /** Gap lengths, in order. */
  gaps: number[];
  /** Stream offset (bytes delivered plus gaps before it) of each gap. */
  gapOffsets: number[];
  at: number;
}

const newSide = (): Side => ({ chunks: [], gaps: [], gapOffsets: [], at: 0 });

async function sha256(chunks: Uint8Array[]): Promise<string> {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", all)));
}

function decode(bytes: Uint8Array) {
  const taps: { id: number; sides: [Side, Side]; closed: boolean }[] = [];
  const decoder = new Decoder({}, {
    observe: (info) => {
      if (info.transport !== "tcp") return undefined;
      const tap = { id: info.id, sides: [newSide(), newSide()] as [Side, Side], closed: false };
      taps.push(tap);
      const observer: StreamObserver = {
        data: (fromClient, chunk) => {
          const side = tap.sides[fromClient ? 0 : 1];
          side.chunks.push(chunk.slice()); // the view is reused
          side.at += chunk.length;
        },
        gap: (fromClient, length) => {
          const side = tap.sides[fromClient ? 0 : 1];
          side.gaps.push(length);
          side.gapOffsets.push(side.at);
          side.at += length;
        },
        close: () => {
          tap.closed = true;
        },
      };
      return observer;
    },
  });
  const events: DecodeEvent[] = [];
  // Odd-sized chunks, so records and segments straddle pushes.
  for (let at = 0; at < bytes.length; at += 40_009) {
    events.push(...decoder.push(bytes.subarray(at, at + 40_009)));
  }
  events.push(...decoder.end());
  return { events, taps };
}

const captures = ["reorder", "capture_loss", "seq_wrap", "midstream"];

for (const name of captures) {
  Deno.test(`TCP reassembly of fixtures/tcp/${name}.pcap matches tshark and the transfer`, async () => {
    const expected: Expected = JSON.parse(
      Deno.readTextFileSync(new URL(`${name}.expected.json`, dir)),
    );
    const { events, taps } = decode(Deno.readFileSync(new URL(`${name}.pcap`, dir)));
    const summary = events.at(-1);
    assert.ok(summary?.type === "summary");
    assert.equal(summary.frames, expected.frames);

    const conns = events.filter((e): e is ConnectionEvent =>
      e.type === "connection" && e.action === "close" && e.transport === "tcp"
    );
    assert.equal(conns.length, 1, "one TCP connection");
    const conn = conns[0]!;
    assert.deepEqual([conn.client, conn.server], [expected.client, expected.server]);
    assert.equal(conn.handshake, expected.handshakeSeen);
    assert.equal(taps.length, 1);
    const tap = taps[0]!;
    assert.equal(tap.id, conn.id);
    assert.ok(tap.closed, "observer closed");

    // The only anomalies allowed are the gaps the capture really has.
    const wantGaps = expected.clientToServer.gaps.length + expected.serverToClient.gaps.length;
    const anomalies = events.filter((e) => e.type === "anomaly");
    assert.deepEqual(
      anomalies.map((e) => e.type === "anomaly" && e.kind),
      Array(wantGaps).fill("gap"),
      JSON.stringify(anomalies),
    );

    for (
      const [label, stats, side, want] of [
        ["client→server", conn.clientStats!, tap.sides[0], expected.clientToServer],
        ["server→client", conn.serverStats!, tap.sides[1], expected.serverToClient],
      ] as const
    ) {
      assert.equal(stats.packets, want.packets, `${label} packets`);
      assert.equal(stats.payloadBytes, want.payloadBytes, `${label} payloadBytes`);
      assert.equal(stats.streamBytes, want.streamBytes, `${label} streamBytes`);
      assert.equal(await sha256(side.chunks), want.streamSha256, `${label} sha256`);
      assert.deepEqual(side.gaps, want.gaps.map((g) => g.length), `${label} gap lengths`);
      assert.deepEqual(side.gapOffsets, want.gaps.map((g) => g.offset), `${label} gap offsets`);
      assert.equal(stats.gaps, want.gaps.length, `${label} gaps`);
      assert.equal(stats.gapBytes, want.gapBytes, `${label} gapBytes`);
      // Every captured payload byte was either delivered once or counted as seen again.
      assert.equal(
        stats.streamBytes + stats.retransmittedBytes,
        want.payloadBytes,
        `${label} streamBytes + retransmittedBytes`,
      );
    }
  });
}
