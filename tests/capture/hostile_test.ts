/**
 * Hostile and broken inputs: each test names the condition. The reader must
 * never throw, must report what was wrong, and must not allocate what a
 * header asks for blindly.
 */
import * as assert from "node:assert/strict";
import {
  anomalyDetails,
  anomalyKinds,
  Bytes,
  fixture,
  fixtureNames,
  readInChunks,
} from "./_helpers.ts";
import { DEFAULT_LIMITS } from "../../lib/options.ts";
import { Reporter } from "../../lib/report.ts";
import { CaptureReader } from "../../lib/capture/reader.ts";
import type { DecodeEvent } from "../../lib/events.ts";

// ---- hand-built pcap ------------------------------------------------------

function pcapHeader(snaplen = 65535, network = 1, le = true): Bytes {
  return new Bytes().u32(0xa1b2c3d4, le).u16(2, le).u16(4, le).u32(0, le).u32(0, le)
    .u32(snaplen, le).u32(network, le);
}
function pcapRecord(w: Bytes, sec: number, usec: number, data: Uint8Array, origlen = data.length) {
  return w.u32(sec).u32(usec).u32(data.length).u32(origlen).bytes(data);
}
const payload = (n: number, fill = 0xab) => new Uint8Array(n).fill(fill);

Deno.test("CaptureReader reads a pcap file with a header and no records as 0 frames", () => {
  const { frames, events, reader } = readInChunks(pcapHeader().build());
  assert.equal(frames.length, 0);
  assert.deepEqual(anomalyKinds(events), []);
  assert.equal(reader.format, "pcap");
  assert.deepEqual([...reader.linkTypes], [1]);
  assert.equal(reader.firstTs, 0);
});

Deno.test("CaptureReader masks the FCS bits above the pcap link type", () => {
  const network = 1 | 0x0400_0000 | (4 << 28); // Ethernet, FCS present, 4 bytes of FCS
  const w = pcapRecord(pcapHeader(65535, network), 10, 5, payload(60));
  const { frames, reader } = readInChunks(w.build());
  assert.equal(frames[0]!.linktype, 1);
  assert.deepEqual([...reader.linkTypes], [1]);
});

Deno.test("CaptureReader stops at a pcap record with a lying (huge) caplen", () => {
  const w = pcapRecord(pcapHeader(), 1, 0, payload(60));
  w.u32(2).u32(0).u32(0xffff_fff0).u32(60).bytes(payload(60));
  for (const size of [1, 7, 1 << 16]) {
    const { frames, events, reader } = readInChunks(w.build(), size);
    assert.equal(frames.length, 1);
    assert.deepEqual(anomalyKinds(events), ["capture.malformed"]);
    assert.match(
      anomalyDetails(events)[0]!,
      /frame 2 at byte 100 claims 4294967280 captured bytes/,
    );
    assert.equal(reader.stopped, true);
  }
});

Deno.test("CaptureReader keeps pcap records longer than the snap length, as Wireshark does", () => {
  // tcpdump's own test captures (smb_print_trans-oobr*.pcap) carry such records.
  const w = pcapRecord(pcapHeader(96), 1, 0, payload(96), 1500);
  pcapRecord(w, 1, 1, payload(200));
  pcapRecord(w, 1, 2, payload(300));
  pcapRecord(w, 1, 3, payload(10));
  const { frames, events } = readInChunks(w.build());
  assert.deepEqual(frames.map((f) => f.bytes.length), [96, 200, 300, 10]);
  assert.deepEqual(anomalyKinds(events), ["capture.malformed"]); // once per file
  assert.match(anomalyDetails(events)[0]!, /frame 2 .* snap length of 96; kept/);
});

Deno.test("CaptureReader stops at a pcap record over maxRecordBytes", () => {
  const w = pcapRecord(pcapHeader(0), 1, 0, payload(100));
  pcapRecord(w, 1, 1, payload(101));
  const { frames, events } = readInChunks(w.build(), 4096, { maxRecordBytes: 100 });
  assert.equal(frames.length, 1);
  assert.match(anomalyDetails(events)[0]!, /100-byte record limit/);
});

