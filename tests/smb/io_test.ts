/**
 * The consumer interface: SMB I/O facts from real fixture captures. Every
 * byte a client wrote or read reaches a consumer once, in order, at its
 * offset, whatever the segmentation; file names, sizes and SHA-256 are those
 * fixtures/smb/make.sh recorded (its expected.json), not our decoder's.
 */
import * as assert from "node:assert/strict";
import { decodeInChunks } from "../_support/decode.ts";
import { createHash } from "node:crypto";
import { Decoder, type DecoderOptions } from "../../lib/decoder.ts";
import type { DecodeEvent } from "../../lib/events.ts";
import type { IoConsumer, OpenFile, SmbIoFact } from "../../lib/smb/io.ts";

const FIXTURES = new URL("../../fixtures/smb/", import.meta.url);

interface Expected {
  files: { name: string; size: number; sha256: string; actions: string[] }[];
}

function expected(name: string): Expected {
  return JSON.parse(Deno.readTextFileSync(new URL(`${name}.expected.json`, FIXTURES)));
}

/** Rebuilds each open's content from its facts, by offset; notes every other fact. */
class Recorder implements IoConsumer {
  readonly facts: SmbIoFact[] = [];
  /** Per open and direction: pieces copied out (the views die after the call). */
  readonly pieces = new Map<string, { offset: number; bytes: Uint8Array; at: number }[]>();
  readonly opens = new Map<number, OpenFile>();

  constructor(readonly wantsFileData: boolean, readonly wantsPipeData: boolean) {}

  io(fact: SmbIoFact): void {
    this.facts.push(fact);
    if (fact.kind === "open") this.opens.set(fact.file.id, fact.file);
    if (fact.kind === "read" || fact.kind === "write") {
      const key = `${fact.file.id}:${fact.kind}`;
      const list = this.pieces.get(key) ?? [];
      list.push({ offset: fact.offset, bytes: fact.data.slice(), at: fact.at });
      this.pieces.set(key, list);
    }
  }

