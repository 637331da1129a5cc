import * as assert from "node:assert/strict";
import { NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { drsuapi } from "../../../lib/dcerpc/interfaces/drsuapi.ts";
import stubs from "./drsuapi_stubs.json" with { type: "json" };
import { bytes, decode, hostile, namedCases, stubTable } from "./_support.ts";

// Stubs from make_stubs_ad.py (impacket 0.10.0 drsuapi; IDL_DRSReplicaAdd declared there).
// The public corpus's DRSUAPI calls (cs_window7-join_stream092, the PetitPotam trace) are sealed
// (packet privacy), so there is no real stub to test against.
const stub = stubTable(stubs.cases);

const H1 = "000102030405060708090a0b0c0d0e0f10111213";
const NC_DN = "DC=contoso,DC=local";
const NC_GUID = "8f4b2f5e-1b7d-4c6a-9e2f-0a1b2c3d4e5f";
const DOMAIN = "S-1-5-21-3628273402-1170543310-1028460544";
const ZERO_USN = { usnHighObjUpdate: "0", usnReserved: "0", usnHighPropUpdate: "0" };

Deno.test("drsuapi IDL_DRSBind and Unbind: client DSA, extensions; the handle", () => {
  assert.deepEqual(decode(drsuapi, 0, "request", stub("Bind.request")), {
    clientDsa: "e24d201a-4fd6-11d1-a3da-0000f875ae0d",
    extClient: { cb: 52, flags: 0x3fffff7f | 0x04408000 },
  });
  assert.deepEqual(decode(drsuapi, 0, "response", stub("Bind.response")), {
    extServer: { cb: 52, flags: 0x1fffffff },
    handle: H1,
    returnValue: 0,
  });
  assert.deepEqual(decode(drsuapi, 1, "request", stub("Unbind.request")), { handle: H1 });
  assert.deepEqual(decode(drsuapi, 1, "response", stub("Unbind.response")), {
    handle: "0".repeat(40),
    returnValue: 0,
  });
});

Deno.test("drsuapi IDL_DRSGetNCChanges V8: a DCSync of one object, with its attributes", () => {
  assert.deepEqual(decode(drsuapi, 3, "request", stub("GetNCChanges.request.v8")), {
    handle: H1,
    inVersion: 8,
    dsaObjDest: "0f7b6b9b-5a5e-4bfa-9d1b-8c0a1e2f3a4b",
    invocIdSrc: "0f7b6b9b-5a5e-4bfa-9d1b-8c0a1e2f3a4b",
    nc: { stringName: null, guid: NC_GUID, sid: null },
    usnvecFrom: ZERO_USN,
    flags: 0x30, // DRS_INIT_SYNC | DRS_WRIT_REP
    maxObjects: 1,
    maxBytes: 0,
    extendedOp: "EXOP_REPL_OBJ",
    fsmoInfo: "0",
    partialAttrSet: [0x90092, 0x9005a, 0x90037],
    partialAttrSetEx: null,
  });
});

Deno.test("drsuapi IDL_DRSGetNCChanges V10: a naming context by name and SID, from a USN", () => {
  assert.deepEqual(decode(drsuapi, 3, "request", stub("GetNCChanges.request.v10")), {
    handle: H1,
    inVersion: 10,
    dsaObjDest: "11111111-2222-3333-4444-555555555555",
    invocIdSrc: "66666666-7777-8888-9999-aaaaaaaaaaaa",
    nc: { stringName: NC_DN, guid: NC_GUID, sid: DOMAIN },
    usnvecFrom: { usnHighObjUpdate: "5000", usnReserved: "0", usnHighPropUpdate: "4999" },
    flags: 0x70,
    maxObjects: 1000,
    maxBytes: 10485760,
    extendedOp: "EXOP_NONE",
    fsmoInfo: "0",
    partialAttrSet: null,
    partialAttrSetEx: null,
    moreFlags: 0,
  });
});

Deno.test("drsuapi IDL_DRSGetNCChanges V6 reply: counts and naming context, not the data", () => {
  const usn = { usnHighObjUpdate: "12345", usnReserved: "0", usnHighPropUpdate: "12345" };
  // The pointees after the naming context are left unread (here only the return value remains).
  const r = new NdrReader(bytes(stub("GetNCChanges.response.v6").hex));
  assert.deepEqual(drsuapi.ops[3]?.response?.(r), {
    outVersion: 6,
    dsaObjSrc: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    invocIdSrc: "aaaaaaaa-bbbb-cccc-dddd-ffffffffffff",
    nc: { stringName: NC_DN, guid: NC_GUID, sid: null },
    usnvecFrom: usn,
    usnvecTo: usn,
    extendedRet: 1,
    numObjects: 0,
    numBytes: 0,
    moreData: false,
    numNcSizeObjects: 0,
    numNcSizeValues: 0,
    numValues: 0,
    drsError: 0,
    returnValue: 0x2105, // the stub's last four bytes
  });
});

Deno.test("drsuapi IDL_DRSGetNCChanges V2 reply: the compressed blob's sizes", () => {
  // Hand-made per [MS-DRSR] 4.1.10.2.10 (impacket 0.10.0 writes the blob's bytes inline, without
  // the pointer the IDL has): version 2, discriminant 2, cbUncompressedSize 100,
  // cbCompressedSize 3, pointer, conformance 3, 3 bytes, padding, return value 0.
  const hex = "02000000" + "02000000" + "64000000" + "03000000" + "00000200" + "03000000" +
    "aabbcc00" + "00000000";
  assert.deepEqual(decode(drsuapi, 3, "response", { hex, ndr64: false }), {
    outVersion: 2,
    uncompressedSize: 100,
    compressedSize: 3,
    returnValue: 0,
  });
});

Deno.test("drsuapi IDL_DRSReplicaAdd V1 and V2: naming context and source DSA", () => {
  assert.deepEqual(decode(drsuapi, 5, "request", stub("ReplicaAdd.request.v1")), {
    handle: H1,
    version: 1,
    nc: { stringName: NC_DN, guid: null, sid: null },
    dsaSrc: "rogue-dc._msdcs.contoso.local",
    options: 0x10,
  });
  assert.deepEqual(decode(drsuapi, 5, "request", stub("ReplicaAdd.request.v2")), {
    handle: H1,
    version: 2,
    nc: { stringName: NC_DN, guid: NC_GUID, sid: null },
    sourceDsaDN: {
      stringName: "CN=NTDS Settings,CN=ROGUE,CN=Servers,CN=Default-First-Site-Name,CN=Sites," +
        "CN=Configuration," + NC_DN,
      guid: null,
      sid: null,
    },
    transportDN: null,
    sourceDsaAddress: "10.0.0.66",
    options: 0x11,
  });
});

Deno.test("drsuapi IDL_DRSCrackNames: formats and names; the results", () => {
  for (const name of ["CrackNames.request", "CrackNames.request.ndr64"]) {
    assert.deepEqual(decode(drsuapi, 12, "request", stub(name)), {
      handle: H1,
      inVersion: 1,
      codePage: 0,
      localeId: 0,
      flags: 0,
      formatOffered: "DS_NT4_ACCOUNT_NAME",
      formatDesired: "DS_FQDN_1779_NAME",
      count: 2,
      names: ["CONTOSO\\krbtgt", "CONTOSO\\Administrator"],
    }, name);
  }
  assert.deepEqual(decode(drsuapi, 12, "response", stub("CrackNames.response")), {
    outVersion: 1,
    items: [
      { status: "DS_NAME_NO_ERROR", domain: "contoso.local", name: `CN=krbtgt,CN=Users,${NC_DN}` },
      { status: "DS_NAME_ERROR_NOT_FOUND", domain: null, name: null },
    ],
    returnValue: 0,
  });
});

Deno.test("drsuapi IDL_DRSDomainControllerInfo: the domain asked about; level 2 replies", () => {
  for (const name of ["DomainControllerInfo.request", "DomainControllerInfo.request.ndr64"]) {
    assert.deepEqual(decode(drsuapi, 16, "request", stub(name)), {
      handle: H1,
      inVersion: 1,
      domain: "contoso.local",
      infoLevel: 2,
    }, name);
  }
  assert.deepEqual(decode(drsuapi, 16, "response", stub("DomainControllerInfo.response")), {
    outVersion: 2,
    count: 1,
    items: [{
      netbiosName: "DC01",
      dnsHostName: "dc01.contoso.local",
      siteName: "Default-First-Site-Name",
      siteObjectName: null,
      computerObjectName: `CN=DC01,OU=Domain Controllers,${NC_DN}`,
      serverObjectName: null,
      ntdsDsaObjectName: null,
      isPdc: true,
      dsEnabled: true,
      isGc: true,
      siteObjectGuid: "11111111-2222-3333-4444-555555555555",
      computerObjectGuid: "66666666-7777-8888-9999-aaaaaaaaaaaa",
      serverObjectGuid: "00000000-0000-0000-0000-000000000000",
      ntdsDsaObjectGuid: "0f7b6b9b-5a5e-4bfa-9d1b-8c0a1e2f3a4b",
    }],
    returnValue: 0,
  });
});

Deno.test("drsuapi an undecoded request version gives the version and stops", () => {
  // IDL_DRSGetNCChanges with dwInVersion 5 (a Windows 2000 request).
  const r = new NdrReader(bytes(H1 + "05000000" + "05000000" + "00".repeat(16)));
  assert.deepEqual(drsuapi.ops[3]?.request?.(r), { handle: H1, inVersion: 5 });
});

const OPNUMS: Record<string, number> = {
  Bind: 0,
  Unbind: 1,
  GetNCChanges: 3,
  ReplicaAdd: 5,
  CrackNames: 12,
  DomainControllerInfo: 16,
};

Deno.test("drsuapi hostile stubs: truncations and 0xFFFFFFFF counts give NdrError", () => {
  for (const [name, opnum, dir, c] of namedCases(stubs.cases, OPNUMS)) {
    // The V6 reply's return value is read from the stub's end: a cut stub may still decode.
    hostile(drsuapi, opnum, dir, c, name !== "GetNCChanges.response.v6");
  }
});
