/**
 * The Local Security Authority interface `lsarpc` ([MS-LSAD] policy, [MS-LSAT]
 * translation): opening the policy, the domain it reports, account
 * enumeration, secrets (`$MACHINE.ACC` reset after ZeroLogon) and private
 * data (LsarRetrievePrivateData of `G$BCKUPKEY_...` is DPAPI domain backup key
 * theft; the encrypted values are never decoded, only their lengths kept).
 * Name and SID look-ups are in lsarpc_lookup.ts.
 * IDL: [MS-LSAD] 6 and [MS-LSAT] 6 (Appendix A).
 * @module
 */
import { NdrError, type NdrReader } from "../ndr.ts";
import { lookupNames, lookupSids } from "./lsarpc_lookup.ts";
import {
  deferInto,
  handleOnly,
  handleResponse,
  named,
  optionalString,
  optionalWchar,
  returnOnly,
  sidArray,
  skipVaryingArray,
  structAlign,
  unicodeStringParameter,
  unionArm,
} from "./common.ts";
import type { InterfaceDecoder, OperationDecoder, RpcArguments } from "./types.ts";

/** POLICY_INFORMATION_CLASS ([MS-LSAD] 2.2.4.1), from 1. */
const POLICY_INFORMATION_CLASSES = [
  "PolicyAuditLogInformation",
  "PolicyAuditEventsInformation",
  "PolicyPrimaryDomainInformation",
  "PolicyPdAccountInformation",
  "PolicyAccountDomainInformation",
  "PolicyLsaServerRoleInformation",
  "PolicyReplicaSourceInformation",
  "PolicyInformationNotUsedOnWire",
  "PolicyModificationInformation",
  "PolicyAuditFullSetInformation",
  "PolicyAuditFullQueryInformation",
  "PolicyDnsDomainInformation",
  "PolicyDnsDomainInformationInt",
  "PolicyLocalAccountDomainInformation",
  "PolicyMachineAccountInformation",
];
const policyClass = (v: number): string | number => named(POLICY_INFORMATION_CLASSES, v, 1);

/**
 * An LSAPR_ACL pointee ([MS-LSAD] 2.2.3): a conformant structure, so its
 * conformance (AclSize - 4) comes first; read past.
 */
function skipAcl(r: NdrReader): void {
  const n = r.count(1);
  r.u8(); // AclRevision
  r.u8(); // Sbz1
  const size = r.u16();
  if (size !== n + 4) throw new NdrError(`ACL: size ${size}, conformance ${n}`);
  r.bytesView(n);
}

/**
 * A `[in] PLSAPR_OBJECT_ATTRIBUTES` ([MS-LSAD] 2.2.9; the server ignores
 * it): read past, with its root directory, object name, security descriptor
 * and quality of service when present.
 */
function skipObjectAttributes(r: NdrReader): void {
  structAlign(r);
  r.u32(); // Length
  if (r.pointer() !== 0) r.defer(() => r.u8()); // RootDirectory
  if (r.pointer() !== 0) {
    r.defer(() => {
      // ObjectName: a STRING
      structAlign(r);
      r.u16();
      r.u16();
      if (r.pointer() !== 0) r.defer(() => skipVaryingArray(r, 1));
    });
  }
  r.u32(); // Attributes
  if (r.pointer() !== 0) {
    r.defer(() => {
      // LSAPR_SECURITY_DESCRIPTOR
      structAlign(r);
      r.u8(); // Revision
      r.u8(); // Sbz1
      r.u16(); // Control
      for (const read of [() => r.sid(), () => r.sid(), () => skipAcl(r), () => skipAcl(r)]) {
        if (r.pointer() !== 0) r.defer(read);
      }
    });
  }
  if (r.pointer() !== 0) {
    r.defer(() => {
      // SECURITY_QUALITY_OF_SERVICE
      r.align(4);
      r.u32(); // Length
      r.enum16(); // ImpersonationLevel
      r.u8(); // ContextTrackingMode
      r.u8(); // EffectiveOnly
    });
  }
  r.flush();
}

/** LsarOpenPolicy (6, SystemName one character) and LsarOpenPolicy2 (44, a string). */
function openPolicy(string: boolean): OperationDecoder {
  return {
    request: (r) => {
      const systemName = string ? optionalString(r) : optionalWchar(r);
      skipObjectAttributes(r);
      return { systemName, desiredAccess: r.u32() };
    },
    response: handleResponse,
  };
}

/**
 * An LSAPR_POLICY_INFORMATION whose discriminant is next: the primary,
 * account and DNS domain levels' names, SID and GUID. Any other level gives
 * `level` and stops.
 */
