/**
 * POST /decode?extract=zip over a real loopback server: the carved files of
 * real fixtures come back in a zip with the content and SHA-256 their
 * fixture scripts recorded, each with its sidecar; the JSON answer carries
 * the same hashes; not-a-capture and a bad value are JSON errors; the
 * extraction budget keeps a file out, saying so.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { unzipSync } from "fflate";
import { createHandler } from "../../functions/handler.ts";
import type { FileEvent } from "../../mod.ts";
import { fixture, withServer } from "./helpers.ts";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const expected = JSON.parse(
  Deno.readTextFileSync(new URL("../../fixtures/smb/smb3_11.expected.json", import.meta.url)),
);
const uploads: { name: string; size: number; sha256: string }[] = expected.files.filter((
  f: { actions: string[] },
) => f.actions.includes("write"));

Deno.test("POST /decode?extract=zip: the uploaded and downloaded files, with sidecars", async () => {
  await withServer(createHandler(), async (base) => {
    const r = await fetch(`${base}/decode?extract=zip`, {
      method: "POST",
      body: fixture("smb3_11.pcap"),
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "application/zip");
    const files = unzipSync(new Uint8Array(await r.arrayBuffer()));
    assert.equal(uploads.length, 21);
    for (const f of uploads) {
      const path = `10.77.0.1/data/${f.name}`;
      assert.equal(sha256(files[path]!), f.sha256, path);
      const side = JSON.parse(new TextDecoder().decode(files[`${path}.smbscope.json`]));
      assert.equal(side.extractedAs, path);
      assert.equal((side.event as FileEvent).hashes?.sha256, f.sha256);
    }
    // The put and the get of smb3_11_put.bin: two entries, same bytes.
    const put = uploads.find((f) => f.name === "smb3_11_put.bin")!;
    assert.equal(sha256(files["10.77.0.1/data/smb3_11_put~2.bin"]!), put.sha256);
    const summary = JSON.parse(new TextDecoder().decode(files["smbscope-summary.json"]));
    assert.equal(summary.truncated, false);
    assert.equal(summary.summary.type, "summary");
    assert.ok(summary.files.length >= 22);
  });
});

Deno.test("POST /decode (JSON): files with hashes; extract errors are JSON", async () => {
  await withServer(createHandler(), async (base) => {
    const doc = await (await fetch(`${base}/decode`, {
      method: "POST",
      body: fixture("smb2_10.pcap"),
    })).json();
    const written = (doc.files as FileEvent[]).filter((f) => f.actions.includes("write"));
    assert.equal(written.length, 1);
    assert.equal(
      written[0]!.hashes?.sha256,
      "fb11ec552fb5b54fdb40939f7da4c494e0da2c890056ebd95ec8d56244e8f723",
    );
    const plain = await (await fetch(`${base}/decode?hashes=0`, {
      method: "POST",
      body: fixture("smb2_10.pcap"),
    })).json();
    const unhashed = (plain.files as FileEvent[]).filter((f) => f.actions.includes("write"));
    assert.equal(unhashed[0]!.complete, true);
    assert.equal(unhashed[0]!.hashes, undefined);
    assert.equal(unhashed[0]!.hashNote, "hashing is off");
    const badHashes = await fetch(`${base}/decode?hashes=yes`, { method: "POST", body: "x" });
    assert.equal(badHashes.status, 400);
    assert.equal((await badHashes.json()).error.code, "bad_hashes");
    const bad = await fetch(`${base}/decode?extract=tar`, { method: "POST", body: "x" });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, "bad_extract");
    const html = await fetch(`${base}/decode?extract=zip`, {
      method: "POST",
      body: "<!doctype html><html>not a capture</html>",
    });
    assert.equal(html.status, 415);
    assert.equal((await html.json()).error.code, "not_a_capture");
  });
});

Deno.test("POST /decode?extract=zip: a file over the extraction budget comes as its sidecar alone", async () => {
  await withServer(createHandler({ maxExtractBytes: 30_000 }), async (base) => {
    const r = await fetch(`${base}/decode?extract=zip`, {
      method: "POST",
      body: fixture("smb2_10.pcap"), // a 40000-byte file, put and got
    });
    const files = unzipSync(new Uint8Array(await r.arrayBuffer()));
    assert.equal(files["10.77.0.1/data/smb2_10_put.bin"], undefined);
    const side = JSON.parse(
      new TextDecoder().decode(files["10.77.0.1/data/smb2_10_put.bin.smbscope.json"]),
    );
    assert.match(side.note, /extraction budget/);
    assert.equal(
      side.event.hashes.sha256,
      "fb11ec552fb5b54fdb40939f7da4c494e0da2c890056ebd95ec8d56244e8f723",
    );
  });
});
