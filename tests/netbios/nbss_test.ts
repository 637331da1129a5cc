import { deepEqual, equal, match, ok } from "node:assert/strict";
import type { Frame } from "../../lib/capture/frame.ts";
import { type FramerProblem, NbssFramer, type NbssMessage } from "../../lib/netbios/nbss.ts";
import { concat } from "../_support/bytes.ts";

/** What a test keeps of each message (the body is only valid during the call). */
interface Seen {
  type: number;
  length: number;
  body: number[];
  partial: boolean;
  cut: boolean;
  frames: number[];
  streamOffset: number;
}

function frame(index: number): Frame {
  return {
    index,
    ts: index / 10,
    linktype: 1,
    interfaceId: 0,
    origlen: 0,
    bytes: new Uint8Array(),
  };
}

/** A direct-TCP NBSS session message holding an SMB2 header for `command`, `bodyLength` bytes long. */
function smb2Message(command: number, response: boolean, bodyLength: number, fill = 0): Uint8Array {
  const m = new Uint8Array(4 + bodyLength).fill(fill);
  m[0] = 0;
  m[1] = (bodyLength >> 16) & 0xff;
  m[2] = (bodyLength >> 8) & 0xff;
  m[3] = bodyLength & 0xff;
  m.set([0xfe, 0x53, 0x4d, 0x42, 64, 0], 4);
  m.fill(0, 10, 4 + 64);
  m[4 + 12] = command;
  m[4 + 16] = response ? 1 : 0;
  return m;
}

/** Keep 256 bytes of READ responses (command 8), everything of the rest, as the analyzer does. */
const policy = (head: Uint8Array, length: number) =>
  head[0] === 0xfe && head[12] === 8 && (head[16]! & 1) === 1 ? 256 : length;

function framer(maxMessageBytes = 1 << 20) {
  const messages: Seen[] = [];
  const problems: FramerProblem[] = [];
  const f = new NbssFramer(
    (m: NbssMessage) =>
      messages.push({
        type: m.type,
        length: m.length,
        body: [...m.body],
        partial: m.partial,
        cut: m.cut ?? false,
        frames: [...m.frames],
        streamOffset: m.streamOffset,
      }),
    (p) => problems.push(p),
    maxMessageBytes,
    policy,
  );
  return { f, messages, problems };
}

Deno.test("NBSS framing does not depend on where segments split the stream", () => {
  const stream = concat(
    smb2Message(5, false, 120, 0x11),
    smb2Message(8, true, 3000, 0x22), // a READ response: only its first 256 bytes kept
    smb2Message(6, false, 88, 0x33),
  );
  const whole = framer();
  whole.f.push(stream, frame(1));
  equal(whole.messages.length, 3);
  deepEqual(whole.messages.map((m) => [m.length, m.body.length, m.partial, m.streamOffset]), [
    [120, 120, false, 0],
    [3000, 256, true, 124],
    [88, 88, false, 3128],
  ]);
  for (const size of [1, 2, 3, 4, 5, 7, 64, 71, 72, 73, 255, 256, 257, 1448]) {
    const split = framer();
    for (let at = 0, n = 1; at < stream.length; at += size, n++) {
      split.f.push(stream.subarray(at, at + size), frame(n));
    }
    deepEqual(
      split.messages.map((m) => [m.length, m.body, m.partial, m.streamOffset]),
      whole.messages.map((m) => [m.length, m.body, m.partial, m.streamOffset]),
      `segments of ${size} bytes`,
    );
    deepEqual(split.problems, []);
  }
});

Deno.test("a bulk message lists its first 15 frames and its last, and the next message follows", () => {
  const bulk = smb2Message(8, true, 100_000, 0x5a);
  const next = smb2Message(6, true, 124, 0x77);
  const stream = concat(bulk, next);
  const t = framer();
  let n = 0;
  for (let at = 0; at < stream.length; at += 1448) {
    t.f.push(stream.subarray(at, at + 1448), frame(++n));
  }
  equal(t.messages.length, 2);
  const [read, close] = t.messages;
  equal(read!.body.length, 256);
  ok(read!.partial);
  const lastOfBulk = Math.ceil(bulk.length / 1448);
  deepEqual(read!.frames, [...Array.from({ length: 15 }, (_, i) => i + 1), lastOfBulk]);
  equal(close!.streamOffset, bulk.length);
  deepEqual(close!.body.slice(64), new Array(124 - 64).fill(0x77));
  equal(close!.frames[0], lastOfBulk); // the close starts in the bulk message's last segment
});

