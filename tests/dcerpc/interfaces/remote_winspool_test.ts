import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { remoteWinspool } from "../../../lib/dcerpc/interfaces/remote_winspool.ts";
import type { InterfaceDecoder, RpcArguments } from "../../../lib/dcerpc/interfaces/types.ts";
import stubs from "./remote_winspool_stubs.json" with { type: "json" };

// Stubs from make_stubs_ad.py (impacket 0.10.0 par; driver level 3 declared there from [MS-RPRN]).
type Case = { hex: string; ndr64: boolean };
const cases: Record<string, Case> = stubs.cases;
const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

/** Decodes a whole stub; every byte must be read. */
function decode(
  iface: InterfaceDecoder,
  opnum: number,
  dir: "request" | "response",
  c: Case,
): RpcArguments {
  const r = new NdrReader(bytes(c.hex), { ndr64: c.ndr64 });
  const read = iface.ops[opnum]?.[dir];
  assert.ok(read, `opnum ${opnum} ${dir}`);
  const out = read(r);
  assert.equal(r.remaining, 0, `opnum ${opnum} ${dir}: ${r.remaining} bytes left`);
  return out;
}
const stub = (name: string): Case => {
  const c = cases[name];
  assert.ok(c, name);
  return c;
};

/** Every truncation and every 4-byte word set to 0xFFFFFFFF: NdrError or a result, quickly. */
function hostile(iface: InterfaceDecoder, opnum: number, dir: "request" | "response", c: Case) {
  const whole = bytes(c.hex);
  const read = iface.ops[opnum]?.[dir];
  assert.ok(read);
  const attempt = (b: Uint8Array) => {
    try {
      read(new NdrReader(b, { ndr64: c.ndr64 }));
    } catch (e) {
      if (!(e instanceof NdrError)) throw e;
    }
  };
  const started = performance.now();
  for (let n = 0; n < whole.length; n++) {
    assert.throws(() => read(new NdrReader(whole.subarray(0, n), { ndr64: c.ndr64 })), NdrError);
  }
  for (let at = 0; at + 4 <= whole.length; at += 4) {
    const b = whole.slice();
    b.set([0xff, 0xff, 0xff, 0xff], at);
    attempt(b);
  }
  assert.ok(performance.now() - started < 2000);
}

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
  for (const [name, c] of Object.entries(cases)) {
    const [op, dir] = name.split(".") as [string, "request" | "response"];
    const opnum = OPNUMS[op];
    assert.ok(opnum !== undefined, name);
    hostile(remoteWinspool, opnum, dir, c);
  }
});
