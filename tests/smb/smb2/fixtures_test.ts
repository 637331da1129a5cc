/**
 * parseSmb2 on the project's real Samba/smbclient/impacket captures
 * (fixtures/smb/, made by make.sh), checked against what the fixture script
 * knows (files and sizes it moved) and what tshark saw (`tshark.smb` in each
 * <name>.expected.json, and literals below from the commands quoted with them).
 */
import * as assert from "node:assert/strict";
import { FIXTURES, parseCapture, type Parsed, readCapture } from "./_capture.ts";
import type { Smb2Message } from "../../../lib/smb/smb2/types.ts";

interface Expected {
  files: { name: string; size: number; actions: string[] }[];
  tshark: {
    smb: {
      negotiate: {
        frame: number;
        smb: number;
        request: boolean;
        dialects?: string[];
        dialect?: string;
        ciphers?: string[];
        signingAlgorithms?: string[];
        hashAlgorithms?: string[];
      }[];
      sessionSetupResponses: {
        frame: number;
        sessionId: string;
        guest: boolean;
        null: boolean;
        encryptData: boolean;
      }[];
      treeConnectPaths: { frame: number; path: string }[];
      fileNames: string[];
      nonZeroStatuses: { frame: number; smb: number; command: string; status: string }[];
      smb2SignedHeaders: number;
      smb2TransformHeaders: number;
      commandCounts: Record<string, number>;
    };
  };
}

const NAMES = ["smb2_02", "smb2_10", "smb3_11", "smb3_signed", "smb3_encrypted", "impacket_smb2"];

const hex = (n: number | string, digits: number) =>
  "0x" + BigInt(n).toString(16).padStart(digits, "0");

async function load(name: string): Promise<{ parsed: Parsed[]; expected: Expected }> {
  const parsed = parseCapture(await readCapture(new URL(`${name}.pcap`, FIXTURES)));
  const expected = JSON.parse(
    Deno.readTextFileSync(new URL(`${name}.expected.json`, FIXTURES)),
  ) as Expected;
  return { parsed, expected };
}

function messages(parsed: Parsed[]): { frame: number; m: Smb2Message }[] {
  return parsed.flatMap((p) => p.packet.messages.map((m) => ({ frame: p.frame, m })));
}

function contextValues(m: Smb2Message, key: string): string[] {
  const out: string[] = [];
  for (const c of (m.fields.negotiateContexts ?? []) as Record<string, unknown>[]) {
    for (const v of (c[key] ?? []) as number[]) out.push(hex(v, 4));
  }
  return out;
}

