/**
 * SMB1 transactions that announce a megabyte and send 8 bytes
 * (tools/hostile/captures.ts `announcedTransactions`): the assembler holds
 * the bytes that came, so the decode-wide maxTotalSmbMessageBytes counts 8
 * per transaction, not the megabyte announced (before, each 80-byte primary
 * allocated its announced size: 3 000 connections took 3.4 GB).
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type SummaryEvent } from "../../mod.ts";
import { announcedTransactions } from "../../tools/hostile/captures.ts";

function decode(pcap: Uint8Array, maxTotalSmbMessageBytes?: number) {
  const d = new Decoder(maxTotalSmbMessageBytes === undefined ? {} : { maxTotalSmbMessageBytes });
  const events: DecodeEvent[] = [...d.push(pcap), ...d.end()];
  return { events, summary: events.at(-1) as SummaryEvent };
}

const dropped = (events: DecodeEvent[]) =>
  events.filter((e) =>
    e.type === "anomaly" && e.code === "smb1_maxTotalSmbMessageBytes" &&
    /maxTotalSmbMessageBytes/.test(e.detail)
  );

Deno.test("200 connections of 8 primaries announcing 1 MiB: each decoded, none dropped", () => {
  const made = announcedTransactions(200, 8);
  const { events, summary } = decode(made.pcap);
  const requests = events.filter((e) => e.type === "smb" && e.command === "NT_TRANSACT");
  assert.equal(requests.length, made.connections * made.perConnection);
  assert.equal(summary.anomalyCounts["smb1.unanswered"], made.connections * made.perConnection);
  assert.deepEqual(dropped(events), []);
});

Deno.test("a budget of 1 000 bytes holds 125 of those transactions (8 bytes each), not one megabyte", () => {
  const made = announcedTransactions(20, 8);
  const { events, summary } = decode(made.pcap, 1000);
  // The first refusal is a limit anomaly; all are counted in the summary.
  const limits = dropped(events);
  assert.equal(limits.length, 1);
  assert.deepEqual(summary.limitsHit, [{
    limit: "maxTotalSmbMessageBytes",
    count: made.connections * made.perConnection - 125,
  }]);
  assert.match(
    limits[0]!.type === "anomaly" ? limits[0]!.detail : "",
    /transaction .* maxTotalSmbMessageBytes \(1000\)/,
  );
});
