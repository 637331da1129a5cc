/**
 * The share tree on real captures. Every expected value was read from the
 * capture with tshark 4.0.17 independently of smbscope: listing names from
 * `smb2.filename` / `smb.file` of QUERY_DIRECTORY and TRANS2 FIND responses,
 * deletes from `smb.nt.create_options.delete_on_close` and SET_INFO
 * `smb2.disposition.delete_on_close`, renames from SET_INFO
 * FILE_RENAME_INFO and SMB1 RENAME, contents from `--export-objects smb`
 * piped to sha256sum.
 */
import * as assert from "node:assert/strict";
import { Decoder, type SmbEvent } from "../../mod.ts";
import type { DecodeEvent, FileEvent } from "../../lib/events.ts";
import { ShareTree, type ShareTreeEntry, type ShareTreeJson } from "../../lib/files/share_tree.ts";
import { formatShareTree } from "../../lib/output/share_tree_text.ts";
import { corpus } from "../_support/corpus.ts";

const fixtures = new URL("../../fixtures/smb/", import.meta.url);

function events(url: URL): DecodeEvent[] {
  const d = new Decoder();
  return [...d.push(Deno.readFileSync(url)), ...d.end()];
}

function treeOf(url: URL): ShareTreeJson {
  const t = new ShareTree();
  for (const e of events(url)) t.add(e);
  return t.tree;
}

function byName(entries: ShareTreeEntry[]): Map<string, ShareTreeEntry> {
  return new Map(entries.map((e) => [e.path, e]));
}

function exists(url: URL): boolean {
  try {
    Deno.statSync(url);
    return true;
  } catch {
    return false;
  }
}

const haveCorpus = exists(corpus);
if (!haveCorpus) {
  console.log("share_tree_test: corpus tests skipped (../shared/pcaps/public not present)");
}

/** SHA-256 of small_NN.txt of smb3_11.pcap, from tshark --export-objects smb. */
const SMB3_SMALL: Record<string, string> = {
  "small_01.txt": "eb3bdf2a7bab1594cab2bf15d03e8c0528fa0db02cb90c90dcad5099e55fee9b",
  "small_07.txt": "bc70c884b39474d2fc39d53ad27983e4117b59c3213491ce3ac8c7c3eb48fbb1",
  "small_20.txt": "a18d2772092e8049626e7183efd8a4b453f543eb09a90104af6bb9b9844bffef",
};

Deno.test("smb3_11.pcap: put, rename, mput of 20 files, ls small_*, del small_*, rm", () => {
  const tree = treeOf(new URL("smb3_11.pcap", fixtures));
  assert.equal(tree.shares.length, 1);
  const share = tree.shares[0]!;
  assert.equal(share.share, "\\\\10.77.0.1\\data");
  // Frames 23 and 372 list `.`, `..`, newdir, hello.txt; 255 and 271 list the 20 small files;
  // 360 lists smb3_11_renamed.bin: 2 + 20 + 1 names.
  assert.equal(share.entries.length, 23);
  assert.equal(tree.entries, 24); // and the share
  assert.deepEqual(
    [tree.droppedEntries, tree.droppedVersions, tree.unplacedListings],
    [0, 0, 0],
  );
  const e = byName(share.entries);
  for (let i = 1; i <= 20; i++) {
    const name = `small_${String(i).padStart(2, "0")}.txt`;
    const small = e.get(name)!;
    const size = 137 + 37 * (i - 1); // tshark smb2.eof in frame 255
    assert.equal(small.size, size, name);
    assert.equal(small.listings, 2, name);
    assert.deepEqual(small.sources, ["listing", "open"], name);
    // tshark: every small file opened with Delete On Close (frames 273…).
    assert.equal(small.deleted, true, name);
    assert.equal(small.versions?.length, 1, name);
    const v = small.versions![0]!;
    assert.deepEqual([v.n, v.size, v.complete, v.bytesWritten], [1, size, true, size], name);
    if (SMB3_SMALL[name]) assert.equal(v.sha256, SMB3_SMALL[name], name);
  }
  assert.equal(e.has("smb3_11_put.bin"), false);
  const renamed = e.get("smb3_11_renamed.bin")!;
  assert.deepEqual(renamed.renamedFrom, ["smb3_11_put.bin"]); // SET_INFO frame 126, CREATE frame 125
  assert.equal(renamed.deleted, true);
  assert.equal(renamed.size, 50000);
  assert.equal(renamed.listings, 1);
  assert.equal(renamed.bytesRead, 50000);
  assert.equal(
    renamed.versions?.[0]?.sha256,
    "a83ecd0c4237ec705462a28d1b3f1c8b3d8993ab252c91bf9df3c862cb0684a9",
  );
  // Only listed: its size is the listing's EndOfFile (tshark: smb2.eof 777 in frames 23 and
  // 372; make.sh wrote it with 777 bytes), and the listing's attributes say newdir is a folder.
  const hello = e.get("hello.txt")!;
  assert.deepEqual(hello.sources, ["listing"]);
  assert.equal(hello.listings, 2);
  assert.equal(hello.size, 777);
  assert.equal(hello.directory, false);
  assert.equal(e.get("newdir")?.listings, 2);
  assert.equal(e.get("newdir")?.directory, true);
  // JSON-safe: a round trip changes nothing.
  assert.deepEqual(JSON.parse(JSON.stringify(tree)), tree);

  const lines = formatShareTree(tree);
  assert.equal(lines[0], "\\\\10.77.0.1\\data  23 entries");
  assert.match(
    lines[3]!,
    /^├── small_01\.txt {2}137 B {2}2026-11-23T18:57:00Z {2}\[v1 sha256 eb3bdf2a…\] \(deleted\)$/,
  );
  assert.equal(
    lines[23],
    "└── smb3_11_renamed.bin  50.0 kB  2026-11-23T18:57:00Z  [v1 sha256 a83ecd0c…] " +
      "(renamed from smb3_11_put.bin) (deleted)",
  );
});

