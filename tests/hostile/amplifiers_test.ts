/**
 * The captures of tools/hostile/amplifiers.ts decoded end to end: each says
 * what it is (sessions, fragments, pieces, segments) and each store that
 * could have grown with it is capped and reports the cap, with real values.
 * (What they cost is bench/hostile.ts's job; no test asserts memory.)
 */
import * as assert from "node:assert/strict";
import {
  type AnomalyEvent,
  type DecodeEvent,
  Decoder,
  type DecoderOptions,
  type FileEvent,
  type RpcEvent,
  type SummaryEvent,
} from "../../mod.ts";
import {
  descendingWrites,
  kerberosDribble,
  opensAcrossSessions,
  rpcCallFlood,
  rpcFragmentFlood,
  sessionFlood,
} from "../../tools/hostile/amplifiers.ts";
import { HELD_PIECE_COST } from "../../lib/files/content.ts";
import { announcedTransactions } from "../../tools/hostile/captures.ts";

function decode(pcap: Uint8Array, options: DecoderOptions = {}) {
  const d = new Decoder(options);
  const events: DecodeEvent[] = [...d.push(pcap), ...d.end()];
  const summary = events.at(-1) as SummaryEvent;
  const codes = (code: string) =>
    events.filter((e): e is AnomalyEvent => e.type === "anomaly" && e.code === code);
  const hits = (limit: string) => summary.limitsHit.find((l) => l.limit === limit)?.count ?? 0;
  return { events, summary, codes, hits };
}

Deno.test("session flood: 3 000 sessions on one connection pass a table of 1 000, reported at the cap", () => {
  const { events, hits } = decode(sessionFlood(3000), { maxSmbSessions: 1000 });
  const setups = events.filter((e) => e.type === "smb" && e.command === "SESSION_SETUP");
  assert.equal(setups.length, 3000);
  assert.deepEqual(setups.slice(0, 2).map((e) => e.type === "smb" && e.sessionId), ["1", "2"]);
  // Half the table goes at each eviction: at the 1 001st, 1 501st, 2 001st and 2 501st session.
  assert.equal(hits("maxSmbSessions"), 4);
});

Deno.test("rpc fragment flood: one-byte fragments are counted and kept up to the stub cap", () => {
  const { events, codes } = decode(rpcFragmentFlood(2000, 2), { maxRpcStubBytes: 1000 });
  const calls = events.filter((e): e is RpcEvent => e.type === "rpc" && e.action === "call");
  assert.equal(calls.length, 2);
  for (const call of calls) {
    assert.equal(call.operation, "ROpenSCManagerW");
    assert.equal(call.requestFragments, 2000);
    assert.equal(call.requestStubBytes, 2000);
    assert.equal(call.outcome, "no_response");
    assert.match(call.argumentsNote!, /maxRpcStubBytes/);
  }
  assert.equal(codes("dcerpc_maxRpcStubBytes").length, 1);
});

Deno.test("descending writes: one-byte pieces held ahead of the hole stop hashing at the per-file cap", () => {
  const cap = 500 * (1 + HELD_PIECE_COST);
  const { events, codes } = decode(descendingWrites(2000), { maxFileBufferBytes: cap });
  const [file] = events.filter((e): e is FileEvent => e.type === "file");
  assert.equal(file?.writes, 2000);
  assert.equal(file?.bytesWritten, 2000);
  assert.equal(file?.hashNote, `more than ${cap} bytes arrived ahead of a hole at offset 0`);
  assert.equal(codes("files_maxFileBufferBytes").length, 1);
});

Deno.test("kerberos dribble: a message in one-byte segments is gathered, and refused past the message budget", () => {
  // 64 000 bytes held in a doubling buffer reach 64 KiB: under 1 MiB they fit, under 32 KiB not.
  assert.deepEqual(decode(kerberosDribble(2)).codes("auth_maxTotalSmbMessageBytes"), []);
  const { codes, hits } = decode(kerberosDribble(2), { maxTotalSmbMessageBytes: 32 << 10 });
  const [refused] = codes("auth_maxTotalSmbMessageBytes");
  assert.match(
    refused!.detail,
    /bytes of a Kerberos message on port 88 do not fit maxTotalSmbMessageBytes \(32768\)/,
  );
  assert.equal(hits("maxTotalSmbMessageBytes"), 1);
});

