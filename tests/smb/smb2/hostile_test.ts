/**
 * parseSmb2 on hostile input, each case named after what it tries: compound
 * NextCommand loops and overruns, lying negotiate-context lengths and counts,
 * create-context and directory-entry loops, every truncation of real messages
 * and random corruption of them. Nothing may throw; every result must be
 * JSON-safe; problems name what was wrong.
 */
import * as assert from "node:assert/strict";
import { corpusFile, FIXTURES, parseCapture, type Parsed, readCapture } from "./_capture.ts";
import { parseSmb2 } from "../../../lib/smb/smb2/parse.ts";
import { MAX_COMPOUND_MESSAGES } from "../../../lib/smb/smb2/compound.ts";
import type { Smb2Message, Smb2Packet } from "../../../lib/smb/smb2/types.ts";

const smb3 = parseCapture(await readCapture(new URL("smb3_11.pcap", FIXTURES)));

/** The wire bytes of the first message in `parsed` matching `pick`. */
function body(parsed: Parsed[], pick: (m: Smb2Message) => boolean): Uint8Array {
  const p = parsed.find((p) => p.packet.messages.length > 0 && pick(p.packet.messages[0]!));
  assert.ok(p);
  return p.body.slice();
}

const closeRequest = body(smb3, (m) => m.name === "CLOSE" && !m.header.response);
const negotiateRequest = body(smb3, (m) => m.name === "NEGOTIATE" && !m.header.response);

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A result survives JSON unchanged: no bigint, no undefined in arrays, no bytes. */
function assertJsonSafe(packet: Smb2Packet): void {
  const plain = {
    messages: packet.messages.map((m) => ({
      header: m.header,
      name: m.name,
      error: m.error,
      fields: m.fields,
    })),
    problems: packet.problems,
  };
  assert.deepEqual(JSON.parse(JSON.stringify(plain)), plain);
}

/** `count` real CLOSE requests (88 bytes each) chained with the given NextCommand values. */
function compound(nexts: number[]): Uint8Array {
  const out = new Uint8Array(closeRequest.length * nexts.length);
  nexts.forEach((next, i) => {
    out.set(closeRequest, i * closeRequest.length);
    view(out).setUint32(i * closeRequest.length + 20, next, true);
  });
  return out;
}

Deno.test("compound of real CLOSE requests walks every NextCommand", () => {
  assert.equal(closeRequest.length, 88);
  const packet = parseSmb2(compound([88, 88, 0]));
  assert.deepEqual(packet.problems, []);
  assert.deepEqual(packet.messages.map((m) => m.header.offset), [0, 88, 176]);
});

for (
  const [name, nexts, kind, detail] of [
    ["does not advance past its header", [88, 8, 0], "loop", /NextCommand 8 does not advance/],
    ["points backwards", [88, 0xffff_ffa8, 0], "loop", /NextCommand 4294967208 points backwards/],
    ["runs past the end", [88, 4096, 0], "malformed", /NextCommand 4096 runs past the end/],
    ["ends exactly at the end", [88, 88, 88], "malformed", /runs past the end/],
    ["is not a multiple of 8", [84, 88, 0], "malformed", /NextCommand 84 is not a multiple of 8/],
  ] as const
) {
  Deno.test(`compound whose NextCommand ${name} stops with a ${kind} problem`, () => {
    const packet = parseSmb2(compound([...nexts]));
    assert.equal(packet.problems[0]?.kind, kind);
    assert.match(packet.problems[0]!.detail, detail);
    assert.ok(packet.messages.length <= 3);
    assertJsonSafe(packet);
  });
}

Deno.test(`compound of ${MAX_COMPOUND_MESSAGES + 72} messages is cut at the cap`, () => {
  const n = MAX_COMPOUND_MESSAGES + 72;
  const packet = parseSmb2(compound([...Array(n - 1).fill(88), 0]));
  assert.equal(packet.messages.length, MAX_COMPOUND_MESSAGES);
  assert.equal(packet.problems.length, 1);
  assert.equal(packet.problems[0]!.kind, "limit");
  assert.equal(packet.problems[0]!.code, "maxCompoundMessages");
  assert.match(packet.problems[0]!.detail, /compound of more than 128 messages/);
});

