/**
 * Arguments of the Workstation Service Remote Protocol (wkssvc): workstation
 * information (computer name, domain, OS version), the users logged on
 * (a favourite of session-hunting tools), transports, and domain join and
 * unjoin. [MS-WKST] 3.2.4 and Appendix A (IDL).
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
} from "./common.ts";
import type { InterfaceDecoder, RpcArguments } from "./types.ts";

/** WKSTA_INFO_100, 101 and 102, [MS-WKST] 2.2.5: each level extends the one before. */
const WKSTA_100: Layout = [
  ["platformId", "u"],
  ["computerName", "s"],
  ["lanGroup", "s"],
  ["versionMajor", "u"],
  ["versionMinor", "u"],
];
const WKSTA_101: Layout = [...WKSTA_100, ["lanRoot", "s"]];
const WKSTA_INFO: Readonly<Record<number, Layout>> = {
  100: WKSTA_100,
  101: WKSTA_101,
  102: [...WKSTA_101, ["loggedOnUsers", "u"]],
};

const USER_INFO: Readonly<Record<number, Layout>> = {
  0: [["userName", "s"]],
  1: [["userName", "s"], ["logonDomain", "s"], ["othDomains", "s"], ["logonServer", "s"]],
};

const TRANSPORT_INFO: Readonly<Record<number, Layout>> = {
  0: [
    ["qualityOfService", "u"],
    ["numberOfVcs", "u"],
    ["transportName", "s"],
    ["transportAddress", "s"],
    ["wanIsh", "u"],
  ],
};

/** JOINPR_ENCRYPTED_USER_PASSWORD: 524 opaque bytes ([MS-WKST] 2.2.5.18), as hex. */
const JOIN_PASSWORD_BYTES = 8 + 256 * 2 + 4;
const password = (r: NdrReader): string | null => r.pointer() ? r.hex(JOIN_PASSWORD_BYTES) : null;

/**
 * The wkssvc interface, [MS-WKST]. Opnums decoded: 0 NetrWkstaGetInfo
 * (levels 100, 101, 102), 2 NetrWkstaUserEnum (levels 0, 1), 5
 * NetrWkstaTransportEnum (level 0), 22 NetrJoinDomain2, 23
 * NetrUnjoinDomain2 (the encrypted password blob as hex).
 *
 * @example NetrWkstaGetInfo's request
 * ```ts
 * import { wkssvc } from "./wkssvc.ts";
 * import { NdrReader } from "../ndr.ts";
 * const args = wkssvc.ops[0]!.request!(new NdrReader(new Uint8Array([0, 0, 0, 0, 100, 0, 0, 0])));
 * // args: { serverName: null, level: 100 }
 * ```
 */
export const wkssvc: InterfaceDecoder = {
  uuids: ["6bffd098-a112-3610-9833-46c3f87e345a"],
  returns: "win32",
  ops: {
    0: {
      request: (r) => ({ serverName: optionalString(r), level: r.u32() }),
      response: infoResponse(WKSTA_INFO),
    },
    2: {
      request: (r) => enumRequest(r, USER_INFO, ["serverName"], "preferredMaximumLength"),
      response: (r) => enumResponse(r, USER_INFO),
    },
    5: {
      request: (r) => enumRequest(r, TRANSPORT_INFO, ["serverName"], "preferredMaximumLength"),
      response: (r) => enumResponse(r, TRANSPORT_INFO),
    },
    22: {
      request: (r): RpcArguments => ({
        serverName: optionalString(r),
        domainNameParam: r.wstring(),
        machineAccountOU: optionalString(r),
        accountName: optionalString(r),
        password: password(r),
        options: r.u32(),
      }),
      response: returnOnly,
    },
    23: {
      request: (r): RpcArguments => ({
        serverName: optionalString(r),
        accountName: optionalString(r),
        password: password(r),
        options: r.u32(),
      }),
      response: returnOnly,
    },
  },
};
