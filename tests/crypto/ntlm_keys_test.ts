import * as assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  desl,
  lmOwfV1,
  type NtlmExchange,
  ntlmKeys,
  ntOwfV1,
  ntOwfV2,
} from "../../lib/crypto/ntlm_keys.ts";
import { rc4 } from "../../lib/crypto/rc4.ts";
import { utf16 } from "../_support/bytes.ts";
import { hex, unhex } from "./_hex.ts";

// [MS-NLMP] 4.2.1 common values: User "User", UserDom "Domain", Passwd "Password",
// RandomSessionKey 0x55 × 16, Time 0, ClientChallenge 0xaa × 8, ServerChallenge 0123456789abcdef.
const SERVER_CHALLENGE = unhex("0123456789abcdef");
const RANDOM_SESSION_KEY = "55".repeat(16);
const NT_HASH = "a4f49c406510bdcab6824ee7c30fd852"; // 4.2.2.1.2
const LM_HASH = "e52cac67419a9a224a3b108f3fa6cb6d"; // 4.2.2.1.1

const NTLMSSP_NEGOTIATE_LM_KEY = 0x80;
const NTLMSSP_REQUEST_NON_NT_SESSION_KEY = 0x00400000;

Deno.test("ntOwfV1, lmOwfV1 and ntOwfV2 match [MS-NLMP] 4.2.2.1 and 4.2.4.1.1", () => {
  assert.equal(hex(ntOwfV1("Password")), NT_HASH);
  assert.equal(hex(lmOwfV1("Password")), LM_HASH);
  assert.equal(hex(lmOwfV1("password")), LM_HASH, "LM upper-cases");
  assert.equal(hex(ntOwfV2(unhex(NT_HASH), "User", "Domain")), "0c868a403bfd7a93a3001ef22ef02e3f");
});

Deno.test("lmOwfV1 of the empty password is the well-known aad3b435b51404ee… hash", () => {
  // DES("KGS!@#$%") under a zero key, twice: the value every tool prints for "no LM hash".
  assert.equal(hex(lmOwfV1("")), "aad3b435b51404eeaad3b435b51404ee");
});

// [MS-NLMP] 4.2.2: NTLMv1 without extended session security. The AUTHENTICATE
// message of 4.2.2.3 carries flags 35 82 80 e2 and these responses.
const V1: NtlmExchange = {
  flags: 0xe2808235,
  user: "User",
  domain: "Domain",
  serverChallenge: SERVER_CHALLENGE,
  lmResponse: unhex("98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13"), // 4.2.2.2.2
  ntResponse: unhex("67c43011f30298a2ad35ece64f16331c44bdbed927841f94"), // 4.2.2.2.1
  encryptedRandomSessionKey: unhex("518822b1b3f350c8958682ecbb3e3cb7"), // 4.2.2.2.3
};

Deno.test("desl gives the NTLMv1 and LMv1 responses of [MS-NLMP] 4.2.2.2", () => {
  assert.deepEqual(desl(unhex(NT_HASH), SERVER_CHALLENGE), V1.ntResponse);
  assert.deepEqual(desl(unhex(LM_HASH), SERVER_CHALLENGE), V1.lmResponse);
});

Deno.test("ntlmKeys NTLMv1 matches [MS-NLMP] 4.2.2 (session base key, KXKEY, session key)", () => {
  const keys = ntlmKeys(V1, unhex(NT_HASH));
  assert.equal(keys.verified, true);
  assert.equal(hex(keys.sessionBaseKey), "d87262b0cde4b1cb7499becccdf10784"); // 4.2.2.1.3
  assert.equal(hex(keys.keyExchangeKey), "d87262b0cde4b1cb7499becccdf10784"); // KXKEY = SessionBaseKey
  assert.equal(hex(keys.exportedSessionKey), RANDOM_SESSION_KEY);
  assert.equal(keys.ntowfDomain, undefined);
  assert.equal(ntlmKeys(V1, ntOwfV1("Passw0rd")).verified, false);
});

