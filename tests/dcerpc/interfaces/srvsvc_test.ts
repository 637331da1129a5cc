import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { srvsvc } from "../../../lib/dcerpc/interfaces/srvsvc.ts";
import stubs from "./impacket_stubs.json" with { type: "json" };
import { bytes, decode, hostile } from "./_support.ts";

// Stubs: impacket_stubs.json (make_stubs.py, impacket 0.10.0) and, quoted
// below with capture and frame, real calls from the public corpus.
const made: Record<string, string> = stubs.srvsvc;

Deno.test("srvsvc NetrShareEnum level 1 (impacket, NDR 2.0 and NDR64): names, types, remarks", () => {
  for (const sfx of ["", ".ndr64"]) {
    const ndr64 = sfx !== "";
    assert.deepEqual(decode(srvsvc, 15, "request", made["NetrShareEnum.request" + sfx]!, ndr64), {
      serverName: "\\\\FILESRV01",
      level: 1,
      preferedMaximumLength: 0xffffffff,
      resumeHandle: null,
    });
    assert.deepEqual(decode(srvsvc, 15, "response", made["NetrShareEnum.response" + sfx]!, ndr64), {
      level: 1,
      count: 4,
      entries: [
        { netName: "ADMIN$", type: 0x80000000, remark: "Remote Admin" },
        { netName: "C$", type: 0x80000000, remark: "Default share" },
        { netName: "IPC$", type: 0x80000003, remark: "Remote IPC" },
        { netName: "Finance", type: 0, remark: "Q3 books" },
      ],
      totalEntries: 4,
      resumeHandle: 0,
      returnValue: 0,
    });
  }
  assert.deepEqual(decode(srvsvc, 15, "response", made["NetrShareEnum.response.level0"]!), {
    level: 0,
    count: 2,
    entries: [{ netName: "NETLOGON" }, { netName: "SYSVOL" }],
    totalEntries: 2,
    resumeHandle: null,
    returnValue: 0,
  });
});

Deno.test("srvsvc NetrSessionEnum levels 10 and 2 (impacket): who is connected from where", () => {
  assert.deepEqual(decode(srvsvc, 12, "request", made["NetrSessionEnum.request"]!), {
    serverName: null,
    clientName: null,
    userName: "jdoe",
    level: 10,
    preferedMaximumLength: 0xffffffff,
    resumeHandle: 0,
  });
  assert.deepEqual(decode(srvsvc, 12, "response", made["NetrSessionEnum.response"]!), {
    level: 10,
    count: 2,
    entries: [
      { clientName: "\\\\10.0.0.7", userName: "jdoe", time: 420, idleTime: 12 },
      { clientName: "\\\\10.0.0.9", userName: "svc_sql", time: 86400, idleTime: 3600 },
    ],
    totalEntries: 2,
    resumeHandle: null,
    returnValue: 0,
  });
  assert.deepEqual(decode(srvsvc, 12, "response", made["NetrSessionEnum.response.level2"]!), {
    level: 2,
    count: 1,
    entries: [{
      clientName: "\\\\WS042",
      userName: "Administrator",
      numOpens: 3,
      time: 60,
      idleTime: 0,
      userFlags: 0,
      clientType: "Windows 10 Pro 19045",
    }],
    totalEntries: 1,
    resumeHandle: null,
    returnValue: 0,
  });
});

Deno.test("srvsvc NetrShareGetInfo level 2 (impacket): the share's path, not its password", () => {
  assert.deepEqual(decode(srvsvc, 16, "request", made["NetrShareGetInfo.request"]!), {
    serverName: "\\\\FILESRV01",
    netName: "Finance",
    level: 2,
  });
  assert.deepEqual(decode(srvsvc, 16, "response", made["NetrShareGetInfo.response"]!), {
    level: 2,
    info: {
      netName: "Finance",
      type: 0,
      remark: "Q3 books",
      permissions: 0,
      maxUses: -1,
      currentUses: 2,
      path: "D:\\Shares\\Finance",
    },
    returnValue: 0,
  });
});