Deno.test("compound with a second message that is not SMB2 stops there", () => {
  const bytes = compound([88, 0]);
  bytes[88] = 0xff;
  const packet = parseSmb2(bytes);
  assert.equal(packet.messages.length, 1);
  assert.match(packet.problems[0]!.detail, /offset 88 does not start with 0xFE 'SMB'/);
});

/** Offset of the first negotiate context (NegotiateContextOffset) in the real request. */
const contextOffset = view(negotiateRequest).getUint32(64 + 28, true);

function negotiateWith(patch: (v: DataView) => void): Smb2Packet {
  const b = negotiateRequest.slice();
  patch(view(b));
  const packet = parseSmb2(b);
  assertJsonSafe(packet);
  return packet;
}

Deno.test("negotiate contexts: the real request decodes all four", () => {
  const f = parseSmb2(negotiateRequest).messages[0]!.fields;
  assert.equal((f.negotiateContexts as unknown[]).length, 4);
});

Deno.test("negotiate context whose DataLength runs past the message stops the walk", () => {
  const packet = negotiateWith((v) => v.setUint16(contextOffset + 2, 0xffff, true));
  assert.deepEqual(packet.problems.map((p) => p.kind), ["malformed"]);
  assert.match(
    packet.problems[0]!.detail,
    /PREAUTH_INTEGRITY_CAPABILITIES DataLength 65535 runs past/,
  );
  assert.equal((packet.messages[0]!.fields.negotiateContexts as unknown[]).length, 1);
});

Deno.test("negotiate context count of 65535 walks only what is there", () => {
  const packet = negotiateWith((v) => v.setUint16(64 + 32, 0xffff, true));
  assert.equal((packet.messages[0]!.fields.negotiateContexts as unknown[]).length, 4);
  assert.match(packet.problems[0]!.detail, /negotiate context 5 of 65535 .* runs past the end/);
});

Deno.test("negotiate context with a hash count beyond its DataLength is reported, the rest decoded", () => {
  const packet = negotiateWith((v) => v.setUint16(contextOffset + 8, 60000, true));
  assert.match(packet.problems[0]!.detail, /PREAUTH_INTEGRITY_CAPABILITIES runs past its bytes/);
  const contexts = packet.messages[0]!.fields.negotiateContexts as Record<string, unknown>[];
  assert.equal(contexts.length, 4);
  assert.deepEqual(contexts[1]!.cipherNames, [
    "AES-128-GCM",
    "AES-128-CCM",
    "AES-256-GCM",
    "AES-256-CCM",
  ]);
});

Deno.test("negotiate context offset outside the message is reported", () => {
  const packet = negotiateWith((v) => v.setUint32(64 + 28, 0x7fff_fff8, true));
  assert.match(
    packet.problems[0]!.detail,
    /NegotiateContextOffset 2147483640 with 4 contexts lies outside/,
  );
  assert.deepEqual(packet.messages[0]!.fields.negotiateContexts, []);
});

/**
 * A real CREATE request (smbclient sends none with contexts) with two empty
 * contexts appended per [MS-SMB2] 2.2.13.2: "MxAc" (Next 24) and "QFid".
 */
function createWithContexts(firstNext: number): Uint8Array {
  const create = body(smb3, (m) => m.name === "CREATE" && !m.header.response);
  const at = create.length + 7 - ((create.length + 7) % 8);
  const out = new Uint8Array(at + 24 + 20);
  out.set(create);
  const v = view(out);
  v.setUint32(64 + 48, at, true); // CreateContextsOffset
  v.setUint32(64 + 52, 44, true); // CreateContextsLength
  for (const [offset, next, name] of [[at, firstNext, "MxAc"], [at + 24, 0, "QFid"]] as const) {
    v.setUint32(offset, next, true);
    v.setUint16(offset + 4, 16, true); // NameOffset
    v.setUint16(offset + 6, 4, true); // NameLength
    out.set(new TextEncoder().encode(name), offset + 16);
  }
  return out;
}

