/**
 * parseNtlmssp on the real NTLMSSP messages inside fixtures/auth/blobs.json,
 * field by field against tshark, plus the cases the spec singles out: MIC
 * presence, NTLMv1/v2/anonymous, lying offsets.
 */
import * as assert from "node:assert/strict";
import { parseNtlmssp } from "../../lib/auth/ntlmssp.ts";
import { AvId } from "../../lib/auth/av_pairs.ts";
import { parseSecurityBlob } from "../../lib/auth/spnego.ts";
import type {
  NtlmAuthenticate,
  NtlmChallenge,
  NtlmMessage,
  NtlmNegotiate,
  NtlmTargetInfo,
} from "../../lib/auth/types.ts";
import {
  type BlobCase,
  blobOf,
  CASES,
  field,
  fromHex,
  one,
  tsharkBlobLength,
  tsharkTimeToIso,
} from "./_blobs.ts";

/** The NTLMSSP message inside a case's blob, found by its signature. */
function ntlmBytes(c: BlobCase): Uint8Array {
  const at = c.blob.indexOf("4e544c4d53535000");
  assert.ok(at >= 0 && at % 2 === 0, c.name);
  return fromHex(c.blob.slice(at));
}

function decode(c: BlobCase): NtlmMessage {
  const problems: string[] = [];
  const m = parseNtlmssp(ntlmBytes(c), problems);
  assert.ok(!("problem" in m), `${c.name}: ${JSON.stringify(m)}`);
  assert.deepEqual(problems, [], c.name);
  return m;
}

const nullToEmpty = (s: string | undefined) => (s === "NULL" ? "" : s);

/** tshark names the pairs by id; ours are keys. */
const KEY_IDS: [keyof NtlmTargetInfo, number][] = [
  ["nbComputerName", AvId.MsvAvNbComputerName],
  ["nbDomainName", AvId.MsvAvNbDomainName],
  ["dnsComputerName", AvId.MsvAvDnsComputerName],
  ["dnsDomainName", AvId.MsvAvDnsDomainName],
  ["dnsTreeName", AvId.MsvAvDnsTreeName],
  ["flags", AvId.MsvAvFlags],
  ["timestamp", AvId.MsvAvTimestamp],
  ["targetName", AvId.MsvAvTargetName],
];

function idsOf(info: NtlmTargetInfo): number[] {
  const ids = KEY_IDS.filter(([k]) => info[k] !== undefined).map(([, id]) => id);
  return [...ids, ...(info.other ?? [])].sort((a, b) => a - b);
}

function tsharkIds(c: BlobCase, name: string): number[] {
  return field(c, name).map((h) => parseInt(h, 16)).filter((id) => id !== 0).sort((a, b) => a - b);
}

function checkTargetInfo(c: BlobCase, info: NtlmTargetInfo | undefined, prefix: string): void {
  assert.ok(info !== undefined, c.name);
  assert.deepEqual(idsOf(info), tsharkIds(c, `${prefix}.item.type`), c.name);
  assert.equal(info.nbComputerName, one(c, `${prefix}.nb_computer_name`), c.name);
  assert.equal(info.nbDomainName, one(c, `${prefix}.nb_domain_name`), c.name);
  // tshark leaves an empty name out; we keep it as "" (Samba sends an empty DNS domain).
  assert.equal(info.dnsComputerName || undefined, one(c, `${prefix}.dns_computer_name`), c.name);
  const ts = one(c, `${prefix}.timestamp`);
  assert.equal(info.timestamp, ts === undefined ? undefined : tsharkTimeToIso(ts), c.name);
}

const NTLM_CASES = CASES.filter((c) =>
  field(c, "ntlmssp.messagetype").length === 1 && c.name !== "smbtorture_crash_lying_offsets"
);

Deno.test("the blob corpus has NEGOTIATE, CHALLENGE and AUTHENTICATE messages", () => {
  const types = NTLM_CASES.map((c) => parseInt(one(c, "ntlmssp.messagetype")!, 16));
  for (const t of [1, 2, 3]) assert.ok(types.filter((x) => x === t).length >= 5, `type ${t}`);
});

