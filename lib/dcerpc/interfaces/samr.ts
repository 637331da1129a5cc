/**
 * The Security Account Manager Remote Protocol [MS-SAMR]: connecting,
 * opening domains, users, groups and aliases, reading and setting user
 * information (a remote password reset is SamrSetInformationUser2 with an
 * encrypted password level, never decoded here), creating users and adding
 * members to groups and aliases. Enumerations and look-ups are in
 * samr_lookup.ts.
 * IDL: [MS-SAMR] 6 (Appendix A); methods 3.1.5.
 * @module
 */
import { filetimeIso } from "../../bytes/wire_values.ts";
import type { NdrReader } from "../ndr.ts";
import {
  enumerateDomains,
  enumerateGroupsOrAliases,
  enumerateUsers,
  getAliasMembership,
  getGroupsForUser,
  getMembersInAlias,
  lookupDomain,
  lookupIds,
  lookupNames,
} from "./samr_lookup.ts";
import {
  handleOnly,
  handleResponse,
  named,
  optionalString,
  optionalWchar,
  returnOnly,
  skipVaryingArray,
  structAlign,
  unicodeStringParameter,
  unionArm,
} from "./common.ts";
import type { InterfaceDecoder, OperationDecoder, RpcArguments } from "./types.ts";

/** USER_INFORMATION_CLASS ([MS-SAMR] 2.2.6.28). */
const USER_INFORMATION_CLASSES: Readonly<Record<number, string>> = {
  1: "UserGeneralInformation",
  2: "UserPreferencesInformation",
  3: "UserLogonInformation",
  4: "UserLogonHoursInformation",
  5: "UserAccountInformation",
  6: "UserNameInformation",
  7: "UserAccountNameInformation",
  8: "UserFullNameInformation",
  9: "UserPrimaryGroupInformation",
  10: "UserHomeInformation",
  11: "UserScriptInformation",
  12: "UserProfileInformation",
  13: "UserAdminCommentInformation",
  14: "UserWorkStationsInformation",
  16: "UserControlInformation",
  17: "UserExpiresInformation",
  18: "UserInternal1Information",
  20: "UserParametersInformation",
  21: "UserAllInformation",
  23: "UserInternal4Information",
  24: "UserInternal5Information",
  25: "UserInternal4InformationNew",
  26: "UserInternal5InformationNew",
  31: "UserInternal7Information",
  32: "UserInternal8Information",
};

/** Levels whose structure carries an encrypted password (or hashes) to set. */
const PASSWORD_LEVELS = new Set([18, 23, 24, 25, 26, 31, 32]);

/** WhichFields bits that say UserAllInformation sets the NT or LM hash ([MS-SAMR] 2.2.1.8). */
const USER_ALL_PASSWORD_PRESENT = 0x0100_0000 | 0x0200_0000;

/** A USER_INFORMATION_CLASS value's name, or the number. */
const userInformationClass = (v: number): string | number => named(USER_INFORMATION_CLASSES, v);

/** An OLD_LARGE_INTEGER time as ISO 8601; null for zero and for "never" (the largest value). */
function oldLargeIntegerTime(r: NdrReader): string | null {
  const low = r.u32(), high = r.u32();
  return high === 0x7fff_ffff && low === 0xffff_ffff ? null : filetimeIso(low, high);
}

/**
 * A SAMPR_USER_ALL_INFORMATION whose flat part is next ([MS-SAMR] 2.2.6.6):
 * the account's names, paths, RIDs, control bits and times; hashes, private
 * data, the security descriptor and logon hours are read past.
 */
