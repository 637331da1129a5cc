/**
 * Arguments of the Service Control Manager Remote Protocol (svcctl): opening
 * the SCM and services, creating, reconfiguring, starting, controlling and
 * deleting them (PsExec, smbexec and every "remote service" lateral movement
 * go through these). [MS-SCMR] 3.1.4 and Appendix A (IDL).
 * @module
 */
import type { NdrReader } from "../ndr.ts";
import { latin1, utf16le } from "../../bytes/text.ts";
import {
  ansi,
  handleOnly,
  handleResponse,
  named,
  optionalDword,
  optionalString,
  pointerArray,
  returnOnly,
  wide,
} from "./common.ts";
import type { InterfaceDecoder, RpcArguments } from "./types.ts";

/** dwStartType values, [MS-SCMR] 2.2.15 / 3.1.4.11. */
const START_TYPE: Readonly<Record<number, string>> = {
  0: "SERVICE_BOOT_START",
  1: "SERVICE_SYSTEM_START",
  2: "SERVICE_AUTO_START",
  3: "SERVICE_DEMAND_START",
  4: "SERVICE_DISABLED",
  0xffffffff: "SERVICE_NO_CHANGE",
};
/** dwErrorControl values, [MS-SCMR] 3.1.4.11. */
const ERROR_CONTROL: Readonly<Record<number, string>> = {
  0: "SERVICE_ERROR_IGNORE",
  1: "SERVICE_ERROR_NORMAL",
  2: "SERVICE_ERROR_SEVERE",
  3: "SERVICE_ERROR_CRITICAL",
  0xffffffff: "SERVICE_NO_CHANGE",
};
/** dwControl values of RControlService, [MS-SCMR] 3.1.4.2. */
const CONTROL: Readonly<Record<number, string>> = {
  1: "SERVICE_CONTROL_STOP",
  2: "SERVICE_CONTROL_PAUSE",
  3: "SERVICE_CONTROL_CONTINUE",
  4: "SERVICE_CONTROL_INTERROGATE",
  6: "SERVICE_CONTROL_PARAMCHANGE",
  7: "SERVICE_CONTROL_NETBINDADD",
  8: "SERVICE_CONTROL_NETBINDREMOVE",
  9: "SERVICE_CONTROL_NETBINDENABLE",
  10: "SERVICE_CONTROL_NETBINDDISABLE",
};
/** dwCurrentState of SERVICE_STATUS, [MS-SCMR] 2.2.47. */
const STATE: Readonly<Record<number, string>> = {
  1: "SERVICE_STOPPED",
  2: "SERVICE_START_PENDING",
  3: "SERVICE_STOP_PENDING",
  4: "SERVICE_RUNNING",
  5: "SERVICE_CONTINUE_PENDING",
  6: "SERVICE_PAUSE_PENDING",
  7: "SERVICE_PAUSED",
};

/** A string the W operations send as UTF-16 (`wide`) and the A operations as 8-bit characters (`ansi`). */
type Text = (r: NdrReader) => string;

/**
 * A top-level `[in,unique,size_is(n)] LPBYTE`: the bytes (conformance, then
 * the bytes) or null; the size parameter follows and is read by the caller.
 */
function optionalBytes(r: NdrReader): Uint8Array | null {
  if (r.pointer() === 0) return null;
  return r.bytesView(r.count(1));
}

/** lpDependencies: a double-NUL-terminated list of names (UTF-16 for W, 8-bit for A). */
function dependencies(bytes: Uint8Array | null, text: Text): string[] | null {
  if (bytes === null) return null;
  const list = text === wide ? utf16le(bytes) : latin1(bytes);
  return list.split("\0").filter((s) => s.length > 0).slice(0, 256);
}

/** SERVICE_STATUS, [MS-SCMR] 2.2.47. */
function serviceStatus(r: NdrReader): RpcArguments {
  return {
    serviceType: r.u32(),
    currentState: named(STATE, r.u32()),
    controlsAccepted: r.u32(),
    win32ExitCode: r.u32(),
    serviceSpecificExitCode: r.u32(),
    checkPoint: r.u32(),
    waitHint: r.u32(),
  };
}

/** ROpenSCManagerW/A: machine and database names, access; the SCM handle. */
const openScManager = (text: Text) => ({
  request: (r: NdrReader): RpcArguments => ({
    machineName: optionalString(r, text),
    databaseName: optionalString(r, text),
    desiredAccess: r.u32(),
  }),
  response: handleResponse,
});

/** ROpenServiceW/A: the service name and access; the service handle. */
const openService = (text: Text) => ({
  request: (r: NdrReader): RpcArguments => ({
    handle: r.contextHandle(),
    serviceName: text(r),
    desiredAccess: r.u32(),
  }),
  response: handleResponse,
});

