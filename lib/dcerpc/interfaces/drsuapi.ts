/**
 * The directory replication interface `drsuapi` [MS-DRSR]: binding, name
 * cracking, domain controller information, replica links and, above all,
 * IDL_DRSGetNCChanges: a replication request from a host that is not a
 * domain controller is DCSync (an EXOP_REPL_SECRETS request for one object,
 * or a whole naming context asking for the secret attributes).
 * Shared structures are in drsuapi_structs.ts.
 * IDL: [MS-DRSR] 7 (Appendix A); methods 4.1.
 * @module
 */
import { NdrReader } from "../ndr.ts";
import {
  dsName,
  extensions,
  partialAttributes,
  skipPrefixTable,
  skipUpToDateVectorV1,
  skipVarSizeBuffer,
  usnVector,
} from "./drsuapi_structs.ts";
import {
  ansi,
  deferInto,
  handleOnly,
  handleResponse,
  named,
  pointerArray,
  returnOnly,
  structAlign,
  unionArm,
  wide,
} from "./common.ts";
import type { InterfaceDecoder, OperationDecoder, RpcArguments } from "./types.ts";

/** EXOP_REQ codes ([MS-DRSR] 4.1.10.2.22); 0 is a plain replication request. */
const EXOPS = [
  "EXOP_NONE",
  "EXOP_FSMO_REQ_ROLE",
  "EXOP_FSMO_REQ_RID_ALLOC",
  "EXOP_FSMO_RID_REQ_ROLE",
  "EXOP_FSMO_REQ_PDC",
  "EXOP_FSMO_ABANDON_ROLE",
  "EXOP_REPL_OBJ",
  "EXOP_REPL_SECRETS",
];

/** DS_NAME_FORMAT ([MS-DRSR] 4.1.4.1.3) and the extra formatOffered/Desired values (4.1.4.1.2). */
const NAME_FORMATS: Readonly<Record<number, string>> = {
  0: "DS_UNKNOWN_NAME",
  1: "DS_FQDN_1779_NAME",
  2: "DS_NT4_ACCOUNT_NAME",
  3: "DS_DISPLAY_NAME",
  6: "DS_UNIQUE_ID_NAME",
  7: "DS_CANONICAL_NAME",
  8: "DS_USER_PRINCIPAL_NAME",
  9: "DS_CANONICAL_NAME_EX",
  10: "DS_SERVICE_PRINCIPAL_NAME",
  11: "DS_SID_OR_SID_HISTORY_NAME",
  12: "DS_DNS_DOMAIN_NAME",
  0xffffffff: "DS_LIST_SITES",
  0xfffffffe: "DS_LIST_SERVERS_IN_SITE",
  0xfffffffd: "DS_LIST_DOMAINS_IN_SITE",
  0xfffffffc: "DS_LIST_SERVERS_FOR_DOMAIN_IN_SITE",
  0xfffffffb: "DS_LIST_INFO_FOR_SERVER",
  0xfffffffa: "DS_LIST_ROLES",
  0xfffffff9: "DS_NT4_ACCOUNT_NAME_SANS_DOMAIN",
  0xfffffff8: "DS_MAP_SCHEMA_GUID",
  0xfffffff7: "DS_LIST_DOMAINS",
  0xfffffff6: "DS_LIST_NCS",
  0xfffffff5: "DS_ALT_SECURITY_IDENTITIES_NAME",
  0xfffffff4: "DS_STRING_SID_NAME",
  0xfffffff3: "DS_LIST_SERVERS_WITH_DCS_IN_SITE",
  0xfffffff2: "DS_USER_PRINCIPAL_NAME_FOR_LOGON",
  0xfffffff1: "DS_LIST_GLOBAL_CATALOG_SERVERS",
  0xfffffff0: "DS_NT4_ACCOUNT_NAME_SANS_DOMAIN_EX",
  0xffffffef: "DS_USER_PRINCIPAL_NAME_AND_ALTSECID",
};