Deno.test("CaptureReader reports a pcap file cut inside a record as truncated at end()", () => {
  const full = pcapRecord(pcapRecord(pcapHeader(), 1, 0, payload(60)), 1, 1, payload(60)).build();
  const { frames, events } = readInChunks(full.subarray(0, full.length - 10), 13);
  assert.equal(frames.length, 1);
  assert.deepEqual(anomalyKinds(events), ["capture.truncated"]);
  assert.match(anomalyDetails(events)[0]!, /66 of 76 bytes/);
});

Deno.test("CaptureReader reads big-endian pcap microsecond and nanosecond times", () => {
  const be = pcapHeader(65535, 1, false).u32(7, false).u32(250_000, false).u32(4, false)
    .u32(4, false).u8(1, 2, 3, 4).build();
  const { frames } = readInChunks(be);
  assert.deepEqual(frames.map((f) => [f.ts, [...f.bytes]]), [[7.25, [1, 2, 3, 4]]]);
  const ns = be.slice();
  ns.set([0xa1, 0xb2, 0x3c, 0x4d], 0);
  ns.set([0x1d, 0xcd, 0x65, 0x00], 28); // 500_000_000 ns
  assert.equal(readInChunks(ns).frames[0]!.ts, 7.5);
});

// ---- hand-built pcapng ----------------------------------------------------

function block(type: number, body: Bytes | Uint8Array, le = true, length?: number): Uint8Array {
  const b = body instanceof Bytes ? body.build() : body;
  const padded = new Uint8Array((b.length + 3) & ~3);
  padded.set(b);
  const len = length ?? padded.length + 12;
  return new Bytes().u32(type, le).u32(len, le).bytes(padded).u32(len, le).build();
}
const shb = (le = true, major = 1) =>
  block(
    0x0a0d0d0a,
    new Bytes().u32(0x1a2b3c4d, le).u16(major, le).u16(0, le).u32(0xffffffff, le).u32(
      0xffffffff,
      le,
    ),
    le,
  );
function idb(linktype: number, snaplen = 0, options: Bytes = new Bytes(), le = true) {
  return block(
    1,
    new Bytes().u16(linktype, le).u16(0, le).u32(snaplen, le).bytes(options.build()),
    le,
  );
}
function epb(
  iface: number,
  hi: number,
  lo: number,
  data: Uint8Array,
  origlen = data.length,
  le = true,
) {
  const body = new Bytes().u32(iface, le).u32(hi, le).u32(lo, le).u32(data.length, le).u32(
    origlen,
    le,
  )
    .bytes(data);
  while (body.length % 4) body.u8(0);
  return block(6, body, le);
}
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), at += p.length;
  return out;
};
/** An option: code, length, value padded to 4. */
function option(w: Bytes, code: number, value: number[]) {
  w.u16(code).u16(value.length).u8(...value);
  while (w.length % 4) w.u8(0);
  return w;
}

Deno.test("CaptureReader stops at a pcapng block whose length is not a multiple of 4", () => {
  const input = cat(shb(), idb(1), epb(0, 0, 1, payload(8)), block(0x99, payload(8), true, 22));
  const { frames, events, reader } = readInChunks(input, 5);
  assert.equal(frames.length, 1);
  assert.deepEqual(anomalyKinds(events), ["capture.malformed"]);
  assert.match(anomalyDetails(events)[0]!, /total length 22, not a multiple of 4/);
  assert.equal(reader.stopped, true);
});

Deno.test("CaptureReader stops at a zero-length pcapng block", () => {
  const zero = new Bytes().u32(6).u32(0).zeros(64).build();
  const { frames, events } = readInChunks(cat(shb(), idb(1), zero));
  assert.equal(frames.length, 0);
  assert.match(anomalyDetails(events)[0]!, /total length 0/);
});

Deno.test("CaptureReader stops at a pcapng block whose trailing length differs", () => {
  const bad = epb(0, 0, 1, payload(8));
  bad[bad.length - 4] = 44;
  const { frames, events } = readInChunks(cat(shb(), idb(1), bad, epb(0, 0, 2, payload(8))));
  assert.equal(frames.length, 0);
  assert.match(anomalyDetails(events)[0]!, /total length 40 but trailing length 44/);
});

