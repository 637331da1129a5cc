/**
 * The function's JSON answer streamed from lists held as UTF-8 (and, past a
 * size, deflated): byte for byte `safeJson` of the document a plain
 * `DocumentBuilder` makes of the same events, for every fixture.
 */
import * as assert from "node:assert/strict";
import { createHandler } from "../../functions/handler.ts";
import { documentBytes, ListSpill } from "../../functions/document_stream.ts";
import { DocumentBuilder } from "../../lib/output/document.ts";
import { safeJson } from "../../lib/output/sanitize.ts";
import { Decoder } from "../../mod.ts";
import { fixture } from "./helpers.ts";
import { synFlood } from "../../tools/hostile/captures.ts";
import { joinParts } from "../../tools/hostile/pcap.ts";

const ROOT = new URL("../../fixtures/", import.meta.url);

/** Every capture under fixtures/, as paths. */
function captures(dir: URL = ROOT): string[] {
  const out: string[] = [];
  for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory && e.name !== "work") out.push(...captures(url));
    else if (/\.(pcap|pcapng)(\.gz)?$/.test(e.name)) out.push(url.pathname);
  }
  return out;
}

Deno.test("documentBytes: safeJson of the document, plain and deflated, for every fixture", () => {
  const paths = captures();
  assert.ok(paths.length > 80);
  let deflatedSome = false;
  for (const name of paths) {
    const d = new Decoder();
    const events = [...d.push(Deno.readFileSync(name)), ...d.end()];
    const plain = new DocumentBuilder();
    plain.add(events);
    const expected = new TextEncoder().encode(safeJson({ ...plain.finish(), truncated: false }));
    for (const deflateAfter of [Infinity, 0]) {
      const lists = new ListSpill(deflateAfter);
      const spilled = new DocumentBuilder(lists.spill);
      spilled.add(events);
      const document = { ...spilled.finish(), truncated: false };
      // The spilled lists are empty in the document: their bytes are the spill's.
      assert.equal(document.connections.length, 0);
      const got = joinParts(documentBytes(document, lists));
      if (deflateAfter === 0 && lists.deflatedChunks > 0) deflatedSome = true;
      if (deflateAfter === Infinity) assert.equal(lists.deflatedChunks, 0);
      assert.equal(got.length, expected.length, `${name} (deflate after ${deflateAfter})`);
      assert.deepEqual(got, expected, `${name} (deflate after ${deflateAfter})`);
      assert.equal(lists.bytes, 0, "every chunk given up once sent");
    }
  }
  assert.ok(deflatedSome, "the deflated path was taken");
});

Deno.test("POST /decode (JSON): the streamed answer is safeJson of the document", async () => {
  const handler = createHandler();
  for (const name of ["smb3_11.pcap", "smb1_session.pcap", "smb3_bulk.pcap"]) {
    const bytes = fixture(name);
    const response = await handler.fetch(
      new Request("http://localhost/decode", { method: "POST", body: bytes }),
    );
    assert.equal(response.status, 200, name);
    assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
    const text = await response.text();
    const d = new Decoder();
    const plain = new DocumentBuilder();
    plain.add([...d.push(bytes), ...d.end()]);
    assert.equal(text, safeJson({ ...plain.finish(), truncated: false }), name);
  }
});

Deno.test("POST /decode: one read that makes 200 000 events is answered (no spread of them)", async () => {
  // 200 000 SYNs from distinct ports, in one in-memory body: the first read makes an open event
  // each. `first.push(...events)` overflowed the stack there and the answer was a 422.
  const count = 200_000;
  const pcap = joinParts(synFlood(count)) as Uint8Array<ArrayBuffer>;
  const handler = createHandler();
  const response = await handler.fetch(
    new Request("http://localhost/decode?format=ndjson&types=summary", {
      method: "POST",
      body: pcap,
    }),
  );
  assert.equal(response.status, 200);
  const lines = (await response.text()).trim().split("\n").map((l) => JSON.parse(l));
  const summary = lines.find((l) => l.type === "summary");
  assert.equal(summary?.frames, count);
});
