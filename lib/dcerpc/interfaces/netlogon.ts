/**
 * Netlogon [MS-NRPC]: the secure channel's set-up (challenge, authenticate),
 * machine account password changes and pass-through logons. ZeroLogon
 * (CVE-2020-1472) shows here as NetrServerAuthenticate* calls with an
 * all-zero client credential, followed by NetrServerPasswordSet2 with a
 * zero authenticator and an all-zero new password; the `...AllZero` fields
 * say so directly.
 * IDL: [MS-NRPC] 6 (Appendix A); methods 3.5.4.
 * @module
 */
import { filetimeIso } from "../../bytes/wire_values.ts";
import { NdrError, type NdrReader } from "../ndr.ts";
import { named, optionalString, structAlign, unionSwitch } from "./common.ts";
import type { InterfaceDecoder, OperationDecoder, RpcArguments } from "./types.ts";

/** NETLOGON_SECURE_CHANNEL_TYPE ([MS-NRPC] 2.2.1.3.13). */
const SECURE_CHANNEL_TYPES = [
  "NullSecureChannel",
  "MsvApSecureChannel",
  "WorkstationSecureChannel",
  "TrustedDnsDomainSecureChannel",
  "TrustedDomainSecureChannel",
  "UasServerSecureChannel",
  "ServerSecureChannel",
  "CdcServerSecureChannel",
];

/** NETLOGON_LOGON_INFO_CLASS ([MS-NRPC] 2.2.1.4.16), from 1. */
const LOGON_LEVELS = [
  "NetlogonInteractiveInformation",
  "NetlogonNetworkInformation",
  "NetlogonServiceInformation",
  "NetlogonGenericInformation",
  "NetlogonInteractiveTransitiveInformation",
  "NetlogonNetworkTransitiveInformation",
  "NetlogonServiceTransitiveInformation",
  "NetlogonTicketLogonInformation",
];

/** The NETLOGON_VALIDATION_INFO_CLASS values ([MS-NRPC] 2.2.1.4.17), from 1. */
const VALIDATION_LEVELS = [
  "NetlogonValidationUasInfo",
  "NetlogonValidationSamInfo",
  "NetlogonValidationSamInfo2",
  "NetlogonValidationGenericInfo",
  "NetlogonValidationGenericInfo2",
  "NetlogonValidationSamInfo4",
  "NetlogonValidationTicketLogon",
];

/** Whether every byte of a hex string is zero. */
const allZero = (hex: string): boolean => /^0*$/.test(hex);

/** Seconds since 1970 (UTC) as ISO 8601, via a FILETIME. */
function unixTimeIso(seconds: number): string | null {
  const t = (BigInt(seconds) + 11_644_473_600n) * 10_000_000n;
  return filetimeIso(Number(t & 0xffff_ffffn), Number(t >> 32n));
}

/** A NETLOGON_AUTHENTICATOR: the 8-byte credential (hex) and the timestamp. */
function authenticator(r: NdrReader): { credential: string; timestamp: string | null } {
  r.align(4);
  const credential = r.hex(8);
  return { credential, timestamp: unixTimeIso(r.u32()) };
}

/**
 * The parameters that open every NetrServerAuthenticate* and
 * NetrServerPasswordSet* request: server, account, channel type, computer.
 */
function channelAccount(r: NdrReader): RpcArguments {
  return {
    primaryName: optionalString(r),
    accountName: r.wstring(),
    secureChannelType: named(SECURE_CHANNEL_TYPES, r.enum16()),
    computerName: r.wstring(),
  };
}

/** NetrServerAuthenticate, 2 and 3: the request, with the ZeroLogon sign. */
function authenticateRequest(withFlags: boolean) {
  return (r: NdrReader): RpcArguments => {
    const out = channelAccount(r);
    const clientCredential = r.hex(8);
    out.clientCredential = clientCredential;
    out.clientCredentialAllZero = allZero(clientCredential);
    if (withFlags) out.negotiateFlags = r.u32();
    return out;
  };
}

/**
 * A NETLOGON_LEVEL whose discriminant is next ([MS-NRPC] 2.2.1.4.6): for
 * interactive, service, network and generic logons (and their transitive
 * forms), the logon's identity; password hashes and challenge responses are
 * read past (their lengths kept for network logons). `decoded` is false for
 * another level (ticket logons): the caller stops there.
 */
function logonInformation(r: NdrReader, level: number): { values: RpcArguments; decoded: boolean } {
  const values: RpcArguments = {};
  const arm = unionSwitch(r, "enum");
  const kind = arm === 1 || arm === 5
    ? "interactive"
    : arm === 3 || arm === 7
    ? "service"
    : arm === 2 || arm === 6
    ? "network"
    : arm === 4
    ? "generic"
    : undefined;
  if (kind === undefined || arm !== level) return { values, decoded: false };
  if (r.pointer() === 0) return { values, decoded: true };
  structAlign(r);
  // NETLOGON_LOGON_IDENTITY_INFO
  values.logonDomainName = null;
  r.unicodeString((s) => (values.logonDomainName = s));
  values.parameterControl = r.u32();
  r.u32(); // Reserved (OLD_LARGE_INTEGER)
  r.u32();
  values.userName = null;
  r.unicodeString((s) => (values.userName = s));
  values.workstation = null;
  r.unicodeString((s) => (values.workstation = s));
  if (kind === "interactive" || kind === "service") {
    r.bytesView(32); // LmOwfPassword, NtOwfPassword
  } else if (kind === "network") {
    values.lmChallenge = r.hex(8);
    values.ntChallengeResponseLength = ansiString(r);
    values.lmChallengeResponseLength = ansiString(r);
  } else {
    values.packageName = null;
    r.unicodeString((s) => (values.packageName = s));
    values.dataLength = r.u32();
    if (r.pointer() !== 0) r.defer(() => r.bytesView(r.count(1)));
  }
  r.flush();
  return { values, decoded: true };
}

