/**
 * The Print System Remote Protocol, interface `winspool` [MS-RPRN] (the
 * spooler on \pipe\spoolss): opening printers, the change-notification calls
 * that make the server connect back to `localMachine` (PrinterBug), and
 * driver installation, whose driver, data and configuration file paths carry
 * PrintNightmare's DLL (CVE-2021-1675, CVE-2021-34527).
 * IDL: [MS-RPRN] 6 (Appendix A); structures 2.2.1, methods 3.1.4.
 * @module
 */
import { utf16le } from "../../bytes/text.ts";
import { MAX_KEPT_ITEMS, MAX_STRING_CHARS, type NdrReader } from "../ndr.ts";
import {
  byteArrayLength,
  deferInto,
  handleOnly,
  handleResponse,
  optionalString,
  returnOnly,
  structAlign,
  unionSwitch,
  utf16Bytes,
  wide,
} from "./common.ts";
import type { InterfaceDecoder, OperationDecoder, RpcArguments } from "./types.ts";

/**
 * A `[size_is(cch), unique] wchar_t*` pointee holding a multi-string
 * (strings each ended by a NUL, the list by another): the strings.
 */
function multiString(r: NdrReader): string[] {
  const units = r.count(2);
  const raw = r.bytesView(units * 2);
  if (units > MAX_STRING_CHARS) r.cut++;
  const list = utf16le(raw.subarray(0, 2 * MAX_STRING_CHARS)).split("\0").filter((s) => s !== "");
  if (list.length > MAX_KEPT_ITEMS) r.cut++;
  return list.slice(0, MAX_KEPT_ITEMS);
}

/** A DEVMODE_CONTAINER parameter: the size of the DEVMODE it carries, or null when none. */
function devModeContainer(r: NdrReader): number | null {
  structAlign(r);
  r.u32(); // cbBuf
  return r.pointer() === 0 ? null : byteArrayLength(r);
}

/** How a field of a driver structure is read; `null` keys are read past. */
type FieldKind = "u32" | "u64" | "filetime" | "string" | "multi";
type Layout = readonly (readonly [string | null, FieldKind])[];

const INFO_2: Layout = [
  ["version", "u32"], // cVersion
  ["name", "string"],
  ["environment", "string"],
  ["driverPath", "string"],
  ["dataFile", "string"],
  ["configFile", "string"],
];
const INFO_3: Layout = [
  ...INFO_2,
  ["helpFile", "string"],
  ["monitorName", "string"],
  ["defaultDataType", "string"],
  [null, "u32"], // cchDependentFiles
  ["dependentFiles", "multi"],
];
const INFO_4: Layout = [...INFO_3, [null, "u32"], ["previousNames", "multi"]];
const INFO_6: Layout = [
  ...INFO_4,
  [null, "filetime"], // ftDriverDate
  [null, "u64"], // dwlDriverVersion
  ["mfgName", "string"],
  [null, "string"], // pOEMUrl
  [null, "string"], // pHardwareID
  ["provider", "string"],
];
const INFO_8: Layout = [
  ...INFO_6,
  ["printProcessor", "string"],
  ["vendorSetup", "string"],
  [null, "u32"], // cchColorProfiles
  [null, "multi"], // pszzColorProfiles
  ["infPath", "string"],
  [null, "u32"], // dwPrinterDriverAttributes
  [null, "u32"], // cchCoreDependencies
  [null, "multi"], // pszzCoreDriverDependencies
  [null, "filetime"], // ftMinInboxDriverVerDate
  [null, "u64"], // dwlMinInboxDriverVerVersion
];
/** DRIVER_INFO_2 and RPC_DRIVER_INFO_3/4/6/8 by level ([MS-RPRN] 2.2.1.5). */
const DRIVER_LAYOUTS = new Map<number, Layout>([
  [2, INFO_2],
  [3, INFO_3],
  [4, INFO_4],
  [6, INFO_6],
  [
    8,
    INFO_8,
  ],
]);

/**
 * A structure of numbers and pointers whose flat part is next, laid out as
 * `layout`: numbers now, strings deferred (read at the caller's flush).
 */
function readLayout(r: NdrReader, layout: Layout, out: RpcArguments): void {
  for (const [key, kind] of layout) {
    switch (kind) {
      case "u32": {
        const v = r.u32();
        if (key) out[key] = v;
        break;
      }
      case "u64":
        r.u64();
        break;
      case "filetime":
        r.u32();
        r.u32();
        break;
      case "string":
      case "multi": {
        if (key) out[key] = null;
        if (r.pointer() === 0) break;
        r.defer(() => {
          const v = kind === "string" ? r.wstring() : multiString(r);
          if (key) out[key] = v;
        });
      }
    }
  }
}

