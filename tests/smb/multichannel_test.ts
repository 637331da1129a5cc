/**
 * SMB 3 multichannel: a READ on a second connection bound to the session of
 * the first names the user, share and file opened on the first, and its data
 * reaches consumers as the same open.
 *
 * No multichannel client runs here (smbclient and impacket open one
 * connection), so the second channel is built from real traffic of
 * fixtures/smb/smb3_11.pcap: its own SESSION_SETUP exchange (the request with
 * the SMB2_SESSION_FLAG_BINDING bit set, as a binding client sends it,
 * [MS-SMB2] 3.2.4.1.7) and its READ request and 50,000-byte response for
 * smb3_11_put.bin (FileId d0f8a4f4…, opened in frame 79), replayed on a new
 * TCP connection from another client port to another server address (a
 * second interface), inserted while the first channel still holds the open.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Decoder } from "../../lib/decoder.ts";
import type { DecodeEvent, SmbEvent } from "../../lib/events.ts";
import type { DataFact, OpenFile, SmbIoFact } from "../../lib/smb/io.ts";
import { data, HANDSHAKE, type Segment, tcpConnection } from "../_support/pcap_writer.ts";
import { nbssMessages } from "../_support/smb_messages.ts";

const FIXTURE = new URL("../../fixtures/smb/smb3_11.pcap", import.meta.url);
const EXPECTED = JSON.parse(
  Deno.readTextFileSync(new URL("../../fixtures/smb/smb3_11.expected.json", import.meta.url)),
);
const FILE = EXPECTED.files.find((f: { name: string }) => f.name === "smb3_11_put.bin");

interface Records {
  header: Uint8Array;
  records: Uint8Array[];
}

function records(pcap: Uint8Array): Records {
  const v = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 24; at < pcap.length;) {
    const length = 16 + v.getUint32(at + 8, true);
    out.push(pcap.slice(at, at + length));
    at += length;
  }
  return { header: pcap.subarray(0, 24), records: out };
}

/** Segments of at most 1448 bytes, as the wire would carry them. */
function segments(fromClient: boolean, message: Uint8Array): Segment[] {
  const out: Segment[] = [];
  for (let at = 0; at < message.length; at += 1448) {
    out.push(data(fromClient, message.subarray(at, at + 1448)));
  }
  return out;
}

/** smb3_11.pcap with a second channel inserted after frame `after`; `binding` sets the flag. */
function withSecondChannel(binding: boolean): Uint8Array {
  const m = nbssMessages(FIXTURE);
  const setupRequest = m.message(10), setupResponse = m.message(11);
  const readRequest = m.message(82), readResponse = m.message(83);
  // SESSION_SETUP request body: StructureSize (2), Flags (1) at NBSS 4 + header 64 + 2.
  setupRequest[4 + 64 + 2] = binding ? 0x01 : 0x00;
  const second = records(tcpConnection([
    ...HANDSHAKE,
    ...segments(true, setupRequest),
    ...segments(false, setupResponse),
    ...segments(true, readRequest),
    ...segments(false, readResponse),
  ]));
  // The first channel's READ response ends at record 122; its CLOSE follows.
  return insertIntoFixture(second, 122);
}

/**
 * smb3_11.pcap with `second`'s records after its record `after`, timed
 * `laterSeconds` after that record (whole seconds: the pcap's own field).
 */
function insertIntoFixture(second: Records, after: number, laterSeconds = 0): Uint8Array {
  const first = records(Deno.readFileSync(FIXTURE));
  const ts = new DataView(first.records[after - 1]!.buffer).getUint32(0, true) + laterSeconds;
  for (const r of second.records) new DataView(r.buffer).setUint32(0, ts, true);
  const all = [
    first.header,
    ...first.records.slice(0, after),
    ...second.records,
    ...first.records.slice(after),
  ];
  const out = new Uint8Array(all.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of all) out.set(r, (at += r.length) - r.length);
  return out;
}

/**
 * smb3_11.pcap with a connection picked up mid-stream inserted after the
 * first channel's READ: no SESSION_SETUP, only a READ exchange of the same
 * SessionId and FileId, from 10.0.0.1 to `server` (an IPv4 address as a
 * number): the fixture's own server, or another address.
 */
function withMidstreamReader(server: number, afterEndSeconds?: number): Uint8Array {
  const m = nbssMessages(FIXTURE);
  const second = records(tcpConnection([
    ...segments(true, m.message(82)),
    ...segments(false, m.message(83)),
  ]));
  for (const r of second.records) {
    const v = new DataView(r.buffer);
    // pcap record header (16) + Ethernet (14): IPv4 source at 12, destination at 16.
    const toServer = v.getUint32(16 + 14 + 16) === 0x0a000002;
    v.setUint32(16 + 14 + (toServer ? 16 : 12), server);
  }
  // Inside the first connection (after its READ), or that long after its end (FIN, frame 386;
  // the fixture has 387 records).
  return afterEndSeconds === undefined
    ? insertIntoFixture(second, 122)
    : insertIntoFixture(second, 387, afterEndSeconds);
}

function decode(
  bytes: Uint8Array,
): { events: DecodeEvent[]; facts: SmbIoFact[]; reads: Uint8Array[] } {
  const facts: SmbIoFact[] = [], reads: Uint8Array[] = [];
  const decoder = new Decoder({
    consumers: [{
      wantsFileData: true,
      wantsPipeData: false,
      io(f) {
        facts.push(f);
        if (f.kind === "read") reads.push(f.data.slice());
      },
    }],
  });
  return { events: [...decoder.push(bytes), ...decoder.end()], facts, reads };
}