for (
  const [capture, shareName] of [
    ["files_smb21.pcap", "\\\\10.77.0.1\\data"],
    ["files_smb1.pcap", "\\\\10.77.0.1\\DATA"],
  ] as const
) {
  Deno.test(`${capture}: rename, delete, round trip and an overwrite from a second client`, () => {
    const tree = treeOf(new URL(`files/${capture}`, fixtures));
    // The second client's tree is `data`; SMB1's first was `DATA`: one share, as first spelt.
    assert.equal(tree.shares.length, 1);
    const share = tree.shares[0]!;
    assert.equal(share.share, shareName);
    // tshark: the `*` listing (smb2 frame 785, smb1 frame 760) has 46 names with `.` and `..`;
    // delete_me.bin was listed alone before its delete.
    assert.equal(share.entries.length, 45);
    const e = byName(share.entries);
    assert.equal(e.has("rename_me.bin"), false);
    const renamed = e.get("renamed.bin")!;
    assert.deepEqual(renamed.renamedFrom, ["rename_me.bin"]);
    assert.equal(renamed.size, 5000);
    assert.equal(
      renamed.versions?.[0]?.sha256,
      "8b08f865650610894916f0c684495d4cc271c23b2dca58e1b79cd743d420d3bd",
    );
    const deleted = e.get("delete_me.bin")!;
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.listings, 1);
    assert.equal(
      deleted.versions?.[0]?.sha256,
      "ee0c193df185aa1ee747f53c0e677906535167b5eff56a8400480bd7c898ab09",
    );
    const roundtrip = e.get("roundtrip.bin")!;
    assert.equal(roundtrip.opens, 2);
    assert.equal(roundtrip.versions?.length, 1);
    assert.deepEqual([roundtrip.bytesWritten, roundtrip.bytesRead], [70000, 70000]);
    assert.equal(
      roundtrip.versions![0]!.sha256,
      "024e8e099e09ea127ab03e976c1649a97594601b50e59e2263ffb1dd4bd1ebda",
    );
    // 1000 bytes at offset 12345 of a 20000-byte file: a version, but not a complete one.
    const over = e.get("overwrite_me.bin")!;
    assert.equal(over.versions?.length, 1);
    const v = over.versions![0]!;
    assert.deepEqual([v.size, v.bytesWritten, v.complete, v.sha256], [
      20000,
      1000,
      false,
      undefined,
    ]);
    assert.equal(e.get("résumé-文件.txt")?.size, 3000);
    assert.equal(e.get("down_65537.bin")?.bytesRead, 65537);
    assert.equal(e.get("down_65537.bin")?.versions, undefined);
  });
}