Deno.test("CaptureReader stops at a pcapng block over maxRecordBytes without waiting for it", () => {
  const huge = new Bytes().u32(6).u32(0x7fff_fff0).zeros(32).build();
  const { frames, events, reader } = readInChunks(
    cat(shb(), idb(1), epb(0, 0, 1, payload(8)), huge),
  );
  assert.equal(frames.length, 1);
  assert.match(anomalyDetails(events)[0]!, /over the 16777216-byte record limit/);
  assert.equal(reader.stopped, true);
});

Deno.test("CaptureReader skips an EPB that refers to an undefined interface", () => {
  const input = cat(shb(), idb(1), epb(3, 0, 1, payload(8)), epb(0, 0, 2, payload(8)));
  const { frames, events } = readInChunks(input);
  assert.deepEqual(frames.map((f) => f.index), [1]);
  assert.deepEqual(anomalyKinds(events), ["capture.malformed"]);
  assert.match(anomalyDetails(events)[0]!, /refers to interface 3, but section 1 defines 1/);
});

Deno.test("CaptureReader skips an EPB whose caplen runs past its block", () => {
  const bad = epb(0, 0, 1, payload(8));
  bad[20] = 200; // caplen 200 in a 40-byte block
  const { frames, events } = readInChunks(cat(shb(), idb(1), bad, epb(0, 0, 2, payload(8))));
  assert.equal(frames.length, 1);
  assert.match(anomalyDetails(events)[0]!, /claims 200 captured bytes: packet skipped/);
});

Deno.test("CaptureReader forgets interfaces at a new section", () => {
  const input = cat(
    shb(),
    idb(1),
    idb(113),
    epb(1, 0, 1, payload(8)),
    shb(false),
    idb(101, 0, undefined, false),
    epb(1, 0, 2, payload(8), 8, false),
    epb(0, 0, 3, payload(8), 8, false),
  );
  const { frames, events, reader } = readInChunks(input, 3);
  assert.deepEqual(frames.map((f) => [f.index, f.linktype, f.interfaceId]), [[1, 113, 1], [
    2,
    101,
    0,
  ]]);
  assert.match(anomalyDetails(events)[0]!, /interface 1, but section 2 defines 1/);
  assert.deepEqual([...reader.linkTypes].sort((a, b) => a - b), [1, 101, 113]);
});

Deno.test("CaptureReader skips NRB, ISB, DSB, custom and unknown blocks", () => {
  const input = cat(
    shb(),
    idb(1),
    block(4, payload(8, 0)),
    block(5, payload(12, 0)),
    block(0x0a, payload(4)),
    block(0x40000bad, payload(12)),
    block(0x12345678, payload(0)),
    epb(0, 0, 1, payload(8)),
  );
  const { frames, events } = readInChunks(input);
  assert.equal(frames.length, 1);
  assert.deepEqual(anomalyKinds(events), []);
});

Deno.test("CaptureReader cuts an SPB to min(origlen, snap length, block space)", () => {
  const spb = (origlen: number, n: number) => block(3, new Bytes().u32(origlen).bytes(payload(n)));
  const input = cat(shb(), idb(1, 6), spb(10, 12), spb(3, 4), spb(20, 4));
  const { frames } = readInChunks(input);
  assert.deepEqual(frames.map((f) => [f.bytes.length, f.origlen, f.ts]), [[6, 10, 0], [3, 3, 0], [
    4,
    20,
    0,
  ]]);
});

Deno.test("CaptureReader reads if_tsresol powers of 10 and 2 and a negative if_tsoffset", () => {
  const ms = option(option(new Bytes(), 9, [3]), 14, [
    0x9c,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
  ]);
  const pow2 = option(new Bytes(), 9, [0x80 | 10]);
  const fs = option(new Bytes(), 9, [15]); // femtoseconds: past the long division, BigInt path
  const femto = 12_345_678_901_234_567_890n; // 12345.678901234567890 s
  const input = cat(
    shb(),
    idb(1, 0, ms),
    idb(1, 0, pow2),
    idb(1, 0, fs),
    epb(0, 0, 1_234_567, payload(4)), // 1234.567 s - 100
    epb(1, 0, 5 * 1024 + 512, payload(4)), // 5.5 s
    epb(2, Number(femto >> 32n), Number(femto & 0xffff_ffffn), payload(4)),
  );
  const { frames, events } = readInChunks(input);
  assert.deepEqual(anomalyKinds(events), []);
  assert.ok(Math.abs(frames[0]!.ts - 1134.567) < 1e-9);
  assert.equal(frames[1]!.ts, 5.5);
  assert.ok(Math.abs(frames[2]!.ts - 12345.678901234567) < 1e-9);
});

