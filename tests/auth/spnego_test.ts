/**
 * parseSecurityBlob on real blobs (fixtures/auth/blobs.json): every field is
 * checked against tshark's decode of the same frame, and the fixture sessions
 * against what the script that drove the client says it sent.
 */
import * as assert from "node:assert/strict";
import { MAX_TOKEN_PROBLEMS, parseSecurityBlob } from "../../lib/auth/spnego.ts";
import { oidName } from "../../lib/auth/oids.ts";
import type { NtlmAuthenticate, NtlmChallenge, SecurityToken } from "../../lib/auth/types.ts";
import { type BlobCase, blobCase, blobOf, CASES, field, fromHex, one } from "./_blobs.ts";

const NEG_STATES = ["accept-completed", "accept-incomplete", "reject", "request-mic"];

function decode(c: BlobCase): SecurityToken {
  return parseSecurityBlob(fromHex(c.blob));
}

for (const c of CASES) {
  Deno.test(`parseSecurityBlob agrees with tshark on SPNEGO fields: ${c.name}`, () => {
    const t = decode(c);
    const mechs = field(c, "spnego.MechType");
    if (mechs.length > 0) assert.deepEqual(t.mechTypes, mechs.map(oidName));
    else assert.equal(t.mechTypes, undefined);
    assert.equal(t.hintName, one(c, "spnego.hintName"));
    const neg = one(c, "spnego.negResult");
    assert.equal(t.negState, neg === undefined ? undefined : NEG_STATES[Number(neg)]);
    const sup = one(c, "spnego.supportedMech");
    assert.equal(t.supportedMech, sup === undefined ? undefined : oidName(sup));
    const expectedMech = field(c, "ntlmssp.messagetype").length > 0
      ? "NTLMSSP"
      : field(c, "kerberos.msg_type").length > 0
      ? "Kerberos"
      : undefined;
    assert.equal(t.innerMech, expectedMech);
    // Only the moloch-crash blob has lying NTLMSSP fields; every other real blob decodes cleanly.
    if (c.name !== "smbtorture_crash_lying_offsets") assert.deepEqual(t.problems, []);
  });
}

Deno.test("parseSecurityBlob: kind follows the blob's outer form", () => {
  const kinds = Object.fromEntries(CASES.map((c) => [c.name, decode(c).kind]));
  for (const c of CASES) {
    const first = c.blob.slice(0, 2);
    const expected = c.blob.startsWith("4e544c4d53535000")
      ? "ntlmssp"
      : first === "60" || first === "a0"
      ? "spnego_init"
      : "spnego_resp";
    assert.equal(kinds[c.name], expected, c.name);
  }
});

Deno.test("parseSecurityBlob decodes Samba's NEGOTIATE response: negTokenInit2 with the RFC 4178 hint", () => {
  assert.deepEqual(parseSecurityBlob(blobOf("smb2_10_negotiate_response")), {
    kind: "spnego_init",
    problems: [],
    mechTypes: ["NTLMSSP"],
    hintName: "not_defined_in_RFC4178@please_ignore",
  });
});

Deno.test("parseSecurityBlob: Windows Server 2019 offers NEGOEX first; Windows 2003 hints its own principal", () => {
  const w2019 = parseSecurityBlob(blobOf("windows2019_negotiate_response"));
  assert.deepEqual(w2019.mechTypes, [
    "NEGOEX",
    "MS-Kerberos",
    "Kerberos",
    "Kerberos-U2U",
    "NTLMSSP",
  ]);
  assert.equal(w2019.hintName, "not_defined_in_RFC4178@please_ignore");
  const w2003 = parseSecurityBlob(blobOf("gssapi_kerberos_negotiate_response"));
  assert.deepEqual(w2003.mechTypes, ["MS-Kerberos", "NTLMSSP"]);
  assert.equal(w2003.hintName, "edisk03a$@HOUSING.HKSARG");
  // smbtorture's server (SMB1) sends no hint at all.
  assert.equal(parseSecurityBlob(blobOf("smbtorture_negotiate_response")).hintName, undefined);
});

Deno.test("parseSecurityBlob decodes the NTLMSSP NEGOTIATE inside smbclient's negTokenInit", () => {
  const t = parseSecurityBlob(blobOf("smb2_10_ntlm_negotiate"));
  assert.equal(t.kind, "spnego_init");
  assert.deepEqual(t.mechTypes, ["NTLMSSP"]);
  assert.equal(t.innerMech, "NTLMSSP");
  assert.deepEqual(t.ntlm, {
    messageType: 1,
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
    version: "6.1.0 rev 15",
  });
});