Deno.test("create contexts are walked by Next", () => {
  const packet = parseSmb2(createWithContexts(24));
  assert.deepEqual(packet.problems, []);
  assert.deepEqual(packet.messages[0]!.fields.createContextNames, ["MxAc", "QFid"]);
});

Deno.test("create context whose Next does not advance is a loop", () => {
  const packet = parseSmb2(createWithContexts(8));
  assert.equal(packet.problems[0]?.kind, "loop");
  assert.match(packet.problems[0]!.detail, /create context 1 Next 8 does not advance/);
  assert.deepEqual(packet.messages[0]!.fields.createContextNames, ["MxAc"]);
});

Deno.test("create context whose Next leaves the contexts is malformed", () => {
  const packet = parseSmb2(createWithContexts(4096));
  assert.equal(packet.problems[0]?.kind, "malformed");
  assert.match(packet.problems[0]!.detail, /Next 4096 runs past the contexts/);
});

Deno.test("directory entry whose NextEntryOffset does not advance is a loop", () => {
  const listing = smb3.find((p) => {
    const m = p.packet.messages[0];
    return m?.name === "QUERY_DIRECTORY" && m.header.response && !m.error;
  })!;
  const request = smb3.flatMap((p) => p.packet.messages).find((m) =>
    m.name === "QUERY_DIRECTORY" && !m.header.response &&
    m.header.messageId === listing.packet.messages[0]!.header.messageId
  )!;
  const bytes = listing.body.slice();
  const offset = view(bytes).getUint16(64 + 2, true);
  view(bytes).setUint32(offset, 4, true);
  const packet = parseSmb2(bytes, () => request);
  assert.equal(packet.problems[0]?.kind, "loop");
  assert.deepEqual(packet.messages[0]!.fields.names, ["."]);
});

Deno.test("unknown command: StructureSize kept, body reported unsupported with its offset", () => {
  const bytes = closeRequest.slice();
  view(bytes).setUint16(12, 0x0013, true);
  const packet = parseSmb2(bytes);
  assert.equal(packet.messages[0]!.name, "UNKNOWN_0x0013");
  assert.deepEqual(packet.messages[0]!.fields, { structureSize: 24 });
  assert.deepEqual(packet.problems, [{
    kind: "unsupported",
    detail: "UNKNOWN_0x0013 request at offset 0: unknown command 0x0013; body not decoded",
  }]);
});

Deno.test("parseSmb2 on input that is not SMB2, or too short for a protocol id", () => {
  assert.deepEqual(parseSmb2(new Uint8Array([0xfe, 0x53])).problems.map((p) => p.kind), [
    "truncated",
  ]);
  assert.deepEqual(
    parseSmb2(new Uint8Array([0xff, 0x53, 0x4d, 0x42, 0, 0])).problems.map((p) => p.kind),
    ["malformed"],
  );
  const transform = parseSmb2(new Uint8Array([0xfd, 0x53, 0x4d, 0x42, 1, 2, 3]));
  assert.equal(transform.transform, undefined);
  assert.match(transform.problems[0]!.detail, /TRANSFORM_HEADER: 7 of its 52 bytes present/);
});