  /**
   * The bytes of one open and direction, placed by offset; asserts they cover
   * it without holes or overlaps. With `inOrder`, also that they arrived in
   * file order (a client that reads ahead may get its answers in any order).
   */
  content(file: OpenFile, kind: "read" | "write", inOrder = true): Uint8Array {
    const list = this.pieces.get(`${file.id}:${kind}`) ?? [];
    const sorted = inOrder ? list : [...list].sort((a, b) => a.offset - b.offset);
    const end = list.reduce((m, p) => Math.max(m, p.offset + p.bytes.length), 0);
    const out = new Uint8Array(end);
    let next = 0;
    for (const p of sorted) {
      assert.equal(
        p.offset,
        next,
        `${kind} of ${file.name}: piece at ${p.offset}, expected ${next}`,
      );
      out.set(p.bytes, p.offset);
      next = p.offset + p.bytes.length;
    }
    return out;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Decodes a fixture pushed in chunks of `chunk` bytes. */
function run(name: string, options: DecoderOptions, chunk = 1 << 20): DecodeEvent[] {
  return decodeInChunks(Deno.readFileSync(new URL(`${name}.pcap`, FIXTURES)), options, chunk);
}

/** The one open of a file name whose `kind` data a consumer saw. */
function openWith(r: Recorder, name: string, kind: "read" | "write"): OpenFile {
  const found = [...r.opens.values()].filter((f) =>
    f.name.replace(/^\\/, "") === name && r.pieces.has(`${f.id}:${kind}`)
  );
  assert.equal(found.length, 1, `one open of ${name} with ${kind}s, found ${found.length}`);
  return found[0]!;
}

for (
  const [fixture, version] of [
    ["smb1_session", 1],
    ["smb2_02", 2],
    ["smb2_10", 2],
    ["smb3_11", 2],
    ["smb3_bulk", 2],
  ] as const
) {
  const file = expected(fixture).files.find((f) => f.actions.includes("write"))!;
  Deno.test(`io facts: ${fixture}: every byte of ${file.name} written and read back, in order`, () => {
    for (const chunk of [1 << 20, 1500, 97]) {
      const r = new Recorder(true, false);
      run(fixture, { consumers: [r] }, chunk);
      const written = openWith(r, file.name, "write");
      assert.equal(written.smbVersion, version);
      assert.equal(written.pipe, false);
      assert.equal(written.user, "WORKGROUP\\alice");
      assert.match(written.share ?? "", /\\\\10\.77\.0\.1\\data$/i);
      const up = r.content(written, "write");
      assert.equal(up.length, file.size);
      assert.equal(sha256(up), file.sha256);
      if (file.actions.includes("read")) {
        const down = r.content(openWith(r, file.name, "read"), "read");
        assert.equal(down.length, file.size);
        assert.equal(sha256(down), file.sha256);
      }
      // Every open that was written ends with a close.
      const closed = r.facts.filter((f) => f.kind === "close" && f.file === written);
      assert.equal(closed.length, 1);
    }
  });
}

Deno.test("io facts: a consumer that wants no data gets opens and closes but no bytes", () => {
  const r = new Recorder(false, false);
  run("smb3_bulk", { consumers: [r] });
  assert.equal(r.facts.filter((f) => f.kind === "read" || f.kind === "write").length, 0);
  const opens = r.facts.filter((f) => f.kind === "open");
  assert.ok(opens.some((f) => f.file.name === "bulk.bin" && f.createAction === "FILE_CREATED"));
  assert.equal(
    r.facts.filter((f) => f.kind === "close").length,
    opens.length - r.facts.filter((f) => f.kind === "lost").length,
  );
});

Deno.test("io facts: events are the same with and without a consumer", () => {
  const plain = run("smb3_11", {});
  const withConsumer = run("smb3_11", { consumers: [new Recorder(true, true)] });
  assert.deepEqual(withConsumer, plain);
});

Deno.test("io facts: a rename names the target and renames the open", () => {
  const r = new Recorder(false, false);
  run("smb3_11", { consumers: [r] });
  const rename = r.facts.find((f) => f.kind === "set_info" && f.renameTo !== undefined);
  assert.ok(rename !== undefined && rename.kind === "set_info");
  assert.equal(rename.renameTo, "smb3_11_renamed.bin");
  assert.equal(rename.infoClass, "FileRenameInformation");
  assert.equal(rename.file.name, "smb3_11_renamed.bin");
});

Deno.test("options: consumers are checked with a clear error", () => {
  assert.throws(
    () => new Decoder({ consumers: [{ io: 1 } as unknown as IoConsumer] }),
    /consumers\[0\] must have a method io\(\)/,
  );
  assert.throws(
    () => new Decoder({ limits: { maxConnection: 1 } as never }),
    /limits\.maxConnection/,
  );
  assert.equal(new Decoder({ smb: { decode: false } }).limits.decodeSmb, false);
  assert.equal(new Decoder({ limits: { maxConnections: 7 } }).limits.maxConnections, 7);
});

/** One WRITE request or READ response as make_io.sh recorded it from tshark (expected.json `io`). */
interface IoRow {
  msgId?: number;
  mid?: number;
  offset: number;
  length: number;
  dataSha256: string;
}

/**
 * The 5 MiB transfers of fixtures/smb/io/ (make_io.sh): each WRITE and READ message's data, as
 * the consumer receives it, has the offset, length and SHA-256 tshark gave that message (the
 * expected.json `io` rows: SMB1 41 WRITE_ANDX and 82 READ_ANDX, SMB 2.1 and 3.1.1 20 of each).
 */
for (const fixture of ["io/io_smb1_5mib", "io/io_smb2_5mib", "io/io_smb3_5mib"]) {
  Deno.test(`io facts: ${fixture}: every byte of every WRITE and READ at its offset, never copied`, () => {
    const exp = expected(fixture) as Expected & { io: { writes: IoRow[]; reads: IoRow[] } };
    const file = exp.files[0]!;
    const bytes = Deno.readFileSync(new URL(`${fixture}.pcap`, FIXTURES));
    const r = new Recorder(true, false);
    const views: { message: string; fromInput: boolean; at: number }[] = [];
    /** Per message: its file offset, declared length and data pieces in arrival order. */
    const messages = new Map<string, { offset: number; total: number; parts: Uint8Array[] }>();
    const decoder = new Decoder({
      consumers: [{
        wantsFileData: true,
        wantsPipeData: false,
        io(f) {
          r.io(f);
          if (f.kind !== "read" && f.kind !== "write") return;
          const message = `${f.kind} ${f.evidence.messageId}`;
          views.push({ message, fromInput: f.data.buffer === bytes.buffer, at: f.at });
          const m = messages.get(message) ?? { offset: f.offset - f.at, total: f.total, parts: [] };
          m.parts.push(f.data.slice());
          messages.set(message, m);
        },
      }],
    });
    decoder.push(bytes); // one chunk: every view into it shares its buffer
    decoder.end();
    for (const [kind, rows] of [["write", exp.io.writes], ["read", exp.io.reads]] as const) {
      const ours = [...messages].filter(([k]) => k.startsWith(kind)).map(([k, m]) => {
        const whole = new Uint8Array(m.parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of m.parts) whole.set(p, (at += p.length) - p.length);
        assert.equal(whole.length, m.total, k);
        return `${k.split(" ")[1]} ${m.offset} ${m.total} ${sha256(whole)}`;
      });
      const theirs = rows.map((row) =>
        `${row.msgId ?? row.mid} ${row.offset} ${row.length} ${row.dataSha256}`
      );
      assert.deepEqual(ours.sort(), theirs.sort(), `${kind}s of ${fixture}`);
      // smbclient keeps several requests in flight: answers need not come in file order.
      const content = r.content(openWith(r, file.name, kind), kind, false);
      assert.equal(content.length, file.size);
      assert.equal(sha256(content), file.sha256);
    }
    // Within a message the pieces come in order.
    const lastAt = new Map<string, number>();
    for (const v of views) {
      assert.ok(
        v.at > (lastAt.get(v.message) ?? -1),
        `${v.message}: piece at ${v.at} out of order`,
      );
      lastAt.set(v.message, v.at);
    }
    // Past each message's first 256 bytes (the prefix the framer keeps to decode its header),
    // the data handed on is a view of the capture's own bytes: never copied (these captures have
    // no out-of-order segments, which TCP reassembly would have to hold).
    const later = views.filter((v) => v.at > 256);
    assert.ok(later.length > 0);
    assert.equal(
      later.filter((v) => !v.fromInput).length,
      0,
      "a data piece past the prefix was copied",
    );
  });
}

Deno.test("io facts: io/io_smb3_5mib: a consumer that wants nothing gets no bytes", () => {
  const r = new Recorder(false, false);
  run("io/io_smb3_5mib", { consumers: [r] });
  assert.equal(r.facts.filter((f) => f.kind === "read" || f.kind === "write").length, 0);
  assert.ok(r.facts.some((f) => f.kind === "open" && f.file.name === "io_5mib.bin"));
});

Deno.test("options: watchers see every event as it is emitted, then the end", () => {
  const seen: string[] = [];
  let ended = false;
  const events = run("smb3_11", {
    watchers: [{ event: (e) => void seen.push(e.type), end: () => void (ended = true) }],
  });
  // Every event but the summary (emitted after the watchers' end) passed them, in order.
  assert.deepEqual(seen, events.slice(0, -1).map((e) => e.type));
  assert.equal(ended, true);
  assert.throws(
    () => new Decoder({ watchers: [{}] as never }),
    /watchers\[0\] must have a method event\(\)/,
  );
});
