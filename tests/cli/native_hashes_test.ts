/**
 * The CLI's native digests (node:crypto) against published vectors, against
 * the pure-JS ones on the same pieces, and on a real carved file.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { Decoder, type FileEvent } from "../../mod.ts";
import { ContentHasher } from "../../lib/crypto/hashes.ts";
import {
  MAX_STAGES,
  NativeDigester,
  nativeDigester,
  stagesInUse,
} from "../../cli/native_hashes.ts";

Deno.test("native digests: FIPS 180 and RFC 1321 vectors for 'abc'", () => {
  const d = new NativeDigester();
  d.update(new TextEncoder().encode("abc"));
  assertEquals(d.digest(), {
    md5: "900150983cd24fb0d6963f7d28e17f72",
    sha1: "a9993e364706816aba3e25717850c26c9cd0d89d",
    sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  });
});

Deno.test("native digests: equal to the pure-JS ones over pieces of every size", () => {
  const bytes = new Uint8Array(300_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + (i >> 9)) & 0xff;
  const native = new NativeDigester(), js = new ContentHasher();
  for (let at = 0, size = 1; at < bytes.length; at += size, size = (size * 3 + 1) % 70_001) {
    const piece = bytes.subarray(at, at + size);
    native.update(piece);
    js.update(piece);
  }
  assertEquals(native.digest(), js.digest());
});

Deno.test("native digests: a decode with files.hasher gives the script's SHA-256 of bulk.bin", () => {
  // fixtures/smb/smb3_bulk.expected.json: the 3 MiB file the script put, by sha256sum.
  const decoder = new Decoder({ files: { hasher: nativeDigester } });
  const events = [
    ...decoder.push(Deno.readFileSync("fixtures/smb/smb3_bulk.pcap")),
    ...decoder.end(),
  ];
  const files = events.filter((e): e is FileEvent => e.type === "file" && e.path === "bulk.bin");
  // The put and the get carry content (the rm's open carries none).
  const withContent = files.filter((f) => f.hashes !== undefined);
  assertEquals(withContent.length, 2);
  for (const f of withContent) {
    assertEquals(
      f.hashes?.sha256,
      "a897eacc5829aa912bc77ee9cf353d9baf3c79b2507272209ffe9a2f2691970f",
    );
  }
});

Deno.test("files.hasher that is not a function is refused when the decoder is made", () => {
  let message = "";
  try {
    new Decoder({ files: { hasher: 42 as unknown as () => ContentHasher } });
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
  }
  assertEquals(message, "Cannot create decoder: files.hasher must be a function making digesters");
});

Deno.test("native digests: past MAX_STAGES files at once, the rest hash unstaged and agree", () => {
  const before = stagesInUse();
  const files = Array.from({ length: MAX_STAGES + 20 }, (_, i) => {
    const bytes = new Uint8Array(5_000 + i);
    for (let k = 0; k < bytes.length; k++) bytes[k] = (k * 31 + i) & 0xff;
    return { bytes, native: new NativeDigester(), js: new ContentHasher() };
  });
  // Interleaved 1448-byte pieces, as segments of many transfers arrive.
  for (let at = 0; at < 6_000; at += 1448) {
    for (const f of files) {
      const piece = f.bytes.subarray(at, at + 1448);
      if (piece.length === 0) continue;
      f.native.update(piece);
      f.js.update(piece);
    }
  }
  assertEquals(stagesInUse(), Math.min(MAX_STAGES, before + files.length));
  for (const [i, f] of files.entries()) {
    if (i % 2 === 0) assertEquals(f.native.digest(), f.js.digest());
    else f.native.discard();
  }
  assertEquals(stagesInUse(), before);
});
