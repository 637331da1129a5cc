import { deepEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { Cursor, describeBytes, toHex, TRUNCATED } from "../../lib/bytes/cursor.ts";
import { filetimeIso, u64String } from "../../lib/bytes/wire_values.ts";

Deno.test("toHex: every byte value, every length up to past the flat-string limit", () => {
  for (let n = 0; n <= 80; n++) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    const expected = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    assertEquals(toHex(b), expected);
  }
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assertEquals(toHex(all.subarray(250)), "fafbfcfdfeff");
  assertEquals(toHex(all).length, 512);
  // A view into a larger buffer starts at its own offset.
  assertEquals(toHex(all.subarray(0x10, 0x14)), "10111213");
});

Deno.test("toHex of long views: a reused buffer of digits, shorter after longer, past its kept size", () => {
  const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  // 3 MiB is past the 1 MiB of digits kept between calls; 100 after them reuses a longer buffer.
  for (const n of [65, 3000, 5 * 1024, 1 << 19, 3 << 20, 100, 65]) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
    assertEquals(toHex(b), hexOf(b), `${n} bytes`);
  }
});

Deno.test("toHex with a separator, and describeBytes", () => {
  assertEquals(toHex(new Uint8Array([0xfe, 0x53, 0x4d, 0x42]), " "), "fe 53 4d 42");
  assertEquals(
    describeBytes(new Uint8Array([0xfe, 0x53, 0x4d, 0x42, 0x00])),
    'fe 53 4d 42 00 (".SMB.")',
  );
});

Deno.test("Cursor reads both byte orders and throws TRUNCATED past the end", () => {
  const b = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09]);
  const le = new Cursor(b.subarray(1));
  assertEquals(le.u8(), 0x02);
  assertEquals(le.u16(), 0x0403);
  assertEquals(le.u32(), 0x08070605);
  assertEquals(le.remaining, 1);
  assertThrows(() => le.u16(), (e: unknown) => e === TRUNCATED);
  const be = new Cursor(b, false);
  assertEquals(be.u16(), 0x0102);
  assertEquals(be.u32(), 0x03040506);
  const high = new Cursor(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
  assertEquals(high.u32(), 0xffffffff);
});

Deno.test("u64String and filetimeIso are exact", () => {
  assertEquals(u64String(0xffffffff, 0xffffffff), "18446744073709551615");
  assertEquals(u64String(5, 0), "5");
  // 2024-05-01T10:20:30.1234567Z as a FILETIME (computed with Python: (unix + 11644473600) * 10^7 + fraction).
  const ft = 133590324301234567n;
  assertEquals(
    filetimeIso(Number(ft & 0xffffffffn), Number(ft >> 32n)),
    "2024-05-01T10:20:30.1234567Z",
  );
  assertEquals(filetimeIso(0, 0), null);
});
