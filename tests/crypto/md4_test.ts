import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { md4 } from "../../lib/crypto/md4.ts";
import { ascii, hex } from "./_hex.ts";

// RFC 1320 Appendix A.5, "Test suite".
const RFC1320: [string, string][] = [
  ["", "31d6cfe0d16ae931b73c59d7e0c089c0"],
  ["a", "bde52cb31de33e46245e05fbdbd6fb24"],
  ["abc", "a448017aaf21d8525fc10ae87aa6729d"],
  ["message digest", "d9130a8164549fe818874806e1c7014b"],
  ["abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"],
  [
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "043f8582f241db351ce627e153e7f0e4",
  ],
  [
    "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
    "e33b4ddc9c38f2199c3e7b164fcc0536",
  ],
];

Deno.test("md4 matches the RFC 1320 A.5 test suite", () => {
  for (const [input, digest] of RFC1320) assert.equal(hex(md4(ascii(input))), digest, input);
});

Deno.test("md4 handles every padding boundary (55, 56, 63, 64 bytes) like node:crypto's MD4", () => {
  // node:crypto is only the test's independent reference for lengths the RFC does not list.
  for (const n of [55, 56, 57, 63, 64, 65, 119, 120, 1000]) {
    const data = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    assert.equal(hex(md4(data)), createHash("md4").update(data).digest("hex"), `length ${n}`);
  }
});
