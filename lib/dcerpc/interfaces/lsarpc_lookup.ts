/**
 * LSA name and SID translation [MS-LSAT]: LsarLookupNames (1 to 4) and
 * LsarLookupSids (1 to 3), how tools resolve accounts and SIDs (BloodHound,
 * lookupsid.py's RID cycling, `net user /domain`). The interface itself is
 * `lsarpc` in lsarpc.ts.
 * IDL: [MS-LSAT] 6 (Appendix A); methods 3.1.4.
 * @module
 */
import type { NdrReader } from "../ndr.ts";
import { deferInto, named, sidArray, structAlign, unicodeStringArray } from "./common.ts";
import { sidNameUse } from "./samr_lookup.ts";
import type { OperationDecoder, RpcArguments } from "./types.ts";

/** LSAP_LOOKUP_LEVEL ([MS-LSAT] 2.2.16), from 1. */
const LOOKUP_LEVELS = [
  "LsapLookupWksta",
  "LsapLookupPDC",
  "LsapLookupTDL",
  "LsapLookupGC",
  "LsapLookupXForestReferral",
  "LsapLookupXForestResolve",
  "LsapLookupRODCReferralToFullDC",
];
const lookupLevel = (v: number): string | number => named(LOOKUP_LEVELS, v, 1);

/** Which translation structures a version of the call uses. */
type Version = 1 | 2 | 3;

/**
 * A `{ Entries; [size_is(Entries)] T* }` structure whose flat part is next
 * (LSAPR_TRANSLATED_SIDS..., LSAPR_TRANSLATED_NAMES...): each element read by
 * `item` (flat part; its pointees deferred), all read before it returns.
 */
function translatedList<T>(r: NdrReader, minBytes: number, item: () => T): T[] {
  structAlign(r);
  r.u32(); // Entries
  let list: T[] = [];
  if (r.pointer() !== 0) r.defer(() => (list = r.array(r.count(minBytes), minBytes, item)));
  r.flush();
  return list;
}

/** One translated SID: LSA_TRANSLATED_SID (1), _EX (2, with Flags) or _EX2 (3, a whole SID). */
function translatedSid(r: NdrReader, version: Version): RpcArguments {
  structAlign(r);
  const out: RpcArguments = { use: sidNameUse(r.enum16()) };
  if (version === 3) {
    deferInto(r, out, "sid", (r) => r.sid());
  } else {
    out.relativeId = r.u32();
  }
  out.domainIndex = r.i32();
  if (version !== 1) out.flags = r.u32();
  return out;
}

/** One LSAPR_TRANSLATED_NAME (1) or _EX (2 and 3, with Flags). */
function translatedName(r: NdrReader, version: Version): RpcArguments {
  structAlign(r);
  const out: RpcArguments = { use: sidNameUse(r.enum16()), name: null };
  r.unicodeString((s) => (out.name = s));
  out.domainIndex = r.i32();
  if (version !== 1) out.flags = r.u32();
  return out;
}

/** Minimum size of a translated SID or name of a version (for the count check). */
const sidSize = (v: Version) => v === 1 ? 12 : 16;
const nameSize = (v: Version) => v === 1 ? 16 : 20;

/**
 * An `[out] PLSAPR_REFERENCED_DOMAIN_LIST*` (the [ref] pointer's [unique]
 * pointee): the domains' names and SIDs, which translations index.
 */
export function referencedDomains(r: NdrReader): { name: string | null; sid: string | null }[] {
  if (r.pointer() === 0) return [];
  structAlign(r);
  r.u32(); // Entries
  let domains: { name: string | null; sid: string | null }[] = [];
  const present = r.pointer() !== 0;
  r.u32(); // MaxEntries
  if (present) {
    r.defer(() => {
      const size = r.ndr64 ? 24 : 12;
      domains = r.array(r.count(size), size, () => {
        structAlign(r);
        const d = { name: null as string | null, sid: null as string | null };
        r.unicodeString((s) => (d.name = s));
        if (r.pointer() !== 0) r.defer(() => (d.sid = r.sid()));
        return d;
      });
    });
  }
  r.flush();
  return domains;
}

/** How a look-up's translations are read: their output key, minimum size and reader. */
interface Translations {
  key: string;
  size: (v: Version) => number;
  item: (r: NdrReader, v: Version) => RpcArguments;
}
const SIDS: Translations = { key: "translatedSids", size: sidSize, item: translatedSid };
const NAMES: Translations = { key: "translatedNames", size: nameSize, item: translatedName };

/**
 * A look-up: the policy handle (unless `handle` is false), what `input`
 * reads (the names or the SIDs), the (usually empty) [in] translations, the
 * level, the count and, from version 2, the options; the referenced domains
 * and the translations.
 */
function lookup(
  version: Version,
  handle: boolean,
  input: (r: NdrReader, out: RpcArguments) => void,
  t: Translations,
): OperationDecoder {
  const list = (r: NdrReader) => translatedList(r, t.size(version), () => t.item(r, version));
  return {
    request: (r) => {
      const out: RpcArguments = {};
      if (handle) out.handle = r.contextHandle();
      input(r, out);
      list(r); // in: usually empty
      out.lookupLevel = lookupLevel(r.enum16());
      out.mappedCount = r.u32();
      if (version !== 1) {
        out.lookupOptions = r.u32();
        out.clientRevision = r.u32();
      }
      return out;
    },
    response: (r) => ({
      referencedDomains: referencedDomains(r),
      [t.key]: list(r),
      mappedCount: r.u32(),
      returnValue: r.u32(),
    }),
  };
}

/**
 * LsarLookupNames (14), 2 (58), 3 (68) and 4 (77, no policy handle): the
 * names; the referenced domains and each name's use, RID or SID, and domain.
 */
export const lookupNames = (version: Version, handle: boolean): OperationDecoder =>
  lookup(version, handle, (r, out) => {
    out.count = r.u32();
    const names: (string | null)[] = [];
    unicodeStringArray(r, names); // [in, size_is(Count)] PRPC_UNICODE_STRING: a [ref] array
    r.flush();
    out.names = names;
  }, SIDS);

/**
 * LsarLookupSids (15), 2 (57) and 3 (76, no policy handle): the SIDs; the
 * referenced domains and each SID's use, name and domain.
 */
export const lookupSids = (version: Version, handle: boolean): OperationDecoder =>
  lookup(version, handle, (r, out) => void (out.sids = sidArray(r)), NAMES);
