import * as assert from "node:assert/strict";
import { kdfCounterHmacSha256, kdfCounterHmacSha256Raw } from "../../lib/crypto/kdf.ts";
import { hex, unhex } from "./_hex.ts";

// NIST CAVP "KBKDF" KDFCTR_gen.rsp (CAVS 14.4), [PRF=HMAC_SHA256]
// [CTRLOCATION=BEFORE_FIXED] [RLEN=32_BITS]: COUNT=0 (L=128), an L=256 and an L=320 case.
const CAVP: { ki: string; fixed: string; ko: string }[] = [
  {
    ki: "dd1d91b7d90b2bd3138533ce92b272fbf8a369316aefe242e659cc0ae238afe0",
    fixed: "01322b96b30acd197979444e468e1c5c6859bf1b1cf951b7e725303e237e46b8" +
      "64a145fab25e517b08f8683d0315bb2911d80a0e8aba17f3b413faac",
    ko: "10621342bfb0fd40046c0e29f2cfdbf0",
  },
  {
    ki: "e204d6d466aad507ffaf6d6dab0a5b26152c9e21e764370464e360c8fbc765c6",
    fixed: "7b03b98d9f94b899e591f3ef264b71b193fba7043c7e953cde23bc5384bc1a62" +
      "93580115fae3495fd845dadbd02bd6455cf48d0f62b33e62364a3a80",
    ko: "770dfab6a6a4a4bee0257ff335213f78d8287b4fd537d5c1fffa956910e7c779",
  },
  {
    ki: "c4bedbddb66493e7c7259a3bbbc25f8c7e0ca7fe284d92d431d9cd99a0d214ac",
    fixed: "1c69c54766791e315c2cc5c47ecd3ffab87d0d273dd920e70955814c220eacac" +
      "e6a5946542da3dfe24ff626b4897898cafb7db83bdff3c14fa46fd4b",
    ko: "1da47638d6c9c4d04d74d4640bbd42ab814d9e8cc22f4326695239f96b0693f12d0dd1152cf44430",
  },
];

Deno.test("kdfCounterHmacSha256Raw matches NIST CAVP SP 800-108 counter-mode vectors", () => {
  for (const v of CAVP) {
    assert.equal(hex(kdfCounterHmacSha256Raw(unhex(v.ki), unhex(v.fixed), v.ko.length / 2)), v.ko);
  }
});

Deno.test("kdfCounterHmacSha256 lays out label ‖ 0x00 ‖ context ‖ [L]₄ (big-endian)", () => {
  const key = unhex("00112233445566778899aabbccddeeff");
  const label = unhex("4142"), context = unhex("43");
  const fixed128 = unhex("4142 00 43 00000080");
  const fixed256 = unhex("4142 00 43 00000100");
  assert.deepEqual(
    kdfCounterHmacSha256(key, label, context, 128),
    kdfCounterHmacSha256Raw(key, fixed128, 16),
  );
  assert.deepEqual(
    kdfCounterHmacSha256(key, label, context, 256),
    kdfCounterHmacSha256Raw(key, fixed256, 32),
  );
});
