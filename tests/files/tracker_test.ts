/**
 * The file tracker on facts built by hand, for what real captures rarely
 * show: caps, opens lost at the end of a connection or of the capture,
 * multichannel, pipes, random pieces. Values on real captures are in the
 * other tests of this folder.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { DecodeEvent, FileEvent, OpenFile } from "../../mod.ts";
import { FileTracker, type FileTrackerOptions } from "../../lib/files/tracker.ts";
import { Reporter } from "../../lib/report.ts";

let nextId = 1;
function open(name: string, pipe = false): OpenFile {
  return {
    id: nextId++,
    smbVersion: 2,
    connection: 7,
    client: { ip: "10.0.0.1", port: 50000 },
    server: { ip: "10.0.0.2", port: 445 },
    sessionId: "42",
    handle: "00".repeat(16),
    user: "DOM\\bob",
    anonymous: false,
    share: "\\\\srv\\data",
    name,
    openSeen: true,
    pipe,
    dialect: "3.1.1",
  };
}

const ev = (frame: number, connection = 7) => ({
  frames: [frame],
  ts: 1000 + frame,
  connection,
  fromClient: true,
  messageId: String(frame),
});

function tracker(options: Partial<FileTrackerOptions> = {}) {
  const out: DecodeEvent[] = [];
  const t = new FileTracker(out as FileEvent[], new Reporter(out, 100), {
    hashes: true,
    maxTrackedFiles: 100,
    maxFileRanges: 64,
    maxFileBufferBytes: 1 << 20,
    maxTotalFileBufferBytes: 4 << 20,
    sink: undefined,
    ...options,
  });
  const files = () => out.filter((e): e is FileEvent => e.type === "file");
  return { t, out, files };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

Deno.test("tracker: an open, two channels, a rename, a close", () => {
  const { t, files } = tracker();
  const f = open("\\dir\\a.txt");
  const data = new TextEncoder().encode("hello, world");
  t.io({
    kind: "open",
    file: f,
    createAction: "FILE_CREATED",
    deleteOnClose: false,
    size: 0,
    creationTime: null,
    lastWriteTime: null,
    directory: false,
    evidence: ev(1),
  });
  t.io({
    kind: "write",
    file: f,
    offset: 0,
    data: data.subarray(0, 5),
    at: 0,
    total: 5,
    evidence: ev(2),
  });
  t.io({
    kind: "write",
    file: f,
    offset: 5,
    data: data.subarray(5),
    at: 0,
    total: 7,
    evidence: ev(3, 9),
  });
  t.io({
    kind: "set_info",
    file: f,
    infoClass: "FileRenameInformation",
    renameTo: "\\dir\\b.txt",
    evidence: ev(4),
  });
  t.io({ kind: "close", file: f, size: 12, evidence: ev(5) });
  const [e] = files();
  assert.equal(e!.path, "dir\\a.txt");
  assert.equal(e!.renamedTo, "dir\\b.txt");
  assert.deepEqual(e!.actions, ["write", "rename"]);
  assert.equal(e!.writes, 2);
  assert.equal(e!.bytesWritten, 12);
  assert.equal(e!.size, 12);
  assert.equal(e!.complete, true);
  assert.equal(e!.hashes?.sha256, sha256(data));
  assert.deepEqual(e!.connections, [7, 9]);
  assert.deepEqual(e!.evidence.frames, [1, 5]);
  assert.equal(e!.state, "closed");
  assert.equal(t.tracking, 0);
});

Deno.test("tracker: lost opens end with their connection, or at the capture's end", () => {
  const { t, files } = tracker();
  const a = open("a"), b = open("b");
  for (const f of [a, b]) {
    t.io({
      kind: "open",
      file: f,
      createAction: "FILE_OPENED",
      deleteOnClose: true,
      size: 3,
      creationTime: undefined,
      lastWriteTime: undefined,
      directory: false,
      evidence: ev(1),
    });
  }
  t.io({ kind: "lost", file: a, reason: "connection_end" });
  t.ending = true;
  t.io({ kind: "lost", file: b, reason: "connection_end" });
  assert.deepEqual(files().map((e) => [e.path, e.state, e.deleted]), [
    ["a", "connection_end", true],
    ["b", "capture_end", true],
  ]);
  assert.equal(files()[0]!.complete, false);
  assert.equal(files()[0]!.missing, undefined); // no content seen: no ranges to list
});

Deno.test("tracker: past maxTrackedFiles the oldest open is reported evicted, once as a limit", () => {
  const { t, out, files } = tracker({ maxTrackedFiles: 10 });
  for (let i = 0; i < 25; i++) {
    t.io({
      kind: "open",
      file: open(`f${i}`),
      createAction: "FILE_OPENED",
      deleteOnClose: false,
      size: 0,
      creationTime: undefined,
      lastWriteTime: undefined,
      directory: false,
      evidence: ev(i + 1),
    });
  }
  assert.equal(t.tracking, 10);
  assert.deepEqual(files().map((e) => e.path), Array.from({ length: 15 }, (_, i) => `f${i}`));
  assert.ok(files().every((e) => e.state === "evicted"));
  const limits = out.filter((e) => e.type === "anomaly");
  assert.equal(limits.length, 1);
  assert.equal(limits[0]!.type === "anomaly" && limits[0]!.code, "files_maxTrackedFiles");
  t.end();
  assert.equal(t.tracking, 0);
  assert.equal(files().filter((e) => e.state === "capture_end").length, 10);
});

Deno.test("tracker: pipes get counts, not content", () => {
  const { t, files } = tracker();
  const p = open("srvsvc", true);
  const bytes = new Uint8Array(72);
  t.io({ kind: "transceive", file: p, direction: "request", data: bytes, evidence: ev(1) });
  t.io({
    kind: "transceive",
    file: p,
    direction: "response",
    data: bytes.subarray(0, 40),
    evidence: ev(2),
  });
  t.io({ kind: "write", file: p, offset: 0, data: bytes, at: 0, total: 72, evidence: ev(3) });
  t.io({ kind: "close", file: p, size: undefined, evidence: ev(4) });
  const [e] = files();
  assert.equal(e!.pipe, true);
  assert.deepEqual([e!.writes, e!.bytesWritten, e!.reads, e!.bytesRead], [2, 144, 1, 40]);
  assert.equal(e!.complete, false);
  assert.equal(e!.bytesSeen, 0);
  assert.equal(e!.hashes, undefined);
});

Deno.test("tracker: random pieces in random order: coverage, missing ranges and digests stay exact", () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  for (let round = 0; round < 40; round++) {
    const { t, files } = tracker({ maxFileBufferBytes: 1 << 16, maxTotalFileBufferBytes: 1 << 17 });
    const size = 1 + rand(200_000);
    const content = new Uint8Array(size).map(() => rand(256));
    const f = open(`r${round}`);
    const seen = new Uint8Array(size);
    const pieces: [number, number][] = [];
    for (let at = 0; at < size;) {
      const n = 1 + rand(9000);
      pieces.push([at, Math.min(size, at + n)]);
      at += n;
    }
    // Shuffle, drop some, repeat some.
    for (let i = pieces.length - 1; i > 0; i--) {
      const j = rand(i + 1);
      [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
    }
    const sent = pieces.filter(() => rand(10) !== 0);
    sent.push(...sent.filter(() => rand(5) === 0));
    t.io({
      kind: "open",
      file: f,
      createAction: "FILE_OPENED",
      deleteOnClose: false,
      size,
      creationTime: undefined,
      lastWriteTime: undefined,
      directory: false,
      evidence: ev(1),
    });
    for (const [s, e] of sent) {
      t.io({
        kind: "read",
        file: f,
        offset: s,
        data: content.subarray(s, e),
        at: 0,
        total: e - s,
        evidence: ev(2),
      });
      seen.fill(1, s, e);
    }
    t.io({ kind: "close", file: f, size, evidence: ev(3) });
    const [e] = files();
    const missing: [number, number][] = [];
    for (let i = 0; i < size;) {
      if (seen[i]) {
        i++;
        continue;
      }
      const s = i;
      while (i < size && !seen[i]) i++;
      missing.push([s, i]);
    }
    assert.equal(e!.bytesSeen, seen.reduce((a, b) => a + b, 0));
    assert.equal(e!.complete, missing.length === 0);
    if (missing.length === 0) {
      // Whole: digests unless the out-of-order buffer ran out (then the note says so).
      if (e!.hashes !== undefined) assert.equal(e!.hashes.sha256, sha256(content));
      else assert.match(e!.hashNote ?? "", /ahead of a hole|decode-wide buffer/);
    } else {
      assert.deepEqual(e!.missing, missing.slice(0, 100));
      assert.equal(e!.hashes, undefined);
    }
    assert.equal(e!.overlaps?.conflictingBytes ?? 0, 0);
  }
});

Deno.test("tracker: the content caps are limit anomalies, once each", () => {
  const { t, out } = tracker({ maxFileBufferBytes: 1000, maxFileRanges: 8 });
  const f = open("capped.bin"), g = open("ranges.bin");
  const piece = new Uint8Array(600);
  // Two pieces ahead of a hole: the second passes the 1000-byte buffer.
  t.io({ kind: "write", file: f, offset: 1000, data: piece, at: 0, total: 600, evidence: ev(1) });
  t.io({ kind: "write", file: f, offset: 2000, data: piece, at: 0, total: 600, evidence: ev(2) });
  // Every other byte: more than 8 separate ranges.
  for (let i = 0; i < 20; i++) {
    t.io({
      kind: "write",
      file: g,
      offset: 2 * i,
      data: piece.subarray(0, 1),
      at: 0,
      total: 1,
      evidence: ev(3),
    });
  }
  t.end();
  const codes = out.flatMap((e) => e.type === "anomaly" ? [[e.kind, e.code]] : []);
  assert.deepEqual(codes, [["limit", "files_maxFileBufferBytes"], [
    "limit",
    "files_maxFileRanges",
  ]]);
});
