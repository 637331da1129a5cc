import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { efsrpc } from "../../../lib/dcerpc/interfaces/efsrpc.ts";
import type { InterfaceDecoder, RpcArguments } from "../../../lib/dcerpc/interfaces/types.ts";
import stubs from "./efsrpc_stubs.json" with { type: "json" };

// Stubs from make_stubs_ad.py (impacket 0.10.0; EFSRPC's calls declared there from [MS-EFSR] 6).
type Case = { hex: string; ndr64: boolean };
const cases: Record<string, Case> = stubs.cases;
const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

/** Decodes a whole stub; every byte must be read. */
function decode(
  iface: InterfaceDecoder,
  opnum: number,
  dir: "request" | "response",
  c: Case,
): RpcArguments {
  const r = new NdrReader(bytes(c.hex), { ndr64: c.ndr64 });
  const read = iface.ops[opnum]?.[dir];
  assert.ok(read, `opnum ${opnum} ${dir}`);
  const out = read(r);
  assert.equal(r.remaining, 0, `opnum ${opnum} ${dir}: ${r.remaining} bytes left`);
  return out;
}
const stub = (name: string): Case => {
  const c = cases[name];
  assert.ok(c, name);
  return c;
};

/** Every truncation and every 4-byte word set to 0xFFFFFFFF: NdrError or a result, quickly. */
function hostile(iface: InterfaceDecoder, opnum: number, dir: "request" | "response", c: Case) {
  const whole = bytes(c.hex);
  const read = iface.ops[opnum]?.[dir];
  assert.ok(read);
  const attempt = (b: Uint8Array) => {
    try {
      read(new NdrReader(b, { ndr64: c.ndr64 }));
    } catch (e) {
      if (!(e instanceof NdrError)) throw e;
    }
  };
  const started = performance.now();
  for (let n = 0; n < whole.length; n++) {
    assert.throws(() => read(new NdrReader(whole.subarray(0, n), { ndr64: c.ndr64 })), NdrError);
  }
  for (let at = 0; at + 4 <= whole.length; at += 4) {
    const b = whole.slice();
    b.set([0xff, 0xff, 0xff, 0xff], at);
    attempt(b);
  }
  assert.ok(performance.now() - started < 2000);
}

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
  for (const [name, c] of Object.entries(cases)) {
    const [op, dir] = name.split(".") as [string, "request" | "response"];
    const opnum = OPNUMS[op];
    assert.ok(opnum !== undefined, name);
    hostile(efsrpc, opnum, dir, c);
  }
});