/**
 * A DRIVER_CONTAINER parameter ([MS-RPRN] 2.2.1.2.3): its level and, for
 * levels 2, 3, 4, 6 and 8, the driver's name, environment and file paths.
 * `decoded` is false for another level, whose structure is not read (the
 * caller stops there).
 */
export function driverContainer(r: NdrReader): { values: RpcArguments; decoded: boolean } {
  structAlign(r);
  const level = r.u32();
  const values: RpcArguments = { level };
  const arm = unionSwitch(r); // a copy of Level
  const layout = DRIVER_LAYOUTS.get(arm);
  if (layout === undefined || arm !== level) return { values, decoded: false };
  if (r.pointer() === 0) return { values, decoded: true };
  // RPC_DRIVER_INFO_6 and _8 hold hypers, so they align to 8 in NDR 2.0 too.
  r.align(r.ndr64 || level >= 6 ? 8 : 4);
  readLayout(r, layout, values);
  r.flush();
  return { values, decoded: true };
}

/** RpcAddPrinterDriver(Ex): server, driver container, then (Ex) the copy flags. */
function addPrinterDriver(r: NdrReader, ex: boolean): RpcArguments {
  const serverName = optionalString(r);
  const { values, decoded } = driverContainer(r);
  const out: RpcArguments = { serverName, ...values };
  if (decoded && ex) out.fileCopyFlags = r.u32();
  return out;
}

/**
 * A SPLCLIENT_CONTAINER parameter ([MS-RPRN] 2.2.1.2.14): for levels 1 and 3
 * the client's machine and user names, build and processor architecture.
 * `decoded` is false for another level.
 */
function clientContainer(r: NdrReader): { values: RpcArguments; decoded: boolean } {
  structAlign(r);
  const clientInfoLevel = r.u32();
  const values: RpcArguments = { clientInfoLevel };
  const arm = unionSwitch(r);
  if ((arm !== 1 && arm !== 3) || arm !== clientInfoLevel) return { values, decoded: false };
  if (r.pointer() === 0) return { values, decoded: true };
  // SPLCLIENT_INFO_3 ends with a hyper (hSplPrinter), so it aligns to 8.
  r.align(r.ndr64 || arm === 3 ? 8 : 4);
  if (arm === 3) {
    r.u32(); // cbSize
    r.u32(); // dwFlags
  }
  r.u32(); // dwSize
  deferInto(r, values, "clientMachine", wide);
  deferInto(r, values, "userName", wide);
  values.buildNum = r.u32();
  values.majorVersion = r.u32();
  values.minorVersion = r.u32();
  values.processorArchitecture = r.u16();
  if (arm === 3) r.u64(); // hSplPrinter
  r.flush();
  return { values, decoded: true };
}

/**
 * An RPC_V2_NOTIFY_OPTIONS pointee ([MS-RPRN] 2.2.1.13.1), read past: the
 * number of notification types it asks for.
 */
function notifyOptions(r: NdrReader): { version: number; count: number } {
  structAlign(r);
  const version = r.u32();
  r.u32(); // Reserved (flags)
  const count = r.u32();
  if (r.pointer() !== 0) {
    r.defer(() => {
      const n = r.count(16);
      for (let i = 0; i < n; i++) {
        structAlign(r);
        r.u16(); // Type
        r.u16(); // Reserved0
        r.u32(); // Reserved1
        r.u32(); // Reserved2
        r.u32(); // Count
        if (r.pointer() !== 0) r.defer(() => r.bytesView(2 * r.count(2)));
      }
    });
  }
  r.flush();
  return { version, count };
}

/** `[in, out, unique, size_is(cbBuf)] BYTE*` then `cbBuf`: the buffer size the client offers. */
function offeredBuffer(r: NdrReader): number {
  if (r.pointer() !== 0) byteArrayLength(r);
  return r.u32();
}

/**
 * What RpcRemoteFindFirstPrinterChangeNotification and its Ex form take
 * first: the printer handle, the change flags and options, the client the
 * server is to call back (PrinterBug's `localMachine`) and its printer.
 */