/**
 * A STRING (counted bytes: [size_is(MaximumLength), length_is(Length)]
 * CHAR*) embedded in a structure: its Length now, its bytes read past at the
 * flush.
 */
function ansiString(r: NdrReader): number {
  structAlign(r);
  const length = r.u16();
  r.u16(); // MaximumLength
  if (r.pointer() !== 0) {
    r.defer(() => {
      const max = r.count(0);
      const offset = r.count(0);
      const actual = r.count(1);
      if (offset + actual > max) throw new NdrError(`STRING: ${offset} + ${actual} > ${max}`);
      r.bytesView(actual);
    });
  }
  return length;
}

/** NetrLogonSamLogonEx and WithFlags: the request after the authenticators. */
function samLogonRest(r: NdrReader, out: RpcArguments): RpcArguments {
  const level = r.enum16();
  out.logonLevel = named(LOGON_LEVELS, level, 1);
  const { values, decoded } = logonInformation(r, level);
  Object.assign(out, values);
  if (!decoded) return out;
  out.validationLevel = named(VALIDATION_LEVELS, r.enum16(), 1);
  out.extraFlags = r.u32();
  return out;
}

/** The response of a call that returns only an authenticator and the status. */
const returnAuthenticatorResponse = (r: NdrReader): RpcArguments => ({
  returnAuthenticator: authenticator(r),
  returnValue: r.u32(),
});

/** NetrServerPasswordSet and PasswordSet2: account, authenticator, then the new password. */
function passwordSet(clear: boolean): OperationDecoder {
  return {
    request: (r) => {
      const out = channelAccount(r);
      const auth = authenticator(r);
      out.authenticator = auth;
      out.authenticatorAllZero = allZero(auth.credential);
      if (clear) {
        // NL_TRUST_PASSWORD: WCHAR Buffer[256] and ULONG Length, encrypted with the session key.
        const password = r.hex(516);
        out.clearNewPassword = password;
        out.clearNewPasswordAllZero = allZero(password);
      } else {
        const password = r.hex(16); // ENCRYPTED_NT_OWF_PASSWORD
        out.uasNewPassword = password;
        out.uasNewPasswordAllZero = allZero(password);
      }
      return out;
    },
    response: returnAuthenticatorResponse,
  };
}

/**
 * Netlogon argument decoders ([MS-NRPC]): secure channel set-up, password
 * sets and the identities of pass-through logons. NTSTATUS return values.
 */
export const netlogon: InterfaceDecoder = {
  uuids: ["12345678-1234-abcd-ef00-01234567cffb"],
  returns: "ntstatus",
  ops: {
    // NetrServerReqChallenge
    4: {
      request: (r) => ({
        primaryName: optionalString(r),
        computerName: r.wstring(),
        clientChallenge: r.hex(8),
      }),
      response: (r) => ({ serverChallenge: r.hex(8), returnValue: r.u32() }),
    },
    // NetrServerAuthenticate
    5: {
      request: authenticateRequest(false),
      response: (r) => ({ serverCredential: r.hex(8), returnValue: r.u32() }),
    },
    // NetrServerPasswordSet
    6: passwordSet(false),
    // NetrServerAuthenticate2
    15: {
      request: authenticateRequest(true),
      response: (r) => ({
        serverCredential: r.hex(8),
        negotiateFlags: r.u32(),
        returnValue: r.u32(),
      }),
    },
    // NetrLogonGetCapabilities
    21: {
      request: (r) => ({
        serverName: r.wstring(),
        computerName: optionalString(r),
        authenticator: authenticator(r),
        returnAuthenticator: authenticator(r),
        queryLevel: r.u32(),
      }),
      response: (r) => {
        const returnAuthenticator = authenticator(r);
        const queryLevel = r.u32(); // the union's discriminant
        if (queryLevel !== 1 && queryLevel !== 2) return { returnAuthenticator, queryLevel };
        const capabilities = r.u32(); // ServerCapabilities or RequestedFlags
        return { returnAuthenticator, queryLevel, capabilities, returnValue: r.u32() };
      },
    },
    // NetrServerAuthenticate3
    26: {
      request: authenticateRequest(true),
      response: (r) => ({
        serverCredential: r.hex(8),
        negotiateFlags: r.u32(),
        accountRid: r.u32(),
        returnValue: r.u32(),
      }),
    },
    // NetrServerPasswordSet2
    30: passwordSet(true),
    // NetrLogonSamLogonEx (no authenticators: the channel is sealed instead)
    39: {
      request: (r) =>
        samLogonRest(r, { logonServer: optionalString(r), computerName: optionalString(r) }),
    },
    // NetrLogonSamLogonWithFlags
    45: {
      request: (r) => {
        const out: RpcArguments = {
          logonServer: optionalString(r),
          computerName: optionalString(r),
        };
        out.authenticator = r.pointer() === 0 ? null : authenticator(r);
        out.returnAuthenticator = r.pointer() === 0 ? null : authenticator(r);
        return samLogonRest(r, out);
      },
    },
  },
};
