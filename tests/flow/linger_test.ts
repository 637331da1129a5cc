/**
 * Closed conversations wait out their linger by capture time; where capture
 * time stands still, at most 8192 wait at once (the one that waited longest
 * is retired when another closes, counted as `flow_maxLingering`), instead of
 * every one of them, with its analyzers' state, until `maxConnections`.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type StreamObserver } from "../../mod.ts";
import {
  ACK,
  FIN,
  PcapBuilder,
  PSH,
  SYN,
  TcpConversation,
  tcpFrame,
} from "../../tools/hostile/pcap.ts";

/**
 * `count` conversations one after another, a byte each way then FIN, each starting at the same
 * capture time (its segments 0.1 ms apart): the clock never passes the first one's end.
 */
function frozenClock(count: number): Uint8Array {
  const pcap = new PcapBuilder();
  const byte = new Uint8Array([0x41]);
  for (let k = 0; k < count; k++) {
    const c = new TcpConversation(pcap, 0x0a000000 + k, 40000, 0x0b000001, 8080, 1_700_000_000);
    c.handshake();
    c.send(true, byte);
    c.send(false, byte);
    c.close();
  }
  return pcap.bytes();
}

Deno.test("a capture whose clock stands still: closed conversations are retired past 8192 waiting", () => {
  const d = new Decoder({ files: { hashes: false } });
  const events: DecodeEvent[] = [...d.push(frozenClock(9000)), ...d.end()];
  const opens = events.flatMap((e, i) => e.type === "connection" && e.action === "open" ? [i] : []);
  const closes = events.flatMap((e, i) =>
    e.type === "connection" && e.action === "close" ? [i] : []
  );
  assert.equal(opens.length, 9000);
  assert.equal(closes.length, 9000);
  // The first close comes while conversations are still opening: when the 8193rd closed.
  assert.ok(closes[0]! < opens.at(-1)!, "every close waited for the capture's end");
  const first = events[closes[0]!]!;
  assert.equal(first.type === "connection" && first.id, 0);
  assert.equal(first.type === "connection" && first.state, "closed_fin");
  const before = events.slice(0, closes[0]).filter((e) =>
    e.type === "connection" && e.action === "open"
  );
  assert.equal(before.length, 8193);
  // Each early retirement is counted; the first shown as a limit anomaly.
  const summary = events.at(-1)!;
  assert.deepEqual(summary.type === "summary" && summary.limitsHit, [
    { limit: "maxLingering", count: 9000 - 8192 },
  ]);
  const limits = events.filter((e) => e.type === "anomaly" && e.kind === "limit");
  assert.equal(limits.length, 1);
  assert.equal(limits[0]!.type === "anomaly" && limits[0]!.code, "flow_maxLingering");
});

Deno.test("an observer that throws on the bytes flushed at the close is still closed", () => {
  // Handshake, then 10 bytes that follow a 100-byte hole: held out of order until the close,
  // whose flush declares the hole and hands them to the observer, which throws.
  const pcap = new PcapBuilder();
  const t = 1_700_000_000;
  const seg = (fromClient: boolean, seq: number, ack: number, flags: number, payload?: number) =>
    pcap.add(
      tcpFrame({
        src: fromClient ? 0x0a000001 : 0x0a000002,
        dst: fromClient ? 0x0a000002 : 0x0a000001,
        srcPort: fromClient ? 40000 : 9999,
        dstPort: fromClient ? 9999 : 40000,
        seq,
        ack,
        flags,
        ...(payload === undefined ? {} : { payload: new Uint8Array(payload).fill(0x41) }),
      }),
      t,
    );
  seg(true, 1000, 0, SYN);
  seg(false, 5000, 1001, SYN | ACK);
  seg(true, 1001, 5001, ACK);
  seg(true, 1101, 5001, PSH | ACK, 10);
  seg(true, 1111, 5001, FIN | ACK);
  seg(false, 5001, 1001, FIN | ACK);
  let closed = 0;
  const observer: StreamObserver = {
    data() {
      throw new Error("observer fault");
    },
    gap() {},
    close() {
      closed++;
    },
  };
  const d = new Decoder({}, { observe: () => observer });
  const events = [...d.push(pcap.bytes()), ...d.end()];
  assert.equal(closed, 1);
  const bugs = events.filter((e) => e.type === "anomaly" && e.code === "flow_bug");
  assert.equal(bugs.length, 1);
  assert.match(bugs[0]!.type === "anomaly" ? bugs[0]!.detail : "", /observer fault/);
});
