/**
 * Arguments of the Server Service Remote Protocol (srvsvc): share and session
 * enumeration (discovery, "net view", BloodHound's session collection),
 * share and server information, the time of day, and path canonicalization
 * (the MS08-067 code path). [MS-SRVS] 3.1.4 and Appendix A (IDL).
 * @module
 */
import { type NdrReader } from "../ndr.ts";
import { utf16le } from "../../bytes/text.ts";
import type { InterfaceDecoder, RpcArguments } from "./types.ts";

/** The platform ids of SERVER_INFO_100-102, [MS-SRVS] 2.2.4.40. */
const PLATFORM: Readonly<Record<number, string>> = {
  300: "PLATFORM_ID_DOS",
  400: "PLATFORM_ID_OS2",
  500: "PLATFORM_ID_NT",
  600: "PLATFORM_ID_OSF",
  700: "PLATFORM_ID_VMS",
};
/** A platform id's name (the number when unknown); wkssvc's WKSTA_INFO uses the same ids. */
export const platformName = (id: number): string | number => PLATFORM[id] ?? id;

/**
 * One field of an information structure as laid out on the wire: `s` a
 * `[string] wchar_t*` (emitted), `-s` one read past (a share password),
 * `u` a DWORD, `i` a long, `-u` a DWORD not emitted, `b` an unsigned char,
 * `p` a DWORD_PTR (4 bytes, 8 in NDR64), `sd` a pointer to
 * `size_is(previous DWORD)` bytes (a security descriptor, read past).
 */
export type FieldKind = "s" | "-s" | "u" | "i" | "-u" | "b" | "p" | "sd";
/**
 * A structure's fields in wire order, with their output names. The
 * structure readers below are shared with wkssvc.ts and atsvc.ts (the same
 * LAN Manager shapes); they would sit better in ndr.ts.
 */
export type Layout = readonly (readonly [string, FieldKind])[];

/** Reads one structure's flat part now and defers its strings; fills `out`. */
export function readStruct(r: NdrReader, layout: Layout, out: RpcArguments): void {
  if (r.ndr64) r.align(8); // NDR64 aligns a structure with pointers to 8, start and end
  for (const [name, kind] of layout) {
    switch (kind) {
      case "u":
        out[name] = r.u32();
        break;
      case "i":
        out[name] = r.i32();
        break;
      case "-u":
        r.u32();
        break;
      case "b":
        out[name] = r.u8();
        break;
      case "p":
        out[name] = r.ndr64 ? r.u64() : r.u32();
        break;
      case "s":
      case "-s":
        if (kind === "s") out[name] = null;
        if (r.pointer() !== 0) {
          r.defer(() => {
            const s = r.wstring();
            if (kind === "s") out[name] = s;
          });
        }
        break;
      case "sd":
        if (r.pointer() !== 0) r.defer(() => void r.bytesView(r.count(1)));
        break;
    }
  }
  if (r.ndr64) r.align(8);
}

/** Bytes of one element's flat part, at least (for the count check). */
const flatSize = (r: NdrReader, layout: Layout): number =>
  layout.reduce(
    (n, [, k]) => n + (k === "b" ? 1 : k === "u" || k === "i" || k === "-u" ? 4 : r.ndr64 ? 8 : 4),
    0,
  );

/** `[in,string,unique]` top-level string. */
export const optional = (r: NdrReader): string | null => r.pointer() ? r.wstring() : null;
/** `[in,out,unique] DWORD*`. */
export const optionalDword = (r: NdrReader): number | null => r.pointer() ? r.u32() : null;

/**
 * A `…_ENUM_STRUCT`: Level, the union's discriminant and arm (a pointer to a
 * container of EntriesRead and a pointer to the array). Strings are read
 * with the structure (the caller flushes). An unknown level's container is
 * not read: the result has `level` only and `complete` false.
 */