for (const c of NTLM_CASES) {
  Deno.test(`parseNtlmssp agrees with tshark: ${c.name}`, () => {
    const m = decode(c);
    assert.equal(m.messageType, parseInt(one(c, "ntlmssp.messagetype")!, 16));
    assert.equal(m.flags, parseInt(one(c, "ntlmssp.negotiateflags")!, 16));
    const major = one(c, "ntlmssp.version.major");
    assert.equal(
      m.version,
      major === undefined
        ? undefined
        : `${major}.${one(c, "ntlmssp.version.minor")}.${
          one(c, "ntlmssp.version.build_number")
        } rev ${one(c, "ntlmssp.version.ntlm_current_revision")}`,
    );
    if (m.messageType === 1) {
      const n = m as NtlmNegotiate;
      assert.equal(n.domain ?? "NULL", one(c, "ntlmssp.negotiate.domain"));
      assert.equal(n.workstation ?? "NULL", one(c, "ntlmssp.negotiate.callingworkstation"));
    } else if (m.messageType === 2) {
      const ch = m as NtlmChallenge;
      assert.equal(ch.serverChallenge, one(c, "ntlmssp.ntlmserverchallenge"));
      assert.equal(ch.targetName, one(c, "ntlmssp.challenge.target_name"));
      checkTargetInfo(c, ch.targetInfo, "ntlmssp.challenge.target_info");
      assert.equal(
        ch.targetInfo!.dnsDomainName || undefined,
        one(c, "ntlmssp.challenge.target_info.dns_domain_name"),
      );
      assert.equal(
        ch.targetInfo!.dnsTreeName,
        one(c, "ntlmssp.challenge.target_info.dns_tree_name"),
      );
    } else {
      const a = m as NtlmAuthenticate;
      assert.equal(a.user, nullToEmpty(one(c, "ntlmssp.auth.username")));
      assert.equal(a.domain, nullToEmpty(one(c, "ntlmssp.auth.domain")));
      assert.equal(a.workstation, nullToEmpty(one(c, "ntlmssp.auth.hostname")));
      const lm = tsharkBlobLength(one(c, "ntlmssp.auth.lmresponse")) ?? 0;
      const nt = tsharkBlobLength(one(c, "ntlmssp.auth.ntresponse")) ?? 0;
      const key = tsharkBlobLength(one(c, "ntlmssp.auth.sesskey")) ?? 0;
      assert.equal(a.lmResponseLength, lm);
      assert.equal(a.ntResponseLength, nt);
      assert.equal(a.sessionKeyPresent, key > 0);
      const anonymous = a.user === "" && nt === 0 && lm <= 1;
      assert.equal(
        a.ntlmVersion,
        anonymous ? "anonymous" : nt === 24 ? "v1" : nt > 24 ? "v2" : "unknown",
      );
      assert.equal(a.mic, one(c, "ntlmssp.authenticate.mic"));
      assert.equal(a.ntProofStr, one(c, "ntlmssp.ntlmv2_response.ntproofstr"));
      assert.equal(a.clientChallenge, one(c, "ntlmssp.ntlmv2_response.chal"));
      const time = one(c, "ntlmssp.ntlmv2_response.time");
      assert.equal(a.clientTimestamp, time === undefined ? undefined : tsharkTimeToIso(time));
      if (a.ntlmVersion === "v2") {
        checkTargetInfo(c, a.clientTargetInfo, "ntlmssp.ntlmv2_response");
        assert.equal(
          a.clientTargetInfo!.targetName,
          one(c, "ntlmssp.ntlmv2_response.target_name"),
        );
      } else assert.equal(a.clientTargetInfo, undefined);
    }
  });
}

