/** The bounded DER reader: forms it accepts, forms it reports, and its bounds. */
import * as assert from "node:assert/strict";
import {
  decodeOid,
  decodeSmallInt,
  DerClass,
  type DerElement,
  derOutline,
  isDerProblem,
  MAX_DER_DEPTH,
  readChildren,
  readElement,
} from "../../lib/auth/der.ts";
import { MechOid } from "../../lib/auth/oids.ts";
import { blobOf, fromHex } from "./_blobs.ts";

function element(hex: string): DerElement {
  const r = readElement(fromHex(hex));
  if (isDerProblem(r)) throw new Error(r.problem);
  return r;
}

function problem(hex: string): string {
  const r = readElement(fromHex(hex));
  assert.ok(isDerProblem(r), `expected a problem for ${hex}`);
  return r.problem;
}

Deno.test("readElement reads class, constructed bit, tag and short-form length", () => {
  const e = element("a0 03 0a 01 00".replaceAll(" ", ""));
  assert.deepEqual(
    [e.cls, e.constructed, e.tag, e.start, e.end, Array.from(e.value)],
    [DerClass.CONTEXT, true, 0, 0, 5, [0x0a, 0x01, 0x00]],
  );
  const app = element("6000");
  assert.deepEqual([app.cls, app.constructed, app.tag, app.value.length], [1, true, 0, 0]);
  const priv = element("c10100");
  assert.deepEqual([priv.cls, priv.constructed, priv.tag], [DerClass.PRIVATE, false, 1]);
});

Deno.test("readElement reads long-form lengths of 1 to 4 octets (non-minimal too)", () => {
  assert.equal(element("04 81 02 aabb".replaceAll(" ", "")).value.length, 2);
  assert.equal(element("04 82 0002 aabb".replaceAll(" ", "")).value.length, 2);
  assert.equal(element("04 84 00000002 aabb".replaceAll(" ", "")).value.length, 2);
  const big = new Uint8Array(4 + 300);
  big.set([0x04, 0x82, 0x01, 0x2c]);
  const r = readElement(big);
  assert.ok(!isDerProblem(r) && r.value.length === 300 && r.end === 304);
});

Deno.test("readElement reads high tag numbers", () => {
  const e = element("bf 81 00 00".replaceAll(" ", "")); // [CONTEXT 128], constructed
  assert.deepEqual([e.cls, e.constructed, e.tag], [DerClass.CONTEXT, true, 128]);
  assert.equal(element("5f 1f 00".replaceAll(" ", "")).tag, 31);
  assert.equal(element("1f ff ff ff 7f 00".replaceAll(" ", "")).tag, 2 ** 28 - 1);
  assert.match(problem("1f ff ff ff ff 01 00".replaceAll(" ", "")), /longer than 4 octets/);
  assert.match(problem("1f81"), /tag number runs past the end/);
});

Deno.test("readElement reports indefinite, over-long and lying lengths without allocating", () => {
  assert.equal(problem("3080 0000".replaceAll(" ", "")), "SEQUENCE has an indefinite length (BER)");
  assert.equal(
    problem("04 85 0000000001 00".replaceAll(" ", "")),
    "OCTET STRING has a 5-octet length",
  );
  assert.equal(
    problem("04 84 ffffffff 00".replaceAll(" ", "")),
    "OCTET STRING declares 4294967295 bytes, 1 left",
  );
  assert.equal(problem("a18201"), "[1] length runs past the end");
  assert.equal(problem("a1"), "[1] has no length octet");
  assert.equal(problem(""), "no element at offset 0 (0 bytes)");
});

Deno.test("readChildren stops at a child that runs past its parent", () => {
  const parent = element("30 07 0a 01 00 04 05 aa bb".replaceAll(" ", "").padEnd(18, "0"));
  const problems: string[] = [];
  const kids = readChildren(parent, problems, "test");
  assert.equal(kids.length, 1);
  assert.deepEqual(problems, ["test: OCTET STRING declares 5 bytes, 2 left"]);
});

