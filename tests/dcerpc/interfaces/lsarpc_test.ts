import * as assert from "node:assert/strict";
import { lsarpc } from "../../../lib/dcerpc/interfaces/lsarpc.ts";
import stubs from "./lsarpc_stubs.json" with { type: "json" };
import { decode, hostile, namedCases, stubTable } from "./_support.ts";

// Stubs from make_stubs_ad.py (impacket 0.10.0 lsad and lsat; LsarGetUserName declared there).
const stub = stubTable(stubs.cases);

const H1 = "000102030405060708090a0b0c0d0e0f10111213";
const H2 = "1415161718191a1b1c1d1e1f2021222324252627";
const DOMAIN = "S-1-5-21-3628273402-1170543310-1028460544";

Deno.test("lsarpc LsarOpenPolicy(2): system name and access past the object attributes", () => {
  for (const name of ["OpenPolicy2.request", "OpenPolicy2.request.ndr64"]) {
    assert.deepEqual(decode(lsarpc, 44, "request", stub(name)), {
      systemName: "\\\\DC01",
      desiredAccess: 0x20801,
    }, name);
  }
  assert.deepEqual(decode(lsarpc, 44, "request", stub("OpenPolicy2.request.qos")), {
    systemName: null,
    desiredAccess: 0x02000000,
  });
  assert.deepEqual(decode(lsarpc, 44, "response", stub("OpenPolicy2.response")), {
    handle: H1,
    returnValue: 0,
  });
  assert.deepEqual(decode(lsarpc, 6, "request", stub("OpenPolicy.request")), {
    systemName: null,
    desiredAccess: 0x800,
  });
  assert.deepEqual(decode(lsarpc, 0, "request", stub("Close.request")), { handle: H1 });
  assert.deepEqual(decode(lsarpc, 0, "response", stub("Close.response")), {
    handle: "0".repeat(40),
    returnValue: 0,
  });
});

Deno.test("lsarpc LsarQueryInformationPolicy(2): the domain's names, GUID and SID", () => {
  assert.deepEqual(decode(lsarpc, 46, "request", stub("QueryInformationPolicy2.request")), {
    handle: H1,
    informationClass: "PolicyDnsDomainInformation",
  });
  for (
    const name of ["QueryInformationPolicy2.response"]
  ) {
    assert.deepEqual(decode(lsarpc, 46, "response", stub(name)), {
      informationClass: "PolicyDnsDomainInformation",
      name: "CONTOSO",
      dnsDomainName: "contoso.local",
      dnsForestName: "contoso.local",
      domainGuid: "33221100-5544-7766-8899-aabbccddeeff",
      sid: DOMAIN,
      returnValue: 0,
    }, name);
  }
  assert.deepEqual(decode(lsarpc, 7, "request", stub("QueryInformationPolicy.request")), {
    handle: H1,
    informationClass: "PolicyAccountDomainInformation",
  });
  assert.deepEqual(decode(lsarpc, 7, "response", stub("QueryInformationPolicy.response")), {
    informationClass: "PolicyAccountDomainInformation",
    domainName: "WS01",
    domainSid: "S-1-5-21-1-2-3",
    returnValue: 0,
  });
  assert.deepEqual(
    decode(lsarpc, 7, "response", stub("QueryInformationPolicy.response.primary")),
    {
      informationClass: "PolicyPrimaryDomainInformation",
      name: "CONTOSO",
      sid: DOMAIN,
      returnValue: 0,
    },
  );
});

Deno.test("lsarpc LsarEnumerateAccounts: the accounts' SIDs", () => {
  assert.deepEqual(decode(lsarpc, 11, "request", stub("EnumerateAccounts.request")), {
    handle: H1,
    enumerationContext: 0,
    preferedMaximumLength: 0xffffffff,
  });
  assert.deepEqual(decode(lsarpc, 11, "response", stub("EnumerateAccounts.response")), {
    enumerationContext: 3,
    accounts: ["S-1-5-32-544", "S-1-5-21-1-2-3-1000"],
    returnValue: 0,
  });
});

