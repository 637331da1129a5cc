/**
 * The JSON document written in pieces (and from spilled lists) is the same
 * text as one `safeJson(document, 2)`, on real captures of every kind.
 */
import assert from "node:assert/strict";
import { type DecodeEvent, Decoder } from "../../mod.ts";
import {
  DocumentBuilder,
  type DocumentEntry,
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
    const spilled = new Map<DocumentList, DocumentEntry[]>();
    const spilling = new DocumentBuilder((list, e) => {
      const entries = spilled.get(list) ?? [];
      entries.push(e);
      spilled.set(list, entries);
    });
    spilling.add(events);
    const doc = spilling.finish();
    assert.equal(doc.connections.length, 0);
    assert.equal(doc.smbSessions.length, 0);
    assert.equal(spilled.get("smbSessions")?.length, whole.document.smbSessions.length);
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

/** The least of an SMB message the document reads: its connection and what it counts. */
function smbOf(connection: number): DecodeEvent {
  return {
    type: "smb",
    version: 2,
    command: "READ",
    response: false,
    evidence: { connection, frames: [1], ts: 0 },
  } as unknown as DecodeEvent;
}

function closeOf(id: number): DecodeEvent {
  return { type: "connection", action: "close", id } as unknown as DecodeEvent;
}

Deno.test("a session is spilled when its connection closed and those first seen before it were", () => {
  const sessions: number[] = [];
  const b = new DocumentBuilder((list, entry) => {
    if (list === "smbSessions") sessions.push((entry as { connection: number }).connection);
  });
  b.add([smbOf(1), smbOf(2), smbOf(1), closeOf(2)]);
  assert.deepEqual(sessions, [], "2 waits behind 1, still open");
  b.add([smbOf(3), closeOf(7), closeOf(1)]);
  assert.deepEqual(sessions, [1, 2], "1 closed: 1, then 2 that waited; 3 is open");
  b.add([smbOf(3), smbOf(4), closeOf(4)]);
  assert.deepEqual(sessions, [1, 2]);
  b.finish();
  assert.deepEqual(sessions, [1, 2, 3, 4], "the rest at the end, in the order first seen");
});

Deno.test("spilled sessions keep their counts; without a spill they stay in the document", () => {
  const spilled: DocumentEntry[] = [];
  const b = new DocumentBuilder((_list, entry) => spilled.push(entry));
  const events = [smbOf(5), smbOf(5), smbOf(6), closeOf(5)];
  b.add(events);
  assert.deepEqual(spilled.filter((e) => "messages" in e).map((e) => [e.connection, e.messages]), [
    [5, 2],
  ]);
  const kept = new DocumentBuilder();
  kept.add(events);
  assert.deepEqual(kept.finish().smbSessions.map((s) => [s.connection, s.messages]), [[5, 2], [
    6,
    1,
  ]]);
});