const notificationTarget = (r: NdrReader): RpcArguments => ({
  handle: r.contextHandle(),
  flags: r.u32(),
  options: r.u32(),
  localMachine: optionalString(r),
  printerLocal: r.u32(),
});

/** RpcRemoteFindFirstPrinterChangeNotification's `cbBuffer` and `pBuffer` (read past). */
function notifyBuffer(r: NdrReader): { bufferSize: number } {
  const bufferSize = r.u32();
  if (r.pointer() !== 0) byteArrayLength(r);
  return { bufferSize };
}

/**
 * The request of RpcEnumPrinterDrivers and RpcGetPrinterDriverDirectory
 * (and their RpcAsync forms): server, environment, level and the buffer the
 * client offers.
 */
const driverQuery = (r: NdrReader): RpcArguments => ({
  serverName: optionalString(r),
  environment: optionalString(r),
  level: r.u32(),
  bufferSize: offeredBuffer(r),
});

/**
 * RpcEnumPrinterDrivers (and RpcAsyncEnumPrinterDrivers, [MS-PAR]): the
 * request; the response's buffer (custom-marshalled DRIVER_INFO structures)
 * is read past, its counts kept.
 */
export const enumPrinterDrivers: OperationDecoder = {
  request: driverQuery,
  response: (r) => {
    const bufferLength = r.pointer() === 0 ? null : byteArrayLength(r);
    return { bufferLength, needed: r.u32(), returned: r.u32(), returnValue: r.u32() };
  },
};

/**
 * RpcGetPrinterDriverDirectory (and RpcAsyncGetPrinterDriverDirectory): the
 * response's buffer is the directory (level 1).
 */
export const getPrinterDriverDirectory: OperationDecoder = {
  request: driverQuery,
  response: (r) => ({
    driverDirectory: r.pointer() === 0 ? null : utf16Bytes(r),
    needed: r.u32(),
    returnValue: r.u32(),
  }),
};

/** RpcClosePrinter (and RpcAsyncClosePrinter). */
export const closePrinter: OperationDecoder = {
  request: handleOnly,
  response: handleResponse,
};

/** RpcOpenPrinterEx (and RpcAsyncOpenPrinter, same parameters after the binding handle). */
export const openPrinterEx: OperationDecoder = {
  request: (r) => {
    const out: RpcArguments = {
      printerName: optionalString(r),
      datatype: optionalString(r),
      devModeLength: devModeContainer(r),
      accessRequired: r.u32(),
    };
    return { ...out, ...clientContainer(r).values };
  },
  response: handleResponse,
};

/** RpcAddPrinterDriverEx (and RpcAsyncAddPrinterDriver). */
export const addPrinterDriverEx: OperationDecoder = {
  request: (r) => addPrinterDriver(r, true),
  response: returnOnly,
};

/**
 * winspool argument decoders ([MS-RPRN]): printer opening, change
 * notifications (PrinterBug's `localMachine`), driver installation
 * (PrintNightmare's paths) and driver queries. Win32 error codes.
 */
export const spoolss: InterfaceDecoder = {
  uuids: ["12345678-1234-abcd-ef00-0123456789ab"],
  returns: "win32",
  ops: {
    // RpcOpenPrinter
    1: {
      request: (r) => ({
        printerName: optionalString(r),
        datatype: optionalString(r),
        devModeLength: devModeContainer(r),
        accessRequired: r.u32(),
      }),
      response: handleResponse,
    },
    // RpcAddPrinterDriver
    9: { request: (r) => addPrinterDriver(r, false), response: returnOnly },
    // RpcEnumPrinterDrivers
    10: enumPrinterDrivers,
    // RpcGetPrinterDriverDirectory
    12: getPrinterDriverDirectory,
    // RpcClosePrinter
    29: closePrinter,
    // RpcRemoteFindFirstPrinterChangeNotification
    62: {
      request: (r) => ({ ...notificationTarget(r), ...notifyBuffer(r) }),
      response: (r) => {
        if (r.pointer() !== 0) byteArrayLength(r);
        return returnOnly(r);
      },
    },
    // RpcRemoteFindFirstPrinterChangeNotificationEx
    65: {
      request: (r) => ({
        ...notificationTarget(r),
        notifyOptions: r.pointer() === 0 ? null : notifyOptions(r),
      }),
      response: returnOnly,
    },
    // RpcOpenPrinterEx
    69: openPrinterEx,
    // RpcAddPrinterDriverEx
    89: addPrinterDriverEx,
  },
};