Deno.test("ntlmKeys NTLMv1 with LM_KEY matches [MS-NLMP] 4.2.2.2.2-3", () => {
  const exchange = {
    ...V1,
    flags: V1.flags | NTLMSSP_NEGOTIATE_LM_KEY,
    encryptedRandomSessionKey: unhex("4cd7bb57d697ef9b549f02b8f9b37864"),
  };
  const keys = ntlmKeys(exchange, unhex(NT_HASH), unhex(LM_HASH));
  assert.equal(hex(keys.keyExchangeKey), "b09e379f7fbecb1eaf0afdcb0383c8a0");
  assert.equal(hex(keys.exportedSessionKey), RANDOM_SESSION_KEY);
  // Without the LM hash the key cannot be known: empty, never a wrong key.
  const blind = ntlmKeys(exchange, unhex(NT_HASH));
  assert.equal(blind.verified, true);
  assert.equal(blind.keyExchangeKey.length, 0);
  assert.equal(blind.exportedSessionKey.length, 0);
});

Deno.test("ntlmKeys NTLMv1 with REQUEST_NON_NT_SESSION_KEY matches [MS-NLMP] 4.2.2.2.3", () => {
  const exchange = {
    ...V1,
    flags: V1.flags | NTLMSSP_REQUEST_NON_NT_SESSION_KEY,
    encryptedRandomSessionKey: unhex("7452ca55c225a1ca04b48fae32cf56fc"),
  };
  const keys = ntlmKeys(exchange, unhex(NT_HASH), unhex(LM_HASH));
  assert.equal(hex(keys.keyExchangeKey), LM_HASH.slice(0, 16) + "00".repeat(8)); // 3.4.5.1
  assert.equal(hex(keys.exportedSessionKey), RANDOM_SESSION_KEY);
});

Deno.test("ntlmKeys NTLMv1 checks the LM response when only the LM hash can tell", () => {
  const lmOnly = { ...V1, ntResponse: new Uint8Array(0) };
  assert.equal(ntlmKeys(lmOnly, unhex(NT_HASH), unhex(LM_HASH)).verified, true);
  assert.equal(ntlmKeys(lmOnly, unhex(NT_HASH), lmOwfV1("other")).verified, false);
  assert.equal(ntlmKeys(lmOnly, unhex(NT_HASH)).verified, undefined);
});

// [MS-NLMP] 4.2.3: NTLMv1 with client challenge (extended session security),
// flags 35 82 08 82 in the AUTHENTICATE message of 4.2.3.3 (no KEY_EXCH).
const V1_ESS: NtlmExchange = {
  flags: 0x82088235,
  user: "User",
  domain: "Domain",
  serverChallenge: SERVER_CHALLENGE,
  lmResponse: unhex("aaaaaaaaaaaaaaaa" + "00".repeat(16)), // 4.2.3.2.1
  ntResponse: unhex("7537f803ae367128ca458204bde7caf81e97ed2683267232"), // 4.2.3.2.2
  encryptedRandomSessionKey: new Uint8Array(0),
};

Deno.test("ntlmKeys NTLMv1 with extended session security matches [MS-NLMP] 4.2.3", () => {
  const keys = ntlmKeys(V1_ESS, unhex(NT_HASH));
  assert.equal(keys.verified, true);
  assert.equal(hex(keys.sessionBaseKey), "d87262b0cde4b1cb7499becccdf10784"); // 4.2.3.1.2
  assert.equal(hex(keys.keyExchangeKey), "eb93429a8bd952f8b89c55b87f475edc"); // 4.2.3.1.3
  assert.equal(hex(keys.exportedSessionKey), "eb93429a8bd952f8b89c55b87f475edc"); // no KEY_EXCH
  assert.equal(ntlmKeys(V1_ESS, ntOwfV1("wrong")).verified, false);
});

// [MS-NLMP] 4.2.4: NTLMv2, flags 35 82 88 e2 in the AUTHENTICATE message of 4.2.4.3;
// the NT response is NTProofStr (4.2.4.2.2) ‖ temp (4.2.4.1.3).
const TEMP = "0101000000000000" + "0000000000000000" + "aaaaaaaaaaaaaaaa" + "00000000" +
  "02000c0044006f006d00610069006e00" + "01000c0053006500720076006500720000000000" + "00000000";
const V2: NtlmExchange = {
  flags: 0xe2888235,
  user: "User",
  domain: "Domain",
  serverChallenge: SERVER_CHALLENGE,
  lmResponse: unhex("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"), // 4.2.4.2.1
  ntResponse: unhex("68cd0ab851e51c96aabc927bebef6a1c" + TEMP),
  encryptedRandomSessionKey: unhex("c5dad2544fc9799094ce1ce90bc9d03e"), // 4.2.4.2.3
};