Deno.test("lsarpc secrets and private data: names and lengths, never the values", () => {
  assert.deepEqual(decode(lsarpc, 28, "request", stub("OpenSecret.request")), {
    handle: H1,
    secretName: "$MACHINE.ACC",
    desiredAccess: 0x02000000,
  });
  assert.deepEqual(decode(lsarpc, 28, "response", stub("OpenSecret.response")), {
    handle: H2,
    returnValue: 0,
  });
  assert.deepEqual(decode(lsarpc, 29, "request", stub("SetSecret.request")), {
    handle: H2,
    encryptedCurrentValueLength: 16,
    encryptedOldValueLength: null,
  });
  for (const name of ["RetrievePrivateData.request", "RetrievePrivateData.request.ndr64"]) {
    assert.deepEqual(decode(lsarpc, 43, "request", stub(name)), {
      handle: H1,
      keyName: "G$BCKUPKEY_PREFERRED",
      encryptedDataLength: null,
    }, name);
  }
  assert.deepEqual(decode(lsarpc, 43, "response", stub("RetrievePrivateData.response")), {
    encryptedDataLength: 24,
    returnValue: 0,
  });
});

Deno.test("lsarpc LsarGetUserName: the caller's user and domain", () => {
  assert.deepEqual(decode(lsarpc, 45, "request", stub("GetUserName.request")), {
    systemName: null,
    userName: null,
    domainName: null,
  });
  assert.deepEqual(decode(lsarpc, 45, "response", stub("GetUserName.response")), {
    userName: "alice",
    domainName: "CORP",
    returnValue: 0,
  });
});

Deno.test("lsarpc LsarLookupNames 1 to 4: names; domains, uses and RIDs or SIDs", () => {
  const request = {
    count: 2,
    names: ["CORP\\alice", "Domain Admins"],
    lookupLevel: "LsapLookupWksta",
    mappedCount: 0,
  };
  const v2 = { ...request, lookupOptions: 0, clientRevision: 2 };
  assert.deepEqual(decode(lsarpc, 14, "request", stub("LookupNames.request")), {
    handle: H1,
    ...request,
  });
  assert.deepEqual(decode(lsarpc, 58, "request", stub("LookupNames2.request")), {
    handle: H1,
    ...v2,
  });
  for (const name of ["LookupNames3.request", "LookupNames3.request.ndr64"]) {
    assert.deepEqual(decode(lsarpc, 68, "request", stub(name)), { handle: H1, ...v2 }, name);
  }
  assert.deepEqual(decode(lsarpc, 77, "request", stub("LookupNames4.request")), v2);
  const referencedDomains = [{ name: "CORP", sid: DOMAIN }];
  assert.deepEqual(decode(lsarpc, 14, "response", stub("LookupNames.response")), {
    referencedDomains,
    translatedSids: [
      { use: "SidTypeUser", relativeId: 1104, domainIndex: 0 },
      { use: "SidTypeGroup", relativeId: 512, domainIndex: 0 },
    ],
    mappedCount: 2,
    returnValue: 0,
  });
  assert.deepEqual(decode(lsarpc, 58, "response", stub("LookupNames2.response")), {
    referencedDomains,
    translatedSids: [{ use: "SidTypeUser", relativeId: 1104, domainIndex: 0, flags: 0 }],
    mappedCount: 1,
    returnValue: 0x107,
  });
  for (const name of ["LookupNames3.response"]) {
    assert.deepEqual(decode(lsarpc, 68, "response", stub(name)), {
      referencedDomains,
      translatedSids: [
        { use: "SidTypeUser", sid: `${DOMAIN}-1104`, domainIndex: 0, flags: 0 },
        { use: "SidTypeUnknown", sid: null, domainIndex: -1, flags: 0 },
      ],
      mappedCount: 1,
      returnValue: 0x107,
    }, name);
  }
});

