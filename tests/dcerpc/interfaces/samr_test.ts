import * as assert from "node:assert/strict";
import { NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { samr } from "../../../lib/dcerpc/interfaces/samr.ts";
import stubs from "./samr_stubs.json" with { type: "json" };
import { bytes, decode, hostile, namedCases, stubTable } from "./_support.ts";

// Stubs from make_stubs_ad.py (impacket 0.10.0 samr).
const stub = stubTable(stubs.cases);

const H1 = "000102030405060708090a0b0c0d0e0f10111213";
const H2 = "1415161718191a1b1c1d1e1f2021222324252627";
const DOMAIN = "S-1-5-21-3628273402-1170543310-1028460544";

Deno.test("samr connects: server name, access, revision; the handle", () => {
  assert.deepEqual(decode(samr, 0, "request", stub("Connect.request")), {
    serverName: "\\",
    desiredAccess: 0xf003f,
  });
  assert.deepEqual(decode(samr, 0, "response", stub("Connect.response")), {
    handle: H1,
    returnValue: 0,
  });
  assert.deepEqual(decode(samr, 57, "request", stub("Connect2.request")), {
    serverName: "\\\\DC01",
    desiredAccess: 0x02000000,
  });
  assert.deepEqual(decode(samr, 62, "request", stub("Connect4.request")), {
    serverName: null,
    clientRevision: 2,
    desiredAccess: 0x30,
  });
  for (const name of ["Connect5.request"]) {
    assert.deepEqual(decode(samr, 64, "request", stub(name)), {
      serverName: "\\\\DC1.contoso.local",
      desiredAccess: 0x30,
      inVersion: 1,
      inRevisionInfo: { revision: 3, supportedFeatures: 0 },
    }, name);
  }
  assert.deepEqual(decode(samr, 64, "response", stub("Connect5.response")), {
    outVersion: 1,
    outRevisionInfo: { revision: 3, supportedFeatures: 0x10 },
    handle: H1,
    returnValue: 0,
  });
  assert.deepEqual(decode(samr, 1, "request", stub("CloseHandle.request")), { handle: H1 });
  assert.deepEqual(decode(samr, 1, "response", stub("CloseHandle.response")), {
    handle: "0".repeat(40),
    returnValue: 0,
  });
});

Deno.test("samr domains: look-up by name, enumeration, open by SID", () => {
  assert.deepEqual(decode(samr, 5, "request", stub("LookupDomainInSamServer.request")), {
    handle: H1,
    name: "CONTOSO",
  });
  assert.deepEqual(decode(samr, 5, "response", stub("LookupDomainInSamServer.response")), {
    domainId: DOMAIN,
    returnValue: 0,
  });
  assert.deepEqual(decode(samr, 6, "request", stub("EnumerateDomainsInSamServer.request")), {
    handle: H1,
    enumerationContext: 0,
    preferedMaximumLength: 0xffffffff,
  });
  for (
    const name of [
      "EnumerateDomainsInSamServer.response",
      "EnumerateDomainsInSamServer.response.ndr64",
    ]
  ) {
    assert.deepEqual(decode(samr, 6, "response", stub(name)), {
      enumerationContext: 2,
      entriesRead: 2,
      names: ["CONTOSO", "Builtin"],
      countReturned: 2,
      returnValue: 0,
    }, name);
  }
  assert.deepEqual(decode(samr, 7, "request", stub("OpenDomain.request")), {
    handle: H1,
    desiredAccess: 0x305,
    domainId: DOMAIN,
  });
  assert.deepEqual(decode(samr, 7, "response", stub("OpenDomain.response")), {
    handle: H2,
    returnValue: 0,
  });
});

Deno.test("samr enumerations of users, groups and aliases: names and RIDs", () => {
  assert.deepEqual(decode(samr, 13, "request", stub("EnumerateUsersInDomain.request")), {
    handle: H2,
    enumerationContext: 0,
    userAccountControl: 0x10,
    preferedMaximumLength: 0x10000,
  });
  assert.deepEqual(decode(samr, 13, "response", stub("EnumerateUsersInDomain.response")), {
    enumerationContext: 0,
    entriesRead: 3,
    entries: [
      { relativeId: 500, name: "Administrator" },
      { relativeId: 501, name: "Guest" },
      { relativeId: 1104, name: "svc_sql" },
    ],
    countReturned: 3,
    returnValue: 0,
  });
  assert.deepEqual(decode(samr, 11, "request", stub("EnumerateGroupsInDomain.request")), {
    handle: H2,
    enumerationContext: 0,
    preferedMaximumLength: 0x10000,
  });
  assert.deepEqual(decode(samr, 11, "response", stub("EnumerateGroupsInDomain.response")), {
    enumerationContext: 0,
    entriesRead: 2,
    entries: [{ relativeId: 512, name: "Domain Admins" }, {
      relativeId: 513,
      name: "Domain Users",
    }],
    countReturned: 2,
    returnValue: 0x105,
  });
  assert.deepEqual(decode(samr, 15, "request", stub("EnumerateAliasesInDomain.request")), {
    handle: H2,
    enumerationContext: 7,
    preferedMaximumLength: 0x10000,
  });
  assert.deepEqual(decode(samr, 15, "response", stub("EnumerateAliasesInDomain.response")), {
    enumerationContext: 0,
    entriesRead: null,
    entries: [],
    countReturned: 0,
    returnValue: 0,
  });
});

Deno.test("samr look-ups: names to RIDs and uses, RIDs to names", () => {
  for (const name of ["LookupNamesInDomain.request", "LookupNamesInDomain.request.ndr64"]) {
    assert.deepEqual(decode(samr, 17, "request", stub(name)), {
      handle: H2,
      count: 2,
      names: ["Administrator", "krbtgt"],
    }, name);
  }
  assert.deepEqual(decode(samr, 17, "response", stub("LookupNamesInDomain.response")), {
    relativeIds: [500, 502],
    use: ["SidTypeUser", "SidTypeUser"],
    returnValue: 0,
  });
  assert.deepEqual(decode(samr, 18, "request", stub("LookupIdsInDomain.request")), {
    handle: H2,
    count: 3,
    relativeIds: [500, 512, 99999],
  });
  assert.deepEqual(decode(samr, 18, "response", stub("LookupIdsInDomain.response")), {
    names: ["Administrator", "Domain Admins", ""],
    use: ["SidTypeUser", "SidTypeGroup", "SidTypeUnknown"],
    returnValue: 0x107,
  });
});

Deno.test("samr opens by RID, membership changes and queries", () => {
  assert.deepEqual(decode(samr, 19, "request", stub("OpenGroup.request")), {
    handle: H2,
    desiredAccess: 0x02000000,
    groupId: 512,
  });
  assert.deepEqual(decode(samr, 27, "request", stub("OpenAlias.request")), {
    handle: H2,
    desiredAccess: 0x02000000,
    aliasId: 544,
  });
  assert.deepEqual(decode(samr, 34, "request", stub("OpenUser.request")), {
    handle: H2,
    desiredAccess: 0x02000000,
    userId: 1104,
  });
  assert.deepEqual(decode(samr, 34, "response", stub("OpenUser.response")), {
    handle: H1,
    returnValue: 0,
  });
  assert.deepEqual(decode(samr, 22, "request", stub("AddMemberToGroup.request")), {
    handle: H1,
    memberId: 1104,
    attributes: 7,
  });
  assert.deepEqual(decode(samr, 31, "request", stub("AddMemberToAlias.request")), {
    handle: H1,
    memberId: `${DOMAIN}-1104`,
  });
  assert.deepEqual(decode(samr, 31, "response", stub("AddMemberToAlias.response")), {
    returnValue: 0xc0000562,
  });
  assert.deepEqual(decode(samr, 16, "request", stub("GetAliasMembership.request")), {
    handle: H2,
    sids: [`${DOMAIN}-1104`, `${DOMAIN}-513`],
  });
  assert.deepEqual(decode(samr, 16, "response", stub("GetAliasMembership.response")), {
    membership: [545],
    returnValue: 0,
  });
  assert.deepEqual(decode(samr, 33, "request", stub("GetMembersInAlias.request")), { handle: H1 });
  assert.deepEqual(decode(samr, 33, "response", stub("GetMembersInAlias.response")), {
    members: [`${DOMAIN}-500`, `${DOMAIN}-512`],
    returnValue: 0,
  });
  assert.deepEqual(decode(samr, 39, "request", stub("GetGroupsForUser.request")), { handle: H1 });
  assert.deepEqual(decode(samr, 39, "response", stub("GetGroupsForUser.response")), {
    membershipCount: 2,
    groups: [{ relativeId: 513, attributes: 7 }, { relativeId: 512, attributes: 7 }],
    returnValue: 0,
  });
});

Deno.test("samr SamrCreateUser2InDomain: the account name and type; its RID", () => {
  assert.deepEqual(decode(samr, 50, "request", stub("CreateUser2InDomain.request")), {
    handle: H2,
    name: "EVILPC$",
    accountType: 0x80,
    desiredAccess: 0xf07ff,
  });
  assert.deepEqual(decode(samr, 50, "response", stub("CreateUser2InDomain.response")), {
    handle: H1,
    grantedAccess: 0xf07ff,
    relativeId: 1601,
    returnValue: 0,
  });
});

Deno.test("samr user information: the class asked for, UserAllInformation's fields", () => {
  assert.deepEqual(decode(samr, 36, "request", stub("QueryInformationUser.request")), {
    handle: H1,
    userInformationClass: "UserAllInformation",
  });
  assert.deepEqual(decode(samr, 47, "request", stub("QueryInformationUser2.request")), {
    handle: H1,
    userInformationClass: "UserControlInformation",
  });
  for (const name of ["QueryInformationUser.response", "QueryInformationUser.response.ndr64"]) {
    assert.deepEqual(decode(samr, 36, "response", stub(name)), {
      userInformationClass: "UserAllInformation",
      lastLogon: "2017-10-06T21:10:44.5457389Z",
      passwordLastSet: "2017-10-06T19:19:09.4223619Z",
      accountExpires: null,
      userName: "ronhd",
      fullName: "Ron HD",
      homeDirectory: "\\\\fs01\\home\\ronhd",
      homeDirectoryDrive: "",
      scriptPath: "logon.bat",
      profilePath: "",
      adminComment: "",
      workStations: "",
      userComment: "",
      userId: 1110,
      primaryGroupId: 513,
      userAccountControl: 0x210,
      whichFields: 0xffffff,
      badPasswordCount: 1,
      logonCount: 42,
      lmPasswordPresent: false,
      ntPasswordPresent: true,
      passwordExpired: false,
      returnValue: 0,
    }, name);
  }
});

Deno.test("samr SamrSetInformationUser(2): the level and that a password is set, never its value", () => {
  assert.deepEqual(decode(samr, 58, "request", stub("SetInformationUser2.request")), {
    handle: H1,
    userInformationClass: "UserInternal1Information",
    passwordSet: true,
    ntPasswordPresent: true,
    lmPasswordPresent: false,
    passwordExpired: false,
  });
  assert.deepEqual(decode(samr, 58, "response", stub("SetInformationUser2.response")), {
    returnValue: 0,
  });
  assert.deepEqual(decode(samr, 37, "request", stub("SetInformationUser.request")), {
    handle: H1,
    userInformationClass: "UserControlInformation",
    userAccountControl: 0x80,
  });
  const r = new NdrReader(bytes(stub("SetInformationUser2.request.internal4new").hex));
  assert.deepEqual(samr.ops[58]?.request?.(r), {
    handle: H1,
    userInformationClass: "UserInternal4InformationNew",
    passwordSet: true,
    level: 25,
  });
});

// Real calls, NDR64 (both clients negotiated it): the stubs after the DCE/RPC headers of the
// frames named (SMB2 WRITE/READ on \samr). tshark -V's samr dissector agrees on every value.
// 401trg/20171220_smb_net_user.pcap: `net user ronhd /domain` against DC1.contoso.local.
const NET_USER = {
  // frame 21
  connect5Request:
    "00000200000000001400000000000000000000000000000014000000000000005c005c004400430031002e006300" +
    "6f006e0074006f0073006f002e006c006f00630061006c0000003000000001000000010000000300000000000000",
  // frame 22
  connect5Response:
    "01000000010000000300000000000000000000006b286c73460fed43b222fbf8b730570900000000",
  // frame 24
  enumDomainsResponse:
    "04000000000000000000020000000000020000000000000000000200000000000200000000000000000000000000" +
    "00000e00100000000000000002000000000000000000000000000e00100000000000000002000000000008000000" +
    "000000000000000000000000070000000000000043004f004e0054004f0053004f00000008000000000000000000" +
    "00000000000007000000000000004200750069006c00740069006e0000000200000000000000",
  // frame 25
  lookupDomainRequest:
    "000000006b286c73460fed43b222fbf8b7305709000000000e001000000000000000020000000000080000000000" +
    "00000000000000000000070000000000000043004f004e0054004f0053004f00",
  // frame 26
  lookupDomainResponse:
    "00000200000000000400000000000000010400000000000515000000dabd392d369415ba583d52dd00000000",
  // frame 27
  openDomainRequest:
    "000000006b286c73460fed43b222fbf8b7305709000200000400000000000000010400000000000515000000dabd" +
    "392d369415ba583d52dd",
  // frame 31
  lookupNamesRequest:
    "000000002da9713e22e7e044ba99f6dea816561301000000e8030000000000000000000000000000010000000000" +
    "00000a000c0000000000000002000000000006000000000000000000000000000000050000000000000072006f00" +
    "6e0068006400",
  // frame 32
  lookupNamesResponse:
    "01000000000000000000020000000000010000000000000056040000000000000100000000000000000002000000" +
    "000001000000000000000100000000000000",
  // frame 33
  openUserRequest: "000000002da9713e22e7e044ba99f6dea81656131b01020056040000",
  // frame 35
  queryUserRequest: "000000003804245830d8c94aabe4545f0bfb2add15000000",
  // frame 36
  queryUserResponse:
    "00000200000000001500000000000000eda7d192e73ed301000000000000000003e736fcd73ed301ffffffffffff" +
    "ff7f03a7a026a13fd301ffffffffffffff7f0a000a000000000000000200000000000c000c000000000000000200" +
    "00000000000000000000000000000200000000000000000000000000000002000000000000000000000000000000" +
    "02000000000000000000000000000000020000000000000000000000000000000200000000000000000000000000" +
    "00000200000000000000000000000000000002000000000000000000000000000000020000000000000000000000" +
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
    "000000000000000000000000560400000102000010020000ffffff00a80000000000000000000200000000000000" +
    "020000000000000000000000000005000000000000000000000000000000050000000000000052006f006e004800" +
    "440000000000000006000000000000000000000000000000060000000000000052006f006e002000480044000000" +
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
    "00000000000000000000ec0400000000000000000000000000001500000000000000ffffffffffffffffffffffff" +
    "ffffffffffffffffff00000000000000",
  // frame 40
  getGroupsResponse:
    "00000200000000000200000000000000000002000000000002000000000000000102000007000000520400000700" +
    "000000000000",
  // frame 41
  aliasMembershipRequest:
    "00000000c1affffe4a838f4a9e0b10c3bb0f54d70000000003000000000000000000020000000000030000000000" +
    "00000000020000000000000002000000000000000200000000000500000000000000010500000000000515000000" +
    "dabd392d369415ba583d52dd56040000000000000500000000000000010500000000000515000000dabd392d3694" +
    "15ba583d52dd01020000000000000500000000000000010500000000000515000000dabd392d369415ba583d52dd" +
    "52040000",
  // frame 42
  aliasMembershipResponse: "0100000000000000000002000000000001000000000000002102000000000000",
};
// pcap-attack/Remote_Pwd_Reset_RPC_Admin_Mimikatz_PostZeroLogon.pcapng: mimikatz resets the
// DC's machine account password (lsadump::postzerologon) with SamrSetInformationUser2.
const RESET = {
  // frame 20
  connect5Request:
    "00000200000000000d0000000000000000000000000000000d000000000000003100370032002e00310036002e00" +
    "360036002e0033003600000000003100000001000000010000000300000000000000",
  // frame 23
  enumDomainsResponse:
    "03000000000000000000020000000000010000000000000000000200000000000100000000000000000000000000" +
    "00000e00100000000000000002000000000008000000000000000000000000000000070000000000000042007500" +
    "69006c00740069006e0000000100000005010000",
  // frame 30
  lookupNamesRequest:
    "0000000069ba4c2d57d2234188757e30f93ab8c801000000e8030000000000000000000000000000010000000000" +
    "00002000220000000000000002000000000011000000000000000000000000000000100000000000000030003100" +
    "35003600360053002d00570049004e00310036002d00490052002400",
  // frame 31
  lookupNamesResponse:
    "0100000000000000000002000000000001000000000000001f890000000000000100000000000000000002000000" +
    "000001000000000000000100000000000000",
  // frame 32
  openUserRequest: "0000000069ba4c2d57d2234188757e30f93ab8c8800000001f890000",
  // frame 36
  setUserInfo2Request:
    "000000003d25f4d907d7384393e56166cb818daf1a0000001a00000000000000c8e0220d1ed27be4d299ba28ca5f" +
    "a0c788dfac867580375047a1882be8103b405e2a07e445e0f867b04cc2fa81b7622551eaef530936d3b7e69aab55" +
    "84b9cf2fbc9483984778741ada423749e0e6c8fcae3e9fc93a0dea5977f7f334e0777bb6f6771fcc5334d018e493" +
    "423207e85812af167ca3b5c480696f654831486b637be53088a2bc22e93e531ae8c9c8a1aa36a2514ec25e7855cf" +
    "adcb2f84e58097057747f089addd40b08a4f77922815f86189402bb0b3a2dd4dfe635c6952ad4df004d5d1ebf9f4" +
    "11113a2581caeede2ff74e9d855eb5c9e61730e7277c30c077ac3d320f862a348fa46a654ec15955b759de8e0dac" +
    "b037f5144688faca08cc20f8b353b8edc21ea927e978e2b1466c6e969ccfaed516e145692669e36269ec90c6a887" +
    "4431aad2735c42fc512979f2fb9813235a55dbdf097d11d513aafe29988315365d69718de94026960dd2380cc529" +
    "a6716f69a5261d24894fe1f674b3bed2ede00a30b8ff9ddcb3b6b2855838f7eaca8732fce4b2f9433f7c76fdc50f" +
    "f256a5654de2577ae42580196d1d605b32a98d4ef5fa0d8f68f70e998d762317468ead7954a475fa0e9857e8051f" +
    "f50ea9d18f68349bbb3312d3d85270c632be8d86d1be1f453ff0ae5996ce4f8d7c59e9dbc39132a7d2f55f250860" +
    "915251efe70e679298023342afe2f7f01b57e0e243204a86a736838d7c286ce1b1cac852e10b1c857e99c7472e68" +
    "0c13f8f2eca3ab11d3c2fabd24",
};
const real = (opnum: number, dir: "request" | "response", hex: string) =>
  decode(samr, opnum, dir, { hex, ndr64: true });
const CONTOSO = "S-1-5-21-758758874-3121976374-3713154392";

Deno.test("samr decodes net user /domain in 20171220_smb_net_user.pcap (NDR64)", () => {
  const h = "000000006b286c73460fed43b222fbf8b7305709";
  assert.deepEqual(real(64, "request", NET_USER.connect5Request), {
    serverName: "\\\\DC1.contoso.local",
    desiredAccess: 0x30,
    inVersion: 1,
    inRevisionInfo: { revision: 3, supportedFeatures: 0 },
  });
  assert.deepEqual(real(64, "response", NET_USER.connect5Response), {
    outVersion: 1,
    outRevisionInfo: { revision: 3, supportedFeatures: 0 },
    handle: h,
    returnValue: 0,
  });
  assert.deepEqual(real(6, "response", NET_USER.enumDomainsResponse), {
    enumerationContext: 4,
    entriesRead: 2,
    names: ["CONTOSO", "Builtin"],
    countReturned: 2,
    returnValue: 0,
  });
  assert.deepEqual(real(5, "request", NET_USER.lookupDomainRequest), {
    handle: h,
    name: "CONTOSO",
  });
  assert.deepEqual(real(5, "response", NET_USER.lookupDomainResponse), {
    domainId: CONTOSO,
    returnValue: 0,
  });
  assert.deepEqual(real(7, "request", NET_USER.openDomainRequest), {
    handle: h,
    desiredAccess: 0x200,
    domainId: CONTOSO,
  });
  const domain = "000000002da9713e22e7e044ba99f6dea8165613";
  assert.deepEqual(real(17, "request", NET_USER.lookupNamesRequest), {
    handle: domain,
    count: 1,
    names: ["ronhd"],
  });
  assert.deepEqual(real(17, "response", NET_USER.lookupNamesResponse), {
    relativeIds: [1110],
    use: ["SidTypeUser"],
    returnValue: 0,
  });
  assert.deepEqual(real(34, "request", NET_USER.openUserRequest), {
    handle: domain,
    desiredAccess: 0x2011b,
    userId: 1110,
  });
  const user = "000000003804245830d8c94aabe4545f0bfb2add";
  assert.deepEqual(real(36, "request", NET_USER.queryUserRequest), {
    handle: user,
    userInformationClass: "UserAllInformation",
  });
  const all = real(36, "response", NET_USER.queryUserResponse);
  assert.deepEqual(
    [all.userName, all.fullName, all.userId, all.primaryGroupId, all.userAccountControl],
    ["RonHD", "Ron HD", 1110, 513, 0x210],
  );
  assert.deepEqual(
    [all.lastLogon, all.passwordLastSet, all.accountExpires, all.whichFields, all.logonCount],
    ["2017-10-06T21:10:44.5457389Z", "2017-10-06T19:19:09.4223619Z", null, 0xffffff, 2],
  );
  assert.deepEqual(real(39, "response", NET_USER.getGroupsResponse), {
    membershipCount: 2,
    groups: [{ relativeId: 513, attributes: 7 }, { relativeId: 1106, attributes: 7 }],
    returnValue: 0,
  });
  assert.deepEqual(real(16, "request", NET_USER.aliasMembershipRequest), {
    handle: "00000000c1affffe4a838f4a9e0b10c3bb0f54d7",
    sids: [`${CONTOSO}-1110`, `${CONTOSO}-513`, `${CONTOSO}-1106`],
  });
  assert.deepEqual(real(16, "response", NET_USER.aliasMembershipResponse), {
    membership: [545],
    returnValue: 0,
  });
});

Deno.test("samr decodes mimikatz's machine password reset (NDR64), never the password", () => {
  assert.deepEqual(real(64, "request", RESET.connect5Request), {
    serverName: "172.16.66.36",
    desiredAccess: 0x31,
    inVersion: 1,
    inRevisionInfo: { revision: 3, supportedFeatures: 0 },
  });
  assert.deepEqual(real(6, "response", RESET.enumDomainsResponse), {
    enumerationContext: 3,
    entriesRead: 1,
    names: ["Builtin"],
    countReturned: 1,
    returnValue: 0x105, // STATUS_MORE_ENTRIES
  });
  assert.deepEqual(real(17, "request", RESET.lookupNamesRequest), {
    handle: "0000000069ba4c2d57d2234188757e30f93ab8c8",
    count: 1,
    names: ["01566S-WIN16-IR$"],
  });
  assert.deepEqual(real(17, "response", RESET.lookupNamesResponse), {
    relativeIds: [35103],
    use: ["SidTypeUser"],
    returnValue: 0,
  });
  assert.deepEqual(real(34, "request", RESET.openUserRequest), {
    handle: "0000000069ba4c2d57d2234188757e30f93ab8c8",
    desiredAccess: 0x80,
    userId: 35103,
  });
  assert.deepEqual(real(58, "request", RESET.setUserInfo2Request), {
    handle: "000000003d25f4d907d7384393e56166cb818daf",
    userInformationClass: "UserInternal5InformationNew", // tshark: Level 26
    passwordSet: true,
    passwordExpired: true, // tshark: Password Expired: 36
  });
});

Deno.test("samr decodes SamrConnect after ZeroLogon in CVE-2020-1472_exploit_win2019.pcap", () => {
  // corelight-zerologon/CVE-2020-1472_exploit_win2019.pcap frames 654 and 658 (NDR 2.0): the
  // exploit's follow-up tries \\samr with SamrConnect; tshark: System Name 0, access
  // 0x02000000, STATUS_ACCESS_DENIED.
  assert.deepEqual(decode(samr, 0, "request", { hex: "9b8600000000000000000002", ndr64: false }), {
    serverName: "",
    desiredAccess: 0x02000000,
  });
  const denied = "0000000000000000000000000000000000000000220000c0";
  assert.deepEqual(decode(samr, 0, "response", { hex: denied, ndr64: false }), {
    handle: "0".repeat(40),
    returnValue: 0xc0000022,
  });
});

const OPNUMS: Record<string, number> = {
  Connect: 0,
  CloseHandle: 1,
  LookupDomainInSamServer: 5,
  EnumerateDomainsInSamServer: 6,
  OpenDomain: 7,
  EnumerateGroupsInDomain: 11,
  EnumerateUsersInDomain: 13,
  EnumerateAliasesInDomain: 15,
  GetAliasMembership: 16,
  LookupNamesInDomain: 17,
  LookupIdsInDomain: 18,
  OpenGroup: 19,
  AddMemberToGroup: 22,
  OpenAlias: 27,
  AddMemberToAlias: 31,
  GetMembersInAlias: 33,
  OpenUser: 34,
  QueryInformationUser: 36,
  SetInformationUser: 37,
  GetGroupsForUser: 39,
  QueryInformationUser2: 47,
  CreateUser2InDomain: 50,
  Connect2: 57,
  SetInformationUser2: 58,
  Connect4: 62,
  Connect5: 64,
};

Deno.test("samr hostile stubs: truncations and 0xFFFFFFFF counts give NdrError", () => {
  for (const [name, opnum, dir, c] of namedCases(stubs.cases, OPNUMS)) {
    if (name.endsWith("internal4new")) continue; // stops at the level: truncations past it pass
    hostile(samr, opnum, dir, c);
  }
  hostile(samr, 36, "response", { hex: NET_USER.queryUserResponse, ndr64: true });
  hostile(samr, 58, "request", { hex: RESET.setUserInfo2Request, ndr64: true });
});