/** dwServiceType, dwStartType and dwErrorControl of RCreateService and RChangeServiceConfig. */
const serviceTypes = (r: NdrReader): RpcArguments => ({
  serviceType: r.u32(),
  startType: named(START_TYPE, r.u32()),
  errorControl: named(ERROR_CONTROL, r.u32()),
});

/**
 * What RCreateService and RChangeServiceConfig take after the binary path:
 * load order group, tag, dependencies, the account, and its password
 * (encrypted) only as present or not.
 */
function serviceAccount(r: NdrReader, text: Text): RpcArguments {
  const loadOrderGroup = optionalString(r, text);
  const tagId = optionalDword(r);
  const deps = dependencies(optionalBytes(r), text);
  r.u32(); // dwDependSize
  const serviceStartName = optionalString(r, text);
  const password = optionalBytes(r);
  r.u32(); // dwPwSize
  return {
    loadOrderGroup,
    tagId,
    dependencies: deps,
    serviceStartName,
    passwordPresent: password !== null && password.length > 0,
  };
}

/** RCreateServiceW/A, [MS-SCMR] 3.1.4.12 / 3.1.4.30. */
const createService = (text: Text) => ({
  request: (r: NdrReader): RpcArguments => ({
    handle: r.contextHandle(),
    serviceName: text(r),
    displayName: optionalString(r, text),
    desiredAccess: r.u32(),
    ...serviceTypes(r),
    binaryPathName: text(r),
    ...serviceAccount(r, text),
  }),
  response: (r: NdrReader): RpcArguments => ({
    tagId: optionalDword(r),
    handle: r.contextHandle(),
    returnValue: r.u32(),
  }),
});

/** RChangeServiceConfigW/A, [MS-SCMR] 3.1.4.11 / 3.1.4.22. */
const changeServiceConfig = (text: Text) => ({
  request: (r: NdrReader): RpcArguments => ({
    handle: r.contextHandle(),
    ...serviceTypes(r),
    binaryPathName: optionalString(r, text),
    ...serviceAccount(r, text),
    displayName: optionalString(r, text),
  }),
  response: (r: NdrReader): RpcArguments => ({ tagId: optionalDword(r), returnValue: r.u32() }),
});

/** RStartServiceW/A, [MS-SCMR] 3.1.4.19 / 3.1.4.30: argc, then the argument strings. */
const startService = (text: Text) => ({
  request(r: NdrReader): RpcArguments {
    const handle = r.contextHandle();
    const argc = r.u32();
    let args: (string | null)[] | null = null;
    if (r.pointer() !== 0) {
      // Each STRING_PTRS is one embedded pointer; the strings follow the array.
      args = pointerArray(r, () => text(r));
      r.flush();
    }
    return { handle, argc, args };
  },
  response: returnOnly,
});

/**
 * The svcctl interface, [MS-SCMR]. Opnums decoded: 0 RCloseServiceHandle,
 * 1 RControlService, 2 RDeleteService, 6 RQueryServiceStatus, 11/23
 * RChangeServiceConfigW/A, 12/24 RCreateServiceW/A, 15/27 ROpenSCManagerW/A,
 * 16/28 ROpenServiceW/A, 19/31 RStartServiceW/A. Start types, error controls,
 * controls and states are named; service types and access masks stay numbers.
 * Passwords are never emitted, only `passwordPresent`.
 *
 * @example ROpenServiceW's request
 * ```ts
 * import { svcctl } from "./svcctl.ts";
 * import { NdrReader } from "../ndr.ts";
 * const stub = new Uint8Array(20 + 12 + 4 + 4); // handle, counts of "", access
 * const args = svcctl.ops[16]!.request!(new NdrReader(stub));
 * // args: { handle: "00...", serviceName: "", desiredAccess: 0 }
 * ```
 */
export const svcctl: InterfaceDecoder = {
  uuids: ["367abb81-9844-35f1-ad32-98f038001003"],
  returns: "win32",
  ops: {
    0: { request: handleOnly, response: handleResponse },
    1: {
      request: (r) => ({ handle: r.contextHandle(), control: named(CONTROL, r.u32()) }),
      response: (r) => ({ serviceStatus: serviceStatus(r), returnValue: r.u32() }),
    },
    2: { request: handleOnly, response: returnOnly },
    6: {
      request: handleOnly,
      response: (r) => ({ serviceStatus: serviceStatus(r), returnValue: r.u32() }),
    },
    11: changeServiceConfig(wide),
    12: createService(wide),
    15: openScManager(wide),
    16: openService(wide),
    19: startService(wide),
    23: changeServiceConfig(ansi),
    24: createService(ansi),
    27: openScManager(ansi),
    28: openService(ansi),
    31: startService(ansi),
    // RCreateServiceWOW64A/W ([MS-SCMR] 3.1.4.41, 3.1.4.42) take RCreateServiceA/W's
    // parameters; PsExec creates its service with the W form.
    44: createService(ansi),
    45: createService(wide),
  },
};