Deno.test("parseNtlmssp decodes smbclient's NTLMv2 AUTHENTICATE with MIC", () => {
  const a = parseSecurityBlob(blobOf("smb2_10_ntlm_authenticate")).ntlm;
  assert.deepEqual(a, {
    messageType: 3,
    flags: 0x62088215,
    flagNames: [
      "NTLMSSP_NEGOTIATE_UNICODE",
      "NTLMSSP_REQUEST_TARGET",
      "NTLMSSP_NEGOTIATE_SIGN",
      "NTLMSSP_NEGOTIATE_NTLM",
      "NTLMSSP_NEGOTIATE_ALWAYS_SIGN",
      "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY",
      "NTLMSSP_NEGOTIATE_VERSION",
      "NTLMSSP_NEGOTIATE_128",
      "NTLMSSP_NEGOTIATE_KEY_EXCH",
    ],
    domain: "WORKGROUP",
    user: "alice",
    workstation: "FIXTURECLIENT",
    lmResponseLength: 24,
    ntResponseLength: 232,
    ntlmVersion: "v2",
    sessionKeyPresent: true,
    version: "6.1.0 rev 15",
    mic: "e789b7f258d92ec07e20a44e26ef6ab4",
    ntProofStr: "02976d656e297afb74f769a576b02f19",
    clientTimestamp: "2026-11-23T18:56:54.5563480Z",
    clientChallenge: "a8d5f3ceaf248992",
    clientTargetInfo: {
      nbDomainName: "FIXTURESRV",
      nbComputerName: "FIXTURESRV",
      dnsDomainName: "",
      dnsComputerName: "vm",
      timestamp: "2026-11-23T18:56:54.5563480Z",
      flags: 2, // MIC present (MsvAvFlags bit 0x2)
      other: [AvId.MsvAvSingleHost, AvId.MsvAvChannelBindings],
      targetName: "cifs/10.77.0.1",
    },
  });
});

Deno.test("parseNtlmssp: impacket's AUTHENTICATE starts its payload at 64, so no VERSION, no MIC, no session key", () => {
  const a = parseSecurityBlob(blobOf("impacket_ntlm_authenticate")).ntlm as NtlmAuthenticate;
  assert.equal(a.ntlmVersion, "v2");
  assert.equal(a.version, undefined);
  assert.equal(a.mic, undefined);
  assert.equal(a.sessionKeyPresent, false);
  assert.equal(a.clientTargetInfo?.targetName, "cifs/FIXTURESRV");
});

Deno.test("parseNtlmssp decodes NTLMv1 from smbtorture: VNET3\\administrator, 24-byte responses", () => {
  const a = parseSecurityBlob(blobOf("smbtorture_ntlmv1_authenticate")).ntlm as NtlmAuthenticate;
  assert.deepEqual(
    [a.domain, a.user, a.workstation, a.ntlmVersion, a.lmResponseLength, a.ntResponseLength],
    ["VNET3", "administrator", "BLU", "v1", 24, 24],
  );
  assert.equal(a.ntProofStr, undefined);
  assert.equal(a.mic, undefined); // payload at offset 64
});

Deno.test("parseNtlmssp: Samba's anonymous AUTHENTICATE has empty responses, yet a MIC and a session key", () => {
  const a = parseSecurityBlob(blobOf("smb1_guest_anonymous_authenticate")).ntlm as NtlmAuthenticate;
  assert.deepEqual(
    [a.user, a.domain, a.workstation, a.lmResponseLength, a.ntResponseLength, a.ntlmVersion],
    ["", "WORKGROUP", "FIXTURECLIENT", 0, 0, "anonymous"],
  );
  assert.ok(a.flagNames.includes("NTLMSSP_ANONYMOUS"));
  assert.equal(a.mic, "79d75bdfccec4465492d5cef0a1133f4");
  assert.equal(a.sessionKeyPresent, true);
});

Deno.test("parseNtlmssp: Windows' anonymous AUTHENTICATE has a one-zero-byte LM response", () => {
  const a = parseSecurityBlob(blobOf("windows2019_anonymous_authenticate"))
    .ntlm as NtlmAuthenticate;
  assert.deepEqual([a.user, a.domain, a.lmResponseLength, a.ntResponseLength], ["", "", 1, 0]);
  assert.equal(a.ntlmVersion, "anonymous");
  assert.equal(a.version, undefined); // payload at offset 64: no VERSION, no MIC
  assert.equal(a.mic, undefined);
  assert.equal(a.sessionKeyPresent, true);
});

