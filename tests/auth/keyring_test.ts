import assert from "node:assert/strict";
import { Keyring, sessionIdsOf } from "../../lib/auth/keyring.ts";
import { toHex } from "../../lib/bytes/cursor.ts";
import { Decoder } from "../../mod.ts";

// [MS-NLMP] 4.2.2.1.2: NTOWFv1("Password").
const NT_HASH_OF_PASSWORD = "a4f49c406510bdcab6824ee7c30fd852";

Deno.test("keyring: a password and the NT hash it makes name the same account key", () => {
  const k = new Keyring({
    passwords: ["Domain\\User:Password"],
    ntHashes: [{ user: "other", ntHash: NT_HASH_OF_PASSWORD.toUpperCase() }],
  });
  const [a] = k.accountsFor("USER", "domain");
  assert.equal(toHex(a!.ntHash), NT_HASH_OF_PASSWORD);
  assert.equal(a!.source, "password");
  assert.equal(toHex(k.accountsFor("Other", "ANY")[0]!.ntHash), NT_HASH_OF_PASSWORD);
  // A domain given must match; none given matches any.
  assert.deepEqual(k.accountsFor("user", "ELSEWHERE"), []);
  assert.equal(k.hasAccounts, true);
});

Deno.test("keyring: passwords may hold colons; user@domain is read too", () => {
  const k = new Keyring({ passwords: ["alice@CORP:pa:ss", { user: "bob", password: "" }] });
  assert.equal(k.accountsFor("alice", "corp").length, 1);
  assert.equal(k.accountsFor("alice", "other").length, 0);
  // The empty password's NT hash ([MS-NLMP]: MD4 of nothing).
  assert.equal(toHex(k.accountsFor("bob", "x")[0]!.ntHash), "31d6cfe0d16ae931b73c59d7e0c089c0");
});

Deno.test("keyring: SessionIds in the three written forms", () => {
  // zeek/smb3.pcap: wire bytes 3d 00 00 94 00 48 00 00 (the catalog's form).
  const wire = sessionIdsOf("3d00009400480000");
  assert.deepEqual(wire, [String(0x48009400003dn)]);
  assert.deepEqual(sessionIdsOf("0x48009400003d"), [String(0x48009400003dn)]);
  assert.deepEqual(sessionIdsOf("79164837199933"), ["79164837199933"]);
  // 16 decimal digits are both forms: both are kept, only the right one ever matches.
  assert.equal(sessionIdsOf("1234567890123456")!.length, 2);
  assert.equal(sessionIdsOf("nope"), undefined);
  assert.equal(sessionIdsOf("0x"), undefined);
  const k = new Keyring({ sessionKeys: ["3d00009400480000:28f2847263c83dc00621f742dd3f2e7b"] });
  assert.equal(
    toHex(k.sessionKeysFor(String(0x48009400003dn))[0]!),
    "28f2847263c83dc00621f742dd3f2e7b",
  );
});

Deno.test("keyring: bad entries are named by position, their secrets never quoted", () => {
  const cases: [object, RegExp][] = [
    [{ passwords: ["no-colon-secret"] }, /keys\.passwords\[0\]: .*NAME:VALUE/],
    [{ ntHashes: ["u:1234"] }, /keys\.ntHashes\[0\]: the NT hash must be 32 hex digits/],
    [{ sessionKeys: ["12:zz"] }, /keys\.sessionKeys\[0\]: the session key must be/],
    [{ sessionKeys: ["x:00112233445566778899aabbccddeeff"] }, /SessionId must be/],
    [{ passwords: [":secret"] }, /keys\.passwords\[0\]/],
    [{ passwords: "user:secret" }, /keys\.passwords must be a list/],
    [{ pasword: [] }, /unknown option keys\.pasword/],
    [{ exportHashes: "yes" }, /keys\.exportHashes must be a boolean/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => new Decoder({ keys: options as never }),
      (e: Error) => {
        assert.match(e.message, message);
        assert.doesNotMatch(e.message, /secret|zz|1234|no-colon/);
        return e instanceof TypeError;
      },
    );
  }
});