Deno.test({
  name: "suricata-verify smb-length-5786: 48 listing responses, streams, a delete, a re-create",
  ignore: !haveCorpus,
  fn() {
    const url = new URL("suricata-verify/smb-length-5786__input.pcap", corpus);
    const all = events(url);
    const listings = all.filter((e): e is SmbEvent =>
      e.type === "smb" && e.command === "QUERY_DIRECTORY" && Array.isArray(e.fields.names)
    );
    assert.equal(listings.length, 48); // tshark: 48 of the 74 QUERY_DIRECTORY responses name files
    const t = new ShareTree();
    for (const e of all) t.add(e);
    const tree = t.tree;
    assert.deepEqual(tree.shares.map((s) => s.share), ["\\\\127.0.0.1\\PUBLIC"]);
    const e = byName(tree.shares[0]!.entries);
    assert.deepEqual([...e.keys()], [".DS_Store", "tata.txt", "toto.txt"]);
    // tshark: 3 × [.DS_Store, toto, tata], 5 × [.DS_Store, toto], 14 × .DS_Store, 12 × tata,
    // 14 × toto.
    assert.deepEqual(
      [...e.values()].map((x) => x.listings),
      [22, 15, 22],
    );
    // tshark: SET_INFO delete-on-close in frames 379 (tata.txt:AFP_AfpInfo), 435 (tata.txt),
    // 514 (toto.txt), 683 (toto.txt:AFP_AfpInfo); toto.txt is created anew after its delete.
    assert.equal(e.get("tata.txt")!.deleted, true);
    const toto = e.get("toto.txt")!;
    assert.equal(toto.deleted, undefined);
    assert.deepEqual(toto.streams, ["AFP_AfpInfo"]);
    assert.equal(
      toto.versions?.[0]?.sha256,
      "8f663ddaae57cb1544318900739593c72035deba566379308881a68e4557eabb",
    );
    assert.deepEqual(e.get("tata.txt")!.streams, [
      "AFP_AfpInfo",
      "com.apple.TextEncoding",
      "com.apple.lastuseddate#PS",
    ]);
    const ds = e.get(".DS_Store")!;
    assert.equal(ds.size, 6148);
    assert.equal(
      ds.versions?.[0]?.sha256,
      "f22e09c3a3af73290ac9bb61a70fdb51ff1b6fcfaa421cf64e78dfb88b942007",
    );
  },
});

Deno.test({
  name: "zeek smb2readwrite: a listing without its tree connect, and one upload",
  ignore: !haveCorpus,
  fn() {
    const tree = treeOf(new URL("zeek/smb2readwrite.pcap", corpus));
    assert.equal(tree.shares.length, 1);
    assert.equal(tree.shares[0]!.share, undefined);
    const e = byName(tree.shares[0]!.entries);
    // tshark frames 34 and 53: the same 13 names with `.` and `..`.
    assert.deepEqual(
      [...e.keys()],
      [
        "JFBE.txt",
        "pippo.txt",
        "prova",
        "pythonfile",
        "pythonfile2",
        "test - Copy.txt",
        "test.txt",
        "test12.txt",
        "test2",
        "test3.rtf",
        "testLARGE.txt",
      ],
    );
    assert.ok([...e.values()].every((x) => x.listings === 2));
    const up = e.get("pythonfile2")!;
    assert.equal(up.size, 7000);
    assert.equal(
      up.versions?.[0]?.sha256,
      "128616492a85c4c4eeb2605c9fc532e4c751001cacc2525e20abe797d926172b",
    );
    assert.equal(e.get("pythonfile")!.versions, undefined);
    assert.equal(formatShareTree(tree)[0], "(share not seen)  11 entries");
  },
});

const base = {
  client: { ip: "10.0.0.2", port: 50000 },
  server: { ip: "10.0.0.1", port: 445 },
};

function listing(names: string[], file: string, ts: number): SmbEvent {
  return {
    ...base,
    type: "smb",
    version: 2,
    command: "QUERY_DIRECTORY",
    commandCode: 14,
    response: true,
    status: 0,
    statusName: "STATUS_SUCCESS",
    messageId: "7",
    sessionId: "1",
    treeId: 1,
    chainIndex: 0,
    share: "\\\\srv\\share",
    file,
    fields: { names, entryCount: names.length },
    header: {},
    evidence: { frames: [1], ts, connection: 0, streamOffset: 0, fromClient: false },
  };
}

function written(path: string, ts: number, extra: Partial<FileEvent> = {}): FileEvent {
  return {
    ...base,
    type: "file",
    smbVersion: 2,
    sessionId: "1",
    handle: "00",
    share: "\\\\srv\\share",
    path,
    openSeen: true,
    state: "closed",
    actions: ["write"],
    reads: 0,
    bytesRead: 0,
    writes: 1,
    bytesWritten: 10,
    size: 10,
    bytesSeen: 10,
    complete: true,
    closed: { ts, frames: [2] },
    evidence: { frames: [2], ts, connection: 0 },
    ...extra,
  };
}