Deno.test("ntlmKeys NTLMv2 matches [MS-NLMP] 4.2.4 (session base key, session key)", () => {
  assert.equal(
    V2.ntResponse.length,
    0x54,
    "as long as the AUTHENTICATE message's NtChallengeResponse",
  );
  const keys = ntlmKeys(V2, unhex(NT_HASH));
  assert.equal(keys.verified, true);
  assert.equal(hex(keys.sessionBaseKey), "8de40ccadbc14a82f15cb0ad0de95ca3"); // 4.2.4.1.2
  assert.equal(hex(keys.keyExchangeKey), "8de40ccadbc14a82f15cb0ad0de95ca3");
  assert.equal(hex(keys.exportedSessionKey), RANDOM_SESSION_KEY);
  assert.equal(keys.ntowfDomain, "Domain");
  assert.equal(ntlmKeys(V2, ntOwfV1("password")).verified, false);
});

Deno.test("ntlmKeys NTLMv2 falls back to LMv2 when the NT proof was altered", () => {
  const altered = V2.ntResponse.slice();
  altered[0]! ^= 1;
  assert.equal(ntlmKeys({ ...V2, ntResponse: altered }, unhex(NT_HASH)).verified, true);
  assert.equal(
    ntlmKeys({ ...V2, ntResponse: altered, lmResponse: new Uint8Array(24) }, unhex(NT_HASH))
      .verified,
    false,
  );
});

Deno.test("ntlmKeys NTLMv2 retries NTOWFv2 with an empty domain and says which one verified", () => {
  // A client that computed NTOWFv2 with "" but sent "Domain" (computed here with node:crypto).
  const ntowfEmpty = createHmac("md5", unhex(NT_HASH)).update(utf16("USER")).digest();
  const temp = unhex(TEMP);
  const proof = createHmac("md5", ntowfEmpty).update(SERVER_CHALLENGE).update(temp).digest();
  const baseKey = createHmac("md5", ntowfEmpty).update(proof).digest();
  const exchange = {
    ...V2,
    lmResponse: new Uint8Array(24), // Z(24), as clients send next to a timestamped NTLMv2 response
    ntResponse: Uint8Array.from([...proof, ...temp]),
    encryptedRandomSessionKey: rc4(baseKey, unhex(RANDOM_SESSION_KEY)),
  };
  const keys = ntlmKeys(exchange, unhex(NT_HASH));
  assert.equal(keys.verified, true);
  assert.equal(keys.ntowfDomain, "");
  assert.equal(hex(keys.sessionBaseKey), hex(baseKey));
  assert.equal(hex(keys.exportedSessionKey), RANDOM_SESSION_KEY);
  // A wrong hash fails both tries; the keys are then those of the domain as sent.
  const wrong = ntlmKeys(exchange, ntOwfV1("nope"));
  assert.equal(wrong.verified, false);
  assert.equal(wrong.ntowfDomain, "Domain");
});

Deno.test("ntlmKeys: anonymous logon has a zero base key and cannot be verified", () => {
  const anonymous: NtlmExchange = {
    flags: 0xe2888a15,
    user: "",
    domain: "",
    serverChallenge: SERVER_CHALLENGE,
    lmResponse: new Uint8Array(1),
    ntResponse: new Uint8Array(0),
    encryptedRandomSessionKey: rc4(new Uint8Array(16), unhex(RANDOM_SESSION_KEY)),
  };
  const keys = ntlmKeys(anonymous, unhex(NT_HASH));
  assert.equal(keys.verified, undefined);
  assert.equal(hex(keys.sessionBaseKey), "00".repeat(16));
  assert.equal(hex(keys.exportedSessionKey), RANDOM_SESSION_KEY);
});

Deno.test("ntlmKeys never throws on odd response, challenge or key lengths", () => {
  const odd = [0, 1, 7, 8, 16, 23, 24, 25, 300].map((n) => new Uint8Array(n).fill(n));
  for (const nt of odd) {
    for (const lm of odd) {
      for (const challenge of [new Uint8Array(0), SERVER_CHALLENGE]) {
        for (const erk of [new Uint8Array(0), new Uint8Array(16), new Uint8Array(5)]) {
          for (const flags of [0, 0xffffffff, V1.flags, V1_ESS.flags, V2.flags]) {
            const keys = ntlmKeys(
              {
                flags,
                user: "u",
                domain: "d",
                serverChallenge: challenge,
                lmResponse: lm,
                ntResponse: nt,
                encryptedRandomSessionKey: erk,
              },
              unhex(NT_HASH),
              unhex(LM_HASH),
            );
            assert.ok([0, 16].includes(keys.exportedSessionKey.length));
          }
        }
      }
    }
  }
});
