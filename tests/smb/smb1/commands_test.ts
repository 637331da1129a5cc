/**
 * The SMB1 name tables (one per thing, codes from [MS-CIFS] 2.2.2.1, 2.2.6,
 * 2.2.7, 2.2.8 and [MS-SMB] 2.2.2) and the header's status split.
 */
import * as assert from "node:assert/strict";
import {
  capabilityNames,
  createActionName,
  createDispositionName,
  FindInfoLevel,
  infoLevelName,
  NtTransactFunction,
  QueryFsInfoLevel,
  QueryInfoLevel,
  SetInfoLevel,
  Smb1Command,
  smb1CommandName,
  Trans2Subcommand,
  trans2SubcommandName,
  transSubcommandName,
} from "../../../lib/smb/smb1/commands.ts";
import { parseSmb1 } from "../../../lib/smb/smb1/parse.ts";
import { parseAll, readPublic, smb1Messages } from "./_capture.ts";

Deno.test("Smb1Command holds every [MS-CIFS] 2.2.2.1 command code once", () => {
  const codes = Object.values(Smb1Command);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(codes.length, 75);
  assert.equal(smb1CommandName(0x73), "SESSION_SETUP_ANDX");
  assert.equal(smb1CommandName(0xa2), "NT_CREATE_ANDX");
  assert.equal(smb1CommandName(0x15), "UNKNOWN_0x15");
});

Deno.test("subcommand, function and level tables have unique codes and UNKNOWN_ fallbacks", () => {
  for (
    const table of [
      Trans2Subcommand,
      NtTransactFunction,
      FindInfoLevel,
      QueryFsInfoLevel,
      QueryInfoLevel,
      SetInfoLevel,
    ]
  ) {
    const codes = Object.values(table);
    assert.equal(new Set(codes).size, codes.length);
  }
  assert.equal(trans2SubcommandName(0x10), "GET_DFS_REFERRAL");
  assert.equal(trans2SubcommandName(0x0f), "UNKNOWN_0x000f");
  assert.equal(transSubcommandName(0x26), "TRANSACT_NMPIPE");
  assert.equal(transSubcommandName(1, true), "MAILSLOT_WRITE");
  // [MS-SMB] 2.2.2.3.1: ID_FULL is 0x105, ID_BOTH 0x106.
  assert.equal(infoLevelName("find", 0x105), "SMB_FIND_FILE_ID_FULL_DIRECTORY_INFO");
  assert.equal(infoLevelName("find", 0x106), "SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO");
  assert.equal(infoLevelName("query", 0x107), "SMB_QUERY_FILE_ALL_INFO");
  assert.equal(infoLevelName("set", 0x102), "SMB_SET_FILE_DISPOSITION_INFO");
  // Pass-through levels: 1000 + an [MS-FSCC] class, file or file system by context.
  assert.equal(infoLevelName("set", 1010), "FileRenameInformation");
  assert.equal(infoLevelName("queryFs", 1007), "FileFsFullSizeInformation");
  assert.equal(infoLevelName("query", 1999), "UNKNOWN_0x07cf");
  assert.equal(createDispositionName(3), "FILE_OPEN_IF");
  assert.equal(createActionName(9), "UNKNOWN_0x00000009");
  assert.deepEqual(capabilityNames(0x80000004), ["CAP_UNICODE", "CAP_EXTENDED_SECURITY"]);
});

Deno.test("parseSmb1 reports anything that is not an SMB1 header, without throwing", () => {
  assert.deepEqual(parseSmb1(new Uint8Array(0)).problems.map((p) => p.kind), ["malformed"]);
  const smb2 = new Uint8Array(64);
  smb2.set([0xfe, 0x53, 0x4d, 0x42]);
  assert.deepEqual(parseSmb1(smb2).problems.map((p) => p.kind), ["malformed"]);
  assert.deepEqual(
    parseSmb1(new Uint8Array([0xff, 0x53, 0x4d, 0x42, 0x72])).problems.map((p) => p.kind),
    [
      "truncated",
    ],
  );
});

Deno.test({
  name: "readSmb1Header splits a DOS error into class and code (suricata-verify/smb1_osx.pcap)",
  ignore: readPublic("suricata-verify/smb1_osx.pcap") === undefined,
  fn: () => {
    // tshark -n -r suricata-verify/smb1_osx.pcap -Y frame.number==22 -T fields -e smb.error_class
    //   -e smb.error_code -e smb.cmd -e smb.flags2.nt_error -e smb.uid -e smb.pid -e smb.mid
    // 0x02	0x005b	0x74	0	27622	1	2
    const m = parseAll(smb1Messages(readPublic("suricata-verify/smb1_osx.pcap")!)).find((p) =>
      p.frame === 22
    )!;
    const h = m.message.header;
    assert.deepEqual([h.dosClass, h.dosCode, h.command, h.ntStatus, h.uid, h.pid, h.mid], [
      2,
      0x5b,
      0x74,
      false,
      27622,
      1,
      2,
    ]);
  },
});