Deno.test("a gap inside bulk data: framing goes on past it, the message ends where it says", () => {
  const bulk = smb2Message(8, true, 50_000);
  const next = smb2Message(6, true, 124, 0x66);
  const t = framer();
  t.f.push(bulk.subarray(0, 10_000), frame(1));
  t.f.gap(5_000, frame(2)); // 5,000 bytes of the bulk data never captured
  t.f.push(bulk.subarray(15_000, 30_000), frame(3));
  t.f.push(concat(bulk.subarray(30_000), next), frame(4));
  deepEqual(t.problems.map((p) => [p.kind, p.code]), [["gap", "nbss_bulk_gap"]]);
  match(t.problems[0]!.detail, /lost bytes 9996-14996 of its bulk data/);
  deepEqual(t.messages.map((m) => [m.length, m.streamOffset, m.cut]), [
    [bulk.length - 4, 0, false],
    [124, bulk.length, false],
  ]);
  // The message's prefix is whole (the bulk data itself is never kept).
  ok(t.messages[0]!.partial);
  deepEqual(t.messages[0]!.body.slice(0, 4), [0xfe, 0x53, 0x4d, 0x42]);
});

Deno.test("a gap inside bulk data reaches the bulk receiver as a hole: later bytes at their places", () => {
  const bulk = smb2Message(8, true, 50_000, 0x42);
  const got: [number, number][] = [];
  const messages: NbssMessage[] = [];
  const f = new NbssFramer((m) => messages.push(m), () => {}, 1 << 20, () => 256, () => ({
    data: (bytes, at) => got.push([at, at + bytes.length]),
  }));
  f.push(bulk.subarray(0, 10_000), frame(1));
  f.gap(5_000, frame(2));
  f.push(bulk.subarray(15_000), frame(3));
  // Body positions: the stream offset less the 4-byte NBSS header.
  deepEqual(got, [[256, 9_996], [14_996, bulk.length - 4]]);
  equal(messages.length, 1);
});

Deno.test("a gap longer than the bulk data left drops the message and resynchronises", () => {
  const bulk = smb2Message(8, true, 20_000);
  const next = smb2Message(6, true, 124, 0x66);
  const t = framer();
  t.f.push(bulk.subarray(0, 10_000), frame(1));
  t.f.gap(bulk.length - 10_000 + 50, frame(2)); // the rest and 50 bytes of the next message
  t.f.push(next.subarray(50), frame(3));
  t.f.push(next, frame(4));
  equal(t.problems[0]!.kind, "truncated");
  deepEqual(t.messages.map((m) => [m.length, m.cut]), [[bulk.length - 4, true], [124, false]]);
});

Deno.test("garbage before a message is skipped with one problem", () => {
  const message = smb2Message(5, false, 120, 0x11);
  const t = framer();
  t.f.push(
    concat(new Uint8Array([0x00, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8]), message),
    frame(1),
  );
  equal(t.messages.length, 1);
  equal(t.messages[0]!.streamOffset, 12);
  equal(t.problems.length, 1);
  equal(t.problems[0]!.kind, "malformed");
});

Deno.test("a message over maxSmbMessageBytes keeps only its first bytes, with a limit problem", () => {
  const t = framer(1000);
  const big = smb2Message(5, false, 5000, 0x44);
  for (let at = 0; at < big.length; at += 700) t.f.push(big.subarray(at, at + 700), frame(at));
  equal(t.messages.length, 1);
  equal(t.messages[0]!.body.length, 1000);
  ok(t.messages[0]!.partial);
  deepEqual(t.problems.map((p) => p.kind), ["limit"]);
});
