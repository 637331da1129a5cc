/**
 * Arguments of the Windows Remote Registry Protocol (winreg): hives and keys
 * opened, created and deleted, values set, read and enumerated, and hives
 * saved to files (secretsdump saves SAM, SYSTEM and SECURITY this way; Run
 * keys set remotely are persistence). [MS-RRP] 3.1.5 and Appendix A (IDL).
 * @module
 */
import type { NdrReader } from "../ndr.ts";
import { utf16le } from "../../bytes/text.ts";
import { filetimeIso } from "../../bytes/wire_values.ts";
import {
  handleOnly,
  handleResponse,
  named,
  optionalDword,
  optionalWchar,
  returnOnly,
  unicodeStringParameter,
  varyingCount,
} from "./common.ts";
import type { InterfaceDecoder, RpcArguments } from "./types.ts";

/** Value types, [MS-RRP] 2.2.5 (and winnt.h for the resource types). */
const REG_TYPE: Readonly<Record<number, string>> = {
  0: "REG_NONE",
  1: "REG_SZ",
  2: "REG_EXPAND_SZ",
  3: "REG_BINARY",
  4: "REG_DWORD",
  5: "REG_DWORD_BIG_ENDIAN",
  6: "REG_LINK",
  7: "REG_MULTI_SZ",
  8: "REG_RESOURCE_LIST",
  9: "REG_FULL_RESOURCE_DESCRIPTOR",
  10: "REG_RESOURCE_REQUIREMENTS_LIST",
  11: "REG_QWORD",
};
/** lpdwDisposition of BaseRegCreateKey, [MS-RRP] 3.1.5.7. */
const DISPOSITION: Readonly<Record<number, string>> = {
  1: "REG_CREATED_NEW_KEY",
  2: "REG_OPENED_EXISTING_KEY",
};

/** Bytes of a value kept as hex when it is not text or a number. */
export const MAX_VALUE_HEX_BYTES = 1024;
/** Characters kept of a string value. */
const MAX_VALUE_CHARS = 4096;

/** UTF-16 text of at most MAX_VALUE_CHARS characters, trailing NULs dropped. */
function text(b: Uint8Array): string {
  return utf16le(b.subarray(0, Math.min(b.length, 2 * MAX_VALUE_CHARS))).replace(/\0+$/, "");
}

/**
 * A value's data as JSON: text for REG_SZ, REG_EXPAND_SZ and REG_LINK, a
 * list for REG_MULTI_SZ, a number for REG_DWORD (either order) and
 * REG_QWORD (a decimal string past 2^53), hex (capped) otherwise.
 */