Deno.test("hostile: 200 000 names in one listing stay within maxEntries", () => {
  const names = Array.from({ length: 200_000 }, (_, i) => `n${i}`);
  const t = new ShareTree();
  t.add(listing(names, "dir", 1));
  const tree = t.tree;
  assert.equal(tree.entries, 100_000);
  // The share and `dir` take two of the 100 000.
  assert.equal(tree.shares[0]!.entries.length, 99_999);
  assert.equal(tree.droppedEntries, 200_000 - 99_998);
  const small = new ShareTree({ maxEntries: 10 });
  small.add(listing(names, "", 1));
  assert.equal(small.tree.entries, 10);
  assert.equal(small.tree.droppedEntries, 200_000 - 9);
});

Deno.test("hostile: versions capped at 16, a folder moved into itself, control characters", () => {
  const t = new ShareTree();
  for (let i = 1; i <= 20; i++) t.add(written("a\\f.bin", i));
  t.add(written("a", 30, { directory: true, actions: ["rename"], renamedTo: "a\\b\\a" }));
  t.add(written("a\\x\u001b[31m.txt", 31));
  t.add(written("A\\B\\c.txt", 32, { renamedTo: "a\\d.txt", deleted: true }));
  const tree = t.tree;
  const e = byName(tree.shares[0]!.entries);
  const f = e.get("a\\f.bin")!;
  assert.equal(f.versions?.length, 16);
  assert.deepEqual([f.versions![0]!.n, f.versions![15]!.n, f.droppedVersions], [5, 20, 4]);
  assert.equal(tree.droppedVersions, 4);
  // The move into its own subfolder was refused; `a` stays where it was.
  assert.equal(e.get("a")?.renames, undefined);
  // Case-insensitive: `A\B\c.txt` lands in `a`, spelt as first seen.
  assert.deepEqual([...e.keys()], ["a", "a\\B", "a\\d.txt", "a\\f.bin", "a\\x\u001b[31m.txt"]);
  assert.equal(e.get("a\\d.txt")?.deleted, true);
  assert.deepEqual(e.get("a\\d.txt")?.renamedFrom, ["a\\B\\c.txt"]);
  const lines = formatShareTree(tree);
  assert.deepEqual(lines.slice(0, 2), [
    "\\\\srv\\share  5 entries",
    "└── a\\  1970-01-01T00:00:30Z",
  ]);
  assert.match(lines[2]!, /^ {4}├── B\\ /);
  assert.match(lines[5]!, /^ {4}└── x\\x1b\[31m\.txt /);
  assert.ok(lines.every((l) => !l.includes("\u001b")));
});

/** An SMB1 TRANSACTION2 message, built by hand (no capture in the corpus continues a search). */
function trans2(
  response: boolean,
  messageId: string,
  fields: SmbEvent["fields"],
): SmbEvent {
  return {
    ...listing([], "", 5),
    version: 1,
    command: "TRANSACTION2",
    commandCode: 0x32,
    response,
    messageId,
    fields,
  };
}

Deno.test("hand-built: FIND_NEXT2 continues the directory of its FIND_FIRST2's SID", () => {
  const t = new ShareTree();
  t.add(trans2(false, "10", { subcommandName: "FIND_FIRST2", pattern: "\\Dir\\*" }));
  t.add(trans2(true, "10", {
    subcommandName: "FIND_FIRST2",
    sid: 5,
    endOfSearch: false,
    names: [".", "..", "a"],
  }));
  t.add(trans2(false, "11", { subcommandName: "FIND_NEXT2", sid: 5, pattern: "a" }));
  t.add(trans2(true, "11", { subcommandName: "FIND_NEXT2", endOfSearch: true, names: ["b"] }));
  // The search ended: its SID names nothing any more.
  t.add(trans2(false, "12", { subcommandName: "FIND_NEXT2", sid: 5, pattern: "b" }));
  t.add(trans2(true, "12", { subcommandName: "FIND_NEXT2", endOfSearch: true, names: ["c"] }));
  const tree = t.tree;
  assert.deepEqual(tree.shares[0]!.entries.map((e) => [e.path, e.sources, e.directory]), [
    ["Dir", ["parent"], true],
    ["Dir\\a", ["listing"], undefined],
    ["Dir\\b", ["listing"], undefined],
  ]);
  assert.equal(tree.unplacedListings, 1);
});