Deno.test("parseNtlmssp: the moloch-crash AUTHENTICATE's lying fields are problems, the rest decodes", () => {
  const t = parseSecurityBlob(blobOf("smbtorture_crash_lying_offsets"));
  assert.deepEqual(t.problems, [
    "NTLMSSP AUTHENTICATE: LmChallengeResponse (65535 bytes at offset 4177526783) runs past the message (170 bytes)",
    "NTLMSSP AUTHENTICATE: NtChallengeResponse (65535 bytes at offset 4294967295) runs past the message (170 bytes)",
    "NTLMSSP AUTHENTICATE: DomainName (65535 bytes at offset 4294967295) runs past the message (170 bytes)",
  ]);
  const a = t.ntlm as NtlmAuthenticate;
  assert.deepEqual(
    [a.domain, a.user, a.workstation, a.lmResponseLength, a.ntResponseLength, a.ntlmVersion],
    ["", "administrator", "BLU", 0, 0, "unknown"],
  );
});

/** A copy of smbclient's AUTHENTICATE with one field triple rewritten. */
function patchedAuthenticate(fieldIndex: number, len: number, offset: number): Uint8Array {
  const c = CASES.find((c) => c.name === "smb2_10_ntlm_authenticate")!;
  const msg = ntlmBytes(c).slice();
  const v = new DataView(msg.buffer);
  v.setUint16(12 + 8 * fieldIndex, len, true);
  v.setUint16(14 + 8 * fieldIndex, len, true);
  v.setUint32(16 + 8 * fieldIndex, offset, true);
  return msg;
}

Deno.test("parseNtlmssp: MIC presence follows the lowest offset of the non-empty fields", () => {
  const auth = (b: Uint8Array) => parseNtlmssp(b) as NtlmAuthenticate;
  // An empty field's offset means nothing (impacket writes 0 there).
  const emptyAtZero = auth(patchedAuthenticate(0, 0, 0));
  assert.equal(emptyAtZero.mic, "e789b7f258d92ec07e20a44e26ef6ab4");
  assert.equal(emptyAtZero.version, "6.1.0 rev 15");
  // A non-empty field at 72 leaves room for VERSION only; at 64 for neither.
  assert.equal(auth(patchedAuthenticate(0, 24, 72)).mic, undefined);
  assert.equal(auth(patchedAuthenticate(0, 24, 72)).version, "6.1.0 rev 15");
  const at64 = parseNtlmssp(patchedAuthenticate(0, 24, 64), []) as NtlmAuthenticate;
  assert.equal(at64.version, undefined);
  assert.equal(at64.mic, undefined);
});

Deno.test("parseNtlmssp: a field inside the fixed header is decoded but reported", () => {
  const problems: string[] = [];
  const a = parseNtlmssp(patchedAuthenticate(3, 2, 4), problems) as NtlmAuthenticate; // UserName
  assert.equal(a.user, "\u5353"); // "SS" of the signature, as UTF-16LE
  assert.deepEqual(problems, [
    "NTLMSSP AUTHENTICATE: UserName at offset 4 overlaps the 64-byte header",
  ]);
});

Deno.test("parseNtlmssp: OEM strings when NTLMSSP_NEGOTIATE_UNICODE is clear", () => {
  const msg = patchedAuthenticate(3, 5, 362); // UserName: first 5 bytes of the UTF-16 "alice"
  new DataView(msg.buffer).setUint32(60, 0x62088214, true); // flags without UNICODE
  const a = parseNtlmssp(msg) as NtlmAuthenticate;
  assert.equal(a.user, "a\0l\0i");
  assert.equal(a.domain, "W\0O\0R\0K\0G\0R\0O\0U\0P\0");
});

Deno.test("parseNtlmssp rejects what is not a whole NTLMSSP header", () => {
  assert.deepEqual(parseNtlmssp(new Uint8Array(8)), { problem: "no NTLMSSP signature" });
  const sig = fromHex("4e544c4d53535000");
  assert.deepEqual(parseNtlmssp(sig), { problem: "NTLMSSP message of 8 bytes has no type" });
  assert.deepEqual(parseNtlmssp(fromHex("4e544c4d5353500004000000")), {
    problem: "unknown NTLMSSP message type 4",
  });
  assert.deepEqual(parseNtlmssp(fromHex("4e544c4d5353500003000000")), {
    problem: "NTLMSSP AUTHENTICATE of 12 bytes is shorter than its fixed header",
  });
  // A 16-byte NEGOTIATE (flags only) is old but whole.
  assert.deepEqual(parseNtlmssp(fromHex("4e544c4d535350000100000001000000")), {
    messageType: 1,
    flags: 1,
    flagNames: ["NTLMSSP_NEGOTIATE_UNICODE"],
  });
});
