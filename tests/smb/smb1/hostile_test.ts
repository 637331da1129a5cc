/**
 * The SMB1 parser on hostile input, starting from real messages (fixtures and
 * testdata/smb1_extra.pcap) and changing one thing each time: AndX offsets
 * that point backwards, at the command itself, into its own blocks or past
 * the end; every truncation of every real message; lying transaction counts
 * and offsets; huge declared lengths. The parser must return, never throw,
 * report the fault, and allocate nothing in proportion to a declared length.
 */
import * as assert from "node:assert/strict";
import { parseSmb1 } from "../../../lib/smb/smb1/parse.ts";
import { MAX_ANDX_DEPTH } from "../../../lib/smb/smb1/andx.ts";
import { TransactionAssembler, transactionPart } from "../../../lib/smb/smb1/trans_assembly.ts";
import { MessageBudget } from "../../../lib/state/message_budget.ts";
import { parseAll, readFixture, smb1Messages } from "./_capture.ts";

const extra = parseAll(
  smb1Messages(Deno.readFileSync(new URL("testdata/smb1_extra.pcap", import.meta.url))),
);
const session = parseAll(smb1Messages(readFixture("smb1_session.pcap")));
const real = [...extra, ...session];

/** A copy of frame `frame`'s message from smb1_extra.pcap. */
function message(frame: number): Uint8Array {
  return extra.find((p) => p.frame === frame)!.bytes.slice();
}
const setLe16 = (b: Uint8Array, at: number, v: number) => {
  b[at] = v & 0xff;
  b[at + 1] = v >>> 8;
};

// Frame 42: SESSION_SETUP_ANDX (WordCount at 32) + TREE_CONNECT_ANDX; AndXOffset at 35.
const CHAIN = 42;

Deno.test("parseSmb1 stops with a loop problem at an AndXOffset that points backwards or at itself", () => {
  for (const [what, offset] of [["backwards", 4], ["itself", 32]] as const) {
    const msg = message(CHAIN);
    setLe16(msg, 35, offset);
    const parsed = parseSmb1(msg);
    assert.deepEqual(parsed.commands.map((c) => c.name), ["SESSION_SETUP_ANDX"], what);
    assert.deepEqual(parsed.problems.map((p) => p.kind), ["loop"], what);
  }
});

Deno.test("parseSmb1 follows an AndXOffset pointing forward into its own command's data (Windows does), with an smb1_andx_overlap problem", () => {
  // The chain of frame 42 (SESSION_SETUP_ANDX + TREE_CONNECT_ANDX) with its AndXOffset moved back
  // 3 bytes into the first command's byte block: the next command is parsed from there.
  const original = parseSmb1(message(CHAIN));
  const blockEnd = original.commands[1]!.offset; // the real AndXOffset
  const msg = message(CHAIN);
  setLe16(msg, 35, blockEnd - 3);
  const parsed = parseSmb1(msg);
  assert.equal(parsed.commands.length >= 2, true);
  assert.equal(parsed.commands[1]!.offset, blockEnd - 3);
  assert.ok(parsed.problems.some((p) => p.code === "smb1_andx_overlap" && p.kind === "malformed"));
  assert.ok(!parsed.problems.some((p) => p.kind === "loop"));
});

Deno.test("parseSmb1 decodes a CLOSE hidden in a WRITE_ANDX's data (the AndX evasion pattern)", () => {
  // A real WRITE_ANDX request of smb1_session.pcap (fixtures/smb/make.sh: smbclient put of
  // smb1_put.bin), rewritten: its AndX points at a CLOSE command (WordCount 3, the same FID,
  // LastTimeModified 0, ByteCount 0) placed at the start of its own data.
  const write = session.find((p) =>
    p.message.commands[0]?.name === "WRITE_ANDX" &&
    !p.message.header.response
  )!;
  const msg = write.bytes.slice();
  const w = write.message.commands[0]!;
  const dataOffset = w.data!.offset;
  const fid = w.fields.fid as number;
  msg[w.offset + 1] = 0x04; // AndXCommand: CLOSE
  setLe16(msg, w.offset + 3, dataOffset); // AndXOffset: into its own data
  msg.set([3, fid & 0xff, fid >>> 8, 0, 0, 0, 0, 0, 0], dataOffset);
  const parsed = parseSmb1(msg);
  assert.deepEqual(parsed.commands.map((c) => c.name), ["WRITE_ANDX", "CLOSE"]);
  assert.equal(parsed.commands[1]!.fields.fid, fid);
  assert.equal(parsed.commands[0]!.fields.dataLength, w.fields.dataLength);
  assert.deepEqual(parsed.problems.map((p) => p.code), ["smb1_andx_overlap"]);
});

Deno.test("parseSmb1 stops at an AndXOffset past the end of the message", () => {
  const msg = message(CHAIN);
  setLe16(msg, 35, msg.length + 100);
  const parsed = parseSmb1(msg);
  assert.equal(parsed.commands.length, 1);
  assert.deepEqual(parsed.problems.map((p) => p.kind), ["malformed"]);
});

