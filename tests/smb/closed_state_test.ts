/**
 * State of connections and sessions that are gone leaves the decode-wide
 * counts: a long capture of short conversations never reaches
 * `maxTotalSmbStateEntries` from what the dead ones held.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder, type DecoderOptions, type SummaryEvent } from "../../mod.ts";
import { fixtureFrames, writeReplicated } from "../../bench/build_capture.ts";

const FIXTURES = new URL("../../fixtures/smb/", import.meta.url);

/** `copies` copies of a fixture one after the other, each under other addresses, decoded. */
async function replayed(
  name: string,
  copies: number,
  options: DecoderOptions,
  firstFrames = Infinity,
) {
  const frames = fixtureFrames([new URL(name, FIXTURES).pathname]).slice(0, firstFrames);
  const perCopy = frames.reduce((n, f) => n + 16 + f.bytes.length, 0);
  const path = await Deno.makeTempFile({ suffix: ".pcap" });
  try {
    await writeReplicated(path, frames, 24 + perCopy * copies, 1);
    const d = new Decoder(options);
    const events: DecodeEvent[] = [...d.push(Deno.readFileSync(path)), ...d.end()];
    const summary = events.at(-1) as SummaryEvent;
    const hits = (limit: string) => summary.limitsHit.find((l) => l.limit === limit)?.count ?? 0;
    const closes = events.filter((e) => e.type === "connection" && e.action === "close").length;
    return { events, hits, closes };
  } finally {
    Deno.removeSync(path);
  }
}

Deno.test("SMB1: a closed connection's users and trees leave the decode-wide count", async () => {
  // Each copy logs on and connects trees, then closes: a few entries each, 40 copies.
  const { hits, closes, events } = await replayed("smb1_session.pcap", 40, {
    maxTotalSmbStateEntries: 20,
  });
  assert.equal(closes, 40);
  assert.equal(
    events.filter((e) => e.type === "tree" && e.action === "connect").length >= 40,
    true,
  );
  assert.equal(hits("maxTotalSmbStateEntries"), 0);
});

Deno.test("SMB2: a session forgotten after its idle time leaves the decode-wide count", async () => {
  // Each copy: smb2_10.pcap up to its second TREE_CONNECT response (frame 21), then silence. Its
  // connection times out (tcpIdleTimeout), its session is orphaned holding a tree and forgotten
  // when the next copy's is orphaned a second later: its tree goes with it.
  const options = { maxTotalSmbStateEntries: 20, tcpIdleTimeout: 0.2 };
  const { hits, closes } = await replayed("smb2_10.pcap", 40, options, 21);
  assert.equal(closes, 40);
  assert.equal(hits("maxTotalSmbStateEntries"), 0);
  // Sessions kept for the default hour hold their trees: the same copies reach the cap.
  const kept = await replayed("smb2_10.pcap", 40, { maxTotalSmbStateEntries: 20 }, 21);
  assert.ok(kept.hits("maxTotalSmbStateEntries") > 0);
});