/** One message of each command and direction we have, requests and responses, as wire bytes. */
async function samples(): Promise<{ label: string; bytes: Uint8Array; request?: Smb2Message }[]> {
  const sources: Parsed[][] = [smb3];
  for (
    const name of [
      "suricata-verify/smb-length-5786__input.pcap",
      "zeek/smb_many_open_files_500.pcap.gz",
      "zeek/smb2-multiple-pdus.pcap",
      "401trg/20171220_smb_at_schedule.pcap",
    ]
  ) {
    const url = corpusFile(name);
    if (url !== undefined) sources.push(parseCapture(await readCapture(url)));
  }
  sources.push(parseCapture(await readCapture(new URL("smb3_encrypted.pcap", FIXTURES))));
  const seen = new Set<string>();
  const out: { label: string; bytes: Uint8Array; request?: Smb2Message }[] = [];
  for (const parsed of sources) {
    const requests = new Map<string, Smb2Message>();
    for (const p of parsed) {
      for (const m of p.packet.messages) {
        if (!m.header.response) requests.set(m.header.messageId, m);
      }
      const first = p.packet.messages[0];
      const label = first
        ? `${first.name} ${first.header.response ? "response" : "request"}${
          first.error ? " error" : ""
        }${p.packet.messages.length > 1 ? " compound" : ""}`
        : p.packet.transform
        ? "transform"
        : "other";
      if (seen.has(label) || p.body.length > 6000) continue;
      seen.add(label);
      const request = first?.header.response ? requests.get(first.header.messageId) : undefined;
      out.push(request ? { label, bytes: p.body, request } : { label, bytes: p.body });
    }
  }
  return out;
}

const cases = await samples();

Deno.test(`every truncation of ${cases.length} real messages parses without throwing`, () => {
  for (const { label, bytes, request } of cases) {
    assert.deepEqual(parseSmb2(bytes, () => request).problems, [], label);
    for (let n = 0; n < bytes.length; n++) {
      const packet = parseSmb2(bytes.subarray(0, n), () => request);
      assertJsonSafe(packet);
      // Cut inside a header, nothing is decoded and the cut is reported.
      if (n < (label === "transform" ? 52 : 64)) {
        assert.ok(packet.problems.length > 0, `${label} cut at ${n}`);
      }
    }
  }
  const labels = cases.map((c) => c.label.split(" ")[0]);
  for (const command of ["NEGOTIATE", "SESSION_SETUP", "CREATE", "IOCTL", "QUERY_DIRECTORY"]) {
    assert.ok(labels.includes(command), command);
  }
});

/** xorshift32: the same corruption on every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

Deno.test(`random corruption of ${cases.length} real messages never throws`, () => {
  const next = random(0x5eed_2024);
  for (const { bytes, request } of cases) {
    for (let round = 0; round < 300; round++) {
      const b = bytes.slice();
      const flips = 1 + Math.floor(next() * 8);
      for (let i = 0; i < flips; i++) {
        // Half the time hit the header and fixed body, where the lengths and offsets live.
        const at = Math.floor(next() * (next() < 0.5 ? Math.min(b.length, 160) : b.length));
        b[at] = Math.floor(next() * 256);
      }
      assertJsonSafe(parseSmb2(b, () => request));
    }
  }
});

Deno.test("QUERY_INFO output cut by STATUS_BUFFER_OVERFLOW keeps what fits, silently", () => {
  const response = smb3.find((p) => p.frame === 81)!; // FileAllInformation, 132 bytes
  const request = smb3.flatMap((p) => p.packet.messages).find((m) =>
    !m.header.response && m.header.messageId === response.packet.messages[0]!.header.messageId
  )!;
  const cut = (status: number) => {
    const b = response.body.slice(0, 72 + 50);
    view(b).setUint32(8, status, true);
    view(b).setUint32(64 + 4, 50, true); // OutputBufferLength
    return parseSmb2(b, () => request);
  };
  const overflow = cut(0x8000_0005);
  assert.deepEqual(overflow.problems, []);
  const f = overflow.messages[0]!.fields;
  assert.equal(overflow.messages[0]!.error, false);
  assert.equal(f.lastWriteTime, "2026-11-23T18:57:00.5427431Z");
  assert.equal(f.fileName, undefined);
  // The same cut with STATUS_SUCCESS is a problem.
  assert.match(cut(0).problems[0]!.detail, /FileAllInformation output runs past its bytes/);
});
