/**
 * Every fixture in fixtures/formats/ against its tshark oracle: frame count,
 * captured bytes (MD5), original length, interface, link type and time.
 */
import * as assert from "node:assert/strict";
import { anomalyKinds, fixture, fixtureNames, md5, readInChunks } from "./_helpers.ts";

for (const { capture, expected } of fixtureNames()) {
  Deno.test(`CaptureReader reads ${capture} as tshark does`, () => {
    const input = fixture(capture);
    const { frames, events, reader } = readInChunks(input, 4096);
    assert.deepEqual(anomalyKinds(events), []);
    assert.equal(reader.format, expected.format);
    assert.equal(reader.stopped, false);
    assert.equal(reader.bytes, input.length);
    assert.equal(frames.length, expected.packets);
    assert.equal(reader.frames, expected.packets);
    assert.deepEqual(
      [...reader.linkTypes].sort((a, b) => a - b),
      [...new Set(expected.sections.flat())].sort((a, b) => a - b),
    );
    // A file whose times are all whole microseconds converts exactly: the
    // reader's one division is the correctly rounded value, as is Number(text).
    const exact = expected.frames.every(([time]) => time === "" || time.endsWith("000"));
    let previous = 0;
    frames.forEach((f, i) => {
      const [time, len, capLen, section, interfaceId, hash] = expected.frames[i]!;
      const where = `${capture} frame ${i + 1}`;
      assert.equal(f.index, i + 1, where);
      assert.equal(f.origlen, len, where);
      assert.equal(f.bytes.length, capLen, where);
      assert.equal(md5(f.bytes), hash, where);
      assert.equal(f.interfaceId, interfaceId, where);
      assert.equal(f.linktype, expected.sections[section - 1]![interfaceId], where);
      // A Simple Packet Block has no time (tshark prints none): the reader
      // repeats the previous frame's time, 0 before any.
      const want = time === "" ? previous : Number(time);
      if (exact) assert.equal(f.ts, want, where);
      else assert.ok(Math.abs(f.ts - want) <= 1e-6, `${where}: ${f.ts} vs ${time}`);
      previous = want;
    });
    assert.equal(reader.firstTs, frames[0]?.ts ?? 0);
    assert.equal(reader.lastTs, frames.at(-1)?.ts ?? 0);
  });
}

Deno.test("CaptureReader finds the same frames in every variant of the loopback capture", () => {
  // Same traffic, different containers: bytes and lengths agree across all of them.
  const names = [
    "lo_nsec_le.pcap",
    "lo_usec_le.pcap",
    "lo_usec_be.pcap",
    "lo_nsec_be.pcap",
    "lo_modified.pcap",
    "lo_usec_ng.pcapng",
    "lo_nsec_ng.pcapng",
    "lo_nsec_be_ng.pcapng",
    "pb.pcapng",
    "spb.pcapng",
    "pow2_offset.pcapng",
  ];
  const summaries = names.map((name) =>
    readInChunks(fixture(name), 1500).frames.map((f) => `${f.origlen} ${md5(f.bytes)}`)
  );
  for (let i = 1; i < names.length; i++) assert.deepEqual(summaries[i], summaries[0], names[i]);
  assert.ok(summaries[0]!.length > 10);
});

Deno.test("CaptureReader hands over snap-length-cut frames with their original length", () => {
  const { frames } = readInChunks(fixture("snap96.pcap"));
  const cut = frames.filter((f) => f.bytes.length < f.origlen);
  assert.ok(cut.length > 0);
  for (const f of cut) assert.equal(f.bytes.length, 96);
});

Deno.test("CaptureReader numbers frames across pcapng sections of both byte orders", () => {
  const { frames } = readInChunks(fixture("multi_section.pcapng"));
  const single = readInChunks(fixture("lo_usec_ng.pcapng")).frames.length;
  assert.equal(frames.length, 2 * single);
  assert.deepEqual(frames.map((f) => f.index), frames.map((_, i) => i + 1));
});
