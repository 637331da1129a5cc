/**
 * Arguments of ITaskSchedulerService, the Task Scheduler Service Remoting
 * Protocol's current interface: registering a task from its XML (impacket's
 * atexec, many lateral movement and persistence tools), running, deleting,
 * listing and reading tasks. [MS-TSCH] 3.2.5.4 and Appendix A.3
 * (SchRpc.idl). Return values are HRESULTs.
 * @module
 */
import type { NdrReader } from "../ndr.ts";
import { utf16le } from "../../bytes/text.ts";
import {
  deferInto,
  named,
  optionalString,
  pointerArray,
  returnOnly,
  varyingCount,
  wide,
} from "./common.ts";
import type { InterfaceDecoder, RpcArguments } from "./types.ts";

/** Characters kept of a task's XML (64 KiB); the rest is read past, and `xmlTruncated` says so. */
export const MAX_XML_CHARS = 65_536;

/** TASK_LOGON_TYPE, [MS-TSCH] 2.3.9. */
const LOGON_TYPE: Readonly<Record<number, string>> = {
  0: "TASK_LOGON_NONE",
  1: "TASK_LOGON_PASSWORD",
  2: "TASK_LOGON_S4U",
  3: "TASK_LOGON_INTERACTIVE_TOKEN",
  4: "TASK_LOGON_GROUP",
  5: "TASK_LOGON_SERVICE_ACCOUNT",
  6: "TASK_LOGON_INTERACTIVE_TOKEN_OR_PASSWORD",
};
/** TASK_STATE, [MS-TSCH] 2.3.13. */
const TASK_STATE: Readonly<Record<number, string>> = {
  0: "TASK_STATE_UNKNOWN",
  1: "TASK_STATE_DISABLED",
  2: "TASK_STATE_QUEUED",
  3: "TASK_STATE_READY",
  4: "TASK_STATE_RUNNING",
};
/**
 * A `[string] wchar_t*` that may be long (a task's XML): the counts
 * checked as the reader does, at most {@link MAX_XML_CHARS} characters
 * kept, the rest read past.
 */
function longString(r: NdrReader): { text: string; length: number; truncated: boolean } {
  const actual = varyingCount(r, 2);
  r.align(2);
  const raw = r.bytesView(actual * 2);
  let n = actual;
  if (n > 0 && raw[2 * n - 2] === 0 && raw[2 * n - 1] === 0) n--;
  const kept = Math.min(n, MAX_XML_CHARS);
  return { text: utf16le(raw.subarray(0, 2 * kept)), length: n, truncated: kept < n };
}

/** The XML of a task as emitted: the text (capped), its full length, whether it was cut. */
function xmlFields(r: NdrReader): RpcArguments {
  const { text, length, truncated } = longString(r);
  return { xml: text, xmlLength: length, xmlTruncated: truncated };
}

/** TASK_USER_CRED entries, [MS-TSCH] 2.3.8: user ids; passwords only as present or not. */
function credentials(r: NdrReader): RpcArguments[] | null {
  if (r.pointer() === 0) return null;
  const size = r.ndr64 ? 8 + 8 + 8 : 12;
  const n = r.count(size);
  const creds = r.array(n, size, () => {
    if (r.ndr64) r.align(8);
    const cred: RpcArguments = { userId: null, passwordPresent: false };
    if (r.pointer() !== 0) r.defer(() => void (cred.userId = r.wstring()));
    if (r.pointer() !== 0) {
      r.defer(() => {
        const password = r.wstring(); // read past; never emitted
        cred.passwordPresent = password.length > 0;
      });
    }
    cred.flags = r.u32();
    if (r.ndr64) r.align(8);
    return cred;
  });
  r.flush();
  return creds;
}

/**
 * `[out, string, size_is(,*pcNames)] TASK_NAMES*`: a unique pointer to a
 * conformant array of string pointers, then the strings.
 */
function names(r: NdrReader): (string | null)[] | null {
  if (r.pointer() === 0) return null;
  const out = pointerArray(r, () => r.wstring());
  r.flush();
  return out;
}

/** SchRpcEnumFolders and SchRpcEnumTasks share their shape. */
const enumeration = {
  request: (r: NdrReader): RpcArguments => ({
    path: r.wstring(),
    flags: r.u32(),
    startIndex: r.u32(),
    requested: r.u32(),
  }),
  response(r: NdrReader): RpcArguments {
    const startIndex = r.u32();
    const count = r.u32();
    return { startIndex, count, names: names(r), returnValue: r.u32() };
  },
};

/**
 * The ITaskSchedulerService interface, [MS-TSCH] 3.2.5.4. Opnums decoded:
 * 1 SchRpcRegisterTask (path, XML capped at {@link MAX_XML_CHARS}
 * characters, flags, SDDL, logon type, credentials' user ids with
 * `passwordPresent`, never the password), 2 SchRpcRetrieveTask, 6/7
 * SchRpcEnumFolders/Tasks, 12 SchRpcRun (arguments, user; the instance
 * GUID), 13 SchRpcDelete, 17 SchRpcGetTaskInfo.
 *
 * @example SchRpcDelete's response
 * ```ts
 * import { tsch } from "./tsch.ts";
 * import { NdrReader } from "../ndr.ts";
 * const args = tsch.ops[13]!.response!(new NdrReader(new Uint8Array([5, 0, 7, 0x80])));
 * // args: { returnValue: 0x80070005 } (E_ACCESSDENIED)
 * ```
 */
export const tsch: InterfaceDecoder = {
  uuids: ["86d35949-83c9-4044-b424-db363231fd0c"],
  returns: "hresult",
  ops: {
    1: {
      request(r) {
        const path = optionalString(r);
        const xml = xmlFields(r);
        const flags = r.u32();
        const sddl = optionalString(r);
        const logonType = named(LOGON_TYPE, r.u32());
        const credsCount = r.u32();
        return { path, ...xml, flags, sddl, logonType, credsCount, creds: credentials(r) };
      },
      response(r) {
        const actualPath = optionalString(r);
        let errorInfo: RpcArguments | null = null;
        if (r.pointer() !== 0) {
          if (r.ndr64) r.align(8);
          const info: RpcArguments = { line: r.u32(), column: r.u32() };
          deferInto(r, info, "node", wide);
          deferInto(r, info, "value", wide);
          r.flush();
          errorInfo = info;
        }
        return { actualPath, errorInfo, returnValue: r.u32() };
      },
    },
    2: {
      request: (r) => ({
        path: r.wstring(),
        languagesBuffer: r.wstring(),
        numLanguages: r.u32(),
      }),
      response(r) {
        const xml = r.pointer() ? xmlFields(r) : { xml: null };
        return { ...xml, returnValue: r.u32() };
      },
    },
    6: enumeration,
    7: enumeration,
    12: {
      request(r) {
        const path = r.wstring();
        const argsCount = r.u32();
        const args = names(r);
        return {
          path,
          argsCount,
          args,
          flags: r.u32(),
          sessionId: r.u32(),
          user: optionalString(r),
        };
      },
      response: (r) => ({ guid: r.guid(), returnValue: r.u32() }),
    },
    13: {
      request: (r) => ({ path: r.wstring(), flags: r.u32() }),
      response: returnOnly,
    },
    17: {
      request: (r) => ({ path: r.wstring(), flags: r.u32() }),
      response: (r) => ({
        enabled: r.u32(),
        state: named(TASK_STATE, r.u32()),
        returnValue: r.u32(),
      }),
    },
  },
};