/** DS_NAME_ERROR statuses of a cracked name ([MS-DRSR] 4.1.4.1.4). */
const NAME_STATUSES: Readonly<Record<number, string>> = {
  0: "DS_NAME_NO_ERROR",
  1: "DS_NAME_ERROR_RESOLVING",
  2: "DS_NAME_ERROR_NOT_FOUND",
  3: "DS_NAME_ERROR_NOT_UNIQUE",
  4: "DS_NAME_ERROR_NO_MAPPING",
  5: "DS_NAME_ERROR_DOMAIN_ONLY",
  6: "DS_NAME_ERROR_NO_SYNTACTICAL_MAPPING",
  7: "DS_NAME_ERROR_TRUST_REFERRAL",
  0xfffffff2: "DS_NAME_ERROR_IS_SID_HISTORY_UNKNOWN",
  0xfffffff3: "DS_NAME_ERROR_IS_SID_HISTORY_ALIAS",
  0xfffffff4: "DS_NAME_ERROR_IS_SID_HISTORY_GROUP",
  0xfffffff5: "DS_NAME_ERROR_IS_SID_HISTORY_USER",
  0xfffffff6: "DS_NAME_ERROR_IS_SID_UNKNOWN",
  0xfffffff7: "DS_NAME_ERROR_IS_SID_ALIAS",
  0xfffffff8: "DS_NAME_ERROR_IS_SID_GROUP",
  0xfffffff9: "DS_NAME_ERROR_IS_SID_USER",
};

/**
 * The version of a DRS_MSG_* union and its discriminant, which repeats it
 * (a DWORD; the arms hold pointers or hypers, so NDR64 aligns the
 * discriminant and the arm to 8): the version goes in `out[key]`; the
 * version again if the discriminant agrees and `decoded` accepts it, else
 * null (the caller stops there).
 */
function versioned(
  r: NdrReader,
  out: RpcArguments,
  key: string,
  decoded: (version: number) => boolean,
): number | null {
  const version = r.u32();
  out[key] = version;
  return unionArm(r) === version && decoded(version) ? version : null;
}

/**
 * A DRS_MSG_GETCHGREQ V8, V10 or V11 arm ([MS-DRSR] 4.1.10.2.6-8): the
 * destination DSA, the naming context, where replication starts, the flags,
 * limits and extended operation, and the attributes asked for.
 */
function getChangesRequest(r: NdrReader, version: number, out: RpcArguments): void {
  r.align(8); // the arm holds hypers
  out.dsaObjDest = r.guid();
  out.invocIdSrc = r.guid();
  deferInto(r, out, "nc", dsName);
  r.align(8);
  out.usnvecFrom = usnVector(r);
  if (r.pointer() !== 0) r.defer(() => skipUpToDateVectorV1(r));
  out.flags = r.u32();
  out.maxObjects = r.u32();
  out.maxBytes = r.u32();
  out.extendedOp = named(EXOPS, r.u32());
  out.fsmoInfo = r.u64String();
  for (const key of ["partialAttrSet", "partialAttrSetEx"]) {
    out[key] = null;
    if (r.pointer() !== 0) r.defer(() => (out[key] = partialAttributes(r)));
  }
  skipPrefixTable(r);
  if (version >= 10) out.moreFlags = r.u32();
  if (version >= 11) {
    out.correlationId = r.guid();
    if (r.pointer() !== 0) r.defer(() => skipVarSizeBuffer(r));
  }
  r.flush();
}

/**
 * The return value of a response whose replicated data is not decoded: NDR
 * puts it last, so it is the stub's final 4 bytes.
 */
function trailingReturnValue(r: NdrReader): number | null {
  const b = r.bytes;
  if (b.length < 4 || b.length % 4 !== 0) return null;
  return new NdrReader(b.subarray(b.length - 4), r.options).u32();
}

/**
 * A DRS_MSG_GETCHGREPLY V1, V6 or V9 arm's flat part ([MS-DRSR] 4.1.10.2.11,
 * 12, 14): source DSA, USN vectors, counts and the naming context; the
 * replicated objects and values are not decoded.
 */
