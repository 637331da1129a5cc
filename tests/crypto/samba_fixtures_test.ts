/**
 * The crypto layer against real sessions whose keys the client itself
 * logged: fixtures/smb/smb3_signed.pcap and smb3_encrypted.pcap (smbclient
 * 4.17 against Samba, SMB 3.1.1, AES-128-GMAC signing, AES-128-GCM) and
 * impacket_smb2.pcap (impacket 0.10, SMB 3.0, AES-128-CCM). Their
 * .expected.json files hold the password and the keys smbclient printed with
 * `debug encryption = yes` (or impacket kept), and tshark's counts. From the
 * password and the captured NTLM exchange and pre-auth messages, our functions
 * must reach the same session key and SMB3 keys, verify every signed header
 * and decrypt every TRANSFORM. The captures are read by tests/crypto/_pcap.ts,
 * not by the decoder.
 */
import * as assert from "node:assert/strict";
import { le16, le32 } from "../../lib/bytes/cursor.ts";
import { utf16le } from "../../lib/bytes/text.ts";
import { type NtlmExchange, ntlmKeys, ntOwfV1 } from "../../lib/crypto/ntlm_keys.ts";
import { verifySmb2Signature } from "../../lib/crypto/smb2_signing.ts";
import { PreauthHash, type Smb3Dialect, smb3Keys } from "../../lib/crypto/smb3_keys.ts";
import { decryptTransform, type Smb3Cipher } from "../../lib/crypto/smb3_transform.ts";
import { smb2CommandName } from "../../lib/smb/smb2/commands.ts";
import { ascii, hex } from "./_hex.ts";
import { type NbssMessage, nbssMessages, smb2Messages } from "./_pcap.ts";
import { loadCiphers } from "../../lib/crypto/aes.ts";

await loadCiphers(); // AES loads on demand (lib/crypto/aes.ts)

interface Expected {
  auth: { user: string; domain: string; password: string };
  sessionKeys: {
    sessionIdWire: string;
    sessionKey: string;
    signingKey: string;
    applicationKey: string;
    serverInKey: string;
    serverOutKey: string;
  }[];
  tshark: {
    smb: { smb2SignedHeaders: number; smb2TransformHeaders: number };
    smbDecrypted?: { commandCounts: Record<string, number> };
  };
}

function load(name: string): { messages: NbssMessage[]; expected: Expected } {
  const dir = new URL("../../fixtures/smb/", import.meta.url);
  return {
    messages: nbssMessages(Deno.readFileSync(new URL(`${name}.pcap`, dir))),
    expected: JSON.parse(Deno.readTextFileSync(new URL(`${name}.expected.json`, dir))),
  };
}

const isSmb2 = (b: Uint8Array) => b[0] === 0xfe && b[1] === 0x53 && b[2] === 0x4d && b[3] === 0x42;
const isTransform = (b: Uint8Array) => b[0] === 0xfd && b[1] === 0x53;
const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
const NEGOTIATE = 0, SESSION_SETUP = 1;

/** An NTLMSSP message inside a SESSION_SETUP's SPNEGO token, found by its signature. */
function ntlmssp(message: Uint8Array): Uint8Array | undefined {
  const signature = ascii("NTLMSSP\0");
  outer: for (let at = 64; at + 12 <= message.length; at++) {
    for (let i = 0; i < 8; i++) if (message[at + i] !== signature[i]) continue outer;
    return message.subarray(at);
  }
  return undefined;
}

/** [MS-NLMP] 2.2.1.3: a (length, max length, offset) field of the AUTHENTICATE message. */
function field(auth: Uint8Array, at: number): Uint8Array {
  const offset = le32(auth, at + 4);
  return auth.subarray(offset, offset + le16(auth, at));
}

/** What one SMB2 logon in a capture carried: the NTLM exchange and the 3.1.1 pre-auth hash. */
function logon(messages: NbssMessage[]): { exchange: NtlmExchange; preauth: Uint8Array } {
  let connection: PreauthHash | undefined, session: PreauthHash | undefined;
  let serverChallenge: Uint8Array | undefined, exchange: NtlmExchange | undefined;
  let preauth: Uint8Array | undefined;
  for (const { bytes } of messages) {
    if (!isSmb2(bytes) || preauth !== undefined) continue;
    const command = le16(bytes, 12), response = (bytes[16]! & 1) !== 0, status = le32(bytes, 8);
    if (command === NEGOTIATE) {
      // A NEGOTIATE request starts the chain (a response to an SMB1 NEGOTIATE has none before it).
      if (!response || connection === undefined) connection = new PreauthHash();
      connection.update(bytes);
    } else if (command === SESSION_SETUP) {
      const token = ntlmssp(bytes);
      if (token !== undefined && le32(token, 8) === 2) serverChallenge = token.slice(24, 32);
      if (token !== undefined && le32(token, 8) === 3) {
        exchange = {
          flags: le32(token, 60),
          user: utf16le(field(token, 36)),
          domain: utf16le(field(token, 28)),
          serverChallenge: serverChallenge!,
          lmResponse: field(token, 12),
          ntResponse: field(token, 20),
          encryptedRandomSessionKey: field(token, 52),
        };
      }
      // [MS-SMB2] 3.2.5.3.1: every request and every response but the final, successful one.
      session ??= connection!.clone();
      if (!response || status === STATUS_MORE_PROCESSING_REQUIRED) session.update(bytes);
      else if (status === 0) preauth = session.value;
    }
  }
  assert.ok(exchange !== undefined && preauth !== undefined, "a complete NTLM logon");
  return { exchange, preauth };
}

