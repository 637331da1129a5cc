/**
 * SMB messages begun and never finished on many connections
 * (tools/hostile/captures.ts `partialMessages`): what the framers hold for
 * them counts against one decode-wide cap, maxTotalSmbMessageBytes, and a
 * connection's share comes back when it ends.
 */
import * as assert from "node:assert/strict";
import { type AnomalyEvent, type DecodeEvent, Decoder, type SummaryEvent } from "../../mod.ts";
import { partialMessages } from "../../tools/hostile/captures.ts";

const MAX = 4 << 20;

function decode(pcap: Uint8Array): { events: DecodeEvent[]; summary: SummaryEvent } {
  const d = new Decoder({ maxTotalSmbMessageBytes: MAX });
  const events = [...d.push(pcap), ...d.end()];
  return { events, summary: events.at(-1) as SummaryEvent };
}

const limits = (events: DecodeEvent[]) =>
  events.filter((e): e is AnomalyEvent =>
    e.type === "anomaly" && e.code === "nbss_maxTotalSmbMessageBytes"
  );

Deno.test("40 connections left inside a 2 MiB message: past the decode-wide cap, messages keep only their start", () => {
  const made = partialMessages(40, 300_000, false);
  assert.ok(made.connections * made.bytesEach > MAX);
  const { events, summary } = decode(made.pcap);
  // Each holds what arrived in a buffer doubling from 16 KiB: 512 KiB for 300 000 bytes, so
  // eight fit in 4 MiB; the ninth is refused a growth, and every one after it its first buffer.
  const hits = summary.limitsHit.find((l) => l.limit === "maxTotalSmbMessageBytes");
  assert.equal(hits?.count, made.connections - 8);
  const [first] = limits(events);
  assert.equal(first?.evidence.connection, 8);
  assert.match(first!.detail, /NBSS message of 2097151 bytes at stream offset 0 does not fit/);
  // Every message is still reported cut short at the end, the refused ones too.
  const cut = events.filter((e) =>
    e.type === "anomaly" && e.layer === "nbss" && e.kind === "gap" && /cut short/.test(e.detail)
  );
  assert.equal(cut.length, made.connections);
});

Deno.test("the same 40 messages on connections closed one after another never reach the cap", () => {
  const made = partialMessages(40, 300_000, true);
  const { events, summary } = decode(made.pcap);
  assert.deepEqual(limits(events), []);
  assert.equal(summary.limitsHit.find((l) => l.limit === "maxTotalSmbMessageBytes"), undefined);
  assert.equal(summary.tcpConnections, made.connections);
});
