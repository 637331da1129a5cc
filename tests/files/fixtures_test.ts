/**
 * `file` events on the project's own captures, checked against what the
 * script that made each capture did (fixtures/smb/*.expected.json): every
 * uploaded and downloaded file is carved whole with the script's SHA-256,
 * renames and deletes are seen, and encrypted traffic yields no content.
 */
import * as assert from "node:assert/strict";
import { Decoder, type FileEvent } from "../../mod.ts";

const dir = new URL("../../fixtures/smb/", import.meta.url);

interface ExpectedFile {
  name: string;
  size: number;
  sha256: string;
  actions: string[];
}

function fileEvents(pcap: URL): FileEvent[] {
  const d = new Decoder();
  const events = [...d.push(Deno.readFileSync(pcap)), ...d.end()];
  return events.filter((e): e is FileEvent => e.type === "file");
}

const fixtures = [
  ...[...Deno.readDirSync(dir)].map((e) => e.name),
  ...[...Deno.readDirSync(new URL("io/", dir))].map((e) => `io/${e.name}`),
].filter((n) => n.endsWith(".expected.json")).sort();

for (const name of fixtures) {
  const expected = JSON.parse(Deno.readTextFileSync(new URL(name, dir)));
  const files: ExpectedFile[] = (expected.files ?? []).filter((f: ExpectedFile) =>
    f.actions.some((a) => a !== "list")
  );
  if (files.length === 0) continue;
  const pcap = new URL(name.replace(".expected.json", ".pcap"), dir);
  const encrypted = expected.encryption?.expected === true ||
    name.startsWith("impacket_smb2"); // impacket turns on encryption for 3.0 by itself
  Deno.test(`files: ${name.replace(".expected.json", ".pcap")} carves what the script moved`, () => {
    const events = fileEvents(pcap);
    const disk = events.filter((e) => e.pipe === false && e.directory !== true);
    for (const f of files) {
      const named = disk.filter((e) => e.path.toLowerCase() === f.name.toLowerCase());
      if (encrypted) {
        // Inside TRANSFORM headers nothing is seen of files until decryption lands.
        assert.equal(named.filter((e) => e.bytesSeen > 0).length, 0, f.name);
        continue;
      }
      for (const act of ["write", "read"] as const) {
        if (!f.actions.includes(act)) continue;
        const moved = named.filter((e) => e.actions.includes(act));
        assert.equal(moved.length, 1, `${f.name}: one open that ${act}s it`);
        const e = moved[0]!;
        assert.equal(e.size, f.size, `${f.name} ${act}: size`);
        assert.equal(e.complete, true, `${f.name} ${act}: complete`);
        assert.equal(e.bytesSeen, f.size);
        assert.equal(act === "write" ? e.bytesWritten : e.bytesRead, f.size);
        assert.equal(e.hashes?.sha256, f.sha256, `${f.name} ${act}: sha256`);
        assert.equal(e.state, "closed");
        assert.equal(e.missing, undefined);
        assert.ok(e.share?.toLowerCase().endsWith("\\data"), `${f.name}: share ${e.share}`);
        assert.ok(e.user?.endsWith("\\alice"), `${f.name}: user ${e.user}`);
      }
      const rename = f.actions.find((a) => a.startsWith("rename:"))?.slice(7);
      if (rename !== undefined) {
        const renamed = named.filter((e) => e.renamedTo === rename);
        assert.equal(renamed.length, 1, `${f.name} renamed to ${rename}`);
        assert.ok(renamed[0]!.actions.includes("rename"));
      }
      if (f.actions.includes("delete")) {
        const finalName = (rename ?? f.name).toLowerCase();
        const deleted = disk.filter((e) => e.deleted && e.path.toLowerCase() === finalName);
        assert.equal(deleted.length, 1, `${finalName} deleted`);
        assert.ok(deleted[0]!.actions.includes("delete"));
      }
    }
  });
}

Deno.test("the digester factory hears each file's size as its open gave it", () => {
  // fixtures/smb/smb3_bulk.pcap: smbclient puts then gets the 3 MiB bulk.bin. tshark -V: the put's
  // CREATE response (frame 21) has End Of File 0 (created), the get's (frame 3401) 3145728.
  const hints: (number | undefined)[] = [];
  const decoder = new Decoder({
    files: {
      hasher: (hint) => {
        hints.push(hint?.size);
        return { update() {}, digest: () => ({ md5: "", sha1: "", sha256: "" }) };
      },
    },
  });
  decoder.push(Deno.readFileSync(new URL("../../fixtures/smb/smb3_bulk.pcap", import.meta.url)));
  decoder.end();
  assert.deepEqual(hints, [0, 3_145_728]);
});