Deno.test("parseSecurityBlob decodes Samba's CHALLENGE in negTokenResp accept-incomplete", () => {
  const t = parseSecurityBlob(blobOf("smb2_10_ntlm_challenge"));
  assert.equal(t.kind, "spnego_resp");
  assert.equal(t.negState, "accept-incomplete");
  assert.equal(t.supportedMech, "NTLMSSP");
  const ch = t.ntlm as NtlmChallenge;
  assert.equal(ch.messageType, 2);
  assert.equal(ch.serverChallenge, "b14403ae09ef3f70");
  assert.equal(ch.targetName, "FIXTURESRV");
  assert.deepEqual(ch.targetInfo, {
    nbDomainName: "FIXTURESRV",
    nbComputerName: "FIXTURESRV",
    dnsDomainName: "",
    dnsComputerName: "vm",
    timestamp: "2026-11-23T18:56:54.5563480Z",
  });
});

Deno.test("parseSecurityBlob decodes a Windows Server 2019 CHALLENGE with DNS names", () => {
  const ch = parseSecurityBlob(blobOf("windows2019_ntlm_challenge")).ntlm as NtlmChallenge;
  assert.deepEqual(ch.targetInfo, {
    nbDomainName: "LAB",
    nbComputerName: "BAS-AD-01",
    dnsDomainName: "lab.local",
    dnsComputerName: "bas-ad-01.lab.local",
    dnsTreeName: "lab.local",
    timestamp: "2020-09-15T18:18:12.1213587Z",
  });
  assert.equal(ch.version, "10.0.17763 rev 15");
});

Deno.test("parseSecurityBlob decodes the final negTokenResp accept-completed (with and without mechListMIC)", () => {
  for (const name of ["smb2_10_accept_completed", "impacket_accept_completed"]) {
    assert.deepEqual(parseSecurityBlob(blobOf(name)), {
      kind: "spnego_resp",
      problems: [],
      negState: "accept-completed",
    }, name);
  }
});

Deno.test("parseSecurityBlob recognises Kerberos in SPNEGO: AP-REQ in mechToken, AP-REP in responseToken", () => {
  const req = parseSecurityBlob(blobOf("kerberos445_ap_req"));
  assert.equal(req.kind, "spnego_init");
  assert.deepEqual(req.mechTypes, ["MS-Kerberos", "Kerberos", "NEGOEX", "NTLMSSP"]);
  assert.equal(req.innerMech, "Kerberos");
  assert.equal(req.ntlm, undefined);
  assert.deepEqual(parseSecurityBlob(blobOf("kerberos445_ap_rep")), {
    kind: "spnego_resp",
    problems: [],
    negState: "accept-completed",
    supportedMech: "MS-Kerberos",
    innerMech: "Kerberos",
  });
  // Windows 2003 repeats the AP-REP as mechListMIC and names no supportedMech.
  assert.deepEqual(parseSecurityBlob(blobOf("gssapi_kerberos_ap_rep")), {
    kind: "spnego_resp",
    problems: [],
    negState: "accept-completed",
    innerMech: "Kerberos",
  });
});

Deno.test("parseSecurityBlob: a raw krb5 GSS token (the mechToken of a real negTokenInit) is kind kerberos", () => {
  const c = blobCase("gssapi_kerberos_ap_req");
  const shown = c.tshark["spnego.mechToken"]![0] as { length: number; head: string };
  const at = c.blob.indexOf(shown.head) / 2;
  const mechToken = fromHex(c.blob).subarray(at, at + shown.length); // 60 82 05 34 06 09 2a 86 …
  assert.deepEqual(Array.from(mechToken.subarray(0, 6)), [0x60, 0x82, 0x05, 0x34, 0x06, 0x09]);
  // tshark (frame 7): kerberos.realm HOUSING.HKSARG, SNameString cifs,EDISK03A.housing.hksarg,
  // etype 23 (ticket) and 23 (authenticator), ap_options 0x20000000 (mutual-required),
  // kerberos.cipher ff4e7b1f822fcb0fa5e5bc6afe5ea7d4….
  const kerberos = {
    ticket: {
      realm: "HOUSING.HKSARG",
      service: "cifs/EDISK03A.housing.hksarg",
      etype: 23,
      etypeName: "rc4-hmac",
      id: "ff4e7b1f822fcb0fa5e5bc6afe5ea7d4",
    },
    mutualRequired: true,
    authenticatorEtype: 23,
  };
  assert.deepEqual(parseSecurityBlob(mechToken), {
    kind: "kerberos",
    problems: [],
    innerMech: "Kerberos",
    kerberos,
  });
  // Without its GSS wrapper (TOK_ID then the AP-REQ itself)
  assert.equal(parseSecurityBlob(mechToken.subarray(17)).kind, "kerberos");
  assert.deepEqual(parseSecurityBlob(mechToken.subarray(17)).kerberos, kerberos);
  // Inside the whole negTokenInit too.
  assert.deepEqual(parseSecurityBlob(fromHex(c.blob)).kerberos, kerberos);
});

