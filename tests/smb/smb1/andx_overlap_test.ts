/**
 * AndX links that point forward into the same command's data ([MS-CIFS]
 * 2.2.3.4 lets AndXOffset be any offset from the header; Windows follows it,
 * IDS evasions hide the next command in the previous one's data): they are
 * followed and reported as `smb1_andx_overlap`, while links that do not move
 * forward still stop the chain as a loop. A message built byte by byte here,
 * and a real WRITE_ANDX of the public corpus rewritten the same way (skipped
 * when ../shared is absent).
 */
import * as assert from "node:assert/strict";
import { parseSmb1 } from "../../../lib/smb/smb1/parse.ts";
import { parseAll, readPublic, smb1Messages } from "./_capture.ts";

const le16 = (v: number) => [v & 0xff, v >>> 8];
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

/** 1600000000 s after 1970: 2020-09-13T12:26:40Z, as a CLOSE's LastTimeModified (UTIME). */
const MODIFIED = 1_600_000_000;

/** A CLOSE request, [MS-CIFS] 2.2.4.5.1: WordCount 3, FID, LastTimeModified, ByteCount 0. */
const close = (fid: number) => [3, ...le16(fid), ...le32(MODIFIED), 0, 0];

/**
 * A WRITE_ANDX request ([MS-CIFS] 2.2.4.43.1, WordCount 14 with OffsetHigh)
 * of 40 data bytes at file offset 0x1_0000_0200, FID 0x4007, whose AndX link
 * names `next` at `andxOffset`; the data starts with `hidden` (the rest is
 * 'A'). Header ([MS-CIFS] 2.2.3.1): WRITE_ANDX, flags 0x18, flags2 0xC801,
 * TID 2048, PID 4660, UID 100, MID 7.
 */
function writeAndx(next: number, andxOffset: number, hidden: number[]): Uint8Array {
  const header = [
    0xff,
    0x53,
    0x4d,
    0x42, // 0xFF 'SMB'
    0x2f, // WRITE_ANDX
    0,
    0,
    0,
    0, // status
    0x18,
    ...le16(0xc801), // flags, flags2
    0,
    0, // PIDHigh
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // security features
    0,
    0, // reserved
    ...le16(2048),
    ...le16(4660),
    ...le16(100),
    ...le16(7), // TID, PID, UID, MID
  ];
  const dataOffset = 32 + 1 + 28 + 2 + 1; // header, WordCount, 14 words, ByteCount, 1 pad byte
  const data = [...hidden, ...new Array<number>(40 - hidden.length).fill(0x41)];
  const words = [
    next,
    0,
    ...le16(andxOffset), // AndXCommand, AndXReserved, AndXOffset
    ...le16(0x4007), // FID
    ...le32(0x200), // Offset
    ...le32(0), // Timeout
    ...le16(0),
    ...le16(0),
    ...le16(0), // WriteMode, Remaining, DataLengthHigh
    ...le16(data.length),
    ...le16(dataOffset), // DataLength, DataOffset
    ...le32(1), // OffsetHigh
  ];
  return new Uint8Array([...header, 14, ...words, ...le16(1 + data.length), 0, ...data]);
}

const DATA_AT = 64; // where writeAndx puts its data
const CLOSE = 0x04, LOGOFF_ANDX = 0x74;

Deno.test("parseSmb1 follows an AndXOffset into the same WRITE_ANDX's data and decodes the CLOSE hidden there", () => {
  const parsed = parseSmb1(writeAndx(CLOSE, DATA_AT, close(0x4007)));
  assert.deepEqual(parsed.commands.map((c) => [c.name, c.offset]), [
    ["WRITE_ANDX", 32],
    ["CLOSE", DATA_AT],
  ]);
  const [write, hidden] = parsed.commands;
  assert.deepEqual(
    [write!.fields.fid, write!.fields.offset, write!.fields.dataLength, write!.fields.dataOffset],
    [0x4007, 0x1_0000_0200, 40, DATA_AT],
  );
  assert.deepEqual(write!.data, { offset: DATA_AT, length: 40 });
  assert.deepEqual([hidden!.wordCount, hidden!.byteCount], [3, 0]);
  assert.deepEqual(hidden!.fields, { fid: 0x4007, lastWriteTime: "2020-09-13T12:26:40.000Z" });
  assert.deepEqual(parsed.problems.map((p) => [p.kind, p.code]), [
    ["malformed", "smb1_andx_overlap"],
  ]);
  assert.match(parsed.problems[0]!.detail, /AndXOffset 64 \(next CLOSE\).*end at 104; followed/);
});