/** Checks the session key and the four SMB3 keys against the logged ones; returns them. */
function checkKeys(name: string, dialect: Smb3Dialect) {
  const { messages, expected } = load(name);
  const logged = expected.sessionKeys[0]!;
  const { exchange, preauth } = logon(messages);
  assert.equal(exchange.user, expected.auth.user);
  const ntlm = ntlmKeys(exchange, ntOwfV1(expected.auth.password));
  assert.equal(ntlm.verified, true, `${name}: the password verifies`);
  assert.equal(hex(ntlm.exportedSessionKey), logged.sessionKey, `${name}: session key`);
  assert.equal(ntlmKeys(exchange, ntOwfV1("not-the-password")).verified, false);
  const keys = smb3Keys(ntlm.exportedSessionKey, dialect, preauth, 128);
  if (logged.signingKey !== "") {
    assert.equal(hex(keys.signingKey), logged.signingKey, `${name}: signing`);
  }
  assert.equal(hex(keys.applicationKey), logged.applicationKey, `${name}: application`);
  assert.equal(hex(keys.encryptionKey), logged.serverInKey, `${name}: ServerIn`);
  assert.equal(hex(keys.decryptionKey), logged.serverOutKey, `${name}: ServerOut`);
  return { messages, expected, keys, sessionIdWire: logged.sessionIdWire };
}

/** Every signed SMB2 header of the session verifies; returns how many there were. */
function checkSignatures(
  messages: Iterable<Uint8Array>,
  signingKey: Uint8Array,
  sessionIdWire: string,
): number {
  let signed = 0;
  for (const compound of messages) {
    for (const m of smb2Messages(compound)) {
      if ((m[16]! & 0x08) === 0) continue;
      signed++;
      assert.equal(hex(m.subarray(40, 48)), sessionIdWire);
      assert.ok(
        verifySmb2Signature("AES-GMAC", signingKey, m),
        `signed ${smb2CommandName(le16(m, 12))}`,
      );
      const altered = m.slice();
      altered[m.length - 1]! ^= 1;
      assert.equal(verifySmb2Signature("AES-GMAC", signingKey, altered), false);
    }
  }
  return signed;
}

/** Decrypts every TRANSFORM; returns the plaintexts with the unencrypted SMB2 messages, in order. */
function decryptAll(
  messages: NbssMessage[],
  cipher: Smb3Cipher,
  keys: { encryptionKey: Uint8Array; decryptionKey: Uint8Array },
): { plain: Uint8Array[]; transforms: number } {
  const plain: Uint8Array[] = [];
  let transforms = 0;
  for (const { frame, toServer, bytes } of messages) {
    if (isTransform(bytes)) {
      transforms++;
      const opened = decryptTransform(
        cipher,
        toServer ? keys.encryptionKey : keys.decryptionKey,
        bytes,
      );
      assert.ok(opened !== undefined && isSmb2(opened), `frame ${frame} decrypts to SMB2`);
      plain.push(opened);
    } else if (isSmb2(bytes)) {
      plain.push(bytes);
    }
  }
  return { plain, transforms };
}

Deno.test("smb3_signed.pcap (Samba, 3.1.1): the password gives smbclient's keys; all 65 signed headers verify (AES-GMAC)", () => {
  const { messages, expected, keys, sessionIdWire } = checkKeys("smb3_signed", "3.1.1");
  const signed = checkSignatures(messages.map((m) => m.bytes), keys.signingKey, sessionIdWire);
  assert.equal(signed, expected.tshark.smb.smb2SignedHeaders);
});

Deno.test("smb3_encrypted.pcap (Samba, 3.1.1, AES-128-GCM): keys as logged; every TRANSFORM decrypts to tshark's commands", () => {
  const { messages, expected, keys, sessionIdWire } = checkKeys("smb3_encrypted", "3.1.1");
  const { plain, transforms } = decryptAll(messages, "AES-128-GCM", keys);
  assert.equal(transforms, expected.tshark.smb.smb2TransformHeaders);
  const counts: Record<string, number> = {};
  for (const m of plain.flatMap(smb2Messages)) {
    const name = `SMB2 ${smb2CommandName(le16(m, 12))} ${m[16]! & 1 ? "response" : "request"}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  assert.deepEqual(counts, expected.tshark.smbDecrypted!.commandCounts);
  const signed = checkSignatures(
    messages.filter((m) => isSmb2(m.bytes)).map((m) => m.bytes),
    keys.signingKey,
    sessionIdWire,
  );
  assert.equal(signed, expected.tshark.smb.smb2SignedHeaders);
});

Deno.test("impacket_smb2.pcap (impacket, 3.0, AES-128-CCM): keys as impacket kept them; every TRANSFORM decrypts", () => {
  const { messages, expected, keys } = checkKeys("impacket_smb2", "3.0");
  const { transforms } = decryptAll(messages, "AES-128-CCM", keys);
  assert.equal(transforms, expected.tshark.smb.smb2TransformHeaders);
});
