import * as assert from "node:assert/strict";
import { NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { spoolss } from "../../../lib/dcerpc/interfaces/spoolss.ts";
import stubs from "./spoolss_stubs.json" with { type: "json" };
import { bytes, decode, hostile, namedCases, stubTable } from "./_support.ts";

// Stubs from make_stubs_ad.py (impacket 0.10.0 rprn, with the calls and driver levels it lacks
// declared there from [MS-RPRN] 6).
const stub = stubTable(stubs.cases);

const HANDLE = "000102030405060708090a0b0c0d0e0f10111213";

Deno.test("spoolss RpcOpenPrinter: printer name, datatype, DEVMODE, access; the handle", () => {
  assert.deepEqual(decode(spoolss, 1, "request", stub("OpenPrinter.request")), {
    printerName: "\\\\dc01",
    datatype: null,
    devModeLength: null,
    accessRequired: 0x00020002,
  });
  assert.deepEqual(decode(spoolss, 1, "response", stub("OpenPrinter.response")), {
    handle: HANDLE,
    returnValue: 0,
  });
});

Deno.test("spoolss RpcOpenPrinterEx: client info level 1 (NDR 2.0 and NDR64) and level 3", () => {
  for (const name of ["OpenPrinterEx.request", "OpenPrinterEx.request.ndr64"]) {
    assert.deepEqual(decode(spoolss, 69, "request", stub(name)), {
      printerName: "\\\\10.0.0.1",
      datatype: "RAW",
      devModeLength: 4,
      accessRequired: 0x00020002,
      clientInfoLevel: 1,
      clientMachine: "attacker-pc",
      userName: "eve",
      buildNum: 7600,
      majorVersion: 3,
      minorVersion: 0,
      processorArchitecture: 9,
    }, name);
  }
  assert.deepEqual(decode(spoolss, 69, "request", stub("OpenPrinterEx.request.level3")), {
    printerName: null,
    datatype: null,
    devModeLength: null,
    accessRequired: 8,
    clientInfoLevel: 3,
    clientMachine: "ws01",
    userName: "CORP\\carol",
    buildNum: 19041,
    majorVersion: 10,
    minorVersion: 0,
    processorArchitecture: 9,
  });
});

Deno.test("spoolss RpcClosePrinter: the handle in, the zeroed handle out", () => {
  assert.deepEqual(decode(spoolss, 29, "request", stub("ClosePrinter.request")), {
    handle: HANDLE,
  });
  assert.deepEqual(decode(spoolss, 29, "response", stub("ClosePrinter.response")), {
    handle: "0".repeat(40),
    returnValue: 0,
  });
});

Deno.test("spoolss change notifications: the machine the spooler calls back (PrinterBug)", () => {
  assert.deepEqual(
    decode(spoolss, 62, "request", stub("RemoteFindFirstPrinterChangeNotification.request")),
    {
      handle: HANDLE,
      flags: 0x100,
      options: 0,
      localMachine: "\\\\attacker.corp.local",
      printerLocal: 0,
      bufferSize: 0,
    },
  );
  assert.deepEqual(
    decode(spoolss, 62, "response", stub("RemoteFindFirstPrinterChangeNotification.response")),
    { returnValue: 0x6ba },
  );
  assert.deepEqual(
    decode(spoolss, 65, "request", stub("RemoteFindFirstPrinterChangeNotificationEx.request")),
    {
      handle: HANDLE,
      flags: 0x100,
      options: 0,
      localMachine: "\\\\10.0.0.5",
      printerLocal: 0,
      notifyOptions: null,
    },
  );
  assert.deepEqual(
    decode(
      spoolss,
      65,
      "request",
      stub("RemoteFindFirstPrinterChangeNotificationEx.request.options"),
    ),
    {
      handle: HANDLE,
      flags: 0,
      options: 0,
      localMachine: "\\\\10.0.0.6",
      printerLocal: 7,
      notifyOptions: { version: 2, count: 1 },
    },
  );
  assert.deepEqual(
    decode(spoolss, 65, "response", stub("RemoteFindFirstPrinterChangeNotificationEx.response")),
    { returnValue: 5 },
  );
});

const NIGHTMARE = {
  version: 3,
  name: "1234",
  environment: "Windows x64",
  driverPath:
    "C:\\Windows\\System32\\DriverStore\\FileRepository\\ntprint.inf_amd64\\Amd64\\UNIDRV.DLL",
  dataFile: "\\\\10.0.0.5\\share\\nightmare.dll",
  configFile: "C:\\Windows\\System32\\kernelbase.dll",
};

Deno.test("spoolss RpcAddPrinterDriver(Ex): every driver level carries the DLL paths", () => {
  const byLevel: Record<number, Record<string, unknown>> = {
    2: NIGHTMARE,
    3: {
      ...NIGHTMARE,
      helpFile: "help.hlp",
      monitorName: "mon",
      defaultDataType: null,
      dependentFiles: ["a.dll", "b.dll"],
    },
  };
  byLevel[4] = { ...byLevel[3], previousNames: ["Old Driver"] };
  byLevel[6] = { ...byLevel[4], mfgName: "Contoso", provider: "Contoso Ltd" };
  byLevel[8] = {
    ...byLevel[6],
    printProcessor: "winprint",
    vendorSetup: null,
    infPath: "C:\\x.inf",
  };
  for (const level of [2, 3, 4, 6, 8]) {
    const serverName = level === 3 ? null : "\\\\dc01";
    const expected = { serverName, level, ...byLevel[level] };
    assert.deepEqual(
      decode(spoolss, 89, "request", stub(`AddPrinterDriverEx.request.level${level}`)),
      { ...expected, fileCopyFlags: 0x8014 },
      `Ex level ${level}`,
    );
    assert.deepEqual(
      decode(spoolss, 9, "request", stub(`AddPrinterDriver.request.level${level}`)),
      expected,
      `level ${level}`,
    );
  }
  for (const level of [2, 8]) {
    assert.deepEqual(
      decode(spoolss, 89, "request", stub(`AddPrinterDriverEx.request.level${level}.ndr64`)),
      { serverName: "\\\\dc01", level, ...byLevel[level], fileCopyFlags: 0x8014 },
      `NDR64 level ${level}`,
    );
  }
  assert.deepEqual(decode(spoolss, 89, "response", stub("AddPrinterDriverEx.response")), {
    returnValue: 0,
  });
});

Deno.test("spoolss RpcAddPrinterDriverEx: an undecoded level gives the level and stops", () => {
  // DRIVER_CONTAINER level 5 (not in the union): server name, then Level and discriminant.
  const hex = "00000000" + "05000000" + "05000000" + "00000000";
  const r = new NdrReader(bytes(hex));
  assert.deepEqual(spoolss.ops[89]?.request?.(r), { serverName: null, level: 5 });
});

Deno.test("spoolss RpcEnumPrinterDrivers and RpcGetPrinterDriverDirectory", () => {
  assert.deepEqual(decode(spoolss, 10, "request", stub("EnumPrinterDrivers.request")), {
    serverName: null,
    environment: "Windows x64",
    level: 2,
    bufferSize: 0,
  });
  assert.deepEqual(decode(spoolss, 10, "response", stub("EnumPrinterDrivers.response")), {
    bufferLength: 8,
    needed: 2400,
    returned: 3,
    returnValue: 0,
  });
  assert.deepEqual(
    decode(spoolss, 12, "request", stub("GetPrinterDriverDirectory.request")),
    { serverName: "\\\\dc01", environment: "Windows x64", level: 1, bufferSize: 16 },
  );
  assert.deepEqual(
    decode(spoolss, 12, "response", stub("GetPrinterDriverDirectory.response")),
    { driverDirectory: "C:\\Windows\\system32\\spool\\DRIVERS\\x64", needed: 76, returnValue: 0 },
  );
});

const OPNUMS: Record<string, number> = {
  OpenPrinter: 1,
  AddPrinterDriver: 9,
  EnumPrinterDrivers: 10,
  GetPrinterDriverDirectory: 12,
  ClosePrinter: 29,
  RemoteFindFirstPrinterChangeNotification: 62,
  RemoteFindFirstPrinterChangeNotificationEx: 65,
  OpenPrinterEx: 69,
  AddPrinterDriverEx: 89,
};

Deno.test("spoolss hostile stubs: truncations and 0xFFFFFFFF counts give NdrError", () => {
  for (const [, opnum, dir, c] of namedCases(stubs.cases, OPNUMS)) {
    hostile(spoolss, opnum, dir, c);
  }
});
