/**
 * Hostile input: every truncation and every single-byte corruption of the
 * real blobs, lying lengths and offsets, deep nesting, AV pair abuse, huge
 * declared lengths. The decoders must never throw, and must say what was wrong.
 */
import * as assert from "node:assert/strict";
import { parseAvPairs } from "../../lib/auth/av_pairs.ts";
import { parseNtlmssp } from "../../lib/auth/ntlmssp.ts";
import { parseSecurityBlob } from "../../lib/auth/spnego.ts";
import type { NtlmChallenge, SecurityToken } from "../../lib/auth/types.ts";
import { blobOf, CASES, fromHex } from "./_blobs.ts";

/** Offset of the NTLMSSP message inside a blob. */
function ntlmsspAt(blob: Uint8Array): number {
  for (let i = 0; i + 8 <= blob.length; i++) {
    if (new TextDecoder().decode(blob.subarray(i, i + 8)) === "NTLMSSP\0") return i;
  }
  throw new Error("no NTLMSSP message");
}

const KINDS = new Set(["spnego_init", "spnego_resp", "ntlmssp", "kerberos", "empty", "unknown"]);

/** Decodes and checks the result is a well-formed, JSON-safe token. */
function safeParse(b: Uint8Array, what: string): SecurityToken {
  let t: SecurityToken;
  try {
    t = parseSecurityBlob(b);
  } catch (e) {
    throw new Error(`${what} threw: ${e}`);
  }
  assert.ok(KINDS.has(t.kind), what);
  assert.ok(Array.isArray(t.problems), what);
  for (const p of t.problems) assert.ok(!p.startsWith("bug:"), `${what}: ${p}`);
  assert.deepEqual(JSON.parse(JSON.stringify(t)), t, what);
  return t;
}

Deno.test("parseSecurityBlob survives every truncation of every real blob", () => {
  let n = 0;
  for (const c of CASES) {
    const blob = fromHex(c.blob);
    for (let len = 0; len < blob.length; len++) {
      const t = safeParse(blob.subarray(0, len), `${c.name}[0:${len}]`);
      // A cut DER token always says so; a cut raw NTLMSSP message may still be whole enough.
      if (len > 0 && t.kind !== "ntlmssp" && !c.name.startsWith("synthetic_raw")) {
        assert.ok(t.problems.length > 0, `${c.name}[0:${len}] reports nothing`);
      }
      n++;
    }
  }
  assert.ok(n > 10_000);
});

Deno.test("parseNtlmssp survives every truncation of every real NTLMSSP message", () => {
  for (const c of CASES) {
    const at = c.blob.indexOf("4e544c4d53535000");
    if (at < 0 || at % 2 !== 0) continue;
    const msg = fromHex(c.blob.slice(at));
    for (let len = 0; len < msg.length; len++) {
      const problems: string[] = [];
      const m = parseNtlmssp(msg.subarray(0, len), problems);
      assert.deepEqual(JSON.parse(JSON.stringify(m)), m);
    }
  }
});

Deno.test("parseSecurityBlob survives every single-byte corruption of the AUTHENTICATE and Kerberos blobs", () => {
  for (
    const name of ["smb2_10_ntlm_authenticate", "windows_client_authenticate", "kerberos445_ap_rep"]
  ) {
    const blob = blobOf(name);
    for (let i = 0; i < blob.length; i++) {
      for (const v of [0x00, 0x80, 0xff]) {
        const copy = blob.slice();
        copy[i] = v;
        safeParse(copy, `${name} byte ${i} = ${v}`);
      }
    }
  }
});

Deno.test("parseSecurityBlob reports a GSS-API length running past the blob and stops", () => {
  const blob = blobOf("smb2_10_negotiate_response").slice();
  blob[1] = 0x7f; // declares 127 bytes, 72 follow
  assert.deepEqual(parseSecurityBlob(blob), {
    kind: "unknown",
    problems: ["security blob: [APPLICATION 0] declares 127 bytes, 72 left"],
  });
});

