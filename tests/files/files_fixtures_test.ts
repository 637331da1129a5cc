/**
 * File carving on fixtures/smb/files (made by fixtures/smb/files/make.sh with
 * smbclient, impacket and python3-samba against Samba): uploads and downloads
 * of 0, 1, 65535, 65536 and 65537 bytes, a round trip, a non-ASCII name, 30
 * small files, a rename, a delete and a 1000-byte overwrite at offset 12345,
 * over SMB1, SMB 2.1 and SMB 3.1.1; and a 1 MiB upload with one segment cut
 * from the capture. Every expected value comes from the script's own files.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type ContentSink, Decoder, type FileEvent } from "../../mod.ts";

const dir = new URL("../../fixtures/smb/files/", import.meta.url);

interface Expected {
  path: string;
  finalPath?: string;
  direction: "upload" | "download" | "both";
  actions: string[];
  size: number;
  sha256: string;
  md5: string;
  sha1: string;
  bytesTransferred: number;
  missing?: [number, number][];
  overwrite?: { offset: number; length: number; sha256: string };
}

/** The capture's file events, and the bytes each carved file received, by event. */
function carve(
  name: string,
): { events: FileEvent[]; bytes: Map<FileEvent, Uint8Array>; codes: string[] } {
  const pieces = new Map<number, [number, Uint8Array][]>();
  const bytes = new Map<FileEvent, Uint8Array>();
  const sink: ContentSink = {
    write(file, offset, data) {
      const list = pieces.get(file.id) ?? [];
      list.push([offset, data.slice()]);
      pieces.set(file.id, list);
    },
    end(file, event) {
      const list = pieces.get(file.id) ?? [];
      const start = Math.min(...list.map(([o]) => o));
      const end = Math.max(...list.map(([o, d]) => o + d.length));
      const out = new Uint8Array(end - start);
      for (const [o, d] of list) out.set(d, o - start);
      bytes.set(event, out);
    },
  };
  const d = new Decoder({ files: { sink } });
  const all = [...d.push(Deno.readFileSync(new URL(name, dir))), ...d.end()];
  return {
    events: all.filter((e): e is FileEvent => e.type === "file"),
    bytes,
    codes: all.flatMap((e) => e.type === "anomaly" ? [e.code] : []),
  };
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

for (const capture of ["files_smb1", "files_smb21", "files_smb311"]) {
  const expected = JSON.parse(Deno.readTextFileSync(new URL(`${capture}.expected.json`, dir)));
  Deno.test(`files fixtures: ${capture}.pcap: every file the script moved, whole, with its digests`, () => {
    const { events, bytes } = carve(`${capture}.pcap`);
    const disk = events.filter((e) => !e.pipe && !e.directory);
    const smbVersion = capture === "files_smb1" ? 1 : 2;
    for (const f of expected.files as Expected[]) {
      const named = disk.filter((e) => e.path === f.path);
      assert.ok(named.length > 0, `${f.path}: no file event`);
      for (const e of named) {
        assert.equal(e.smbVersion, smbVersion);
        assert.equal(e.share?.toLowerCase(), "\\\\10.77.0.1\\data");
        assert.match(e.user ?? "", /\\alice$/i);
      }
      for (const act of ["write", "read"] as const) {
        if (!f.actions.includes(act)) continue;
        // An empty upload has no WRITE (smbclient sends none), an empty download no READ: the open tells.
        const moved = f.size === 0
          ? named.filter((e) =>
            act === "write" ? e.createAction === "FILE_CREATED" : e.createAction === "FILE_OPENED"
          )
          : named.filter((e) => e.actions.includes(act));
        assert.equal(moved.length, 1, `${f.path}: one open that ${act}s it`);
        const e = moved[0]!;
        assert.equal(e.state, "closed", f.path);
        assert.equal(e.size, f.size, `${f.path} size`);
        assert.equal(e.complete, true, `${f.path} complete`);
        assert.equal(act === "write" ? e.bytesWritten : e.bytesRead, f.bytesTransferred);
        assert.deepEqual(e.hashes, { md5: f.md5, sha1: f.sha1, sha256: f.sha256 }, f.path);
        if (f.size > 0) assert.equal(sha256(bytes.get(e)!), f.sha256, `${f.path} carved bytes`);
        else assert.equal(f.sha256, EMPTY_SHA256);
      }
      const rename = f.actions.find((a) => a.startsWith("rename:"))?.slice(7);
      if (rename !== undefined) {
        const r = disk.filter((e) => e.renamedTo === rename);
        assert.equal(r.length, 1, `${f.path} → ${rename}`);
        assert.equal(r[0]!.path, f.path);
        assert.deepEqual(r[0]!.actions.filter((a) => a === "rename"), ["rename"]);
      }
      if (f.actions.includes("delete")) {
        const gone = disk.filter((e) => e.deleted && e.path === (f.finalPath ?? f.path));
        assert.equal(gone.length, 1, `${f.path} deleted`);
        assert.ok(gone[0]!.actions.includes("delete"));
      }
      if (f.overwrite !== undefined) {
        const { offset, length } = f.overwrite;
        const w = named.filter((e) => e.actions.includes("write"));
        assert.equal(w.length, 1, `${f.path} overwritten`);
        const e = w[0]!;
        assert.equal(e.bytesWritten, length);
        assert.equal(e.size, f.size);
        assert.equal(e.complete, false);
        assert.deepEqual(e.missing, [[0, offset], [offset + length, f.size]]);
        assert.equal(e.hashes, undefined);
        assert.equal(e.hashNote, `bytes from offset 0 were not seen`);
        assert.equal(sha256(bytes.get(e)!), f.overwrite.sha256);
      }
    }
  });
}

Deno.test("files fixtures: files_gap.pcap: the segment cut from the capture is the one range missing", () => {
  const expected = JSON.parse(Deno.readTextFileSync(new URL("files_gap.expected.json", dir)));
  const f: Expected = expected.files[0];
  const { events, bytes, codes } = carve("files_gap.pcap");
  const w = events.filter((e) => e.path === f.path && e.actions.includes("write"));
  assert.equal(w.length, 1);
  const e = w[0]!;
  assert.equal(e.size, f.size);
  assert.equal(e.complete, false);
  assert.deepEqual(e.missing, f.missing);
  const [[start, end]] = f.missing as [[number, number]];
  assert.equal(e.bytesSeen, f.size - (end - start));
  assert.equal(e.hashes, undefined);
  assert.equal(e.hashNote, `bytes from offset ${start} were not seen`);
  // What was seen is the file's bytes: the complete file with the hole zeroed has this hash.
  const carved = bytes.get(e)!;
  assert.equal(carved.length, f.size);
  assert.equal(sha256(carved), expected.files[0].missingZeroFilled.sha256);
  // The hole is reported where it is, and framing went on past it.
  assert.deepEqual(codes.sort(), ["nbss_bulk_gap", "tcp_gap"]);
});