Deno.test("readElement refuses to go deeper than MAX_DER_DEPTH", () => {
  assert.equal(MAX_DER_DEPTH, 32);
  const r = readElement(fromHex("0400"), 0, MAX_DER_DEPTH + 1);
  assert.ok(isDerProblem(r) && /nesting deeper than 32/.test(r.problem));
  assert.ok(!isDerProblem(readElement(fromHex("0400"), 0, MAX_DER_DEPTH)));
});

Deno.test("decodeOid decodes every mechanism OID as it appears in real blobs", () => {
  const encoded: Record<string, string> = {
    NTLMSSP: "2b06010401823702020a",
    Kerberos: "2a864886f712010202",
    "MS-Kerberos": "2a864882f712010202",
    NEGOEX: "2b06010401823702021e",
    "Kerberos-U2U": "2a864886f71201020203",
    SPNEGO: "2b0601050502",
  };
  for (const [name, hex] of Object.entries(encoded)) {
    assert.equal(decodeOid(fromHex(hex)), MechOid[name as keyof typeof MechOid], name);
  }
  assert.equal(decodeOid(fromHex("8837")), "2.999"); // first subidentifier over 80
  assert.equal(decodeOid(fromHex("")), undefined);
  assert.equal(decodeOid(fromHex("2b86")), undefined); // last octet continues
  assert.equal(decodeOid(fromHex("2b8001")), undefined); // non-minimal
  assert.equal(decodeOid(fromHex("2bffffffffffffff7f")), undefined); // arc over 2^49
});

Deno.test("decodeSmallInt decodes 1-4 octet two's complement", () => {
  assert.equal(decodeSmallInt(fromHex("00")), 0);
  assert.equal(decodeSmallInt(fromHex("03")), 3);
  assert.equal(decodeSmallInt(fromHex("ff")), -1);
  assert.equal(decodeSmallInt(fromHex("0100")), 256);
  assert.equal(decodeSmallInt(fromHex("80000000")), -(2 ** 31));
  assert.equal(decodeSmallInt(fromHex("7fffffff")), 2 ** 31 - 1);
  assert.equal(decodeSmallInt(fromHex("")), undefined);
  assert.equal(decodeSmallInt(fromHex("0100000000")), undefined);
});

Deno.test("derOutline shows the shape of a real negTokenInit2", () => {
  const problems: string[] = [];
  assert.equal(
    derOutline(blobOf("windows2019_negotiate_response"), problems),
    "60[06 a0[30[a0[30[06 06 06 06 06]] a3[30[a0[1b]]]]]]",
  );
  assert.deepEqual(problems, []);
});

Deno.test("derOutline stops at MAX_DER_DEPTH on 100000 nested SEQUENCEs", () => {
  const depth = 100_000;
  // Built inside out: each level adds an identifier octet and a 4-octet long-form length.
  const bytes = new Uint8Array(depth * 6);
  for (let level = 0; level < depth; level++) {
    const at = (depth - 1 - level) * 6;
    const inner = level * 6;
    bytes.set(
      [0x30, 0x84, inner >>> 24, (inner >>> 16) & 0xff, (inner >>> 8) & 0xff, inner & 0xff],
      at,
    );
  }
  const problems: string[] = [];
  const outline = derOutline(bytes, problems);
  assert.deepEqual(problems, ["nesting deeper than 32 levels"]);
  assert.equal(outline, "30[".repeat(33) + "!" + "]".repeat(33));
});

Deno.test("derOutline stops after 256 elements", () => {
  const problems: string[] = [];
  const outline = derOutline(new Uint8Array(2 * 100_000), problems); // 100000 empty [UNIVERSAL 0]
  assert.equal(outline.split(" ").length, 257);
  assert.deepEqual(problems, ["outline stops after 256 elements"]);
});