export function enumStruct(
  r: NdrReader,
  layouts: Readonly<Record<number, Layout>>,
): { level: number; entriesRead: number | null; entries: RpcArguments[] | null; known: boolean } {
  if (r.ndr64) r.align(8);
  const level = r.u32();
  // The union's discriminant (the same Level); NDR64 aligns the whole union
  // to its arms' alignment (8 for a pointer), [MS-RPCE] 2.2.5.3.4.4.
  if (r.ndr64) r.align(8);
  const arm = r.u32();
  const layout = layouts[arm];
  const out = { level, entriesRead: null as number | null, entries: null as RpcArguments[] | null };
  if (!layout) return { ...out, known: false };
  if (r.pointer() === 0) return { ...out, known: true };
  r.defer(() => {
    if (r.ndr64) r.align(8);
    out.entriesRead = r.u32();
    if (r.pointer() === 0) return;
    r.defer(() => {
      const size = flatSize(r, layout);
      const n = r.count(size);
      out.entries = r.array(n, size, () => {
        const e: RpcArguments = {};
        readStruct(r, layout, e);
        return e;
      });
    });
  });
  r.flush();
  return { ...out, known: true };
}

const SHARE: Readonly<Record<number, Layout>> = {
  0: [["netName", "s"]],
  1: [["netName", "s"], ["type", "u"], ["remark", "s"]],
  2: [
    ["netName", "s"],
    ["type", "u"],
    ["remark", "s"],
    ["permissions", "u"],
    ["maxUses", "i"],
    ["currentUses", "u"],
    ["path", "s"],
    ["passwd", "-s"],
  ],
  501: [["netName", "s"], ["type", "u"], ["remark", "s"], ["flags", "u"]],
  502: [
    ["netName", "s"],
    ["type", "u"],
    ["remark", "s"],
    ["permissions", "u"],
    ["maxUses", "i"],
    ["currentUses", "u"],
    ["path", "s"],
    ["passwd", "-s"],
    ["reserved", "-u"],
    ["securityDescriptor", "sd"],
  ],
};

const SESSION: Readonly<Record<number, Layout>> = {
  0: [["clientName", "s"]],
  1: [
    ["clientName", "s"],
    ["userName", "s"],
    ["numOpens", "u"],
    ["time", "u"],
    ["idleTime", "u"],
    ["userFlags", "u"],
  ],
  2: [
    ["clientName", "s"],
    ["userName", "s"],
    ["numOpens", "u"],
    ["time", "u"],
    ["idleTime", "u"],
    ["userFlags", "u"],
    ["clientType", "s"],
  ],
  10: [["clientName", "s"], ["userName", "s"], ["time", "u"], ["idleTime", "u"]],
  502: [
    ["clientName", "s"],
    ["userName", "s"],
    ["numOpens", "u"],
    ["time", "u"],
    ["idleTime", "u"],
    ["userFlags", "u"],
    ["clientType", "s"],
    ["transport", "s"],
  ],
};

const SERVER: Readonly<Record<number, Layout>> = {
  100: [["platformId", "u"], ["name", "s"]],
  101: [
    ["platformId", "u"],
    ["name", "s"],
    ["versionMajor", "u"],
    ["versionMinor", "u"],
    ["type", "u"],
    ["comment", "s"],
  ],
  102: [
    ["platformId", "u"],
    ["name", "s"],
    ["versionMajor", "u"],
    ["versionMinor", "u"],
    ["type", "u"],
    ["comment", "s"],
    ["users", "u"],
    ["disc", "i"],
    ["hidden", "i"],
    ["announce", "u"],
    ["anndelta", "u"],
    ["licenses", "u"],
    ["userPath", "s"],
  ],
};

/**
 * An enumeration's request: the `[string,unique]` names before the
 * enumeration structure, then its level, the maximum length (named as the
 * IDL spells it) and the resume handle.
 */
export function enumRequest(
  r: NdrReader,
  layouts: Readonly<Record<number, Layout>>,
  names: readonly string[],
  lengthName = "preferedMaximumLength",
): RpcArguments {
  const out: RpcArguments = {};
  for (const name of names) out[name] = optional(r);
  const info = enumStruct(r, layouts);
  out.level = info.level;
  if (!info.known) return out;
  out[lengthName] = r.u32();
  out.resumeHandle = optionalDword(r);
  return out;
}

/** An enumeration's response: entries, total, resume handle, status. */
export function enumResponse(
  r: NdrReader,
  layouts: Readonly<Record<number, Layout>>,
): RpcArguments {
  const info = enumStruct(r, layouts);
  if (!info.known) return { level: info.level };
  return {
    level: info.level,
    count: info.entriesRead,
    entries: info.entries,
    totalEntries: r.u32(),
    resumeHandle: optionalDword(r),
    returnValue: r.u32(),
  };
}

