import * as assert from "node:assert/strict";
import { NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { netlogon } from "../../../lib/dcerpc/interfaces/netlogon.ts";
import stubs from "./netlogon_stubs.json" with { type: "json" };
import { bytes, decode, hostile, namedCases, stubTable } from "./_support.ts";

// Stubs from make_stubs_ad.py (impacket 0.10.0 nrpc; NetrServerPasswordSet declared there).
const stub = stubTable(stubs.cases);

Deno.test("netlogon NetrServerReqChallenge: names and challenges, NDR 2.0 and NDR64", () => {
  for (const name of ["ServerReqChallenge.request", "ServerReqChallenge.request.ndr64"]) {
    assert.deepEqual(decode(netlogon, 4, "request", stub(name)), {
      primaryName: "\\\\DC01",
      computerName: "WS01",
      clientChallenge: "1122334455667788",
    });
  }
  assert.deepEqual(decode(netlogon, 4, "response", stub("ServerReqChallenge.response")), {
    serverChallenge: "a1a2a3a4a5a6a7a8",
    returnValue: 0,
  });
});

Deno.test("netlogon NetrServerAuthenticate, 2 and 3: channel type by name, zero credentials", () => {
  assert.deepEqual(decode(netlogon, 5, "request", stub("ServerAuthenticate.request")), {
    primaryName: null,
    accountName: "WS01$",
    secureChannelType: "WorkstationSecureChannel",
    computerName: "WS01",
    clientCredential: "0102030405060708",
    clientCredentialAllZero: false,
  });
  assert.deepEqual(decode(netlogon, 5, "response", stub("ServerAuthenticate.response")), {
    serverCredential: "0807060504030201",
    returnValue: 0xc0000022,
  });
  const dc = {
    primaryName: "\\\\DC01",
    accountName: "DC01$",
    secureChannelType: "ServerSecureChannel",
    computerName: "DC01",
    clientCredential: "0000000000000000",
    clientCredentialAllZero: true,
    negotiateFlags: 0x212fffff,
  };
  assert.deepEqual(decode(netlogon, 15, "request", stub("ServerAuthenticate2.request")), dc);
  assert.deepEqual(decode(netlogon, 15, "response", stub("ServerAuthenticate2.response")), {
    serverCredential: "0000000000000000",
    negotiateFlags: 0x212fffff,
    returnValue: 0,
  });
  for (const name of ["ServerAuthenticate3.request", "ServerAuthenticate3.request.ndr64"]) {
    assert.deepEqual(decode(netlogon, 26, "request", stub(name)), dc, name);
  }
  assert.deepEqual(decode(netlogon, 26, "response", stub("ServerAuthenticate3.response")), {
    serverCredential: "3a4b5c6d7e8f90a1",
    negotiateFlags: 0x612fffff,
    accountRid: 1000,
    returnValue: 0,
  });
});

Deno.test("netlogon NetrServerPasswordSet2 and PasswordSet: ZeroLogon's all-zero fields", () => {
  assert.deepEqual(decode(netlogon, 30, "request", stub("ServerPasswordSet2.request")), {
    primaryName: "\\\\DC01",
    accountName: "DC01$",
    secureChannelType: "ServerSecureChannel",
    computerName: "DC01",
    authenticator: { credential: "0000000000000000", timestamp: "1970-01-01T00:00:00.0000000Z" },
    authenticatorAllZero: true,
    clearNewPassword: "00".repeat(516),
    clearNewPasswordAllZero: true,
  });
  assert.deepEqual(decode(netlogon, 30, "response", stub("ServerPasswordSet2.response")), {
    returnAuthenticator: {
      credential: "1010101010101010",
      timestamp: "2020-09-13T12:26:40.0000000Z",
    },
    returnValue: 0,
  });
  assert.deepEqual(decode(netlogon, 6, "request", stub("ServerPasswordSet.request")), {
    primaryName: null,
    accountName: "WS02$",
    secureChannelType: "WorkstationSecureChannel",
    computerName: "WS02",
    authenticator: { credential: "123456789abcdef0", timestamp: "2023-11-14T22:13:20.0000000Z" },
    authenticatorAllZero: false,
    uasNewPassword: "000102030405060708090a0b0c0d0e0f",
    uasNewPasswordAllZero: false,
  });
});

Deno.test("netlogon NetrLogonGetCapabilities: server, computer, level; capabilities", () => {
  assert.deepEqual(decode(netlogon, 21, "request", stub("LogonGetCapabilities.request")), {
    serverName: "\\\\DC01",
    computerName: "WS01",
    authenticator: { credential: "0101010101010101", timestamp: "2020-09-13T12:26:41.0000000Z" },
    returnAuthenticator: {
      credential: "0000000000000000",
      timestamp: "1970-01-01T00:00:00.0000000Z",
    },
    queryLevel: 1,
  });
  assert.deepEqual(decode(netlogon, 21, "response", stub("LogonGetCapabilities.response")), {
    returnAuthenticator: {
      credential: "0202020202020202",
      timestamp: "1970-01-01T00:00:00.0000000Z",
    },
    queryLevel: 1,
    capabilities: 0x612fffff,
    returnValue: 0,
  });
});

Deno.test("netlogon NetrLogonSamLogonWithFlags and SamLogonEx: the logon's identity", () => {
  const withFlags = {
    logonServer: "\\\\DC01",
    computerName: "SRV01",
    authenticator: { credential: "0505050505050505", timestamp: "2020-09-13T12:26:42.0000000Z" },
    returnAuthenticator: {
      credential: "0000000000000000",
      timestamp: "1970-01-01T00:00:00.0000000Z",
    },
    logonDomainName: "CORP",
    parameterControl: 0x2ae0,
    userName: "alice",
    workstation: "LAPTOP7",
    validationLevel: "NetlogonValidationSamInfo4",
    extraFlags: 0,
  };
  assert.deepEqual(
    decode(netlogon, 45, "request", stub("LogonSamLogonWithFlags.request.ndr64")),
    { ...withFlags, logonLevel: "NetlogonInteractiveInformation" },
  );
  for (const name of ["LogonSamLogonWithFlags.request"]) {
    assert.deepEqual(decode(netlogon, 45, "request", stub(name)), {
      logonServer: "\\\\DC01",
      computerName: "SRV01",
      authenticator: {
        credential: "0505050505050505",
        timestamp: "2020-09-13T12:26:42.0000000Z",
      },
      returnAuthenticator: {
        credential: "0000000000000000",
        timestamp: "1970-01-01T00:00:00.0000000Z",
      },
      logonLevel: "NetlogonNetworkTransitiveInformation",
      logonDomainName: "CORP",
      parameterControl: 0x2ae0,
      userName: "alice",
      workstation: "LAPTOP7",
      lmChallenge: "9999999999999999",
      ntChallengeResponseLength: 24,
      lmChallengeResponseLength: 24,
      validationLevel: "NetlogonValidationSamInfo4",
      extraFlags: 0,
    }, name);
  }
  assert.deepEqual(decode(netlogon, 39, "request", stub("LogonSamLogonEx.request")), {
    logonServer: null,
    computerName: "SRV01",
    logonLevel: "NetlogonInteractiveInformation",
    logonDomainName: "CORP",
    parameterControl: 0x2ae0,
    userName: "Administrator",
    workstation: "\\\\ATTACKER",
    validationLevel: "NetlogonValidationSamInfo2",
    extraFlags: 0,
  });
  assert.deepEqual(decode(netlogon, 39, "request", stub("LogonSamLogonEx.request.generic")), {
    logonServer: "\\\\DC01",
    computerName: null,
    logonLevel: "NetlogonGenericInformation",
    logonDomainName: "CORP",
    parameterControl: 0x2ae0,
    userName: "bob",
    workstation: "",
    packageName: "Kerberos",
    dataLength: 3,
    validationLevel: "NetlogonValidationGenericInfo2",
    extraFlags: 1,
  });
});

Deno.test("netlogon NetrLogonSamLogonEx: a ticket logon gives the level and stops", () => {
  // LogonServer null, ComputerName null, LogonLevel 8, discriminant 8, a pointer.
  const r = new NdrReader(bytes("00000000" + "00000000" + "0800" + "0800" + "04000200"));
  assert.deepEqual(netlogon.ops[39]?.request?.(r), {
    logonServer: null,
    computerName: null,
    logonLevel: "NetlogonTicketLogonInformation",
  });
});

// Real calls: corelight-zerologon/CVE-2020-1472_exploit_win2019.pcap (the impacket-based
// ZeroLogon exploit against BAS-AD-01), stubs after the 24-byte DCE/RPC headers of the frames
// named. tshark -V is the oracle for frames 19-23 and 573-574; it reports frames 581 and 584
// (NetrServerPasswordSet2) as malformed because its dissector reads AccountName and
// ReturnAuthenticator as [unique] pointers, which the IDL ([MS-NRPC] 3.5.4.4.5) does not make
// them; the values below for those frames are read from the bytes per the IDL.
const BAS = "5c005c004200410053002d00410044002d0030003100"; // \\BAS-AD-01 without its NUL
const CORPUS = {
  reqChallenge19: "e85a00000c000000000000000c000000" + BAS + "00000a000000000000000a000000" +
    "4200410053002d00410044002d003000310000000000000000000000",
  reqChallenge20: "ca22e888fbe131ec00000000",
  authenticate3_22: "d2d900000c000000000000000c000000" + BAS + "00000b000000000000000b000000" +
    "4200410053002d00410044002d00300031002400000006000a000000000000000a000000" +
    "4200410053002d00410044002d003000310000000000000000000000ffff2f21",
  authenticate3_23: "0000000000000000ffff2f2100000000220000c0",
  authenticate3_574: "84ab11d0b783d133ffff2f21e803000000000000",
  passwordSet2_581: "32b900000c000000000000000c000000" + BAS + "00000b000000000000000b000000" +
    "4200410053002d00410044002d00300031002400000006000a000000000000000a000000" +
    "4200410053002d00410044002d00300031000000" + "00".repeat(8 + 4 + 516),
  passwordSet2_584: "01edd22d7e4efce80000000000000000",
};
const real = (opnum: number, dir: "request" | "response", hex: string) =>
  decode(netlogon, opnum, dir, { hex, ndr64: false });

Deno.test("netlogon decodes the ZeroLogon exploit's calls in CVE-2020-1472_exploit_win2019", () => {
  assert.deepEqual(real(4, "request", CORPUS.reqChallenge19), {
    primaryName: "\\\\BAS-AD-01",
    computerName: "BAS-AD-01",
    clientChallenge: "0000000000000000",
  });
  assert.deepEqual(real(4, "response", CORPUS.reqChallenge20), {
    serverChallenge: "ca22e888fbe131ec",
    returnValue: 0,
  });
  assert.deepEqual(real(26, "request", CORPUS.authenticate3_22), {
    primaryName: "\\\\BAS-AD-01",
    accountName: "BAS-AD-01$",
    secureChannelType: "ServerSecureChannel", // tshark: SEC_CHAN_BDC (6)
    computerName: "BAS-AD-01",
    clientCredential: "0000000000000000",
    clientCredentialAllZero: true,
    negotiateFlags: 0x212fffff,
  });
  assert.deepEqual(real(26, "response", CORPUS.authenticate3_23), {
    serverCredential: "0000000000000000",
    negotiateFlags: 0x212fffff,
    accountRid: 0,
    returnValue: 0xc0000022, // STATUS_ACCESS_DENIED
  });
  assert.deepEqual(real(26, "response", CORPUS.authenticate3_574), {
    serverCredential: "84ab11d0b783d133",
    negotiateFlags: 0x212fffff,
    accountRid: 1000,
    returnValue: 0,
  });
  const set = real(30, "request", CORPUS.passwordSet2_581);
  assert.equal(set.accountName, "BAS-AD-01$");
  assert.equal(set.secureChannelType, "ServerSecureChannel");
  assert.equal(set.computerName, "BAS-AD-01");
  assert.equal(set.authenticatorAllZero, true);
  assert.equal(set.clearNewPasswordAllZero, true);
  assert.deepEqual(real(30, "response", CORPUS.passwordSet2_584), {
    returnAuthenticator: {
      credential: "01edd22d7e4efce8",
      timestamp: "1970-01-01T00:00:00.0000000Z",
    },
    returnValue: 0,
  });
});

const OPNUMS: Record<string, number> = {
  ServerReqChallenge: 4,
  ServerAuthenticate: 5,
  ServerPasswordSet: 6,
  ServerAuthenticate2: 15,
  LogonGetCapabilities: 21,
  ServerAuthenticate3: 26,
  ServerPasswordSet2: 30,
  LogonSamLogonEx: 39,
  LogonSamLogonWithFlags: 45,
};

Deno.test("netlogon hostile stubs: truncations and 0xFFFFFFFF counts give NdrError", () => {
  for (const [, opnum, dir, c] of namedCases(stubs.cases, OPNUMS)) {
    hostile(netlogon, opnum, dir, c);
  }
  for (const [name, hex] of Object.entries(CORPUS)) {
    const opnum = { r: 4, a: 26, p: 30 }[name[0] as "r" | "a" | "p"];
    const dir = /(20|23|574|584)$/.test(name) ? "response" : "request";
    hostile(netlogon, opnum, dir, { hex, ndr64: false });
  }
});