Deno.test("multichannel: a READ on a bound channel names the user, share and file of the first", () => {
  const { events, facts, reads } = decode(withSecondChannel(true));
  const onSecond = events.filter((e): e is SmbEvent =>
    e.type === "smb" && e.evidence.connection === 1
  );
  assert.deepEqual(onSecond.map((e) => `${e.command} ${e.response}`), [
    "SESSION_SETUP false",
    "SESSION_SETUP true",
    "READ false",
    "READ true",
  ]);
  for (const e of onSecond.slice(2)) {
    assert.equal(e.user, "WORKGROUP\\alice");
    assert.equal(e.share, "\\\\10.77.0.1\\data");
    assert.equal(e.file, "smb3_11_put.bin");
    assert.equal(e.server.ip, "10.0.0.2");
  }
  // The consumer sees one open, read on both channels: same bytes, the file's.
  const readFacts = facts.filter((f): f is DataFact => f.kind === "read");
  const opens = new Set<OpenFile>(readFacts.map((f) => f.file));
  assert.equal(opens.size, 1);
  const connections = new Set(readFacts.map((f) => f.evidence.connection));
  assert.deepEqual([...connections].sort(), [0, 1]);
  const half = reads.length / 2;
  for (const part of [reads.slice(0, half), reads.slice(half)]) {
    const all = new Uint8Array(part.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of part) all.set(r, (at += r.length) - r.length);
    assert.equal(all.length, FILE.size);
    assert.equal(createHash("sha256").update(all).digest("hex"), FILE.sha256);
  }
});

Deno.test("multichannel: without the BINDING flag the second connection is a session of its own", () => {
  const { events } = decode(withSecondChannel(false));
  const reads = events.filter((e): e is SmbEvent =>
    e.type === "smb" && e.evidence.connection === 1 && e.command === "READ"
  );
  assert.equal(reads.length, 2);
  for (const e of reads) {
    assert.equal(e.file, undefined);
    assert.equal(e.share, undefined);
  }
});

Deno.test("multichannel: a real bound channel (smbtorture smb2.replay.replay4) names the file opened on the first", () => {
  // fixtures/smb/make_io.sh: connection 1 binds to connection 0's session (SESSION_SETUP with
  // BINDING, frames 47-50), then WRITEs twice and READs (frames 51-56) the handle connection 0
  // opened as replaytestdir\replay4.dat (CREATE frames 20/21). tshark names no file there.
  const d = new Decoder();
  const bytes = Deno.readFileSync(
    new URL("../../fixtures/smb/io_multichannel.pcap", import.meta.url),
  );
  const events = [...d.push(bytes), ...d.end()];
  const io = events.filter((e): e is SmbEvent =>
    e.type === "smb" && e.evidence.connection === 1 &&
    (e.command === "WRITE" || e.command === "READ")
  );
  assert.deepEqual(io.map((e) => e.evidence.frames[0]), [51, 52, 53, 54, 55, 56]);
  for (const e of io) {
    assert.equal(e.file, "replaytestdir\\replay4.dat");
    assert.equal(e.share, "\\\\10.77.0.1\\data");
    assert.equal(e.user, "WORKGROUP\\alice");
  }
});

Deno.test("multichannel: a connection picked up mid-stream joins a session of its own server address only", () => {
  // Same server (10.77.0.1): the session is the one set up on connection 0 (frames 10-11).
  const same = decode(withMidstreamReader(0x0a4d0001)).events.filter((e): e is SmbEvent =>
    e.type === "smb" && e.evidence.connection === 1
  );
  assert.deepEqual(same.map((e) => `${e.command} ${e.response}`), ["READ false", "READ true"]);
  for (const e of same) {
    assert.equal(e.server.ip, "10.77.0.1");
    assert.equal(e.user, "WORKGROUP\\alice");
    assert.equal(e.file, "smb3_11_put.bin");
  }
  // Another server address with the same SessionId: not a channel of it without a BINDING setup
  // (two servers may hand out the same SessionId; a capture replayed under other addresses does).
  const other = decode(withMidstreamReader(0x0a000002)).events.filter((e): e is SmbEvent =>
    e.type === "smb" && e.evidence.connection === 1
  );
  assert.deepEqual(other.map((e) => `${e.command} ${e.response}`), ["READ false", "READ true"]);
  for (const e of other) {
    assert.equal(e.server.ip, "10.0.0.2");
    assert.equal(e.user, undefined);
    assert.equal(e.file, undefined);
  }
});

Deno.test("SMB2 sessions: one whose last channel closed is forgotten after tcpIdleTimeout", () => {
  const reads = (afterEndSeconds: number) =>
    decode(withMidstreamReader(0x0a4d0001, afterEndSeconds)).events.filter((e): e is SmbEvent =>
      e.type === "smb" && e.evidence.connection === 1 && e.command === "READ"
    );
  // A minute after the first connection closed, a connection picked up mid-stream on the same
  // server and SessionId is still that session (its opens are closed: the file is not named).
  const soon = reads(60);
  assert.equal(soon.length, 2);
  for (const e of soon) assert.equal(e.user, "WORKGROUP\\alice");
  // An hour and more later (the default tcpIdleTimeout, 3600 s), the session is gone.
  const late = reads(3601);
  assert.equal(late.length, 2);
  for (const e of late) assert.equal(e.user, undefined);
});
