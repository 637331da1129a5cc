/**
 * SAMR's enumerations and look-ups [MS-SAMR]: the calls that list and
 * resolve domains, users, groups and aliases (reconnaissance: `net user
 * /domain`, BloodHound's SAMR collection), and the SID_NAME_USE names
 * they share with LSA (whose SID and RPC_UNICODE_STRING arrays are in
 * common.ts). The interface itself is `samr` in samr.ts.
 * IDL: [MS-SAMR] 6 (Appendix A); methods 3.1.5.
 * @module
 */
import { NdrError, type NdrReader } from "../ndr.ts";
import {
  handleOnly,
  named,
  sidArray,
  structAlign,
  unicodeStringArray,
  unicodeStringParameter,
} from "./common.ts";
import type { OperationDecoder, RpcArguments } from "./types.ts";

/**
 * A `{ Count; [size_is(Count)] unsigned long* Element }` structure whose flat
 * part is next (SAMPR_ULONG_ARRAY): its elements, read before it returns.
 */
export function ulongArray(r: NdrReader): number[] {
  structAlign(r);
  r.u32(); // Count
  let values: number[] = [];
  if (r.pointer() !== 0) {
    r.defer(() => {
      const n = r.count(4);
      values = r.array(n, 4, () => r.u32());
    });
  }
  r.flush();
  return values;
}

/**
 * A `{ Count; [size_is(Count)] PRPC_UNICODE_STRING Element }` structure
 * whose flat part is next (SAMPR_RETURNED_USTRING_ARRAY): the strings.
 */
export function returnedStrings(r: NdrReader): (string | null)[] {
  structAlign(r);
  r.u32(); // Count
  const names: (string | null)[] = [];
  if (r.pointer() !== 0) r.defer(() => unicodeStringArray(r, names));
  r.flush();
  return names;
}

/** SID_NAME_USE ([MS-SAMR] 2.2.2.3, [MS-LSAT] 2.2.13), from 1. */
const SID_NAME_USE = [
  "SidTypeUser",
  "SidTypeGroup",
  "SidTypeDomain",
  "SidTypeAlias",
  "SidTypeWellKnownGroup",
  "SidTypeDeletedAccount",
  "SidTypeInvalid",
  "SidTypeUnknown",
  "SidTypeComputer",
  "SidTypeLabel",
];

/** A SID_NAME_USE value's constant name, or the number when unknown. */
export const sidNameUse = (v: number): string | number => named(SID_NAME_USE, v, 1);

/** One SAMPR_RID_ENUMERATION: an account's RID and name. */
export interface RidName {
  relativeId: number;
  name: string | null;
}

/**
 * An `[out] PSAMPR_ENUMERATION_BUFFER*` (the [ref] pointer's [unique]
 * pointee): the entries' RIDs and names, read before it returns.
 */
function enumerationBuffer(r: NdrReader): { entriesRead: number | null; entries: RidName[] } {
  if (r.pointer() === 0) return { entriesRead: null, entries: [] };
  structAlign(r);
  const entriesRead = r.u32();
  let entries: RidName[] = [];
  if (r.pointer() !== 0) {
    r.defer(() => {
      const size = r.ndr64 ? 24 : 12;
      entries = r.array(r.count(size), size, () => {
        structAlign(r);
        const e: RidName = { relativeId: r.u32(), name: null };
        r.unicodeString((s) => (e.name = s));
        return e;
      });
    });
  }
  r.flush();
  return { entriesRead, entries };
}

/** The response of SamrEnumerate{Domains,Groups,Users,Aliases}In.... */
function enumerationResponse(names: boolean) {
  return (r: NdrReader): RpcArguments => {
    const enumerationContext = r.u32();
    const { entriesRead, entries } = enumerationBuffer(r);
    const list = names ? { names: entries.map((e) => e.name) } : { entries };
    return {
      enumerationContext,
      entriesRead,
      ...list,
      countReturned: r.u32(),
      returnValue: r.u32(),
    };
  };
}