export function valueData(type: number | null, b: Uint8Array): unknown {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (type) {
    case 1:
    case 2:
    case 6:
      return text(b);
    case 7:
      return text(b).split("\0").slice(0, 256);
    case 4:
      if (b.length === 4) return v.getUint32(0, true);
      break;
    case 5:
      if (b.length === 4) return v.getUint32(0, false);
      break;
    case 11:
      if (b.length === 8) {
        const n = v.getBigUint64(0, true);
        return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
      }
      break;
  }
  let hex = "";
  for (const x of b.subarray(0, MAX_VALUE_HEX_BYTES)) hex += x.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The four `[in,out,unique]` parameters lpType, lpData, lpcbData, lpcbLen
 * of BaseRegQueryValue and BaseRegEnumValue: the type named, the data
 * decoded (null when absent), its length in bytes, and the two sizes.
 */
function typeAndData(r: NdrReader): RpcArguments {
  const type = optionalDword(r);
  let raw: Uint8Array | null = null;
  if (r.pointer() !== 0) raw = r.bytesView(varyingCount(r, 1));
  const cbData = optionalDword(r);
  const cbLen = optionalDword(r);
  return {
    type: type === null ? null : named(REG_TYPE, type),
    data: raw === null ? null : valueData(type, raw),
    dataLength: raw === null ? null : raw.length,
    cbData,
    cbLen,
  };
}

/** A `[unique] PRPC_SECURITY_ATTRIBUTES`, read past ([MS-RRP] 2.2.7). */
function skipSecurityAttributes(r: NdrReader): void {
  if (r.pointer() === 0) return;
  if (r.ndr64) r.align(8);
  r.u32(); // nLength
  const sd = securityDescriptorFlat(r);
  r.u8(); // bInheritHandle
  if (r.ndr64) r.align(8);
  sd();
}

/**
 * RPC_SECURITY_DESCRIPTOR ([MS-RRP] 2.2.8): its flat part now; returns the
 * reader of its bytes (a conformant varying array), which gives their
 * count.
 */
function securityDescriptorFlat(r: NdrReader): () => number | null {
  if (r.ndr64) r.align(8);
  const present = r.pointer() !== 0;
  r.u32(); // cbInSecurityDescriptor
  r.u32(); // cbOutSecurityDescriptor
  return () => {
    if (!present) return null;
    r.count(0);
    r.count(0);
    return r.bytesView(r.count(1)).length;
  };
}

/** OpenClassesRoot and its siblings: a one-character server name (ignored), access; the key. */
const openHive = {
  request(r: NdrReader): RpcArguments {
    optionalWchar(r); // PREGISTRY_SERVER_NAME: one WCHAR, not a name
    return { desiredAccess: r.u32() };
  },
  response: handleResponse,
};

/** BaseRegSaveKey and BaseRegSaveKeyEx (with flags): the key and the file it is saved to. */
const saveKey = (withFlags: boolean) => ({
  request(r: NdrReader): RpcArguments {
    const handle = r.contextHandle();
    const file = unicodeStringParameter(r);
    skipSecurityAttributes(r);
    return withFlags ? { handle, file, flags: r.u32() } : { handle, file };
  },
  response: returnOnly,
});

/**
 * The winreg interface, [MS-RRP]. Opnums decoded: 0-4, 27, 32, 33 Open*
 * (hive roots), 5 BaseRegCloseKey, 6 BaseRegCreateKey, 7 BaseRegDeleteKey, 8
 * BaseRegDeleteValue, 9 BaseRegEnumKey, 10 BaseRegEnumValue, 12
 * BaseRegGetKeySecurity (lengths only), 15 BaseRegOpenKey, 17
 * BaseRegQueryValue, 20 BaseRegSaveKey, 22 BaseRegSetValue, 31
 * BaseRegSaveKeyEx. Value data is decoded by type (see {@link valueData}).
 *
 * @example BaseRegDeleteValue's response
 * ```ts
 * import { winreg } from "./winreg.ts";
 * import { NdrReader } from "../ndr.ts";
 * const args = winreg.ops[8]!.response!(new NdrReader(new Uint8Array([2, 0, 0, 0])));
 * // args: { returnValue: 2 } (ERROR_FILE_NOT_FOUND)
 * ```
 */
export const winreg: InterfaceDecoder = {
  uuids: ["338cd001-2244-31f1-aaaa-900038001003"],
  returns: "win32",
  ops: {
    0: openHive,
    1: openHive,
    2: openHive,
    3: openHive,
    4: openHive,
    27: openHive,
    32: openHive,
    33: openHive,
    5: { request: handleOnly, response: handleResponse },
    6: {
      request(r) {
        const handle = r.contextHandle();
        const subKey = unicodeStringParameter(r);
        const className = unicodeStringParameter(r);
        const options = r.u32();
        const desiredAccess = r.u32();
        skipSecurityAttributes(r);
        const disposition = optionalDword(r);
        return {
          handle,
          subKey,
          class: className,
          options,
          desiredAccess,
          disposition: disposition === null ? null : named(DISPOSITION, disposition),
        };
      },
      response(r) {
        const handle = r.contextHandle();
        const disposition = optionalDword(r);
        return {
          handle,
          disposition: disposition === null ? null : named(DISPOSITION, disposition),
          returnValue: r.u32(),
        };
      },
    },
    7: {
      request: (r) => ({ handle: r.contextHandle(), subKey: unicodeStringParameter(r) }),
      response: returnOnly,
    },
    8: {
      request: (r) => ({ handle: r.contextHandle(), valueName: unicodeStringParameter(r) }),
      response: returnOnly,
    },
    9: {
      request(r) {
        const handle = r.contextHandle();
        const index = r.u32();
        unicodeStringParameter(r); // lpNameIn: the buffer offered
        if (r.pointer() !== 0) unicodeStringParameter(r); // lpClassIn
        if (r.pointer() !== 0) {
          r.u32(); // lpftLastWriteTime: two DWORDs, aligned to 4
          r.u32();
        }
        return { handle, index };
      },
      response(r) {
        const name = unicodeStringParameter(r);
        const className = r.pointer() !== 0 ? unicodeStringParameter(r) : null;
        let lastWriteTime: string | null = null;
        if (r.pointer() !== 0) {
          const low = r.u32();
          lastWriteTime = filetimeIso(low, r.u32());
        }
        return { name, class: className, lastWriteTime, returnValue: r.u32() };
      },
    },
    10: {
      request(r) {
        const handle = r.contextHandle();
        const index = r.u32();
        unicodeStringParameter(r); // lpValueNameIn: the buffer offered
        typeAndData(r);
        return { handle, index };
      },
      response: (r) => ({
        valueName: unicodeStringParameter(r),
        ...typeAndData(r),
        returnValue: r.u32(),
      }),
    },
    12: {
      request(r) {
        const handle = r.contextHandle();
        const securityInformation = r.u32();
        securityDescriptorFlat(r)();
        return { handle, securityInformation };
      },
      response: (r) => ({
        securityDescriptorLength: securityDescriptorFlat(r)(),
        returnValue: r.u32(),
      }),
    },
    15: {
      request: (r) => ({
        handle: r.contextHandle(),
        subKey: unicodeStringParameter(r),
        options: r.u32(),
        desiredAccess: r.u32(),
      }),
      response: handleResponse,
    },
    17: {
      request(r) {
        const handle = r.contextHandle();
        const valueName = unicodeStringParameter(r);
        const { cbData } = typeAndData(r);
        return { handle, valueName, cbData };
      },
      response: (r) => ({ ...typeAndData(r), returnValue: r.u32() }),
    },
    20: saveKey(false),
    22: {
      request(r) {
        const handle = r.contextHandle();
        const valueName = unicodeStringParameter(r);
        const type = r.u32();
        const raw = r.bytesView(r.count(1));
        return {
          handle,
          valueName,
          type: named(REG_TYPE, type),
          data: valueData(type, raw),
          dataLength: raw.length,
          cbData: r.u32(),
        };
      },
      response: returnOnly,
    },
    31: saveKey(true),
  },
};
