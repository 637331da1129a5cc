import * as assert from "node:assert/strict";
import { remoteWinspool } from "../../../lib/dcerpc/interfaces/remote_winspool.ts";
import stubs from "./remote_winspool_stubs.json" with { type: "json" };
import { decode, hostile, namedCases, stubTable } from "./_support.ts";

// Stubs from make_stubs_ad.py (impacket 0.10.0 par; driver level 3 declared there from [MS-RPRN]).
const stub = stubTable(stubs.cases);

const HANDLE = "000102030405060708090a0b0c0d0e0f10111213";

Deno.test("remoteWinspool RpcAsyncOpenPrinter: printer, access and the client's names", () => {
  assert.deepEqual(decode(remoteWinspool, 0, "request", stub("AsyncOpenPrinter.request")), {
    printerName: "\\\\print01\\HP LaserJet",
    datatype: null,
    devModeLength: null,
    accessRequired: 8,
    clientInfoLevel: 1,
    clientMachine: "\\\\10.0.0.5",
    userName: "mallory",
    buildNum: 9200,
    majorVersion: 6,
    minorVersion: 2,
    processorArchitecture: 9,
  });
  assert.deepEqual(decode(remoteWinspool, 0, "response", stub("AsyncOpenPrinter.response")), {
    handle: HANDLE,
    returnValue: 0,
  });
  assert.deepEqual(decode(remoteWinspool, 20, "request", stub("AsyncClosePrinter.request")), {
    handle: HANDLE,
  });
});

Deno.test("remoteWinspool RpcAsyncAddPrinterDriver: the driver container's DLL paths", () => {
  const driver = {
    serverName: "\\\\dc01",
    version: 3,
    name: "1234",
    environment: "Windows x64",
    driverPath:
      "C:\\Windows\\System32\\DriverStore\\FileRepository\\ntprint.inf_amd64\\Amd64\\UNIDRV.DLL",
    dataFile: "\\\\10.0.0.5\\share\\nightmare.dll",
    configFile: "C:\\Windows\\System32\\kernelbase.dll",
  };
  assert.deepEqual(
    decode(remoteWinspool, 39, "request", stub("AsyncAddPrinterDriver.request.level2")),
    { ...driver, level: 2, fileCopyFlags: 0x8014 },
  );
  assert.deepEqual(
    decode(remoteWinspool, 39, "request", stub("AsyncAddPrinterDriver.request.level3")),
    {
      ...driver,
      level: 3,
      helpFile: "help.hlp",
      monitorName: "mon",
      defaultDataType: null,
      dependentFiles: null,
      fileCopyFlags: 0x8014,
    },
  );
  assert.deepEqual(
    decode(remoteWinspool, 39, "response", stub("AsyncAddPrinterDriver.response")),
    { returnValue: 13 },
  );
});

Deno.test("remoteWinspool RpcAsyncEnumPrinterDrivers and GetPrinterDriverDirectory", () => {
  assert.deepEqual(
    decode(remoteWinspool, 40, "request", stub("AsyncEnumPrinterDrivers.request")),
    { serverName: "\\\\dc01", environment: null, level: 1, bufferSize: 0 },
  );
  assert.deepEqual(
    decode(remoteWinspool, 40, "response", stub("AsyncEnumPrinterDrivers.response")),
    { bufferLength: null, needed: 512, returned: 0, returnValue: 122 },
  );
  assert.deepEqual(
    decode(remoteWinspool, 41, "request", stub("AsyncGetPrinterDriverDirectory.request")),
    { serverName: null, environment: "Windows x64", level: 1, bufferSize: 0 },
  );
});

const OPNUMS: Record<string, number> = {
  AsyncOpenPrinter: 0,
  AsyncClosePrinter: 20,
  AsyncAddPrinterDriver: 39,
  AsyncEnumPrinterDrivers: 40,
  AsyncGetPrinterDriverDirectory: 41,
};

Deno.test("remoteWinspool hostile stubs: truncations and 0xFFFFFFFF counts give NdrError", () => {
  for (const [, opnum, dir, c] of namedCases(stubs.cases, OPNUMS)) {
    hostile(remoteWinspool, opnum, dir, c);
  }
});