Deno.test("parseSmb1 follows an AndXOffset into the same command's words (forward by one byte is forward)", () => {
  // AndXOffset 33 lands on the WRITE_ANDX's first word byte (0x74, read as a WordCount of 116,
  // which runs past the message): the link is followed and what is there reported truncated.
  const parsed = parseSmb1(writeAndx(LOGOFF_ANDX, 33, close(0x4007)));
  assert.deepEqual(parsed.commands.map((c) => [c.name, c.offset]), [
    ["WRITE_ANDX", 32],
    ["LOGOFF_ANDX", 33],
  ]);
  assert.deepEqual(parsed.problems.map((p) => p.code ?? p.kind), [
    "smb1_andx_overlap",
    "truncated",
  ]);
});

Deno.test("parseSmb1 stops a hidden command's link that does not move forward (a loop through the data)", () => {
  // A LOGOFF_ANDX ([MS-CIFS] 2.2.4.54.1: WordCount 2, AndX block, ByteCount 0) hidden in the
  // WRITE_ANDX's data links back to the WRITE_ANDX (32), to itself (64), or on to 71, inside
  // the data again, where a second LOGOFF_ANDX ends the chain.
  const logoff = (next: number, at: number) => [2, next, 0, ...le16(at), 0, 0];
  for (const back of [32, 40, DATA_AT]) {
    const parsed = parseSmb1(writeAndx(LOGOFF_ANDX, DATA_AT, logoff(0x2f, back)));
    assert.deepEqual(parsed.commands.map((c) => c.name), ["WRITE_ANDX", "LOGOFF_ANDX"], `${back}`);
    assert.deepEqual(parsed.problems.map((p) => p.code ?? p.kind), ["smb1_andx_overlap", "loop"]);
  }
  const on = parseSmb1(
    writeAndx(LOGOFF_ANDX, DATA_AT, [...logoff(LOGOFF_ANDX, 71), ...logoff(0xff, 0)]),
  );
  assert.deepEqual(on.commands.map((c) => [c.name, c.offset]), [
    ["WRITE_ANDX", 32],
    ["LOGOFF_ANDX", DATA_AT],
    ["LOGOFF_ANDX", 71],
  ]);
  assert.deepEqual(on.problems.map((p) => p.code ?? p.kind), ["smb1_andx_overlap"]);
});

Deno.test("parseSmb1 never throws on the overlapping chain cut at every length or with any byte changed", () => {
  const msg = writeAndx(CLOSE, DATA_AT, close(0x4007));
  for (let n = 0; n <= msg.length; n++) {
    const parsed = parseSmb1(msg.subarray(0, n));
    assert.ok(parsed.commands.length <= 2);
  }
  for (let at = 32; at < msg.length; at++) {
    for (const v of [0x00, 0x01, 0x20, 0x40, 0x7f, 0xff]) {
      const bent = msg.slice();
      bent[at] = v;
      const parsed = parseSmb1(bent);
      // Every followed link moved forward: offsets strictly increase.
      const offsets = parsed.commands.map((c) => c.offset);
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
      assert.equal(new Set(offsets).size, offsets.length);
    }
  }
});

const PADDING2 = "suricata-verify/smb1_eicar_andx_write_padding2.pcap";
const padding2 = readPublic(PADDING2);

Deno.test({
  name: `parseSmb1 decodes a CLOSE hidden in the real WRITE_ANDX of ${PADDING2} frame 15${
    padding2 === undefined ? " (skipped: ../shared/pcaps/public is absent)" : ""
  }`,
  ignore: padding2 === undefined,
  fn: () => {
    // Frame 15 (tshark): WRITE_ANDX WordCount 14, AndXCommand 0xFF, FID 0x400e (\eicar, opened in
    // frame 14), DataLength 68, DataOffset 68, ByteCount 69; the NBSS message is 136 bytes. Its
    // AndX link is pointed at its own data (68), where a CLOSE of the same FID is written.
    // tshark 4.x on the same rewrite lists commands 0x2f,0x04 and then stops ("Malformed
    // Packet"): it does not read a command back inside the data; Windows does.
    const frame = parseAll(smb1Messages(padding2!)).find((p) => p.frame === 15)!;
    const original = frame.message.commands;
    assert.deepEqual(
      original.map((c) => [c.name, c.fields.fid, c.fields.dataLength, c.fields.dataOffset]),
      [["WRITE_ANDX", 0x400e, 68, 68]],
    );
    assert.deepEqual([frame.bytes.length, original[0]!.byteCount], [136, 69]);
    const msg = frame.bytes.slice();
    msg[33] = CLOSE; // AndXCommand
    msg.set(le16(68), 35); // AndXOffset
    msg.set(close(0x400e), 68);
    const parsed = parseSmb1(msg);
    assert.deepEqual(parsed.commands.map((c) => [c.name, c.offset]), [
      ["WRITE_ANDX", 32],
      ["CLOSE", 68],
    ]);
    assert.deepEqual(parsed.commands[0]!.fields.fid, 0x400e);
    assert.deepEqual(parsed.commands[1]!.fields, {
      fid: 0x400e,
      lastWriteTime: "2020-09-13T12:26:40.000Z",
    });
    assert.deepEqual(parsed.problems.map((p) => p.code), ["smb1_andx_overlap"]);
  },
});
