/**
 * Arguments of the Workstation Service Remote Protocol (wkssvc): workstation
 * information (computer name, domain, OS version), the users logged on
 * (a favourite of session-hunting tools), transports, and domain join and
 * unjoin. [MS-WKST] 3.2.4 and Appendix A (IDL).
 * @module
 */
import type { NdrReader } from "../ndr.ts";
import type { InterfaceDecoder, RpcArguments } from "./types.ts";
import {
  enumRequest,
  enumResponse,
  infoUnion,
  type Layout,
  optional,
  platformName,
} from "./srvsvc.ts";

const WKSTA_INFO: Readonly<Record<number, Layout>> = {
  100: [
    ["platformId", "u"],
    ["computerName", "s"],
    ["lanGroup", "s"],
    ["versionMajor", "u"],
    ["versionMinor", "u"],
  ],
  101: [
    ["platformId", "u"],
    ["computerName", "s"],
    ["lanGroup", "s"],
    ["versionMajor", "u"],
    ["versionMinor", "u"],
    ["lanRoot", "s"],
  ],
  102: [
    ["platformId", "u"],
    ["computerName", "s"],
    ["lanGroup", "s"],
    ["versionMajor", "u"],
    ["versionMinor", "u"],
    ["lanRoot", "s"],
    ["loggedOnUsers", "u"],
  ],
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
      request: (r) => ({ serverName: optional(r), level: r.u32() }),
      response(r) {
        const { level, info } = infoUnion(r, WKSTA_INFO);
        if (info === undefined) return { level };
        if (info && typeof info.platformId === "number") {
          info.platformId = platformName(info.platformId);
        }
        return { level, info, returnValue: r.u32() };
      },
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
        serverName: optional(r),
        domainNameParam: r.wstring(),
        machineAccountOU: optional(r),
        accountName: optional(r),
        password: password(r),
        options: r.u32(),
      }),
      response: (r) => ({ returnValue: r.u32() }),
    },
    23: {
      request: (r): RpcArguments => ({
        serverName: optional(r),
        accountName: optional(r),
        password: password(r),
        options: r.u32(),
      }),
      response: (r) => ({ returnValue: r.u32() }),
    },
  },
};
