/**
 * File events on public captures where the file changes under the client's
 * hands (checked with tshark: frame numbers below). Skips without the corpus.
 */
import * as assert from "node:assert/strict";
import { Decoder, type FileEvent } from "../../mod.ts";
import { corpus, corpusPresent } from "../_support/corpus.ts";

const present = corpusPresent;
if (!present) console.log("files corpus: skipped: ../shared/pcaps/public is not here");

function files(name: string): FileEvent[] {
  const d = new Decoder();
  const all = [...d.push(Deno.readFileSync(new URL(name, corpus))), ...d.end()];
  return all.filter((e): e is FileEvent => e.type === "file");
}

Deno.test({
  name: "files corpus: smb-length-5786: written then cut to 0, and rewritten in place",
  ignore: !present,
  fn() {
    const events = files("suricata-verify/smb-length-5786__input.pcap");
    // tshark: WRITE of 768 bytes at 0 (frame 370), then SET_INFO FileEndOfFileInformation 0
    // (frame 373), CLOSE reporting end of file 0 (frame 421): the file ended empty.
    const cut = events.filter((e) => e.path === "tata.txt" && e.bytesWritten === 768);
    assert.equal(cut.length, 1);
    assert.deepEqual(cut[0]!.actions, ["truncate", "set_info", "write"]);
    assert.equal(cut[0]!.size, 0);
    assert.equal(cut[0]!.complete, true);
    assert.equal(
      cut[0]!.hashes?.sha256,
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    // AFP_AfpInfo is read (60 bytes) and written back different in the same open: a conflict
    // from offset 0 over everything, so the digests are of what it became.
    const rmw = events.filter((e) =>
      e.path === "tata.txt:AFP_AfpInfo" && e.actions.includes("read") &&
      e.actions.includes("write")
    );
    assert.equal(rmw.length, 1);
    assert.deepEqual(rmw[0]!.overlaps, {
      duplicateBytes: 0,
      conflictingBytes: 60,
      unverifiedBytes: 0,
    });
    assert.deepEqual(rmw[0]!.conflicts, [[0, 60]]);
    assert.equal(rmw[0]!.complete, true);
    // The 60 bytes of the WRITE in frame 288 (tshark's tcp.payload from its "AFP\0" magic).
    assert.equal(
      rmw[0]!.hashes?.sha256,
      "9a436ded789260962dc67eab34c19828634ba2f0aed639d3339048d2e022e403",
    );
  },
});

Deno.test({
  name:
    "files corpus: a pipe on a share whose tree connect was not seen is told by its DCE/RPC bytes",
  ignore: !present,
  fn() {
    // The capture starts after the tree connect: the WRITE to \\atsvc (frame 5, 160 bytes) starts
    // with a DCE/RPC bind; tshark: READ response 116 bytes (frame 8), IOCTL in 160 (frame 9) and
    // out 32 (frame 11).
    const events = files("401trg/20171220_smb_at_schedule.pcap");
    const atsvc = events.filter((e) => e.path === "atsvc");
    assert.equal(atsvc.length, 1);
    assert.equal(atsvc[0]!.pipe, true);
    assert.deepEqual(
      [atsvc[0]!.writes, atsvc[0]!.bytesWritten, atsvc[0]!.reads, atsvc[0]!.bytesRead],
      [2, 320, 2, 148],
    );
    assert.equal(atsvc[0]!.bytesSeen, 0);
    assert.equal(atsvc[0]!.hashes, undefined);
  },
});