Deno.test("lsarpc LsarLookupSids 1 to 3: SIDs; domains, uses and names", () => {
  const request = {
    sids: [`${DOMAIN}-500`, "S-1-5-32-544"],
    lookupLevel: "LsapLookupWksta",
    mappedCount: 0,
  };
  const v2 = { ...request, lookupOptions: 0, clientRevision: 2 };
  assert.deepEqual(decode(lsarpc, 15, "request", stub("LookupSids.request")), {
    handle: H1,
    ...request,
  });
  assert.deepEqual(decode(lsarpc, 57, "request", stub("LookupSids2.request")), {
    handle: H1,
    ...v2,
  });
  assert.deepEqual(decode(lsarpc, 76, "request", stub("LookupSids3.request")), v2);
  const referencedDomains = [{ name: "CORP", sid: DOMAIN }];
  assert.deepEqual(decode(lsarpc, 15, "response", stub("LookupSids.response")), {
    referencedDomains,
    translatedNames: [
      { use: "SidTypeUser", name: "Administrator", domainIndex: 0 },
      { use: "SidTypeAlias", name: "Administrators", domainIndex: -1 },
    ],
    mappedCount: 2,
    returnValue: 0,
  });
  assert.deepEqual(decode(lsarpc, 57, "response", stub("LookupSids2.response")), {
    referencedDomains,
    translatedNames: [
      { use: "SidTypeUser", name: "Administrator", domainIndex: 0, flags: 0 },
      { use: "SidTypeAlias", name: "Administrators", domainIndex: -1, flags: 0 },
    ],
    mappedCount: 2,
    returnValue: 0,
  });
});

