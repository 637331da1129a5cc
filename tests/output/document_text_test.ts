/**
 * The JSON document written in pieces (and from spilled lists) is the same
 * text as one `safeJson(document, 2)`, on real captures of every kind.
 */
import assert from "node:assert/strict";
import { type DecodeEvent, Decoder } from "../../mod.ts";
import {
  DocumentBuilder,
  type DocumentList,
  documentText,
  entryPieces,
} from "../../lib/output/document.ts";
import { safeJson } from "../../lib/output/sanitize.ts";

const CAPTURES = [
  "smb/smb3_11.pcap",
  "smb/smb1_session.pcap",
  "dcerpc/rpc_smb2.pcap",
  "detect/rpc/rpc_coerce.pcap",
  "smb/files/files_gap.pcap",
];

function eventsOf(path: string): DecodeEvent[] {
  const decoder = new Decoder();
  const bytes = Deno.readFileSync(new URL(`../../fixtures/${path}`, import.meta.url));
  return [...decoder.push(bytes), ...decoder.end()];
}

for (const path of CAPTURES) {
  Deno.test(`document text in pieces equals one safeJson: ${path}`, () => {
    const events = eventsOf(path);
    const whole = new DocumentBuilder();
    whole.add(events);
    const expected = safeJson(whole.finish(), 2);
    assert.equal([...documentText(whole.document)].join(""), expected);
    // Spilled: the lists hold nothing, their entries come back from outside.
    const spilled = new Map<DocumentList, DecodeEvent[]>();
    const spilling = new DocumentBuilder((list, e) => {
      const entries = spilled.get(list) ?? [];
      entries.push(e);
      spilled.set(list, entries);
    });
    spilling.add(events);
    const doc = spilling.finish();
    assert.equal(doc.connections.length, 0);
    assert.equal(
      [...documentText(doc, (list) => entryPieces(spilled.get(list) ?? []))].join(""),
      expected,
    );
  });
}

Deno.test("document text of an empty decode", () => {
  const b = new DocumentBuilder();
  assert.equal([...documentText(b.finish())].join(""), safeJson(b.finish(), 2));
});