Deno.test("srvsvc NetrServerGetInfo 101, NetrRemoteTOD, path canonicalization (impacket)", () => {
  assert.deepEqual(decode(srvsvc, 21, "request", made["NetrServerGetInfo.request"]!), {
    serverName: "\\\\DC01",
    level: 101,
  });
  assert.deepEqual(decode(srvsvc, 21, "response", made["NetrServerGetInfo.response"]!), {
    level: 101,
    info: {
      platformId: "PLATFORM_ID_NT",
      name: "DC01",
      versionMajor: 10,
      versionMinor: 0,
      type: 0x0084102b,
      comment: "Domain controller",
    },
    returnValue: 0,
  });
  assert.deepEqual(decode(srvsvc, 28, "request", made["NetrRemoteTOD.request"]!), {
    serverName: "\\\\DC01",
  });
  assert.deepEqual(decode(srvsvc, 28, "response", made["NetrRemoteTOD.response"]!), {
    timeOfDay: {
      elapsedTime: "2023-11-14T22:13:20.000Z", // 1700000000
      msecs: 123456,
      timezone: -60,
      tinterval: 310,
    },
    returnValue: 0,
  });
  assert.deepEqual(decode(srvsvc, 31, "request", made["NetprPathCanonicalize.request"]!), {
    serverName: "\\\\10.0.0.5",
    pathName: "\\a\\..\\..\\" + "A".repeat(40),
    outbufLen: 2,
    prefix: "\\",
    pathType: 1,
    flags: 0,
  });
  assert.deepEqual(decode(srvsvc, 31, "response", made["NetprPathCanonicalize.response"]!), {
    outbuf: "\\share\\dir",
    pathType: 0x1001,
    returnValue: 0,
  });
  assert.deepEqual(decode(srvsvc, 32, "request", made["NetprPathCompare.request"]!), {
    serverName: null,
    pathName1: "C:\\Temp",
    pathName2: "c:\\temp",
    pathType: 0x1001,
    flags: 0,
  });
  assert.deepEqual(decode(srvsvc, 32, "response", made["NetprPathCompare.response"]!), {
    returnValue: 0,
  });
});

// Stubs from the public corpus: `tshark -r <capture> --disable-protocol srvsvc
// -T fields -e dcerpc.stub_data`, frame by frame.
const ENUM_REQ_F21 =
  "00000200000000000f0000000000000000000000000000000f000000000000005c005c003100370032002e00" +
  "310036002e00360036002e003300360000000000010000000000000001000000000000000000020000000000" +
  "00000000000000000000000000000000ffffffff000000000000000000000000";
const ENUM_RESP_F22 =
  "0100000000000000010000000000000000000200000000000700000000000000000002000000000007000000" +
  "0000000000000200000000000000008000000000000002000000000000000200000000000000008000000000" +
  "0000020000000000000002000000000000000000000000000000020000000000000002000000000003000080" +
  "0000000000000200000000000000020000000000000000000000000000000200000000000000020000000000" +
  "0000000000000000000002000000000000000200000000000000000000000000000002000000000007000000" +
  "0000000000000000000000000700000000000000410044004d0049004e002400000000000d00000000000000" +
  "00000000000000000d00000000000000520065006d006f00740065002000410064006d0069006e0000000000" +
  "0000000003000000000000000000000000000000030000000000000043002400000000000e00000000000000" +
  "00000000000000000e00000000000000440065006600610075006c0074002000730068006100720065000000" +
  "00000000040000000000000000000000000000000400000000000000470050004f0000000100000000000000" +
  "0000000000000000010000000000000000000000000000000500000000000000000000000000000005000000" +
  "00000000490050004300240000000000000000000b0000000000000000000000000000000b00000000000000" +
  "520065006d006f00740065002000490050004300000000000900000000000000000000000000000009000000" +
  "000000004e00450054004c004f0047004f004e00000000000000000014000000000000000000000000000000" +
  "14000000000000004c006f0067006f006e002000730065007200760065007200200073006800610072006500" +
  "2000000011000000000000000000000000000000110000000000000053006800610072006500640020005200" +
  "650073006f007500720063006500730000000000000000000100000000000000000000000000000001000000" +
  "0000000000000000000000000700000000000000000000000000000007000000000000005300590053005600" +
  "4f004c00000000001400000000000000000000000000000014000000000000004c006f0067006f006e002000" +
  "7300650072007600650072002000730068006100720065002000000007000000000000000000000000000000" +
  "00000000";
const SRVINFO_REQ_F33 =
  "00000200000000000f0000000000000000000000000000000f000000000000005c005c003100370032002e00" +
  "310036002e00360036002e00330036000000000065000000";
const SRVINFO_RESP_F34 =
  "65000000000000000000020000000000f40100000000000000000200000000000a000000000000002b108000" +
  "0000000000000200000000000d0000000000000000000000000000000d000000000000003100370032002e00" +
  "310036002e00360036002e003300360000000000000000000100000000000000000000000000000001000000" +
  "000000000000000000000000";
const GETINFO_REQ_F22 =
  "000002000a000000000000000a000000310030002e0030002e0030002e003100320000000500000000000000" +
  "0500000073006d00620032000000000001000000";
const GETINFO_RESP_F23 =
  "010000000000020004000200000000000800020005000000000000000500000073006d006200320000000000" +
  "0100000000000000010000000000000000000000";

