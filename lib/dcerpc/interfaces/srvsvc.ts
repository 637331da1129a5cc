/**
 * Arguments of the Server Service Remote Protocol (srvsvc): share and session
 * enumeration (discovery, "net view", BloodHound's session collection),
 * share and server information, the time of day, and path canonicalization
 * (the MS08-067 code path). [MS-SRVS] 3.1.4 and Appendix A (IDL).
 * @module
 */
import type { NdrReader } from "../ndr.ts";
import {
  enumRequest,
  enumResponse,
  infoResponse,
  type Layout,
  optionalString,
  returnOnly,
  utf16Bytes,
} from "./common.ts";
import type { InterfaceDecoder, RpcArguments } from "./types.ts";

/** SHARE_INFO_0, 1, 2, 501 and 502, [MS-SRVS] 2.2.4.22-26: each level extends a smaller one. */
const SHARE_1: Layout = [["netName", "s"], ["type", "u"], ["remark", "s"]];
const SHARE_2: Layout = [
  ...SHARE_1,
  ["permissions", "u"],
  ["maxUses", "i"],
  ["currentUses", "u"],
  ["path", "s"],
  ["passwd", "-s"],
];
const SHARE: Readonly<Record<number, Layout>> = {
  0: [["netName", "s"]],
  1: SHARE_1,
  2: SHARE_2,
  501: [...SHARE_1, ["flags", "u"]],
  502: [...SHARE_2, ["reserved", "-u"], ["securityDescriptor", "sd"]],
};

/** SESSION_INFO_0, 1, 2, 10 and 502, [MS-SRVS] 2.2.4. */
const SESSION_1: Layout = [
  ["clientName", "s"],
  ["userName", "s"],
  ["numOpens", "u"],
  ["time", "u"],
  ["idleTime", "u"],
  ["userFlags", "u"],
];
const SESSION_2: Layout = [...SESSION_1, ["clientType", "s"]];
const SESSION: Readonly<Record<number, Layout>> = {
  0: [["clientName", "s"]],
  1: SESSION_1,
  2: SESSION_2,
  10: [["clientName", "s"], ["userName", "s"], ["time", "u"], ["idleTime", "u"]],
  502: [...SESSION_2, ["transport", "s"]],
};

/** SERVER_INFO_100, 101 and 102, [MS-SRVS] 2.2.4. */
const SERVER_100: Layout = [["platformId", "u"], ["name", "s"]];
const SERVER_101: Layout = [
  ...SERVER_100,
  ["versionMajor", "u"],
  ["versionMinor", "u"],
  ["type", "u"],
  ["comment", "s"],
];
const SERVER: Readonly<Record<number, Layout>> = {
  100: SERVER_100,
  101: SERVER_101,
  102: [
    ...SERVER_101,
    ["users", "u"],
    ["disc", "i"],
    ["hidden", "i"],
    ["announce", "u"],
    ["anndelta", "u"],
    ["licenses", "u"],
    ["userPath", "s"],
  ],
};

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
      request: (r) => ({ serverName: optionalString(r), netName: r.wstring(), level: r.u32() }),
      response: infoResponse(SHARE),
    },
    21: {
      request: (r) => ({ serverName: optionalString(r), level: r.u32() }),
      response: infoResponse(SERVER),
    },
    28: {
      request: (r) => ({ serverName: optionalString(r) }),
      response: (r) => ({ timeOfDay: r.pointer() ? timeOfDay(r) : null, returnValue: r.u32() }),
    },
    31: {
      request: (r) => ({
        serverName: optionalString(r),
        pathName: r.wstring(),
        outbufLen: r.u32(),
        prefix: r.wstring(),
        pathType: r.u32(),
        flags: r.u32(),
      }),
      response: (r) => ({ outbuf: utf16Bytes(r), pathType: r.u32(), returnValue: r.u32() }),
    },
    32: {
      request: (r) => ({
        serverName: optionalString(r),
        pathName1: r.wstring(),
        pathName2: r.wstring(),
        pathType: r.u32(),
        flags: r.u32(),
      }),
      response: returnOnly,
    },
  },
};