function policyInformation(r: NdrReader): { values: RpcArguments; decoded: boolean } {
  const level = unionArm(r, "enum");
  const values: RpcArguments = { informationClass: policyClass(level) };
  // Each level's structure: its name field, whether the DNS names and GUID follow, its SID field.
  let layout: { name: string; dns: boolean; sid: string };
  switch (level) {
    case 3: // LSAPR_POLICY_PRIMARY_DOM_INFO
      layout = { name: "name", dns: false, sid: "sid" };
      break;
    case 5: // LSAPR_POLICY_ACCOUNT_DOM_INFO
    case 14:
      layout = { name: "domainName", dns: false, sid: "domainSid" };
      break;
    case 12: // LSAPR_POLICY_DNS_DOMAIN_INFO
    case 13:
      layout = { name: "name", dns: true, sid: "sid" };
      break;
    default:
      values.level = level;
      return { values, decoded: false };
  }
  const keys = layout.dns ? [layout.name, "dnsDomainName", "dnsForestName"] : [layout.name];
  structAlign(r);
  for (const key of keys) {
    values[key] = null;
    r.unicodeString((s) => (values[key] = s));
  }
  if (layout.dns) values.domainGuid = r.guid();
  deferInto(r, values, layout.sid, (r) => r.sid());
  r.flush();
  return { values, decoded: true };
}

/** LsarQueryInformationPolicy (7) and LsarQueryInformationPolicy2 (46). */
const queryInformationPolicy: OperationDecoder = {
  request: (r) => ({ handle: r.contextHandle(), informationClass: policyClass(r.enum16()) }),
  response: (r) => {
    if (r.pointer() === 0) return { policyInformation: null, returnValue: r.u32() };
    const { values, decoded } = policyInformation(r);
    return decoded ? { ...values, returnValue: r.u32() } : values;
  },
};

/**
 * An LSAPR_CR_CIPHER_VALUE whose flat part is next ([MS-LSAD] 2.2.6): its
 * Length, the encrypted bytes read past (never decoded).
 */
function cipherValueLength(r: NdrReader): number {
  structAlign(r);
  const length = r.u32();
  r.u32(); // MaximumLength
  if (r.pointer() !== 0) skipVaryingArray(r, 1);
  return length;
}

/** A `[unique] PLSAPR_CR_CIPHER_VALUE`: its length, or null. */
const optionalCipher = (r: NdrReader): number | null =>
  r.pointer() === 0 ? null : cipherValueLength(r);

/** A `[unique] PRPC_UNICODE_STRING` pointee reached through a pointer: the string or null. */
const optionalUnicodeString = (r: NdrReader): string | null =>
  r.pointer() === 0 ? null : unicodeStringParameter(r);

/**
 * lsarpc argument decoders ([MS-LSAD], [MS-LSAT]): policy, domain
 * information, accounts, secrets and private data, name and SID
 * translation. NTSTATUS return values.
 */
export const lsarpc: InterfaceDecoder = {
  uuids: ["12345778-1234-abcd-ef00-0123456789ab"],
  returns: "ntstatus",
  ops: {
    0: { request: handleOnly, response: handleResponse }, // LsarClose
    6: openPolicy(false), // LsarOpenPolicy
    7: queryInformationPolicy, // LsarQueryInformationPolicy
    // LsarEnumerateAccounts
    11: {
      request: (r) => ({
        handle: r.contextHandle(),
        enumerationContext: r.u32(),
        preferedMaximumLength: r.u32(),
      }),
      response: (r) => ({
        enumerationContext: r.u32(),
        accounts: sidArray(r), // LSAPR_ACCOUNT_ENUM_BUFFER: EntriesRead, SID pointers
        returnValue: r.u32(),
      }),
    },
    14: lookupNames(1, true), // LsarLookupNames
    15: lookupSids(1, true), // LsarLookupSids
    // LsarOpenSecret
    28: {
      request: (r) => ({
        handle: r.contextHandle(),
        secretName: unicodeStringParameter(r),
        desiredAccess: r.u32(),
      }),
      response: handleResponse,
    },
    // LsarSetSecret: the new and old values' lengths only.
    29: {
      request: (r) => ({
        handle: r.contextHandle(),
        encryptedCurrentValueLength: optionalCipher(r),
        encryptedOldValueLength: optionalCipher(r),
      }),
      response: returnOnly,
    },
    // LsarRetrievePrivateData: the key name; the encrypted value's length only.
    43: {
      request: (r) => ({
        handle: r.contextHandle(),
        keyName: unicodeStringParameter(r),
        encryptedDataLength: optionalCipher(r),
      }),
      response: (r) => ({ encryptedDataLength: optionalCipher(r), returnValue: r.u32() }),
    },
    44: openPolicy(true), // LsarOpenPolicy2
    // LsarGetUserName
    45: {
      request: (r) => ({
        systemName: optionalString(r),
        userName: optionalUnicodeString(r),
        domainName: r.pointer() === 0 ? null : optionalUnicodeString(r),
      }),
      response: (r) => ({
        userName: optionalUnicodeString(r),
        domainName: r.pointer() === 0 ? null : optionalUnicodeString(r),
        returnValue: r.u32(),
      }),
    },
    46: queryInformationPolicy, // LsarQueryInformationPolicy2
    57: lookupSids(2, true), // LsarLookupSids2
    58: lookupNames(2, true), // LsarLookupNames2
    68: lookupNames(3, true), // LsarLookupNames3
    76: lookupSids(3, false), // LsarLookupSids3
    77: lookupNames(3, false), // LsarLookupNames4
  },
};
