/**
 * State of connections and sessions that are gone leaves the decode-wide
 * counts: a long capture of short conversations never reaches
 * `maxTotalSmbStateEntries` from what the dead ones held.
 */
import * as assert from "node:assert/strict";
import {
  type DecodeEvent,
  Decoder,
  type DecoderHooks,
  type DecoderOptions,
  type SummaryEvent,
} from "../../mod.ts";
import { fixtureFrames, writeReplicated } from "../../bench/build_capture.ts";
import { PcapBuilder, TcpConversation } from "../../tools/hostile/pcap.ts";
import { nbss, smb1WriteAndx } from "../../tools/hostile/smb.ts";
import { smb2OneByteWrite } from "../../tools/hostile/amplifiers.ts";

const FIXTURES = new URL("../../fixtures/smb/", import.meta.url);

/** `copies` copies of a fixture one after the other, each under other addresses, decoded. */
async function replayed(
  name: string,
  copies: number,
  options: DecoderOptions,
  firstFrames = Infinity,
  hooks: DecoderHooks = {},
) {
  const frames = fixtureFrames([new URL(name, FIXTURES).pathname]).slice(0, firstFrames);
  const perCopy = frames.reduce((n, f) => n + 16 + f.bytes.length, 0);
  const path = await Deno.makeTempFile({ suffix: ".pcap" });
  try {
    await writeReplicated(path, frames, 24 + perCopy * copies, 1);
    return decoded(Deno.readFileSync(path), options, hooks);
  } finally {
    Deno.removeSync(path);
  }
}

function decoded(pcap: Uint8Array, options: DecoderOptions, hooks: DecoderHooks = {}) {
  const d = new Decoder(options, hooks);
  const events: DecodeEvent[] = [...d.push(pcap), ...d.end()];
  const summary = events.at(-1) as SummaryEvent;
  const hits = (limit: string) => summary.limitsHit.find((l) => l.limit === limit)?.count ?? 0;
  const closes = events.filter((e) => e.type === "connection" && e.action === "close").length;
  return { events, hits, closes };
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

Deno.test("SMB2: a session is orphaned at its connection's end under combined observers too", async () => {
  // With a second observer (a hook here; the DCE/RPC analyzer on ports other than 139/445) the
  // connection's end reached the SMB analyzer without its time: no session was ever queued to
  // expire, and their trees stayed counted.
  const observe = () => ({ data() {}, gap() {}, close() {} });
  const options = { maxTotalSmbStateEntries: 20, tcpIdleTimeout: 0.2 };
  const { hits, closes } = await replayed("smb2_10.pcap", 40, options, 21, { observe });
  assert.equal(closes, 40);
  assert.equal(hits("maxTotalSmbStateEntries"), 0);
});

/** `connections` SMB2 connections one after another, each writing a byte in `sessions` new sessions. */
function sessionsPerConnection(connections: number, sessions: number): Uint8Array {
  const pcap = new PcapBuilder();
  for (let k = 0; k < connections; k++) {
    const c = new TcpConversation(pcap, 0x0a000100 + k, 40000, 0x0a000002, 445, 1_700_000_000 + k);
    c.handshake();
    for (let s = 1; s <= sessions; s++) {
      c.send(true, nbss(smb2OneByteWrite(s, k * 1000 + s, 7, 0)));
    }
    c.close();
  }
  return pcap.bytes();
}

Deno.test("SMB2: sessions the table forgot while their connection was open leave the count", () => {
  // 20 connections of 64 sessions each, a table of 8: sessions are forgotten while in use. The
  // connection's list of sessions drops them once it has 64; they were then never released.
  const { hits } = decoded(sessionsPerConnection(20, 64), {
    maxSmbSessions: 8,
    maxTotalSmbStateEntries: 200,
  });
  assert.equal(hits("maxTotalSmbStateEntries"), 0);
  assert.ok(hits("maxSmbSessions") > 0);
});

Deno.test("SMB1: an open forgotten at the per-connection cap is lost to the consumers", () => {
  // 40 connections 10 s apart, each writing to 3 FIDs with room for 2: the third pushes out the
  // first, which was never reported lost, so its file waited for the capture's end.
  const pcap = new PcapBuilder();
  for (let k = 0; k < 40; k++) {
    const start = 1_700_000_000 + 10 * k;
    const c = new TcpConversation(pcap, 0x0a000100 + k, 40000, 0x0a000002, 445, start);
    c.handshake();
    for (let fid = 1; fid <= 3; fid++) {
      c.send(true, nbss(smb1WriteAndx(fid, fid, 0, new Uint8Array(100).fill(0x41))));
    }
    c.close();
  }
  const { events, hits } = decoded(pcap.bytes(), { maxSmbStateEntries: 2, maxHashingFiles: 10 });
  const files = events.filter((e) => e.type === "file");
  assert.equal(files.length, 120);
  const state = (s: string) => files.filter((f) => f.type === "file" && f.state === s).length;
  assert.equal(state("evicted"), 40);
  assert.equal(state("connection_end"), 78);
  // The last connection still waits out its close at the capture's end.
  assert.equal(state("capture_end"), 2);
  assert.equal(hits("maxHashingFiles"), 0);
});