Deno.test("parseSecurityBlob reports huge declared DER lengths without allocating them", () => {
  for (const len of ["84ffffffff", "847fffffff", "8400000100"]) {
    const t = parseSecurityBlob(fromHex(`a1${len}3000`));
    assert.equal(t.kind, "unknown");
    assert.match(t.problems[0]!, /^security blob: \[1\] declares \d+ bytes, 2 left$/);
  }
  const deeper = parseSecurityBlob(fromHex("a10a3008a0060a84ffffffff"));
  assert.equal(deeper.kind, "spnego_resp");
  assert.deepEqual(deeper.problems, [
    "negTokenResp [0]: ENUMERATED declares 4294967295 bytes, 0 left",
  ]);
});

Deno.test("parseSecurityBlob reports indefinite lengths (BER) and trailing bytes", () => {
  assert.deepEqual(parseSecurityBlob(fromHex("a18030800000")).problems, [
    "security blob: [1] has an indefinite length (BER)",
  ]);
  const accept = blobOf("impacket_accept_completed");
  const padded = new Uint8Array(accept.length + 3);
  padded.set(accept);
  const t = parseSecurityBlob(padded);
  assert.equal(t.negState, "accept-completed");
  assert.deepEqual(t.problems, ["3 bytes after the security token"]);
});

Deno.test("parseSecurityBlob on deep nesting inside negTokenInit: bounded, no stack growth", () => {
  // 60 [06 SPNEGO] a0 [30 [a0 [30 [30 [30 … 50000 levels]]]]]
  const depth = 50_000;
  const inner = new Uint8Array(depth * 6);
  for (let level = 0; level < depth; level++) {
    const at = (depth - 1 - level) * 6, len = level * 6;
    inner.set([0x30, 0x84, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff], at);
  }
  const wrap = (tag: number, body: Uint8Array) => {
    const out = new Uint8Array(6 + body.length);
    out.set([
      tag,
      0x84,
      body.length >>> 24,
      (body.length >>> 16) & 0xff,
      (body.length >>> 8) & 0xff,
      body.length & 0xff,
    ]);
    out.set(body, 6);
    return out;
  };
  const mechTypes = wrap(0xa0, inner);
  const seq = wrap(0x30, mechTypes);
  const init = wrap(0xa0, seq);
  const oid = fromHex("06062b0601050502");
  const body = new Uint8Array(oid.length + init.length);
  body.set(oid);
  body.set(init, oid.length);
  const t = safeParse(wrap(0x60, body), "deep");
  assert.equal(t.kind, "spnego_init");
  assert.deepEqual(t.mechTypes, []);
  assert.deepEqual(t.problems, ["negTokenInit mechTypes: SEQUENCE is not an OID"]);
});

Deno.test("parseSecurityBlob: unknown fields and values are problems, not failures", () => {
  // negTokenResp with negState 7, an unknown field [5] and a universal element
  const t = parseSecurityBlob(fromHex("a10d300ba0030a0107a50205000400"));
  assert.equal(t.negState, "UNKNOWN_7");
  assert.deepEqual(t.problems, [
    "negTokenResp: unknown field [5]",
    "negTokenResp: unexpected OCTET STRING",
  ]);
  // A GSS-API token for an unknown mechanism
  const gss = parseSecurityBlob(fromHex("600506032a0304"));
  assert.deepEqual(gss, {
    kind: "unknown",
    problems: ["GSS-API token for 1.2.3.4, not SPNEGO or Kerberos"],
  });
  // [2] is neither negTokenInit nor negTokenResp
  assert.deepEqual(parseSecurityBlob(fromHex("600a06062b0601050502a200")), {
    kind: "unknown",
    problems: ["SPNEGO: [2] is neither negTokenInit nor negTokenResp"],
  });
});

Deno.test("parseSecurityBlob names NEGOEX and unknown inner tokens", () => {
  const negoex = new TextEncoder().encode("NEGOEXTS\0\0\0\0");
  const mechToken = new Uint8Array([0xa2, negoex.length + 2, 0x04, negoex.length, ...negoex]);
  const seq = new Uint8Array([0x30, mechToken.length, ...mechToken]);
  const init = new Uint8Array([0xa0, seq.length, ...seq]);
  assert.deepEqual(parseSecurityBlob(init), {
    kind: "spnego_init",
    problems: [],
    innerMech: "NEGOEX",
  });
  const other = parseSecurityBlob(fromHex("a1083006a2040402abcd"));
  assert.deepEqual(other, { kind: "spnego_resp", problems: [], innerMech: "unknown" });
});

