import * as assert from "node:assert/strict";
import { desEncryptBlock, desKeyFrom56Bits } from "../../lib/crypto/des.ts";
import { ascii, hex, unhex } from "./_hex.ts";

Deno.test("desEncryptBlock matches FIPS 81 Appendix B (ECB, 'Now is the time for all ')", () => {
  const key = unhex("0123456789abcdef");
  const text = ascii("Now is the time for all ");
  const blocks = [0, 8, 16].map((at) => hex(desEncryptBlock(key, text.subarray(at, at + 8))));
  assert.deepEqual(blocks, ["3fa40e8a984d4815", "6a271787ab8883f9", "893d51ec4b563b53"]);
});

Deno.test("desEncryptBlock matches NIST SP 800-17 Tables A.1 and A.2", () => {
  // A.1, variable plaintext, key 01010101 01010101 (all-zero key with odd parity).
  const zero = unhex("0101010101010101");
  assert.equal(hex(desEncryptBlock(zero, unhex("8000000000000000"))), "95f8a5e5dd31d900");
  assert.equal(hex(desEncryptBlock(zero, unhex("4000000000000000"))), "dd7f121ca5015619");
  assert.equal(hex(desEncryptBlock(zero, unhex("2000000000000000"))), "2e8653104f3834ea");
  // A.2, variable key, plaintext zero.
  const block = new Uint8Array(8);
  assert.equal(hex(desEncryptBlock(unhex("8001010101010101"), block)), "95a8d72813daa94d");
  assert.equal(hex(desEncryptBlock(unhex("4001010101010101"), block)), "0eec1487dd8c26d5");
});

Deno.test("desEncryptBlock ignores parity bits", () => {
  const plain = ascii("KGS!@#$%");
  assert.deepEqual(
    desEncryptBlock(unhex("0123456789abcdef"), plain),
    desEncryptBlock(unhex("0022446688aaccee"), plain),
  );
});

Deno.test("desKeyFrom56Bits spreads 7 bits per byte, parity bit clear", () => {
  assert.equal(hex(desKeyFrom56Bits(unhex("ffffffffffffff"))), "fefefefefefefefe");
  // "PASSWOR", the first half of [MS-NLMP] 4.2.1's upper-cased password.
  assert.equal(hex(desKeyFrom56Bits(ascii("PASSWOR"))), "5020546a34ba3ca4");
  assert.throws(() => desKeyFrom56Bits(new Uint8Array(8)), RangeError);
});
