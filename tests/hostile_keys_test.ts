/**
 * Hostile input with secrets given: corrupted encrypted and signed captures
 * (fixtures/crypto) decoded with passwords, NT hashes, session keys and the
 * hash export on never make the decoder throw or report a bug: the key
 * derivation, the password checks, decryption and signature checks meet
 * mangled logins, transforms and signatures.
 */
import * as assert from "node:assert/strict";
import { type DecodeEvent, Decoder } from "../mod.ts";
import { loadCiphers } from "../lib/crypto/aes.ts";

await loadCiphers(); // AES loads on demand (lib/crypto/aes.ts)

const dir = new URL("../fixtures/crypto/", import.meta.url);

function random(seed: number) {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

Deno.test("Decoder with secrets survives random corruption of encrypted and signed captures", () => {
  const rand = random(7);
  for (
    const name of ["enc_311_ccm", "enc_300_ccm", "enc_ntlmv1", "enc_two_users", "signed_311_gmac"]
  ) {
    const x = JSON.parse(Deno.readTextFileSync(new URL(`${name}.expected.json`, dir)));
    const keys = {
      passwords: x.accounts.map((a: { user: string; password: string }) =>
        `${a.user}:${a.password}`
      ),
      ntHashes: x.accounts.map((a: { user: string; ntHash: string }) => `${a.user}:${a.ntHash}`),
      sessionKeys: x.sessions.map((s: { sessionIdWire: string; keys: { sessionKey: string } }) =>
        `${s.sessionIdWire}:${s.keys.sessionKey}`
      ),
      exportHashes: true,
    };
    const original = Deno.readFileSync(new URL(`${name}.pcap`, dir));
    // Without damage everything decrypts: the rounds below start from a decode that works.
    const clean = decodeAll(original, keys);
    assert.ok(!clean.some((e) => e.type === "smb" && e.command === "ENCRYPTED"), name);
    for (let round = 0; round < 24; round++) {
      const bytes = original.slice();
      // Most damage early, where the NEGOTIATE, the login and the first transforms are.
      const span = round % 2 === 0 ? Math.min(bytes.length, 20_000) : bytes.length;
      const flips = 1 + Math.floor(rand() * 30);
      for (let i = 0; i < flips; i++) bytes[Math.floor(rand() * span)] = Math.floor(rand() * 256);
      const events = decodeAll(bytes, keys);
      const label = `${name} round ${round}`;
      assert.equal(events.at(-1)?.type, "summary", label);
      assert.deepEqual(events.filter((e) => e.type === "anomaly" && e.kind === "bug"), [], label);
    }
  }
});

function decodeAll(bytes: Uint8Array, keys: object): DecodeEvent[] {
  const d = new Decoder({ keys });
  const events: DecodeEvent[] = [];
  for (let at = 0; at < bytes.length; at += 4093) {
    events.push(...d.push(bytes.subarray(at, at + 4093)));
  }
  events.push(...d.end());
  return events;
}