for (const name of NAMES) {
  Deno.test(`parseSmb2 on fixtures/smb/${name}.pcap agrees with tshark's facts`, async () => {
    const { parsed, expected } = await load(name);
    const smb = expected.tshark.smb;
    const all = messages(parsed);
    for (const p of parsed) assert.deepEqual(p.packet.problems, [], `frame ${p.frame}`);

    // Messages per command and direction.
    const counts: Record<string, number> = {};
    for (const { m } of all) {
      const key = `SMB2 ${m.name} ${m.header.response ? "response" : "request"}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const smb2Counts = Object.fromEntries(
      Object.entries(smb.commandCounts).filter(([k]) => k.startsWith("SMB2 ")),
    );
    assert.deepEqual(counts, smb2Counts);

    // NEGOTIATE: dialects and 3.1.1 contexts.
    for (const n of smb.negotiate.filter((n) => n.smb === 2)) {
      const found = all.find(({ frame, m }) => frame === n.frame && m.name === "NEGOTIATE");
      assert.ok(found, `NEGOTIATE in frame ${n.frame}`);
      const f = found.m.fields;
      if (n.request) {
        assert.deepEqual((f.dialectRevisions as number[]).map((d) => hex(d, 4)), n.dialects);
      } else assert.equal(hex(f.dialectRevision as number, 4), n.dialect);
      assert.deepEqual(contextValues(found.m, "ciphers"), n.ciphers ?? []);
      assert.deepEqual(contextValues(found.m, "signingAlgorithms"), n.signingAlgorithms ?? []);
      assert.deepEqual(contextValues(found.m, "hashAlgorithms"), n.hashAlgorithms ?? []);
    }

    // SESSION_SETUP responses that completed.
    for (const s of smb.sessionSetupResponses) {
      const found = all.find(({ frame, m }) =>
        frame === s.frame && m.name === "SESSION_SETUP" && m.header.response
      );
      assert.ok(found);
      assert.equal(hex(found.m.header.sessionId, 16), s.sessionId);
      const f = found.m.fields;
      assert.deepEqual([f.guest, f.null, f.encryptData], [s.guest, s.null, s.encryptData]);
      assert.ok(found.m.securityBlob !== undefined && found.m.securityBlob.length > 0);
    }

    // TREE_CONNECT paths.
    const trees = all.filter(({ m }) => m.name === "TREE_CONNECT" && !m.header.response)
      .map(({ frame, m }) => ({ frame, path: m.fields.path }));
    assert.deepEqual(trees, smb.treeConnectPaths);

    // Every file name tshark shows: CREATE, directory listings, FileAllInformation, renames.
    const names = new Set<string>();
    for (const { m } of all) {
      const f = m.fields;
      if (typeof f.fileName === "string" && f.fileName !== "") names.add(f.fileName);
      if (typeof f.newFileName === "string") names.add(f.newFileName);
      for (const n of (f.names ?? []) as string[]) names.add(n);
    }
    assert.deepEqual([...names].sort(), [...smb.fileNames].sort());

    // Statuses other than success, with their commands.
    const statuses = all.filter(({ m }) => m.header.response && m.header.status !== 0)
      .map(({ frame, m }) => ({
        frame,
        smb: 2,
        command: m.name,
        status: hex(m.header.status, 8),
      }));
    assert.deepEqual(statuses, smb.nonZeroStatuses.filter((s) => s.smb === 2));
    for (const { m } of all) {
      // Errors have an ERROR body; warnings with real bodies and MORE_PROCESSING do not.
      const s = m.header.status;
      assert.equal(m.error, s === 0xc0000225 || s === 0x80000006 || s === 0x103, `${m.name}`);
    }

    assert.equal(all.filter(({ m }) => m.header.signed).length, smb.smb2SignedHeaders);
    assert.equal(parsed.filter((p) => p.packet.transform).length, smb.smb2TransformHeaders);
  });
}

/** Bytes written and read per file name, from WRITE requests and READ responses. */
function transfers(parsed: Parsed[]): Map<string, { written: number; read: number }> {
  const byId = new Map<string, string>(); // FileId → name
  const requests = new Map<string, Smb2Message>();
  const out = new Map<string, { written: number; read: number }>();
  const entry = (name: string) => {
    const e = out.get(name) ?? { written: 0, read: 0 };
    out.set(name, e);
    return e;
  };
  for (const { m } of messages(parsed)) {
    const h = m.header;
    if (!h.response) {
      requests.set(h.messageId, m);
      if (m.name === "WRITE" && m.data) entry(byId.get(m.fileId!)!).written += m.data.length;
      continue;
    }
    const req = requests.get(h.messageId);
    if (m.name === "CREATE" && !m.error) byId.set(m.fileId!, req!.fields.fileName as string);
    if (m.name === "READ" && !m.error && m.data) {
      entry(byId.get(req!.fileId!)!).read += m.data.length;
    }
  }
  return out;
}

for (const name of ["smb2_02", "smb2_10", "smb3_11", "smb3_signed"]) {
  Deno.test(`parseSmb2 locates every byte the script moved in fixtures/smb/${name}.pcap`, async () => {
    const { parsed, expected } = await load(name);
    const moved = transfers(parsed);
    for (const file of expected.files) {
      const t = moved.get(file.name) ?? { written: 0, read: 0 };
      assert.equal(t.written, file.actions.includes("write") ? file.size : 0, file.name);
      assert.equal(t.read, file.actions.includes("read") ? file.size : 0, file.name);
    }
  });
}

Deno.test("parseSmb2 decodes smb3_11.pcap's bodies as tshark does", async () => {
  const { parsed } = await load("smb3_11");
  const at = (frame: number) => {
    const p = parsed.find((p) => p.frame === frame);
    assert.ok(p, `frame ${frame}`);
    return p.packet.messages[0]!;
  };
  // tshark -r fixtures/smb/smb3_11.pcap -Y 'frame.number == 6' -T fields -e smb2.max_trans_size
  //   -e smb2.max_read_size -e smb2.max_write_size -e smb2.current_time -e smb2.boot_time
  //   -e smb2.server_guid -e smb2.capabilities
  // 8388608 8388608 8388608 "Nov 23, 2026 18:57:00.512788000 UTC" "Jan  1, 1970 00:00:00" (zero)
  // 74786966-7275-7365-7276-000000000000 0x0000000f
  const negotiate = at(6).fields;
  assert.deepEqual(
    [negotiate.maxTransactSize, negotiate.maxReadSize, negotiate.maxWriteSize],
    [8388608, 8388608, 8388608],
  );
  assert.equal(negotiate.systemTime, "2026-11-23T18:57:00.5127880Z");
  assert.equal(negotiate.serverStartTime, null);
  assert.equal(negotiate.serverGuid, "74786966-7275-7365-7276-000000000000");
  assert.deepEqual(negotiate.capabilityNames, ["DFS", "LEASING", "LARGE_MTU", "MULTI_CHANNEL"]);
  assert.equal(at(6).securityBlob?.length, 74);

  // tshark -r fixtures/smb/smb3_11.pcap -Y 'frame.number == 21 || frame.number == 31 ||
  //   frame.number == 73 || frame.number == 81 || frame.number == 127' -T fields -E separator=';'
  //   -e frame.number -e smb2.create.action -e smb2.create.time -e smb2.last_access.time
  //   -e smb2.last_write.time -e smb2.last_change.time -e smb2.eof -e smb2.allocation_size
  //   -e smb2.file_attribute -e smb2.write_length -e smb2.file_offset -e smb2.data_offset
  //   -e smb2.nlinks -e smb2.delete_pending -e smb2.is_directory -e smb2.filename
  //   -e smb2.rename.replace_if -e smb.fs_bytes_per_sector -e smb.fs_sector_per_unit -e smb2.ea_size
  // 21;1;Nov 23, 2026 18:56:54.582284100 UTC;…54.585132400…;…54.582284100…;…54.582284100…;0;0;0x00000010
  // 31;512;2
  // 73;50000;0;0x0070
  // 81;…00.538284100…;…00.538284100…;…00.542743100…;…00.542743100…;50000;53248;0x00000020;1;0;0;\smb3_11_put.bin;0
  // 127;smb3_11_renamed.bin;0
  const create = at(21).fields;
  assert.deepEqual(
    [create.createAction, create.createActionName, create.endOfFile, create.allocationSize],
    [1, "FILE_OPENED", "0", "0"],
  );
  assert.deepEqual(
    [create.creationTime, create.lastAccessTime, create.lastWriteTime, create.changeTime],
    [
      "2026-11-23T18:56:54.5822841Z",
      "2026-11-23T18:56:54.5851324Z",
      "2026-11-23T18:56:54.5822841Z",
      "2026-11-23T18:56:54.5822841Z",
    ],
  );
  assert.deepEqual([create.fileAttributes, create.fileAttributeNames], [0x10, ["DIRECTORY"]]);
  const fsSize = at(31).fields;
  assert.deepEqual(
    [fsSize.infoClassName, fsSize.bytesPerSector, fsSize.sectorsPerAllocationUnit],
    ["FileFsSizeInformation", 512, 2],
  );
  const write = at(73);
  assert.deepEqual([write.fields.dataLength, write.fields.offset], [50000, "0"]);
  assert.deepEqual(write.data, { offset: 0x70, length: 50000 });
  const all = at(81).fields;
  assert.equal(all.infoClassName, "FileAllInformation");
  assert.deepEqual(
    [all.creationTime, all.lastAccessTime, all.lastWriteTime, all.changeTime],
    [
      "2026-11-23T18:57:00.5382841Z",
      "2026-11-23T18:57:00.5382841Z",
      "2026-11-23T18:57:00.5427431Z",
      "2026-11-23T18:57:00.5427431Z",
    ],
  );
  assert.deepEqual(
    [all.endOfFile, all.allocationSize, all.fileAttributes, all.numberOfLinks],
    ["50000", "53248", 0x20, 1],
  );
  assert.deepEqual(
    [all.deletePending, all.directory, all.fileName, all.eaSize],
    [false, false, "\\smb3_11_put.bin", 0],
  );
  const rename = at(127).fields;
  assert.deepEqual(
    [rename.infoClassName, rename.newFileName, rename.replaceIfExists],
    ["FileRenameInformation", "smb3_11_renamed.bin", false],
  );
});

Deno.test("parseSmb2 reports smb3_encrypted.pcap's TRANSFORM_HEADERs as tshark does", async () => {
  const { parsed } = await load("smb3_encrypted");
  // tshark -r fixtures/smb/smb3_encrypted.pcap -Y smb2.header.transform.msg_size -T fields
  //   -e frame.number -e smb2.header.transform.msg_size -e smb2.header.transform.nonce
  //   -e smb2.header.transform.signature -e smb2.header.transform.flags -e smb2.sesid | head -5
  const tshark = [
    [20, 121, "010000000000000014b52ac200000000", "f74f13f9676e7a2000cf7c03a7a35f7c"],
    [21, 152, "01000000000000000083c0a700000000", "fafddd31aa6a2c3273ec0216bf755136"],
    [22, 98, "020000000000000014b52ac200000000", "5121ac536366701eb0001f34bb94205d"],
    [23, 418, "02000000000000000083c0a700000000", "ef7e1f7cb553782cf6cd336f34b80103"],
    [24, 98, "030000000000000014b52ac200000000", "cd5d8b4421d6e391d1844f9299e68a7b"],
  ];
  const transforms = parsed.filter((p) => p.packet.transform).slice(0, 5);
  assert.deepEqual(
    transforms.map((p) => [
      p.frame,
      p.packet.transform!.originalMessageSize,
      p.packet.transform!.nonce,
      p.packet.transform!.signature,
    ]),
    tshark,
  );
  for (const p of parsed.filter((p) => p.packet.transform)) {
    const t = p.packet.transform!;
    assert.equal(t.flags, 0x0001);
    assert.equal(hex(t.sessionId, 16), "0x0000000024215473");
    assert.equal(t.encryptedLength, t.originalMessageSize);
    assert.equal(t.encryptedLength, p.body.length - 52);
    assert.deepEqual(p.packet.messages, []);
  }
});