function userAll(r: NdrReader, out: RpcArguments): void {
  structAlign(r);
  out.lastLogon = oldLargeIntegerTime(r);
  oldLargeIntegerTime(r); // LastLogoff
  out.passwordLastSet = oldLargeIntegerTime(r);
  out.accountExpires = oldLargeIntegerTime(r);
  oldLargeIntegerTime(r); // PasswordCanChange
  oldLargeIntegerTime(r); // PasswordMustChange
  for (
    const key of [
      "userName",
      "fullName",
      "homeDirectory",
      "homeDirectoryDrive",
      "scriptPath",
      "profilePath",
      "adminComment",
      "workStations",
      "userComment",
      null, // Parameters
    ]
  ) {
    if (key) out[key] = null;
    r.unicodeString((s) => {
      if (key) out[key] = s;
    });
  }
  for (let i = 0; i < 2; i++) {
    // LmOwfPassword, NtOwfPassword: RPC_SHORT_BLOB
    structAlign(r);
    r.u16();
    r.u16();
    if (r.pointer() !== 0) r.defer(() => skipVaryingArray(r, 2));
  }
  r.unicodeString(() => {}); // PrivateData
  structAlign(r); // SecurityDescriptor: SAMPR_SR_SECURITY_DESCRIPTOR
  r.u32();
  if (r.pointer() !== 0) r.defer(() => r.bytesView(r.count(1)));
  out.userId = r.u32();
  out.primaryGroupId = r.u32();
  out.userAccountControl = r.u32();
  out.whichFields = r.u32();
  structAlign(r); // LogonHours: SAMPR_LOGON_HOURS
  r.u16();
  if (r.pointer() !== 0) r.defer(() => skipVaryingArray(r, 1));
  out.badPasswordCount = r.u16();
  out.logonCount = r.u16();
  r.u16(); // CountryCode
  r.u16(); // CodePage
  out.lmPasswordPresent = r.u8() !== 0;
  out.ntPasswordPresent = r.u8() !== 0;
  out.passwordExpired = r.u8() !== 0;
  r.u8(); // PrivateDataSensitive
  r.flush();
}

/**
 * A SAMPR_USER_INFO_BUFFER whose discriminant is next: the level by name
 * and, for the levels read (account name, primary group, control, internal
 * 1 and 5 flags, all information), their fields. Any other level gives `level`
 * (the number) and stops; levels that carry a password say `passwordSet`.
 */
function userInfo(r: NdrReader, setting: boolean): { values: RpcArguments; decoded: boolean } {
  const level = unionArm(r, "enum");
  const values: RpcArguments = { userInformationClass: userInformationClass(level) };
  if (setting && PASSWORD_LEVELS.has(level)) values.passwordSet = true;
  switch (level) {
    case 7: // SAMPR_USER_A_NAME_INFORMATION
      values.userName = unicodeStringParameter(r);
      return { values, decoded: true };
    case 9: // USER_PRIMARY_GROUP_INFORMATION
      values.primaryGroupId = r.u32();
      return { values, decoded: true };
    case 16: // USER_CONTROL_INFORMATION
      values.userAccountControl = r.u32();
      return { values, decoded: true };
    case 18: // SAMPR_USER_INTERNAL1_INFORMATION: the encrypted hashes, read past
      r.bytesView(32);
      values.ntPasswordPresent = r.u8() !== 0;
      values.lmPasswordPresent = r.u8() !== 0;
      values.passwordExpired = r.u8() !== 0;
      return { values, decoded: true };
    case 24: // SAMPR_USER_INTERNAL5_INFORMATION: the encrypted password, read past
    case 26: // SAMPR_USER_INTERNAL5_INFORMATION_NEW (the salted form)
      r.bytesView(level === 24 ? 516 : 532);
      values.passwordExpired = r.u8() !== 0;
      return { values, decoded: true };
    case 21: // SAMPR_USER_ALL_INFORMATION
      userAll(r, values);
      if (setting) {
        values.passwordSet = ((values.whichFields as number) & USER_ALL_PASSWORD_PRESENT) !== 0;
      }
      return { values, decoded: true };
    default:
      values.level = level;
      return { values, decoded: false };
  }
}

/** SamrQueryInformationUser (36) and SamrQueryInformationUser2 (47). */
const queryInformationUser: OperationDecoder = {
  request: (r) => {
    const handle = r.contextHandle();
    const level = r.enum16();
    return { handle, userInformationClass: userInformationClass(level) };
  },
  response: (r) => {
    if (r.pointer() === 0) return { buffer: null, returnValue: r.u32() };
    const { values, decoded } = userInfo(r, false);
    return decoded ? { ...values, returnValue: r.u32() } : values;
  },
};

/** SamrSetInformationUser (37) and SamrSetInformationUser2 (58); passwords are never decoded. */
const setInformationUser: OperationDecoder = {
  request: (r) => {
    const handle = r.contextHandle();
    r.enum16(); // UserInformationClass; the union's discriminant repeats it
    return { handle, ...userInfo(r, true).values };
  },
  response: returnOnly,
};

/** SamrOpen{Group,Alias,User}: the access asked for and the RID. */
function openByRid(ridKey: string): OperationDecoder {
  return {
    request: (r) => ({ handle: r.contextHandle(), desiredAccess: r.u32(), [ridKey]: r.u32() }),
    response: handleResponse,
  };
}