/** SamrEnumerateGroupsInDomain and SamrEnumerateAliasesInDomain (and Domains: the same request). */
const enumerateRequest = (r: NdrReader): RpcArguments => ({
  handle: r.contextHandle(),
  enumerationContext: r.u32(),
  preferedMaximumLength: r.u32(),
});

/** SamrEnumerateDomainsInSamServer (6): the domains' names. */
export const enumerateDomains: OperationDecoder = {
  request: enumerateRequest,
  response: enumerationResponse(true),
};

/** SamrEnumerateGroupsInDomain (11) and SamrEnumerateAliasesInDomain (15): names and RIDs. */
export const enumerateGroupsOrAliases: OperationDecoder = {
  request: enumerateRequest,
  response: enumerationResponse(false),
};

/** SamrEnumerateUsersInDomain (13): names and RIDs, filtered by account control bits. */
export const enumerateUsers: OperationDecoder = {
  request: (r) => ({
    handle: r.contextHandle(),
    enumerationContext: r.u32(),
    userAccountControl: r.u32(),
    preferedMaximumLength: r.u32(),
  }),
  response: enumerationResponse(false),
};

/** SamrLookupDomainInSamServer (5): a domain's name; its SID. */
export const lookupDomain: OperationDecoder = {
  request: (r) => ({ handle: r.contextHandle(), name: unicodeStringParameter(r) }),
  response: (r) => ({
    domainId: r.pointer() === 0 ? null : r.sid(),
    returnValue: r.u32(),
  }),
};

/** SamrLookupNamesInDomain (17): names; their RIDs and SID_NAME_USE. */
export const lookupNames: OperationDecoder = {
  request: (r) => {
    const handle = r.contextHandle();
    const count = r.u32();
    // [size_is(1000), length_is(Count)] RPC_UNICODE_STRING Names[*]: conformant varying.
    r.count(0); // maximum count
    const offset = r.count(0);
    if (offset !== 0) throw new NdrError(`Names: offset ${offset}`);
    const names: (string | null)[] = [];
    unicodeStringArray(r, names);
    r.flush();
    return { handle, count, names };
  },
  response: (r) => ({
    relativeIds: ulongArray(r),
    use: ulongArray(r).map(sidNameUse),
    returnValue: r.u32(),
  }),
};

/** SamrLookupIdsInDomain (18): RIDs; their names and SID_NAME_USE. */
export const lookupIds: OperationDecoder = {
  request: (r) => {
    const handle = r.contextHandle();
    const count = r.u32();
    r.count(0); // maximum count (1000)
    const offset = r.count(0);
    const n = r.count(4);
    if (offset !== 0) throw new NdrError(`RelativeIds: offset ${offset}`);
    return { handle, count, relativeIds: r.array(n, 4, () => r.u32()) };
  },
  response: (r) => ({
    names: returnedStrings(r),
    use: ulongArray(r).map(sidNameUse),
    returnValue: r.u32(),
  }),
};

/** SamrGetAliasMembership (16): the SIDs asked about; the RIDs of aliases they belong to. */
export const getAliasMembership: OperationDecoder = {
  request: (r) => ({ handle: r.contextHandle(), sids: sidArray(r) }),
  response: (r) => ({ membership: ulongArray(r), returnValue: r.u32() }),
};

/** SamrGetMembersInAlias (33): the members' SIDs. */
export const getMembersInAlias: OperationDecoder = {
  request: handleOnly,
  response: (r) => ({ members: sidArray(r), returnValue: r.u32() }),
};

/** SamrGetGroupsForUser (39): the groups' RIDs and attributes. */
export const getGroupsForUser: OperationDecoder = {
  request: handleOnly,
  response: (r) => {
    let groups: { relativeId: number; attributes: number }[] = [];
    let membershipCount: number | null = null;
    if (r.pointer() !== 0) {
      structAlign(r);
      membershipCount = r.u32();
      if (r.pointer() !== 0) {
        const n = r.count(8);
        groups = r.array(n, 8, () => ({ relativeId: r.u32(), attributes: r.u32() }));
      }
    }
    return { membershipCount, groups, returnValue: r.u32() };
  },
};