Deno.test("CaptureReader converts nanosecond pcapng times exactly to the second", () => {
  const ns = option(new Bytes(), 9, [9]);
  const t = 1_795_458_602_748_851_281n;
  const input = cat(
    shb(),
    idb(1, 0, ns),
    epb(0, Number(t >> 32n), Number(t & 0xffff_ffffn), payload(4)),
  );
  const ts = readInChunks(input).frames[0]!.ts;
  assert.equal(Math.floor(ts), 1_795_458_602);
  assert.ok(Math.abs(ts - 1_795_458_602.748851281) < 3e-7);
});

Deno.test("CaptureReader keeps an interface whose option runs past its block", () => {
  const bad = new Bytes().u16(9).u16(40).u8(6, 0, 0, 0);
  const { frames, events } = readInChunks(cat(shb(), idb(1, 0, bad), epb(0, 0, 7, payload(4))));
  assert.equal(frames[0]!.ts, 7e-6);
  assert.match(anomalyDetails(events)[0]!, /option 9 runs past the end of its block/);
});

Deno.test("CaptureReader stops at a pcapng section of major version 2", () => {
  const { frames, events, reader } = readInChunks(
    cat(shb(true, 2), idb(1), epb(0, 0, 1, payload(4))),
  );
  assert.equal(frames.length, 0);
  assert.deepEqual(anomalyKinds(events), ["capture.unsupported"]);
  assert.equal(reader.stopped, true);
});

Deno.test("CaptureReader stops at a section header with no byte-order magic", () => {
  const bad = shb();
  bad.set([1, 2, 3, 4], 8);
  const { events, reader } = readInChunks(bad);
  assert.match(anomalyDetails(events)[0]!, /no byte-order magic/);
  assert.equal(reader.format, "pcapng");
});

// ---- not a capture --------------------------------------------------------

function unrecognized(input: Uint8Array): string {
  const { frames, events, reader } = readInChunks(input, 5);
  assert.equal(frames.length, 0);
  assert.deepEqual(anomalyKinds(events), ["capture.unrecognized"]);
  assert.equal(reader.format, "unknown");
  assert.equal(reader.stopped, true);
  return anomalyDetails(events)[0]!;
}
const text = (s: string) => new TextEncoder().encode(s);

Deno.test("CaptureReader names empty input", () => {
  assert.equal(unrecognized(new Uint8Array()), "not a pcap or pcapng capture: empty input");
});

