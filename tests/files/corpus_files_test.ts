/**
 * File events on public captures where the file changes under the client's
 * hands (checked with tshark: frame numbers below). Skips without the corpus.
 */
import * as assert from "node:assert/strict";
import { Decoder, type FileEvent } from "../../mod.ts";
import { formatEventText } from "../../lib/output/text.ts";
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

Deno.test({
  name: "files corpus: PsExec's pipes become one transcript event, in the text view by size only",
  ignore: !present,
  fn() {
    // tshark: PSEXESVC, -stdin, -stdout, -stderr opened on connection 17 (frames 179-222); 72
    // stdout bytes (frames 231-237); PsExec 2.x length-prefixed ciphertext.
    const d = new Decoder();
    const all = [
      ...d.push(Deno.readFileSync(new URL("401trg/20171220_smb_psexec_add_user.pcap", corpus))),
      ...d.end(),
    ];
    const transcripts = all.filter((e) => e.type === "transcript");
    assert.equal(transcripts.length, 1);
    const t = transcripts[0]!;
    if (t.type !== "transcript") throw new Error("unreachable");
    assert.equal(t.tool, "psexec");
    assert.equal(t.service, "PSEXESVC-VICTIM-PC-2412");
    assert.deepEqual(t.pipes, [
      "PSEXESVC",
      "PSEXESVC-VICTIM-PC-2412-stdin",
      "PSEXESVC-VICTIM-PC-2412-stdout",
      "PSEXESVC-VICTIM-PC-2412-stderr",
    ]);
    assert.equal(t.bytes.stdout, 72);
    assert.equal(t.encrypted, true);
    assert.equal(t.evidence.connection, 17);
    assert.deepEqual(t.client, { ip: "192.168.10.31", port: 49285 });
    const text = formatEventText(t)!;
    assert.match(text, /^#17 f179 # psexec PSEXESVC-VICTIM-PC-2412: 192\.168\.10\.31:49285 -> /);
    assert.match(text, /contents not shown/);
    assert.doesNotMatch(text, /[0-9a-f]{32}/); // no ciphertext on a terminal
    // The service binary went up to ADMIN$ as a file, carved whole (tshark's export: 145568
    // bytes, SHA-256 141b2190…), and was deleted once the service had run.
    const exe = all.filter((e): e is FileEvent => e.type === "file" && e.path === "PSEXESVC.exe");
    assert.deepEqual(exe.map((e) => e.actions), [["write"], ["delete"]]);
    assert.equal(exe[0]!.share, "\\\\dc1\\ADMIN$");
    assert.equal(exe[0]!.size, 145568);
    assert.equal(exe[0]!.complete, true);
    assert.equal(
      exe[0]!.hashes?.sha256,
      "141b2190f51397dbd0dfde0e3904b264c91b6f81febc823ff0c33da980b69944",
    );
  },
});
