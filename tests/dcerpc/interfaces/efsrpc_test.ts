import * as assert from "node:assert/strict";
import { efsrpc } from "../../../lib/dcerpc/interfaces/efsrpc.ts";
import stubs from "./efsrpc_stubs.json" with { type: "json" };
import { decode, hostile, namedCases, stubTable } from "./_support.ts";

// Stubs from make_stubs_ad.py (impacket 0.10.0; EFSRPC's calls declared there from [MS-EFSR] 6).
const stub = stubTable(stubs.cases);

const UNC = "\\\\10.0.0.5\\share\\";

Deno.test("efsrpc EfsRpcOpenFileRaw: the UNC file name and flags, NDR 2.0 and NDR64", () => {
  for (const name of ["OpenFileRaw.request", "OpenFileRaw.request.ndr64"]) {
    assert.deepEqual(decode(efsrpc, 0, "request", stub(name)), {
      fileName: `${UNC}x.txt`,
      flags: 0,
    });
  }
  assert.deepEqual(decode(efsrpc, 0, "response", stub("OpenFileRaw.response")), {
    handle: "000102030405060708090a0b0c0d0e0f10111213",
    returnValue: 5,
  });
});

Deno.test("efsrpc EfsRpcEncryptFileSrv and DecryptFileSrv: the coercion target", () => {
  assert.deepEqual(decode(efsrpc, 4, "request", stub("EncryptFileSrv.request")), {
    fileName: "\\\\attacker@80/test\\share",
  });
  assert.deepEqual(decode(efsrpc, 4, "response", stub("EncryptFileSrv.response")), {
    returnValue: 53,
  });
  assert.deepEqual(decode(efsrpc, 5, "request", stub("DecryptFileSrv.request")), {
    fileName: "\\\\10.0.0.5\\c$\\d.txt",
    openFlag: 0,
  });
});

Deno.test("efsrpc EfsRpcQueryUsersOnFile: file name; users' SIDs, hashes and names", () => {
  assert.deepEqual(decode(efsrpc, 6, "request", stub("QueryUsersOnFile.request")), {
    fileName: `${UNC}q.txt`,
  });
  assert.deepEqual(decode(efsrpc, 6, "response", stub("QueryUsersOnFile.response")), {
    count: 2,
    users: [
      { userSid: "S-1-5-21-1-2-3-1104", hash: "01020304", displayInformation: "alice(alice@corp)" },
      { userSid: "S-1-5-21-1-2-3-500", hash: "aabb", displayInformation: "Administrator" },
    ],
    returnValue: 0,
  });
  // EfsRpcQueryRecoveryAgents (7) has the same layout.
  assert.deepEqual(decode(efsrpc, 7, "request", stub("QueryUsersOnFile.request")), {
    fileName: `${UNC}q.txt`,
  });
});

Deno.test("efsrpc EfsRpcRemoveUsersFromFile and AddUsersToFile: file name and users", () => {
  assert.deepEqual(decode(efsrpc, 8, "request", stub("RemoveUsersFromFile.request")), {
    fileName: `${UNC}r.txt`,
    count: 1,
    users: [{ userSid: "S-1-5-21-9-8-7-1000", hash: "1020", displayInformation: "bob" }],
  });
  assert.deepEqual(decode(efsrpc, 9, "request", stub("AddUsersToFile.request")), {
    fileName: `${UNC}a.txt`,
    count: 1,
    users: [{ userSid: "S-1-5-21-9-8-7-1001", certificateLength: 5 }],
  });
  assert.deepEqual(decode(efsrpc, 15, "request", stub("AddUsersToFileEx.request")), {
    flags: 2,
    fileName: `${UNC}ax.txt`,
    count: 0,
    users: [],
  });
});

Deno.test("efsrpc EfsRpcFileKeyInfo(Ex), metadata and duplication calls", () => {
  assert.deepEqual(decode(efsrpc, 12, "request", stub("FileKeyInfo.request")), {
    fileName: `${UNC}k.txt`,
    infoClass: 0,
  });
  assert.deepEqual(decode(efsrpc, 12, "response", stub("FileKeyInfo.response")), {
    keyInfoLength: 6,
    returnValue: 0,
  });
  assert.deepEqual(decode(efsrpc, 16, "request", stub("FileKeyInfoEx.request")), {
    fileKeyInfoFlags: 1,
    fileName: `${UNC}kx.txt`,
    infoClass: 3,
  });
  assert.deepEqual(
    decode(efsrpc, 13, "request", stub("DuplicateEncryptionInfoFile.request")),
    {
      srcFileName: `${UNC}src`,
      destFileName: `${UNC}dst`,
      creationDisposition: 0,
      attributes: 0,
      relativeSDLength: null,
      inheritHandle: false,
    },
  );
  assert.deepEqual(decode(efsrpc, 18, "request", stub("GetEncryptedFileMetadata.request")), {
    fileName: `${UNC}m.txt`,
  });
  assert.deepEqual(decode(efsrpc, 19, "request", stub("SetEncryptedFileMetadata.request")), {
    fileName: `${UNC}s.txt`,
    oldEfsStreamBlobLength: null,
    newEfsStreamBlobLength: 12,
    newEfsSignature: false,
  });
  assert.deepEqual(decode(efsrpc, 21, "request", stub("EncryptFileExSrv.request")), {
    fileName: `${UNC}e.txt`,
    protectorDescriptor: null,
    flags: 0,
  });
});

Deno.test("efsrpc answers under both of its interface UUIDs", () => {
  assert.deepEqual(efsrpc.uuids, [
    "c681d488-d850-11d0-8c52-00c04fd90f7e",
    "df1941c5-fe89-4e79-bf10-463657acf44d",
  ]);
});

const OPNUMS: Record<string, number> = {
  OpenFileRaw: 0,
  EncryptFileSrv: 4,
  DecryptFileSrv: 5,
  QueryUsersOnFile: 6,
  RemoveUsersFromFile: 8,
  AddUsersToFile: 9,
  FileKeyInfo: 12,
  DuplicateEncryptionInfoFile: 13,
  AddUsersToFileEx: 15,
  FileKeyInfoEx: 16,
  GetEncryptedFileMetadata: 18,
  SetEncryptedFileMetadata: 19,
  EncryptFileExSrv: 21,
};

Deno.test("efsrpc hostile stubs: truncations and 0xFFFFFFFF counts give NdrError", () => {
  for (const [, opnum, dir, c] of namedCases(stubs.cases, OPNUMS)) {
    hostile(efsrpc, opnum, dir, c);
  }
});
