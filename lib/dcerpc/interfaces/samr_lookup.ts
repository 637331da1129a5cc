/**
 * SAMR's enumerations and look-ups [MS-SAMR]: the calls that list and
 * resolve domains, users, groups and aliases (reconnaissance: `net user
 * /domain`, BloodHound's SAMR collection), and the NDR readers they share
 * with LSA (SID arrays, RPC_UNICODE_STRING arrays, RID arrays).
 * The interface itself is `samr` in samr.ts.
 * IDL: [MS-SAMR] 6 (Appendix A); methods 3.1.5.
 * @module
 */
import { MAX_KEPT_ITEMS, NdrError, type NdrReader } from "../ndr.ts";
import type { OperationDecoder, RpcArguments } from "./types.ts";

/** Aligns to a structure holding pointers (8 bytes in NDR64). */
export const structAlign = (r: NdrReader): void => r.align(r.ndr64 ? 8 : 4);

/**
 * An RPC_UNICODE_STRING embedded in a structure ([MS-DTYP] 2.3.10): aligned
 * as the structure it is (4, or 8 in NDR64), then its lengths and pointer;
 * `set` gets the characters at the caller's flush.
 */
export function unicodeString(r: NdrReader, set: (s: string) => void): void {
  structAlign(r);
  r.unicodeString(set);
}

/**
 * A top-level `[in] PRPC_UNICODE_STRING` (a [ref] pointer): the structure
 * and its characters at once; null when the buffer pointer is null.
 */
export function unicodeStringParameter(r: NdrReader): string | null {
  let s: string | null = null;
  unicodeString(r, (v) => (s = v));
  r.flush();
  return s;
}

/** A conformant varying array of `size`-byte elements, read past (e.g. an RPC_SHORT_BLOB's). */
export function skipVaryingArray(r: NdrReader, size: number): void {
  const max = r.count(0);
  const offset = r.count(0);
  const actual = r.count(size);
  if (offset + actual > max) {
    throw new NdrError(`varying array: offset ${offset} + actual ${actual} > maximum ${max}`);
  }
  r.align(size);
  r.bytesView(actual * size);
}

/** Minimum bytes of one array element (a pointer or a count: 4, or 8 in NDR64). */
const word = (r: NdrReader): number => r.ndr64 ? 8 : 4;

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
 * A `{ Count; [size_is(Count)] PSID_INFORMATION Sids }` structure whose
 * flat part is next (SAMPR_PSID_ARRAY, LSAPR_SID_ENUM_BUFFER, …): each
 * element a pointer to an RPC_SID; the SIDs (null for a null pointer).
 */
export function sidArray(r: NdrReader): (string | null)[] {
  structAlign(r);
  r.u32(); // Count / Entries
  const sids: (string | null)[] = [];
  if (r.pointer() !== 0) {
    r.defer(() => {
      const n = r.count(word(r));
      for (let i = 0; i < n; i++) {
        const at = sids.length;
        if (at < MAX_KEPT_ITEMS) sids.push(null);
        if (r.pointer() !== 0) {
          r.defer(() => {
            const sid = r.sid();
            if (at < MAX_KEPT_ITEMS) sids[at] = sid;
          });
        }
      }
      if (n > MAX_KEPT_ITEMS) r.cut++;
    });
  }
  r.flush();
  return sids;
}

/**
 * A conformant array of RPC_UNICODE_STRING (its conformance next): the
 * strings, their characters read at the caller's flush (null for a null
 * buffer).
 */
export function unicodeStringArray(r: NdrReader, out: (string | null)[]): void {
  const n = r.count(r.ndr64 ? 16 : 8);
  for (let i = 0; i < n; i++) {
    const at = out.length;
    if (at < MAX_KEPT_ITEMS) out.push(null);
    unicodeString(r, (s) => {
      if (at < MAX_KEPT_ITEMS) out[at] = s;
    });
  }
  if (n > MAX_KEPT_ITEMS) r.cut++;
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
export const sidNameUse = (v: number): string | number => SID_NAME_USE[v - 1] ?? v;

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
  const entries: RidName[] = [];
  if (r.pointer() !== 0) {
    r.defer(() => {
      const n = r.count(r.ndr64 ? 24 : 12);
      for (let i = 0; i < n; i++) {
        structAlign(r);
        const e: RidName = { relativeId: r.u32(), name: null };
        unicodeString(r, (s) => (e.name = s));
        if (i < MAX_KEPT_ITEMS) entries.push(e);
      }
      if (n > MAX_KEPT_ITEMS) r.cut++;
    });
  }
  r.flush();
  return { entriesRead, entries };
}

/** The response of SamrEnumerate{Domains,Groups,Users,Aliases}In…. */
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
  request: (r) => ({ handle: r.contextHandle() }),
  response: (r) => ({ members: sidArray(r), returnValue: r.u32() }),
};

/** SamrGetGroupsForUser (39): the groups' RIDs and attributes. */
export const getGroupsForUser: OperationDecoder = {
  request: (r) => ({ handle: r.contextHandle() }),
  response: (r) => {
    const groups: { relativeId: number; attributes: number }[] = [];
    let membershipCount: number | null = null;
    if (r.pointer() !== 0) {
      structAlign(r);
      membershipCount = r.u32();
      if (r.pointer() !== 0) {
        const n = r.count(8);
        const list = r.array(n, 8, () => ({ relativeId: r.u32(), attributes: r.u32() }));
        groups.push(...list);
      }
    }
    return { membershipCount, groups, returnValue: r.u32() };
  },
};