// Real calls, NDR64: the stubs after the DCE/RPC headers of the frames named.
// 401trg/20171220_smb_net_user.pcap (`net user ronhd /domain`); tshark -V agrees on every value.
const NET_USER = {
  // frame 87
  openPolicy2Request:
    "00000200000000001200000000000000000000000000000012000000000000004400430031002e0063006f006e00" +
    "74006f0073006f002e006c006f00630061006c000000000000003000000000000000000000000000000000000000" +
    "0000000000000000000000000000000000000000000000000000000001080200",
  // frame 88
  openPolicy2Response: "0000000075a3aa314b586b49bf54872d7e532d5a00000000",
  // frame 89
  queryInfoRequest: "0000000075a3aa314b586b49bf54872d7e532d5a05000000",
  // frame 90
  queryInfoResponse:
    "000002000000000005000000000000000e0010000000000000000200000000000000020000000000080000000000" +
    "00000000000000000000070000000000000043004f004e0054004f0053004f000000040000000000000001040000" +
    "0000000515000000dabd392d369415ba583d52dd00000000",
  // frame 107
  lookupNames3Request:
    "0000000075a3aa314b586b49bf54872d7e532d5a0100000001000000000000001a001c0000000000000002000000" +
    "00000e0000000000000000000000000000000d0000000000000043004f004e0054004f0053004f005c0072006f00" +
    "6e00680064000000000000000000000000000000000000000000000001000000000000000000000002000000",
  // frame 108
  lookupNames3Response:
    "000002000000000001000000000000000000020000000000200000000000000001000000000000000e0010000000" +
    "00000000020000000000000002000000000008000000000000000000000000000000070000000000000043004f00" +
    "4e0054004f0053004f0000000400000000000000010400000000000515000000dabd392d369415ba583d52dd0100" +
    "00000000000000000200000000000100000000000000010000000000000000000200000000000000000000000000" +
    "0500000000000000010500000000000515000000dabd392d369415ba583d52dd560400000100000000000000",
};
// pcap-attack/Remote_Pwd_Reset_RPC_Admin_Mimikatz_PostZeroLogon.pcapng: mimikatz opens the
// $MACHINE.ACC secret and sets it (64-byte encrypted values; tshark: lsa_SetSecret, Length 64).
const RESET = {
  // frame 55
  openPolicy2Request:
    "00000200000000000d0000000000000000000000000000000d000000000000003100370032002e00310036002e00" +
    "360036002e0033003600000000000000000030000000000000000000000000000000000000000000000000000000" +
    "000000000000000000000000000000000000000020000000",
  // frame 57
  openSecretRequest:
    "000000005f81709526b22e44acd10d8537694f5a0000000018001a000000000000000200000000000d0000000000" +
    "000000000000000000000c0000000000000024004d0041004300480049004e0045002e0041004300430001000000",
  // frame 58
  openSecretResponse: "000000006feba147f4f50b4db547ace92d189df100000000",
  // frame 59
  setSecretRequest:
    "000000006feba147f4f50b4db547ace92d189df10000000000000200000000004000000040000000000002000000" +
    "0000400000000000000000000000000000004000000000000000122083fdd5176ca2f0a8dbb7eedd85ecc91655e6" +
    "20857563235b773d2f70579855bdc6fd4a36fdc8f149116254a9ab23147eed45d9d3b41fa885773cffb22f570000" +
    "02000000000040000000400000000000020000000000400000000000000000000000000000004000000000000000" +
    "122083fdd5176ca2f0a8dbb7eedd85ecc91655e620857563235b773d2f70579855bdc6fd4a36fdc8f149116254a9" +
    "ab23147eed45d9d3b41fa885773cffb22f57",
};
// pcap-attack/CredAccess_BackupMasterKey_LSARPC_43_RetrievePrivateData.pcapng: DPAPI domain
// backup key theft (mimikatz lsadump::backupkeys). The capture starts after the bind, so tshark
// shows only "Stub data"; the key names are readable in those bytes.
const BACKUP_KEY = {
  // frame 1
  retrievePreferredRequest:
    "00000000a474b9cef306644fb1dd365e672d1bbc0000000028002a00000000000000020000000000150000000000" +
    "00000000000000000000140000000000000047002400420043004b00550050004b00450059005f00500052004500" +
    "4600450052005200450044000000000000000000",
  // frame 2
  retrievePreferredResponse:
    "00000200000000001800000018000000000002000000000018000000000000000000000000000000180000000000" +
    "000046369e903ea01b5a7b3409a3f4b0e3aa5de2a6480169688800000000",
  // frame 8
  retrieveKeyRequest:
    "000000006843d14f03c0c3489eb8bb9508e05b36000000005e006000000000000000020000000000300000000000" +
    "000000000000000000002f0000000000000047002400420043004b00550050004b00450059005f00320031003700" +
    "610030006200610034002d0032003800610033002d0034003000380035002d0038006300650038002d0062003600" +
    "320066003800610066006300650063003800640000000000000000000000",
  // frame 9
  retrieveKeyResponse:
    "00000200000000001001000010010000000002000000000010010000000000000000000000000000100100000000" +
    "00002afc082227a9702d03e9b63792762befc620e4c0077e634df8ba23c9bfd8f284e11018638698a9883601709f" +
    "c7f7a85c4bbbb3d03e91b3fc6d8fcc672f89c33f6a3fea807d2dcea2e778d20345e199f30fea5eaf254b86ff1c31" +
    "86302229603ad816bfe893b269bd947d37aed5ad44ef92878b6fa96c03539f6d3b131a1c2de5a1de7815d21f2301" +
    "ad0c7070df9b7430f5e3d1990fd9f18f8cc5430a6cbc5b8bb9b758068258271315d938d7563c87961bc5c2448bed" +
    "b614651c03e843c4731baec9d2ab1a9fdb1ca7997b0afa002d6ec06dca7e28b56a0d287d1073f8074ece5489b377" +
    "b490bae48e0fa7e17545b36e2a16ed2d24856ebb9d20e9d07c3249e1cee55802c200c6295598a49970edda9d0000" +
    "0000",
};
const real = (opnum: number, dir: "request" | "response", hex: string) =>
  decode(lsarpc, opnum, dir, { hex, ndr64: true });
const CONTOSO = "S-1-5-21-758758874-3121976374-3713154392";