Deno.test("parseNtlmssp: huge lengths and offsets in every field are problems, never allocations", () => {
  const blob = blobOf("smb2_10_ntlm_authenticate");
  const msg = blob.slice(ntlmsspAt(blob)); // the AUTHENTICATE message itself
  for (let f = 0; f < 6; f++) {
    for (
      const [len, offset] of [[0xffff, 0], [1, 0xffffffff], [0xffff, 0xffff0000], [
        2,
        msg.length - 1,
      ]]
    ) {
      const copy = msg.slice();
      const v = new DataView(copy.buffer);
      v.setUint16(12 + 8 * f, len!, true);
      v.setUint32(16 + 8 * f, offset!, true);
      const problems: string[] = [];
      const m = parseNtlmssp(copy, problems);
      assert.ok(!("problem" in m), `field ${f}`);
      assert.equal(problems.length, 1, `field ${f} ${len}@${offset}: ${problems}`);
      assert.ok(
        problems[0]!.endsWith(`runs past the message (${msg.length} bytes)`),
        problems[0],
      );
    }
  }
});

Deno.test("parseNtlmssp: a lying AvLen in the CHALLENGE target info is a problem; names before it stay", () => {
  const blob = blobOf("smb2_10_ntlm_challenge").slice();
  const msgAt = ntlmsspAt(blob);
  // Target info starts at offset 76 of the message; its second pair (NbComputerName) is at +24.
  const v = new DataView(blob.buffer, msgAt);
  assert.equal(v.getUint16(76 + 24, true), 1);
  v.setUint16(76 + 26, 0xfff0, true);
  const t = parseSecurityBlob(blob);
  const ch = t.ntlm as NtlmChallenge;
  assert.deepEqual(ch.targetInfo, { nbDomainName: "FIXTURESRV" });
  assert.deepEqual(t.problems, [
    "NTLMSSP CHALLENGE TargetInfo: MsvAvNbComputerName declares 65520 bytes, 48 left",
  ]);
});

Deno.test("parseAvPairs: a list without MsvAvEOL, odd names, bad fixed sizes", () => {
  const problems: string[] = [];
  // NbComputerName "A" + odd byte, Flags of 2 bytes, Timestamp of 4 bytes, then the end
  const info = parseAvPairs(
    fromHex("0100 0300 410042 0600 0200 0100 0700 0400 00000000".replaceAll(" ", "")),
    problems,
    "test",
  );
  assert.deepEqual(info, { nbComputerName: "A" });
  assert.deepEqual(problems, [
    "test: MsvAvFlags is 2 bytes, not 4",
    "test: MsvAvTimestamp is 4 bytes, not 8",
    "test: AV pair list ends without MsvAvEOL",
  ]);
});

Deno.test("parseAvPairs: 100000 unknown pairs end with the bytes; `other` is capped", () => {
  const bytes = new Uint8Array(4 * 100_000 + 4);
  for (let i = 0; i < 100_000; i++) bytes[4 * i] = 0x0b; // id 0x000b, length 0
  const problems: string[] = [];
  const info = parseAvPairs(bytes, problems, "test");
  assert.equal(info.other?.length, 32);
  assert.deepEqual(problems, []);
});

Deno.test("parseAvPairs keeps the first of repeated names and stops at MsvAvEOL", () => {
  const problems: string[] = [];
  const info = parseAvPairs(
    fromHex("01000200 4100 01000200 4200 00000000 01000200 4300".replaceAll(" ", "")),
    problems,
    "test",
  );
  assert.deepEqual(info, { nbComputerName: "A" });
  assert.deepEqual(problems, []);
});

Deno.test("parseSecurityBlob keeps at most 32 mechTypes", () => {
  const oid = fromHex("060a2b06010401823702020a"); // NTLMSSP
  const list = new Uint8Array(oid.length * 1000);
  for (let i = 0; i < 1000; i++) list.set(oid, i * oid.length);
  const len = (n: number) => [0x82, n >> 8, n & 0xff];
  const seq = [0x30, ...len(list.length), ...list];
  const tagged = [0xa0, ...len(seq.length), ...seq];
  const body = [0x30, ...len(tagged.length), ...tagged];
  const t = parseSecurityBlob(new Uint8Array([0xa0, ...len(body.length), ...body]));
  assert.equal(t.mechTypes?.length, 32);
  assert.deepEqual(t.problems, ["negTokenInit mechTypes: more than 32; the rest left out"]);
});