/**
 * An `[out, switch_is(Level)]` information union at the top level: the
 * discriminant, then a unique pointer to the structure. Null for an
 * unknown level (the caller stops there).
 */
export function infoUnion(
  r: NdrReader,
  layouts: Readonly<Record<number, Layout>>,
): { level: number; info?: RpcArguments | null } {
  if (r.ndr64) r.align(8);
  const level = r.u32();
  const layout = layouts[level];
  if (!layout) return { level };
  if (r.pointer() === 0) return { level, info: null };
  const info: RpcArguments = {};
  readStruct(r, layout, info);
  r.flush();
  return { level, info };
}

/** TIME_OF_DAY_INFO, [MS-SRVS] 2.2.4.105: the server's clock. */
function timeOfDay(r: NdrReader): RpcArguments {
  const elapsed = r.u32();
  const msecs = r.u32();
  r.u32(); // hours
  r.u32(); // mins
  r.u32(); // secs
  r.u32(); // hunds
  const timezone = r.i32();
  const tinterval = r.u32();
  r.u32(); // day
  r.u32(); // month
  r.u32(); // year
  r.u32(); // weekday
  return { elapsedTime: new Date(elapsed * 1000).toISOString(), msecs, timezone, tinterval };
}

/**
 * The srvsvc interface, [MS-SRVS]. Opnums decoded: 12 NetrSessionEnum
 * (levels 0, 1, 2, 10, 502), 15 NetrShareEnum (levels 0, 1, 2, 501, 502),
 * 16 NetrShareGetInfo (the same share levels), 21 NetrServerGetInfo (100,
 * 101, 102), 28 NetrRemoteTOD, 31 NetprPathCanonicalize, 32
 * NetprPathCompare. Share passwords and security descriptors are read past.
 *
 * @example NetrServerGetInfo's request
 * ```ts
 * import { srvsvc } from "./srvsvc.ts";
 * import { NdrReader } from "../ndr.ts";
 * const args = srvsvc.ops[21]!.request!(new NdrReader(new Uint8Array([0, 0, 0, 0, 101, 0, 0, 0])));
 * // args: { serverName: null, level: 101 }
 * ```
 */
export const srvsvc: InterfaceDecoder = {
  uuids: ["4b324fc8-1670-01d3-1278-5a47bf6ee188"],
  returns: "win32",
  ops: {
    12: {
      request: (r) => enumRequest(r, SESSION, ["serverName", "clientName", "userName"]),
      response: (r) => enumResponse(r, SESSION),
    },
    15: {
      request: (r) => enumRequest(r, SHARE, ["serverName"]),
      response: (r) => enumResponse(r, SHARE),
    },
    16: {
      request: (r) => ({ serverName: optional(r), netName: r.wstring(), level: r.u32() }),
      response(r) {
        const { level, info } = infoUnion(r, SHARE);
        if (info === undefined) return { level };
        return { level, info, returnValue: r.u32() };
      },
    },
    21: {
      request: (r) => ({ serverName: optional(r), level: r.u32() }),
      response(r) {
        const { level, info } = infoUnion(r, SERVER);
        if (info === undefined) return { level };
        if (info && typeof info.platformId === "number") {
          info.platformId = platformName(info.platformId);
        }
        return { level, info, returnValue: r.u32() };
      },
    },
    28: {
      request: (r) => ({ serverName: optional(r) }),
      response: (r) => ({ timeOfDay: r.pointer() ? timeOfDay(r) : null, returnValue: r.u32() }),
    },
    31: {
      request: (r) => ({
        serverName: optional(r),
        pathName: r.wstring(),
        outbufLen: r.u32(),
        prefix: r.wstring(),
        pathType: r.u32(),
        flags: r.u32(),
      }),
      response(r) {
        const raw = r.bytesView(r.count(1));
        const text = utf16le(raw.subarray(0, Math.min(raw.length, 8192)));
        const nul = text.indexOf("\0");
        return {
          outbuf: nul < 0 ? text : text.slice(0, nul),
          pathType: r.u32(),
          returnValue: r.u32(),
        };
      },
    },
    32: {
      request: (r) => ({
        serverName: optional(r),
        pathName1: r.wstring(),
        pathName2: r.wstring(),
        pathType: r.u32(),
        flags: r.u32(),
      }),
      response: (r) => ({ returnValue: r.u32() }),
    },
  },
};
