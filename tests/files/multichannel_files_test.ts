/**
 * One file across the two channels of an SMB 3 multichannel session
 * (fixtures/smb/io_multichannel.pcap, smbtorture smb2.replay.replay4): the
 * open on connection 0 is written and read on both connections and gives one
 * `file` event. Values from tshark: WRITEs in frames 22, 26, 28 (connection
 * 0) and 51, 53 (connection 1), READs answered in 25, 33 and 56, all 64
 * bytes at offset 0; the last WRITE (frame 53) rewrites the bytes as 64 × 'r'.
 */
import * as assert from "node:assert/strict";
import { Decoder, type FileEvent } from "../../mod.ts";

Deno.test("files: a multichannel open is one file event naming both connections", () => {
  const d = new Decoder();
  const pcap = Deno.readFileSync(
    new URL("../../fixtures/smb/io_multichannel.pcap", import.meta.url),
  );
  const events = [...d.push(pcap), ...d.end()]
    .filter((e): e is FileEvent => e.type === "file" && e.path === "replaytestdir\\replay4.dat");
  const used = events.filter((e) => e.writes > 0);
  assert.equal(used.length, 1);
  const e = used[0]!;
  assert.deepEqual(e.connections, [0, 1]);
  assert.deepEqual([e.writes, e.bytesWritten, e.reads, e.bytesRead], [5, 320, 3, 192]);
  assert.equal(e.user, "WORKGROUP\\alice");
  assert.equal(e.share, "\\\\10.77.0.1\\data");
  assert.equal(e.size, 64);
  assert.equal(e.complete, true);
  // The 64 bytes of frame 53 (SHA-256 of its WRITE data from tshark's tcp.payload): what the
  // file became; the earlier ones (d5452c81…) were the same each time until then.
  assert.equal(
    e.hashes?.sha256,
    "c9ea6f42c8efcb14ad78fe636f776ba7963dcf0d3407b359b7a7209f46794b20",
  );
  assert.deepEqual(e.overlaps, { duplicateBytes: 384, conflictingBytes: 64, unverifiedBytes: 0 });
  assert.deepEqual(e.conflicts, [[0, 64]]);
  // Deleted afterwards through a second open (delete-on-close).
  assert.ok(events.some((x) => x.deleted && x.actions.includes("delete")));
});