Deno.test("CaptureReader names gzip-compressed input", () => {
  const gz = Uint8Array.from([
    0x1f,
    0x8b,
    0x08,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x03,
    ...payload(80),
  ]);
  assert.match(unrecognized(gz), /gzip-compressed data: inflate it first \(1f 8b 08 00/);
});

Deno.test("CaptureReader names an HTML page", () => {
  const html = text(
    "\n  <!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n",
  );
  assert.match(unrecognized(html), /HTML document.*"<!DOCTYPE html>"/);
});

Deno.test("CaptureReader names a ZIP archive, text and short input", () => {
  assert.match(unrecognized(cat(text("PK\x03\x04"), payload(70))), /ZIP archive/);
  assert.match(unrecognized(text("hello capture\nsecond line")), /text: "hello capture"/);
  assert.match(unrecognized(Uint8Array.from([0xd4, 0xc3])), /only 2 bytes.*d4 c3/);
  assert.match(
    unrecognized(Uint8Array.from({ length: 100 }, (_, i) => i)),
    /unknown first bytes 00 01 02/,
  );
});

Deno.test("CaptureReader ignores pushes after it stopped and throws on push after end()", () => {
  const events: DecodeEvent[] = [];
  const reader = new CaptureReader(() => {}, new Reporter(events, 10), DEFAULT_LIMITS);
  reader.push(text("<html>not a capture at all, sorry, this is a longer error page text</html>"));
  assert.equal(reader.stopped, true);
  reader.push(fixture("lo_usec_le.pcap"));
  assert.equal(reader.frames, 0);
  reader.end();
  reader.end();
  assert.equal(events.length, 1);
  assert.throws(() => reader.push(payload(4)), /Cannot push/);
});

Deno.test("CaptureReader turns a throwing frame handler into one bug anomaly", () => {
  const events: DecodeEvent[] = [];
  const reader = new CaptureReader(
    () => {
      throw new Error("boom");
    },
    new Reporter(events, 10),
    DEFAULT_LIMITS,
  );
  reader.push(fixture("lo_usec_le.pcap"));
  reader.end();
  assert.deepEqual(anomalyKinds(events), ["capture.bug"]);
  assert.match(anomalyDetails(events)[0]!, /boom/);
  assert.equal(reader.stopped, true);
});

// ---- truncation and garbage -----------------------------------------------

for (const name of ["snap96.pcap", "snap96_ng.pcapng"]) {
  Deno.test(`CaptureReader handles ${name} cut at every byte offset`, () => {
    const input = fixture(name);
    const full = readInChunks(input).frames;
    // pcap record boundaries from tshark's cap_len: 24-byte file header, 16-byte record headers.
    const expected = fixtureNames().find((f) => f.capture === name)!.expected;
    const boundaries = new Set([24]);
    let at = 24;
    for (const [, , capLen] of expected.frames) boundaries.add(at += 16 + capLen);
    for (let cut = 0; cut <= input.length; cut++) {
      const { frames, events } = readInChunks(input.subarray(0, cut), 997);
      // Frames are a prefix of the full file's frames; a cut inside a record is reported.
      assert.deepEqual(frames, full.slice(0, frames.length), `cut at ${cut}`);
      const kinds = anomalyKinds(events);
      if (cut < 4) assert.deepEqual(kinds, ["capture.unrecognized"], `cut at ${cut}`);
      else if (expected.format === "pcap") {
        assert.deepEqual(kinds, boundaries.has(cut) ? [] : ["capture.truncated"], `cut at ${cut}`);
      } else {
        assert.ok(kinds.length === 0 || kinds.join() === "capture.truncated", `cut at ${cut}`);
      }
    }
  });
}

/** Deterministic bytes (xorshift32) so a failure reproduces. */
function random(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13, x >>>= 0, x ^= x >>> 17, x ^= x << 5, x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

Deno.test("CaptureReader reports random garbage as unrecognized", () => {
  for (let seed = 1; seed <= 50; seed++) {
    const { events, reader } = readInChunks(random(seed, seed * 37), 11);
    assert.equal(reader.format, "unknown", `seed ${seed}`);
    assert.deepEqual(anomalyKinds(events), ["capture.unrecognized"]);
  }
});

Deno.test("CaptureReader survives random garbage after valid file headers", () => {
  const heads = [
    pcapHeader().build(),
    cat(shb(), idb(1)),
    cat(shb(false), idb(1, 0, undefined, false)),
  ];
  for (const head of heads) {
    for (let seed = 1; seed <= 100; seed++) {
      const { events, reader } = readInChunks(cat(head, random(seed, 2000)), 64);
      assert.ok(!anomalyKinds(events).includes("capture.bug"), `seed ${seed}`);
      assert.ok(reader.stopped || anomalyKinds(events).length > 0 || reader.frames > 0);
    }
  }
});

Deno.test("CaptureReader survives random byte corruption of real captures", () => {
  for (const name of ["lo_usec_le.pcap", "lo_nsec_be_ng.pcapng", "two_linktypes.pcapng"]) {
    const input = fixture(name);
    for (let seed = 1; seed <= 200; seed++) {
      const bad = input.slice();
      const r = random(seed, 12);
      for (let i = 0; i < 12; i += 3) bad[((r[i]! << 8) | r[i + 1]!) * 7 % bad.length] = r[i + 2]!;
      const { events } = readInChunks(bad, 509);
      assert.ok(!anomalyKinds(events).includes("capture.bug"), `${name} seed ${seed}`);
    }
  }
});