Deno.test("parseSmb1 stops a chain of LOGOFF_ANDX after MAX_ANDX_DEPTH commands, a limit", () => {
  // A real LOGOFF_ANDX request (frame 70), repeated: each links to the next, the last to itself.
  const logoff = message(70);
  const count = 40, size = 7; // WordCount 2 (+1), 4 words, ByteCount 0
  const msg = new Uint8Array(32 + count * size);
  msg.set(logoff.subarray(0, 32));
  for (let i = 0; i < count; i++) {
    const at = 32 + i * size;
    msg.set(logoff.subarray(32, 39), at);
    msg[at + 1] = 0x74;
    setLe16(msg, at + 3, i + 1 < count ? at + size : at);
  }
  const parsed = parseSmb1(msg);
  assert.equal(parsed.commands.length, MAX_ANDX_DEPTH);
  assert.deepEqual(parsed.problems.map((p) => [p.kind, p.code]), [["limit", "maxAndxDepth"]]);
});

Deno.test("parseSmb1 never throws on any truncation of a real message", () => {
  let cut = 0;
  for (const p of real) {
    const whole = parseSmb1(p.bytes);
    for (let n = 0; n < p.bytes.length; n++) {
      const part = parseSmb1(p.bytes.subarray(0, n));
      cut++;
      // Something is said about every cut that loses a declared byte.
      if (n < 32 || whole.problems.length === 0 && n < lastDeclaredByte(p.bytes)) {
        assert.ok(
          part.problems.length > 0,
          `frame ${p.frame} cut to ${n} bytes: no problem reported`,
        );
      }
      JSON.stringify(part.commands.map((c) => c.fields)); // fields stay JSON-safe
    }
  }
  assert.ok(cut > 20000);
});

/** Offset just past the last block or data a message declares (for the test above). */
function lastDeclaredByte(msg: Uint8Array): number {
  const parsed = parseSmb1(msg);
  let end = 32;
  for (const c of parsed.commands) {
    end = Math.max(end, c.offset + 1 + c.wordCount * 2 + 2 + c.byteCount);
    if (c.data) end = Math.max(end, c.data.offset + c.data.length);
  }
  return Math.min(end, msg.length);
}

Deno.test("parseSmb1 reports lying TRANSACTION2 counts and offsets and still returns what fits", () => {
  // Frame 60: TRANSACTION2 QUERY_PATH_INFORMATION primary (WordCount 15 at 32).
  const words = 33;
  const cases: [string, number, number, string][] = [
    ["ParameterOffset past the end", words + 20, 0xfff0, "truncated"],
    ["ParameterCount past the end", words + 18, 0xffff, "truncated"],
    ["DataOffset into the header", words + 24, 4, "malformed"],
    ["DataCount over TotalDataCount", words + 22, 9, "malformed"],
  ];
  for (const [what, at, value, kind] of cases) {
    const msg = message(60);
    setLe16(msg, at, value);
    if (what === "DataOffset into the header") setLe16(msg, words + 22, 8);
    const parsed = parseSmb1(msg);
    assert.ok(
      parsed.problems.some((p) => p.kind === kind),
      `${what}: ${JSON.stringify(parsed.problems)}`,
    );
    const cmd = parsed.commands[0]!;
    if (cmd.data) assert.ok(cmd.data.offset + cmd.data.length <= msg.length, what);
  }
  // SetupCount larger than the message: read as far as WordCount goes.
  const msg = message(60);
  msg[words + 26] = 200;
  const parsed = parseSmb1(msg);
  assert.ok(parsed.problems.some((p) => /SetupCount/.test(p.detail)));
});

Deno.test("parseSmb1 and TransactionAssembler allocate nothing for huge declared lengths", () => {
  // Frame 66: NT_TRANSACT (WordCount 19 at 32): TotalParameterCount/TotalDataCount u32 at 36/40.
  const msg = message(66);
  const view = new DataView(msg.buffer, msg.byteOffset);
  view.setUint32(33 + 3, 0xffffffff, true); // TotalParameterCount
  view.setUint32(33 + 7, 0xffffffff, true); // TotalDataCount
  view.setUint32(33 + 27, 0xfffffff0, true); // DataCount
  const parsed = parseSmb1(msg);
  const cmd = parsed.commands[0]!;
  assert.equal(cmd.fields.complete, false);
  assert.ok(cmd.data!.length <= msg.length);
  const assembler = new TransactionAssembler();
  const result = assembler.primary("k", transactionPart(msg, cmd)!);
  assert.equal(result.state, "dropped");
  assert.deepEqual(result.problems.map((p) => p.kind), ["limit"]);
  assert.equal(assembler.bufferedBytes, 0);
  // WRITE_ANDX claiming DataLengthHigh 0xFFFF: located up to the end, reported.
  const write = message(46);
  setLe16(write, 33 + 18, 0xffff); // DataLengthHigh
  const w = parseSmb1(write);
  assert.equal(w.commands[0]!.fields.dataLength, 0xffff * 0x10000 + 64);
  assert.ok(w.commands[0]!.data!.offset + w.commands[0]!.data!.length <= write.length);
  assert.deepEqual(w.problems.map((p) => p.kind), ["truncated"]);
});