/** SAMPR_REVISION_INFO ([MS-SAMR] 2.2.3.15) after its discriminant: version 1's fields. */
function revisionInfo(r: NdrReader, version: number): RpcArguments | null {
  if (r.u32() !== version || version !== 1) return null;
  return { revision: r.u32(), supportedFeatures: r.u32() };
}

/**
 * SAMR argument decoders ([MS-SAMR]): connections, opens, look-ups and
 * enumerations, user information, account creation and group membership.
 * NTSTATUS return values.
 */
export const samr: InterfaceDecoder = {
  uuids: ["12345778-1234-abcd-ef00-0123456789ac"],
  returns: "ntstatus",
  ops: {
    // SamrConnect: ServerName is a [unique] pointer to a single character.
    0: {
      request: (r) => ({ serverName: optionalWchar(r), desiredAccess: r.u32() }),
      response: handleResponse,
    },
    1: { request: handleOnly, response: handleResponse }, // SamrCloseHandle
    5: lookupDomain, // SamrLookupDomainInSamServer
    6: enumerateDomains, // SamrEnumerateDomainsInSamServer
    // SamrOpenDomain
    7: {
      request: (r) => ({ handle: r.contextHandle(), desiredAccess: r.u32(), domainId: r.sid() }),
      response: handleResponse,
    },
    11: enumerateGroupsOrAliases, // SamrEnumerateGroupsInDomain
    13: enumerateUsers, // SamrEnumerateUsersInDomain
    15: enumerateGroupsOrAliases, // SamrEnumerateAliasesInDomain
    16: getAliasMembership, // SamrGetAliasMembership
    17: lookupNames, // SamrLookupNamesInDomain
    18: lookupIds, // SamrLookupIdsInDomain
    19: openByRid("groupId"), // SamrOpenGroup
    // SamrAddMemberToGroup
    22: {
      request: (r) => ({ handle: r.contextHandle(), memberId: r.u32(), attributes: r.u32() }),
      response: returnOnly,
    },
    // SamrRemoveMemberFromGroup
    24: {
      request: (r) => ({ handle: r.contextHandle(), memberId: r.u32() }),
      response: returnOnly,
    },
    27: openByRid("aliasId"), // SamrOpenAlias
    // SamrAddMemberToAlias
    31: {
      request: (r) => ({ handle: r.contextHandle(), memberId: r.sid() }),
      response: returnOnly,
    },
    // SamrRemoveMemberFromAlias
    32: {
      request: (r) => ({ handle: r.contextHandle(), memberId: r.sid() }),
      response: returnOnly,
    },
    33: getMembersInAlias, // SamrGetMembersInAlias
    34: openByRid("userId"), // SamrOpenUser
    36: queryInformationUser, // SamrQueryInformationUser
    37: setInformationUser, // SamrSetInformationUser
    39: getGroupsForUser, // SamrGetGroupsForUser
    47: queryInformationUser, // SamrQueryInformationUser2
    // SamrCreateUser2InDomain
    50: {
      request: (r) => ({
        handle: r.contextHandle(),
        name: unicodeStringParameter(r),
        accountType: r.u32(),
        desiredAccess: r.u32(),
      }),
      response: (r) => ({
        handle: r.contextHandle(),
        grantedAccess: r.u32(),
        relativeId: r.u32(),
        returnValue: r.u32(),
      }),
    },
    // SamrConnect2
    57: {
      request: (r) => ({ serverName: optionalString(r), desiredAccess: r.u32() }),
      response: handleResponse,
    },
    58: setInformationUser, // SamrSetInformationUser2
    // SamrConnect4
    62: {
      request: (r) => ({
        serverName: optionalString(r),
        clientRevision: r.u32(),
        desiredAccess: r.u32(),
      }),
      response: handleResponse,
    },
    // SamrConnect5
    64: {
      request: (r) => {
        const out: RpcArguments = { serverName: optionalString(r), desiredAccess: r.u32() };
        const inVersion = r.u32();
        out.inVersion = inVersion;
        const info = revisionInfo(r, inVersion);
        if (info === null) return out;
        return { ...out, inRevisionInfo: info };
      },
      response: (r) => {
        const outVersion = r.u32();
        const info = revisionInfo(r, outVersion);
        if (info === null) return { outVersion };
        return { outVersion, outRevisionInfo: info, ...handleResponse(r) };
      },
    },
  },
};