// pcap-attack/Discovery_dcerp_srvsvc_NetShareEnum.pcapng: a share enumeration
// bound with NDR64 (context 1, transfer syntax 71710533-…). tshark 4.0 decodes
// these stubs as NDR 2.0 (it marks frame 22 malformed), so the expected
// values are the strings visible in the stub bytes, read by hand.

Deno.test("srvsvc: NDR64 NetShareEnumAll and NetSrvGetInfo in Discovery_dcerp_srvsvc_NetShareEnum.pcapng", () => {
  assert.deepEqual(decode(srvsvc, 15, "request", ENUM_REQ_F21, true), {
    serverName: "\\\\172.16.66.36",
    level: 1,
    preferedMaximumLength: 0xffffffff,
    resumeHandle: null,
  });
  const shares = decode(srvsvc, 15, "response", ENUM_RESP_F22, true);
  assert.deepEqual(shares.entries, [
    { netName: "ADMIN$", type: 0x80000000, remark: "Remote Admin" },
    { netName: "C$", type: 0x80000000, remark: "Default share" },
    { netName: "GPO", type: 0, remark: "" },
    { netName: "IPC$", type: 0x80000003, remark: "Remote IPC" },
    { netName: "NETLOGON", type: 0, remark: "Logon server share " },
    { netName: "Shared Resources", type: 0, remark: "" },
    { netName: "SYSVOL", type: 0, remark: "Logon server share " },
  ]);
  assert.equal(shares.count, 7);
  assert.equal(shares.totalEntries, 7);
  assert.equal(shares.returnValue, 0);
  assert.deepEqual(decode(srvsvc, 21, "request", SRVINFO_REQ_F33, true), {
    serverName: "\\\\172.16.66.36",
    level: 101,
  });
  assert.deepEqual(decode(srvsvc, 21, "response", SRVINFO_RESP_F34, true), {
    level: 101,
    info: {
      platformId: "PLATFORM_ID_NT",
      name: "172.16.66.36",
      versionMajor: 10,
      versionMinor: 0,
      type: 0x0080102b,
      comment: "",
    },
    returnValue: 0,
  });
});

// zeek/smb2.pcap frames 22/23 (NDR 2.0). tshark -V: "Server Unc: 10.0.0.12",
// "Share Name: smb2", "Level: 1"; response Info1 "Name: smb2",
// "Type: STYPE_DISKTREE (0)", "Comment: " (empty), "WERR_OK".

Deno.test("srvsvc: NetShareGetInfo in zeek/smb2.pcap frames 22/23", () => {
  assert.deepEqual(decode(srvsvc, 16, "request", GETINFO_REQ_F22), {
    serverName: "10.0.0.12",
    netName: "smb2",
    level: 1,
  });
  assert.deepEqual(decode(srvsvc, 16, "response", GETINFO_RESP_F23), {
    level: 1,
    info: { netName: "smb2", type: 0, remark: "" },
    returnValue: 0,
  });
});

Deno.test("srvsvc: truncated stubs and 0xFFFFFFFF counts give NdrError only", () => {
  const cases: [number, "request" | "response", string, boolean][] = [
    [15, "request", made["NetrShareEnum.request"]!, false],
    [15, "response", made["NetrShareEnum.response"]!, false],
    [15, "response", made["NetrShareEnum.response.ndr64"]!, true],
    [12, "response", made["NetrSessionEnum.response.level2"]!, false],
    [16, "response", made["NetrShareGetInfo.response"]!, false],
    [21, "response", made["NetrServerGetInfo.response"]!, false],
    [28, "response", made["NetrRemoteTOD.response"]!, false],
    [31, "request", made["NetprPathCanonicalize.request"]!, false],
    [31, "response", made["NetprPathCanonicalize.response"]!, false],
    [15, "response", ENUM_RESP_F22, true],
  ];
  for (const [op, dir, hex, ndr64] of cases) hostile(srvsvc, op, dir, { hex, ndr64 });
  // An entry count of 0xFFFFFFFF in the share array's conformance.
  const huge = bytes(made["NetrShareEnum.response"]!);
  huge.set([0xff, 0xff, 0xff, 0xff], 20);
  assert.throws(() => srvsvc.ops[15]!.response!(new NdrReader(huge)), NdrError);
});

Deno.test("srvsvc: an unknown level stops at the level", () => {
  const r = bytes(made["NetrShareEnum.response"]!);
  r.set([0x07, 0, 0, 0, 0x07, 0, 0, 0], 0); // level 7: no such container
  assert.deepEqual(srvsvc.ops[15]!.response!(new NdrReader(r)), { level: 7 });
});