function getChangesReply(r: NdrReader, version: number, out: RpcArguments): void {
  r.align(8);
  out.dsaObjSrc = r.guid();
  out.invocIdSrc = r.guid();
  deferInto(r, out, "nc", dsName);
  r.align(8);
  out.usnvecFrom = usnVector(r);
  out.usnvecTo = usnVector(r);
  r.pointer(); // pUpToDateVecSrc
  structAlign(r); // PrefixTableSrc
  r.u32();
  r.pointer();
  out.extendedRet = r.u32();
  out.numObjects = r.u32();
  out.numBytes = r.u32();
  r.pointer(); // pObjects
  out.moreData = r.u32() !== 0;
  if (version >= 6) {
    out.numNcSizeObjects = r.u32();
    out.numNcSizeValues = r.u32();
    out.numValues = r.u32();
    r.pointer(); // rgValues
    out.drsError = r.u32();
  }
  r.flush(); // the naming context is the first pointee; the others follow it unread
}

/** A DRS_COMPRESSED_BLOB ([MS-DRSR] 5.33): its sizes; the compressed bytes are read past. */
function compressedBlob(r: NdrReader): { uncompressedSize: number; compressedSize: number } {
  structAlign(r);
  const uncompressedSize = r.u32();
  const compressedSize = r.u32();
  if (r.pointer() !== 0) r.bytesView(r.count(1));
  return { uncompressedSize, compressedSize };
}

/** IDL_DRSGetNCChanges (3): the DCSync call. */
const getNCChanges: OperationDecoder = {
  request: (r) => {
    const out: RpcArguments = { handle: r.contextHandle() };
    // V4, V5 and V7 (SMTP and Windows 2000 forms) are not decoded.
    const version = versioned(r, out, "inVersion", (v) => v === 8 || v === 10 || v === 11);
    if (version !== null) getChangesRequest(r, version, out);
    return out;
  },
  response: (r) => {
    const out: RpcArguments = {};
    const version = versioned(r, out, "outVersion", () => true);
    if (version === null) return out;
    if (version === 2 || version === 7) {
      // compressed replies: V2 is the blob; V7 names its version and algorithm first
      if (version === 7) {
        out.compressedVersion = r.u32();
        out.compressionAlg = r.enum16();
      }
      Object.assign(out, compressedBlob(r));
      out.returnValue = r.u32();
      return out;
    }
    if (version !== 1 && version !== 6 && version !== 9) return out;
    getChangesReply(r, version, out);
    const rv = trailingReturnValue(r);
    if (rv !== null) out.returnValue = rv;
    return out;
  },
};

/** The DRS_MSG_REPADD arms ([MS-DRSR] 4.1.19.1.2-4): naming context and source DSA. */
function replicaAddRequest(r: NdrReader, version: number, out: RpcArguments): void {
  structAlign(r);
  deferInto(r, out, "nc", dsName);
  if (version === 1) {
    deferInto(r, out, "dsaSrc", ansi);
  } else {
    deferInto(r, out, "sourceDsaDN", dsName);
    deferInto(r, out, "transportDN", dsName);
    deferInto(r, out, "sourceDsaAddress", ansi);
  }
  r.bytesView(84); // rtSchedule (REPLTIMES)
  out.options = r.u32();
  if (version === 3) {
    out.correlationId = r.guid();
    if (r.pointer() !== 0) r.defer(() => skipVarSizeBuffer(r));
  }
  r.flush();
}

/** DS_DOMAIN_CONTROLLER_INFO_1W/2W/3W and _FFFFFFFFW field layouts ([MS-DRSR] 4.1.5.1.8-11). */
const DC_INFO_STRINGS: Record<number, readonly string[]> = {
  1: ["netbiosName", "dnsHostName", "siteName", "computerObjectName", "serverObjectName"],
  2: [
    "netbiosName",
    "dnsHostName",
    "siteName",
    "siteObjectName",
    "computerObjectName",
    "serverObjectName",
    "ntdsDsaObjectName",
  ],
};