Deno.test("rpc call flood: 40 associations of 10 unanswered calls pass a decode-wide cap of 100, each call reported once", () => {
  const { events, codes, hits } = decode(rpcCallFlood(40, 10), { maxTotalRpcCalls: 100 });
  const calls = events.filter((e): e is RpcEvent => e.type === "rpc" && e.action === "call");
  assert.equal(calls.length, 400);
  assert.ok(calls.every((c) => c.outcome === "no_response" && c.operation === "ROpenSCManagerW"));
  assert.equal(new Set(calls.map((c) => `${c.evidence.connection}:${c.callId}`)).size, 400);
  // 100 wait at the 100th call; each 25 calls after it drop the oldest 25: 12 times.
  assert.equal(hits("maxTotalRpcCalls"), 12);
  const [first] = codes("dcerpc_maxTotalRpcCalls");
  assert.match(
    first!.detail,
    /more than 100 DCE\/RPC calls awaiting answers over all associations; the oldest 25/,
  );
  // The first dropped are the first connection's, before the capture ends.
  assert.deepEqual(calls.slice(0, 10).map((c) => c.evidence.connection), new Array(10).fill(0));
});

Deno.test("opens across sessions: past the decode-wide cap, the session holding the most gives up its older half", () => {
  // 4 sessions of 50 one-byte files: 200 opens over a shared cap of 120.
  const { events, codes, hits } = decode(opensAcrossSessions(4, 50), {
    maxTotalSmbStateEntries: 120,
    maxHashingFiles: 200,
  });
  const files = events.filter((e): e is FileEvent => e.type === "file");
  assert.equal(files.length, 200);
  assert.ok(files.every((f) => f.writes === 1 && f.bytesWritten === 1));
  const [first] = codes("smb2_maxTotalSmbStateEntries");
  assert.match(
    first!.detail,
    /more than 120 SMB users, trees and opens .* the oldest open files of this session forgotten/,
  );
  // The cap fills at the 121st open (session 3) and at every 25th after: sessions 1, 2 and 3
  // each hold the most in turn and give up 25; then session 4 its 22 oldest of 45.
  assert.equal(hits("maxTotalSmbStateEntries"), 4);
  const evicted = (session: string) =>
    files.filter((f) => f.sessionId === session && f.state === "evicted").length;
  assert.deepEqual(["1", "2", "3", "4"].map(evicted), [25, 25, 25, 22]);
  assert.deepEqual(codes("files_maxHashingFiles"), []);
});

Deno.test("opens across sessions: past maxHashingFiles a file's hashing does not start, and says why", () => {
  const { events, codes } = decode(opensAcrossSessions(2, 60), { maxHashingFiles: 100 });
  const files = events.filter((e): e is FileEvent => e.type === "file");
  const refused = files.filter((f) =>
    f.hashNote === "more than 100 files were being hashed at once"
  );
  assert.equal(refused.length, 20);
  assert.ok(refused.every((f) => f.sessionId === "2"));
  assert.equal(codes("files_maxHashingFiles").length, 1);
});

Deno.test("unanswered requests on 50 connections pass a decode-wide cap of 100: each reported once", () => {
  // 50 SMB1 connections of 8 NT_TRANSACT primaries that are never answered: 400 requests waiting.
  const { codes, hits } = decode(announcedTransactions(50, 8).pcap, {
    maxTotalPendingRequests: 100,
  });
  const unanswered = codes("smb1_unanswered");
  assert.equal(unanswered.length, 400);
  assert.equal(
    new Set(unanswered.map((a) => `${a.evidence.connection} ${a.detail}`)).size,
    400,
  );
  // From the 101st on, a new request may find the cap full; the connection waiting on the most
  // (8 at first: connection 0) drops its oldest quarter, two requests, later ones one or two.
  const [first] = codes("smb1_maxTotalPendingRequests");
  assert.match(
    first!.detail,
    /more than 100 requests awaiting responses over all connections; the oldest 2 of this one dropped/,
  );
  assert.equal(first!.evidence.connection, 0);
  const drops = hits("maxTotalPendingRequests");
  assert.ok(drops >= 150 && drops <= 300, `${drops} drops for 300 requests past the cap`);
  assert.equal(hits("maxPendingRequests"), 0);
});

Deno.test("the MS17-010 rules follow at most 10 000 open transactions over all connections", () => {
  // 50 connections of 256 unanswered NT_TRANSACT primaries: 12 800 open transactions.
  const { codes } = decode(announcedTransactions(50, 256).pcap);
  const forgotten = codes("detect_maxRuleState").filter((a) =>
    /more than 10000 SMB1 transactions open over all connections; the oldest 2500 forgotten/
      .test(a.detail)
  );
  assert.equal(forgotten.length, 1);
  // Each connection stays under its own cap of 256.
  assert.ok(codes("detect_maxRuleState").every((a) => !/on one connection/.test(a.detail)));
});

Deno.test("the MS17-010 rules forget a closed connection's open transactions", () => {
  // The same 12 800 transactions, each connection closed before the next begins: none is open
  // at once past 256, so the decode-wide list never fills.
  const { codes, events } = decode(announcedTransactions(50, 256, true).pcap);
  assert.equal(events.filter((e) => e.type === "connection" && e.action === "close").length, 50);
  assert.deepEqual(
    codes("detect_maxRuleState").filter((a) => /over all connections/.test(a.detail)),
    [],
  );
});