Deno.test("lsarpc decodes net user /domain's LSA calls in 20171220_smb_net_user.pcap", () => {
  assert.deepEqual(real(44, "request", NET_USER.openPolicy2Request), {
    systemName: "DC1.contoso.local",
    desiredAccess: 0x20801,
  });
  const h = "0000000075a3aa314b586b49bf54872d7e532d5a";
  assert.deepEqual(real(44, "response", NET_USER.openPolicy2Response), {
    handle: h,
    returnValue: 0,
  });
  assert.deepEqual(real(7, "request", NET_USER.queryInfoRequest), {
    handle: h,
    informationClass: "PolicyAccountDomainInformation", // tshark: LSA_POLICY_INFO_ACCOUNT_DOMAIN
  });
  assert.deepEqual(real(7, "response", NET_USER.queryInfoResponse), {
    informationClass: "PolicyAccountDomainInformation",
    domainName: "CONTOSO",
    domainSid: CONTOSO,
    returnValue: 0,
  });
  assert.deepEqual(real(68, "request", NET_USER.lookupNames3Request), {
    handle: h,
    count: 1,
    names: ["CONTOSO\\ronhd"],
    lookupLevel: "LsapLookupWksta",
    mappedCount: 0,
    lookupOptions: 0,
    clientRevision: 2,
  });
  assert.deepEqual(real(68, "response", NET_USER.lookupNames3Response), {
    referencedDomains: [{ name: "CONTOSO", sid: CONTOSO }],
    translatedSids: [{ use: "SidTypeUser", sid: `${CONTOSO}-1110`, domainIndex: 0, flags: 0 }],
    mappedCount: 1,
    returnValue: 0,
  });
});

Deno.test("lsarpc decodes mimikatz's $MACHINE.ACC reset in the PostZeroLogon capture", () => {
  assert.deepEqual(real(44, "request", RESET.openPolicy2Request), {
    systemName: "172.16.66.36",
    desiredAccess: 0x20,
  });
  assert.deepEqual(real(28, "request", RESET.openSecretRequest), {
    handle: "000000005f81709526b22e44acd10d8537694f5a",
    secretName: "$MACHINE.ACC",
    desiredAccess: 1,
  });
  assert.deepEqual(real(28, "response", RESET.openSecretResponse), {
    handle: "000000006feba147f4f50b4db547ace92d189df1",
    returnValue: 0,
  });
  assert.deepEqual(real(29, "request", RESET.setSecretRequest), {
    handle: "000000006feba147f4f50b4db547ace92d189df1",
    encryptedCurrentValueLength: 64,
    encryptedOldValueLength: 64,
  });
});

Deno.test("lsarpc decodes DPAPI backup key theft (LsarRetrievePrivateData)", () => {
  assert.deepEqual(real(43, "request", BACKUP_KEY.retrievePreferredRequest), {
    handle: "00000000a474b9cef306644fb1dd365e672d1bbc",
    keyName: "G$BCKUPKEY_PREFERRED",
    encryptedDataLength: null,
  });
  assert.deepEqual(real(43, "response", BACKUP_KEY.retrievePreferredResponse), {
    encryptedDataLength: 24,
    returnValue: 0,
  });
  assert.deepEqual(real(43, "request", BACKUP_KEY.retrieveKeyRequest), {
    handle: "000000006843d14f03c0c3489eb8bb9508e05b36",
    keyName: "G$BCKUPKEY_217a0ba4-28a3-4085-8ce8-b62f8afcec8d",
    encryptedDataLength: null,
  });
  assert.deepEqual(real(43, "response", BACKUP_KEY.retrieveKeyResponse), {
    encryptedDataLength: 272,
    returnValue: 0,
  });
});

const OPNUMS: Record<string, number> = {
  Close: 0,
  OpenPolicy: 6,
  QueryInformationPolicy: 7,
  EnumerateAccounts: 11,
  LookupNames: 14,
  LookupSids: 15,
  OpenSecret: 28,
  SetSecret: 29,
  RetrievePrivateData: 43,
  OpenPolicy2: 44,
  GetUserName: 45,
  QueryInformationPolicy2: 46,
  LookupSids2: 57,
  LookupNames2: 58,
  LookupNames3: 68,
  LookupSids3: 76,
  LookupNames4: 77,
};

Deno.test("lsarpc hostile stubs: truncations and 0xFFFFFFFF counts give NdrError", () => {
  for (const [, opnum, dir, c] of namedCases(stubs.cases, OPNUMS)) {
    hostile(lsarpc, opnum, dir, c);
  }
  hostile(lsarpc, 68, "response", { hex: NET_USER.lookupNames3Response, ndr64: true });
  hostile(lsarpc, 43, "response", { hex: BACKUP_KEY.retrieveKeyResponse, ndr64: true });
});
