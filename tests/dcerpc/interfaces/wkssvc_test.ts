import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { wkssvc } from "../../../lib/dcerpc/interfaces/wkssvc.ts";
import stubs from "./impacket_stubs.json" with { type: "json" };
import { bytes, decode, hostile } from "./_support.ts";

// Stubs: impacket_stubs.json (make_stubs.py, impacket 0.10.0). The public
// corpus has no wkssvc call.
const made: Record<string, string> = stubs.wkssvc;

Deno.test("wkssvc NetrWkstaGetInfo level 102 (impacket, NDR 2.0 and NDR64)", () => {
  for (const sfx of ["", ".ndr64"]) {
    const ndr64 = sfx !== "";
    assert.deepEqual(decode(wkssvc, 0, "request", made["NetrWkstaGetInfo.request" + sfx]!, ndr64), {
      serverName: "\\\\WS042",
      level: 102,
    });
    assert.deepEqual(
      decode(wkssvc, 0, "response", made["NetrWkstaGetInfo.response" + sfx]!, ndr64),
      {
        level: 102,
        info: {
          platformId: "PLATFORM_ID_NT",
          computerName: "WS042",
          lanGroup: "CORP",
          versionMajor: 10,
          versionMinor: 0,
          lanRoot: null,
          loggedOnUsers: 3,
        },
        returnValue: 0,
      },
    );
  }
});

Deno.test("wkssvc NetrWkstaUserEnum level 1 (impacket, NDR 2.0 and NDR64): the logged-on users", () => {
  for (const sfx of ["", ".ndr64"]) {
    const ndr64 = sfx !== "";
    assert.deepEqual(
      decode(wkssvc, 2, "request", made["NetrWkstaUserEnum.request" + sfx]!, ndr64),
      {
        serverName: "\\\\WS042",
        level: 1,
        preferredMaximumLength: 0xffffffff,
        resumeHandle: null,
      },
    );
    assert.deepEqual(
      decode(wkssvc, 2, "response", made["NetrWkstaUserEnum.response" + sfx]!, ndr64),
      {
        level: 1,
        count: 2,
        entries: [
          { userName: "alice", logonDomain: "CORP", othDomains: "", logonServer: "DC01" },
          { userName: "WS042$", logonDomain: "CORP", othDomains: "", logonServer: "" },
        ],
        totalEntries: 2,
        resumeHandle: null,
        returnValue: 0,
      },
    );
  }
});

Deno.test("wkssvc NetrWkstaTransportEnum level 0 (impacket)", () => {
  assert.deepEqual(decode(wkssvc, 5, "request", made["NetrWkstaTransportEnum.request"]!), {
    serverName: null,
    level: 0,
    preferredMaximumLength: 0xffffffff,
    resumeHandle: 0,
  });
  assert.deepEqual(decode(wkssvc, 5, "response", made["NetrWkstaTransportEnum.response"]!), {
    level: 0,
    count: 1,
    entries: [{
      qualityOfService: 0,
      numberOfVcs: 1,
      transportName: "\\Device\\NetbiosSmb",
      transportAddress: "000C29A1B2C3",
      wanIsh: 1,
    }],
    totalEntries: 1,
    resumeHandle: null,
    returnValue: 0,
  });
});

Deno.test("wkssvc NetrJoinDomain2 and NetrUnjoinDomain2 (impacket): names, OU, the password blob as hex", () => {
  const join = decode(wkssvc, 22, "request", made["NetrJoinDomain2.request"]!);
  const blob = Array.from({ length: 512 }, (_, i) => (i % 256).toString(16).padStart(2, "0"))
    .join("") + "00".repeat(12);
  assert.deepEqual(join, {
    serverName: "WS042",
    domainNameParam: "corp.example.com",
    machineAccountOU: "OU=Workstations,DC=corp,DC=example,DC=com",
    accountName: "CORP\\joinadmin",
    password: blob,
    options: 0x23,
  });
  assert.deepEqual(decode(wkssvc, 22, "response", made["NetrJoinDomain2.response"]!), {
    returnValue: 0,
  });
  assert.deepEqual(decode(wkssvc, 23, "request", made["NetrUnjoinDomain2.request"]!), {
    serverName: null,
    accountName: "CORP\\joinadmin",
    password: null,
    options: 4,
  });
  assert.deepEqual(decode(wkssvc, 23, "response", made["NetrUnjoinDomain2.response"]!), {
    returnValue: 0x54b,
  });
});

Deno.test("wkssvc: truncated stubs and 0xFFFFFFFF counts give NdrError only", () => {
  const cases: [number, "request" | "response", string, boolean][] = [
    [0, "response", made["NetrWkstaGetInfo.response"]!, false],
    [0, "response", made["NetrWkstaGetInfo.response.ndr64"]!, true],
    [2, "request", made["NetrWkstaUserEnum.request"]!, false],
    [2, "response", made["NetrWkstaUserEnum.response"]!, false],
    [2, "response", made["NetrWkstaUserEnum.response.ndr64"]!, true],
    [5, "response", made["NetrWkstaTransportEnum.response"]!, false],
    [22, "request", made["NetrJoinDomain2.request"]!, false],
  ];
  for (const [op, dir, hex, ndr64] of cases) hostile(wkssvc, op, dir, { hex, ndr64 });
  const huge = bytes(made["NetrWkstaUserEnum.response"]!);
  huge.set([0xff, 0xff, 0xff, 0xff], 20); // the user array's conformance
  assert.throws(() => wkssvc.ops[2]!.response!(new NdrReader(huge)), NdrError);
});