/** One domain controller information item (its flat part; its strings deferred). */
function dcInfoItem(r: NdrReader, version: number): RpcArguments {
  structAlign(r);
  const item: RpcArguments = {};
  if (version === 0xffffffff) {
    const ip = r.u32();
    item.ipAddress = [ip & 255, (ip >>> 8) & 255, (ip >>> 16) & 255, ip >>> 24].join(".");
    item.notificationCount = r.u32();
    item.secTimeConnected = r.u32();
    item.flags = r.u32();
    item.totalRequests = r.u32();
    r.u32(); // Reserved1
    deferInto(r, item, "userName", wide);
    return item;
  }
  for (const key of DC_INFO_STRINGS[version === 1 ? 1 : 2]!) deferInto(r, item, key, wide);
  item.isPdc = r.u32() !== 0;
  item.dsEnabled = r.u32() !== 0;
  if (version === 1) return item;
  item.isGc = r.u32() !== 0;
  if (version === 3) item.isRodc = r.u32() !== 0;
  for (const key of ["siteObjectGuid", "computerObjectGuid", "serverObjectGuid"]) {
    item[key] = r.guid();
  }
  item.ntdsDsaObjectGuid = r.guid();
  return item;
}

/**
 * drsuapi argument decoders ([MS-DRSR]): bind and unbind, GetNCChanges
 * (DCSync), ReplicaAdd, CrackNames and DomainControllerInfo. Win32 return
 * values.
 */
export const drsuapi: InterfaceDecoder = {
  uuids: ["e3514235-4b06-11d1-ab04-00c04fc2dcd2"],
  returns: "win32",
  ops: {
    // IDL_DRSBind
    0: {
      request: (r) => ({
        clientDsa: r.pointer() === 0 ? null : r.guid(),
        extClient: r.pointer() === 0 ? null : extensions(r),
      }),
      response: (r) => ({
        extServer: r.pointer() === 0 ? null : extensions(r),
        handle: r.contextHandle(),
        returnValue: r.u32(),
      }),
    },
    // IDL_DRSUnbind
    1: { request: handleOnly, response: handleResponse },
    3: getNCChanges, // IDL_DRSGetNCChanges
    // IDL_DRSReplicaAdd
    5: {
      request: (r) => {
        const out: RpcArguments = { handle: r.contextHandle() };
        const version = versioned(r, out, "version", (v) => v >= 1 && v <= 3);
        if (version !== null) replicaAddRequest(r, version, out);
        return out;
      },
      response: returnOnly,
    },
    // IDL_DRSCrackNames
    12: {
      request: (r) => {
        const out: RpcArguments = { handle: r.contextHandle() };
        if (versioned(r, out, "inVersion", (v) => v === 1) === null) return out;
        structAlign(r);
        out.codePage = r.u32();
        out.localeId = r.u32();
        out.flags = r.u32();
        out.formatOffered = named(NAME_FORMATS, r.u32());
        out.formatDesired = named(NAME_FORMATS, r.u32());
        out.count = r.u32();
        out.names = [];
        if (r.pointer() !== 0) r.defer(() => (out.names = pointerArray(r, () => r.wstring())));
        r.flush();
        return out;
      },
      response: (r) => {
        const out: RpcArguments = {};
        if (versioned(r, out, "outVersion", (v) => v === 1) === null) return out;
        out.items = [];
        if (r.pointer() !== 0) {
          structAlign(r);
          r.u32(); // cItems
          if (r.pointer() !== 0) {
            r.defer(() => {
              const size = r.ndr64 ? 24 : 12;
              out.items = r.array(r.count(size), size, () => {
                structAlign(r);
                const item: RpcArguments = { status: named(NAME_STATUSES, r.u32()) };
                deferInto(r, item, "domain", wide);
                deferInto(r, item, "name", wide);
                return item;
              });
            });
          }
          r.flush();
        }
        out.returnValue = r.u32();
        return out;
      },
    },
    // IDL_DRSDomainControllerInfo
    16: {
      request: (r) => {
        const out: RpcArguments = { handle: r.contextHandle() };
        if (versioned(r, out, "inVersion", (v) => v === 1) === null) return out;
        structAlign(r);
        deferInto(r, out, "domain", wide);
        out.infoLevel = r.u32();
        r.flush();
        return out;
      },
      response: (r) => {
        const out: RpcArguments = {};
        const arm = versioned(r, out, "outVersion", (v) => v >= 1 && v <= 3 || v === 0xffffffff);
        if (arm === null) return out;
        structAlign(r);
        out.count = r.u32();
        out.items = [];
        if (r.pointer() !== 0) {
          r.defer(() => (out.items = r.array(r.count(24), 24, () => dcInfoItem(r, arm))));
        }
        r.flush();
        out.returnValue = r.u32();
        return out;
      },
    },
  },
};
