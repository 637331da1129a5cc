import assert from "node:assert/strict";
import { formatIp } from "../../lib/net/address.ts";

/** 16 bytes from eight hex groups written out in full. */
function groups(...g: number[]): Uint8Array {
  const b = new Uint8Array(16);
  g.forEach((v, i) => [b[2 * i], b[2 * i + 1]] = [v >> 8, v & 0xff]);
  return b;
}

Deno.test("formatIp writes dotted IPv4", () => {
  assert.equal(formatIp(new Uint8Array([192, 0, 2, 1])), "192.0.2.1");
  assert.equal(formatIp(new Uint8Array([0, 0, 0, 0])), "0.0.0.0");
  assert.equal(formatIp(new Uint8Array([255, 255, 255, 255])), "255.255.255.255");
});

Deno.test("formatIp follows the RFC 5952 examples", () => {
  const cases: [number[], string][] = [
    // 4.1: leading zeros suppressed
    [[0x2001, 0x0db8, 0, 0, 0, 0, 0x0002, 0x0001], "2001:db8::2:1"],
    // 4.2.1: the longest run is shortened as far as possible
    [[0x2001, 0xdb8, 0, 0, 0, 0, 2, 1], "2001:db8::2:1"],
    // 4.2.2: one zero group is not shortened
    [[0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], "2001:db8:0:1:1:1:1:1"],
    // 4.2.3: the longest run wins; on a tie the first
    [[0x2001, 0, 0, 1, 0, 0, 0, 1], "2001:0:0:1::1"],
    [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], "2001:db8::1:0:0:1"],
    // 4.3: lower case
    [[0x2001, 0xdb8, 0, 0, 0, 0, 0xaaaa, 0xbbbb], "2001:db8::aaaa:bbbb"],
    // 2.1 and 2.2 originals
    [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], "2001:db8::1:0:0:1"],
    [
      [0x2001, 0xdb8, 0xaaaa, 0xbbbb, 0xcccc, 0xdddd, 0xeeee, 0x0001],
      "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1",
    ],
    // the edges
    [[0, 0, 0, 0, 0, 0, 0, 0], "::"],
    [[0, 0, 0, 0, 0, 0, 0, 1], "::1"],
    [[1, 0, 0, 0, 0, 0, 0, 0], "1::"],
    [[0xfe80, 0, 0, 0, 0, 0xff, 0xfe00, 2], "fe80::ff:fe00:2"],
    [[0xff02, 0, 0, 0, 0, 1, 0xff00, 2], "ff02::1:ff00:2"],
    [[1, 0, 1, 0, 1, 0, 1, 0], "1:0:1:0:1:0:1:0"],
    [[0, 0, 1, 2, 3, 4, 0, 0], "::1:2:3:4:0:0"],
    // 5: IPv4-mapped addresses keep their dotted tail
    [[0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201], "::ffff:192.0.2.1"],
  ];
  for (const [g, text] of cases) assert.equal(formatIp(groups(...g)), text);
});

Deno.test("formatIp never throws on an odd length", () => {
  assert.equal(formatIp(new Uint8Array([1, 0xab])), "01:ab");
  assert.equal(formatIp(new Uint8Array(0)), "");
});
