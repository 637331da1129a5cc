/**
 * IRemoteWinspool, the Print System Asynchronous Remote Protocol [MS-PAR]:
 * the spooler reached over TCP (RPC_C_AUTHN_LEVEL_PKT_PRIVACY required since
 * 2021). Its calls take the [MS-RPRN] structures after an implicit binding
 * handle, so the readers are winspool's: RpcAsyncAddPrinterDriver carries
 * the same DRIVER_CONTAINER as RpcAddPrinterDriverEx (PrintNightmare's DLL
 * paths).
 * IDL: [MS-PAR] 6 (Appendix A); methods 3.1.4.
 * @module
 */
import {
  addPrinterDriverEx,
  closePrinter,
  enumPrinterDrivers,
  getPrinterDriverDirectory,
  openPrinterEx,
} from "./spoolss.ts";
import type { InterfaceDecoder } from "./types.ts";

/** IRemoteWinspool argument decoders ([MS-PAR]). Win32 error codes. */
export const remoteWinspool: InterfaceDecoder = {
  uuids: ["76f03f96-cdfd-44fc-a22c-64950a001209"],
  returns: "win32",
  ops: {
    0: openPrinterEx, // RpcAsyncOpenPrinter
    20: closePrinter, // RpcAsyncClosePrinter
    39: addPrinterDriverEx, // RpcAsyncAddPrinterDriver
    40: enumPrinterDrivers, // RpcAsyncEnumPrinterDrivers
    41: getPrinterDriverDirectory, // RpcAsyncGetPrinterDriverDirectory
  },
};