Deno.test("parseSecurityBlob: raw NTLMSSP outside SPNEGO is kind ntlmssp", () => {
  const t = parseSecurityBlob(blobOf("synthetic_raw_ntlm_negotiate"));
  assert.equal(t.kind, "ntlmssp");
  assert.equal(t.innerMech, "NTLMSSP");
  assert.deepEqual(t.ntlm, {
    messageType: 1,
    flags: 0x02000207,
    flagNames: [
      "NTLMSSP_NEGOTIATE_UNICODE",
      "NTLM_NEGOTIATE_OEM",
      "NTLMSSP_REQUEST_TARGET",
      "NTLMSSP_NEGOTIATE_NTLM",
      "NTLMSSP_NEGOTIATE_VERSION",
    ],
    domain: "ARKDOM1",
    workstation: "ARKHOST1",
    version: "10.0.19041 rev 15",
  });
});

Deno.test("parseSecurityBlob: an empty blob is kind empty; garbage is unknown with a problem", () => {
  assert.deepEqual(parseSecurityBlob(new Uint8Array(0)), { kind: "empty", problems: [] });
  const t = parseSecurityBlob(new TextEncoder().encode("hello"));
  assert.equal(t.kind, "unknown");
  assert.equal(t.problems.length, 1);
  assert.match(t.problems[0]!, /unrecognised security blob: 68 65 6c 6c 6f/);
});

Deno.test("parseSecurityBlob: the fixture logons are the users the client script used", () => {
  const sessions: [string, string][] = [
    ["smb2_10_ntlm_authenticate", "smb2_10"],
    ["smb3_11_ntlm_authenticate", "smb3_11"],
    ["smb1_session_authenticate", "smb1_session"],
    ["smb1_badpass_authenticate", "smb1_badpass"],
    ["impacket_ntlm_authenticate", "impacket_smb2"],
    ["smb1_guest_anonymous_authenticate", "smb1_guest_139"],
  ];
  for (const [name, capture] of sessions) {
    const expected = JSON.parse(Deno.readTextFileSync(
      new URL(`../../fixtures/smb/${capture}.expected.json`, import.meta.url),
    )).auth as { user: string; domain: string; workstation: string; anonymous: boolean };
    const a = parseSecurityBlob(blobOf(name)).ntlm as NtlmAuthenticate;
    assert.deepEqual(
      [a.user, a.domain, a.workstation, a.ntlmVersion === "anonymous"],
      [expected.user, expected.domain, expected.workstation, expected.anonymous],
      name,
    );
  }
});

Deno.test("a blob of 30 000 bad elements keeps MAX_TOKEN_PROBLEMS problems and counts the rest", () => {
  // negTokenInit [0] { SEQUENCE { NULL × 30 000 } }: each NULL is an unexpected field.
  const n = 30_000;
  const seq = new Uint8Array(4 + 2 * n);
  seq.set([0x30, 0x82, (2 * n) >> 8, (2 * n) & 0xff]);
  for (let i = 0; i < n; i++) seq[4 + 2 * i] = 0x05;
  const blob = new Uint8Array(4 + seq.length);
  blob.set([0xa0, 0x82, seq.length >> 8, seq.length & 0xff]);
  blob.set(seq, 4);
  const token = parseSecurityBlob(blob);
  assert.equal(token.problems.length, MAX_TOKEN_PROBLEMS + 1);
  assert.match(token.problems[0]!, /negTokenInit: unexpected NULL/);
  assert.equal(token.problems.at(-1), `${n - MAX_TOKEN_PROBLEMS} more problems left out`);
});