Deno.test("TransactionAssembler reports overlapping and out-of-range parts and keeps its caps", () => {
  const part = (pd: number, params: number[], total = 8) => ({
    totalParameterCount: total,
    totalDataCount: 0,
    parameterDisplacement: pd,
    dataDisplacement: 0,
    parameters: new Uint8Array(params),
    data: new Uint8Array(0),
  });
  const a = new TransactionAssembler({ maxOpen: 2 });
  assert.equal(a.primary("x", part(0, [1, 2, 3, 4])).state, "partial");
  const overlap = a.secondary("x", part(2, [9, 9]));
  assert.match(overlap.problems[0]!.detail, /overlap/);
  const past = a.secondary("x", part(6, [9, 9, 9]));
  assert.match(past.problems[0]!.detail, /past the total/);
  const done = a.secondary("x", part(4, [5, 6, 7, 8]));
  assert.equal(done.state, "complete");
  if (done.state === "complete") assert.deepEqual([...done.parameters], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(a.secondary("x", part(0, [1])).state, "dropped");
  a.primary("1", part(0, [1]));
  a.primary("2", part(0, [1]));
  const third = a.primary("3", part(0, [1]));
  assert.deepEqual(third.problems.map((p) => p.kind), ["limit"]);
  assert.equal(a.openCount, 2);
});

Deno.test("TransactionAssembler holds the bytes that came, not those announced, against the decode's budget", () => {
  const part = (dd: number, data: number[], total = 1 << 20) => ({
    totalParameterCount: 0,
    totalDataCount: total,
    parameterDisplacement: 0,
    dataDisplacement: dd,
    parameters: new Uint8Array(0),
    data: new Uint8Array(data),
  });
  const budget = new MessageBudget(24);
  const a = new TransactionAssembler({}, budget);
  // Eight primaries announcing 1 MiB each (the per-connection cap counts announcements: 8 MiB).
  for (let i = 0; i < 8; i++) assert.equal(a.primary(`t${i}`, part(0, [i, i])).state, "partial");
  assert.equal(a.bufferedBytes, 8 << 20);
  assert.equal(budget.held, 16);
  // The budget refuses what does not fit: that transaction is dropped and gives its bytes back.
  const over = a.secondary("t0", part(2, Array(9).fill(7)));
  assert.equal(over.state, "dropped");
  assert.match(over.problems[0]!.detail, /maxTotalSmbMessageBytes \(24\)/);
  assert.equal(budget.held, 14);
  // Parts out of order assemble in place; completion gives the bytes back.
  const small = (dd: number, data: number[]) => part(dd, data, 6);
  assert.equal(a.primary("s", small(4, [5, 6])).state, "partial");
  assert.equal(a.secondary("s", small(0, [1, 2])).state, "partial");
  const done = a.secondary("s", small(2, [3, 4]));
  assert.equal(done.state, "complete");
  if (done.state === "complete") assert.deepEqual([...done.data], [1, 2, 3, 4, 5, 6]);
  assert.equal(budget.held, 14);
  a.drop("t1");
  assert.equal(budget.held, 12);
  a.clear();
  assert.equal(budget.held, 0);
});

Deno.test("TransactionAssembler: 4 000 parts scattered in a shuffled order assemble; overlaps at either neighbour are refused", () => {
  const total = 8000;
  const part = (dd: number, data: number[]) => ({
    totalParameterCount: 0,
    totalDataCount: total,
    parameterDisplacement: 0,
    dataDisplacement: dd,
    parameters: new Uint8Array(0),
    data: new Uint8Array(data),
  });
  const a = new TransactionAssembler({});
  // Two-byte parts at even offsets, in a fixed pseudo-random order.
  const order = Array.from({ length: total / 2 }, (_, i) => i);
  let x = 7;
  for (let i = order.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) >>> 0;
    const j = x % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const value = (at: number) => (at * 31) & 0xff;
  let last: ReturnType<TransactionAssembler["secondary"]> | undefined;
  order.forEach((k, n) => {
    const at = 2 * k;
    const data = [value(at), value(at + 1)];
    const r = n === 0 ? a.primary("s", part(at, data)) : a.secondary("s", part(at, data));
    assert.deepEqual(r.problems, [], `part at ${at}`);
    if (n === order.length / 2) {
      // Half-way: a part straddling a received range's end, and one running into the next.
      const received = order.slice(0, n + 1).map((q) => 2 * q).sort((p, q) => p - q);
      const inside = received.find((p) => !received.includes(p + 2) && p + 3 < total)!;
      const straddle = a.secondary("s", part(inside + 1, [0, 0]));
      assert.match(straddle.problems[0]!.detail, /overlap/);
      // From the hole after it, a part that runs two bytes into the next range received.
      const hole = inside + 2, next = received.find((p) => p > hole)!;
      const into = a.secondary("s", part(hole, new Array(next - hole + 2).fill(0)));
      assert.match(into.problems[0]!.detail, /overlap/);
    }
    last = r;
  });
  assert.equal(last?.state, "complete");
  if (last?.state === "complete") {
    assert.deepEqual([...last.data], Array.from({ length: total }, (_, at) => value(at)));
  }
});
