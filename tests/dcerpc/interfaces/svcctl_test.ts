import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { svcctl } from "../../../lib/dcerpc/interfaces/svcctl.ts";
import stubs from "./impacket_stubs.json" with { type: "json" };
import { bytes, decode, hostile } from "./_support.ts";

// Stubs: impacket_stubs.json (make_stubs.py, impacket 0.10.0) and, quoted
// below with capture and frame, real calls from the public corpus.
const made: Record<string, string> = stubs.svcctl;

const H_SCM = "00000000c255930e0aaf2c45910fe56e9bc0f915";
const H_SVC = "00000000213450fffb53144dae6a438660f607d4";
const ALL = 0xf01ff; // SERVICE_ALL_ACCESS

Deno.test("svcctl ROpenSCManagerW (impacket): machine, database, access; the handle", () => {
  assert.deepEqual(decode(svcctl, 15, "request", made["ROpenSCManagerW.request"]!), {
    machineName: "DC01",
    databaseName: "ServicesActive",
    desiredAccess: 983103,
  });
  assert.deepEqual(decode(svcctl, 15, "response", made["ROpenSCManagerW.response"]!), {
    handle: H_SCM,
    returnValue: 0,
  });
});

Deno.test("svcctl ROpenServiceW (impacket)", () => {
  assert.deepEqual(decode(svcctl, 16, "request", made["ROpenServiceW.request"]!), {
    handle: H_SCM,
    serviceName: "PSEXESVC",
    desiredAccess: ALL,
  });
  assert.deepEqual(decode(svcctl, 16, "response", made["ROpenServiceW.response"]!), {
    handle: H_SVC,
    returnValue: 0,
  });
});

Deno.test("svcctl RCreateServiceW (impacket): smbexec's command line as the binary path", () => {
  assert.deepEqual(decode(svcctl, 12, "request", made["RCreateServiceW.request"]!), {
    handle: H_SCM,
    serviceName: "BTOBTO",
    displayName: "BTOBTO",
    desiredAccess: ALL,
    serviceType: 0x10,
    startType: "SERVICE_DEMAND_START",
    errorControl: "SERVICE_ERROR_IGNORE",
    binaryPathName: "%COMSPEC% /Q /c echo whoami ^> \\\\127.0.0.1\\C$\\__output 2^>^&1 > " +
      "%TEMP%\\execute.bat & %COMSPEC% /Q /c %TEMP%\\execute.bat & del %TEMP%\\execute.bat",
    loadOrderGroup: null,
    tagId: null,
    dependencies: null,
    serviceStartName: "LocalSystem",
    passwordPresent: false,
  });
  const withPassword = decode(svcctl, 12, "request", made["RCreateServiceW.request.password"]!);
  assert.equal(withPassword.serviceStartName, "CORP\\svc_backup");
  assert.equal(withPassword.startType, "SERVICE_AUTO_START");
  assert.deepEqual(withPassword.dependencies, ["Tcpip", "Afd"]);
  assert.equal(withPassword.passwordPresent, true);
  assert.ok(!JSON.stringify(withPassword).includes("0101010101"), "no password bytes");
  assert.deepEqual(decode(svcctl, 12, "response", made["RCreateServiceW.response"]!), {
    tagId: null,
    handle: H_SVC,
    returnValue: 0,
  });
});

Deno.test("svcctl RStartServiceW (impacket): no arguments, then two", () => {
  assert.deepEqual(decode(svcctl, 19, "request", made["RStartServiceW.request"]!), {
    handle: H_SVC,
    argc: 0,
    args: null,
  });
  assert.deepEqual(decode(svcctl, 19, "request", made["RStartServiceW.request.args"]!), {
    handle: H_SVC,
    argc: 2,
    args: ["-k", "netsvcs"],
  });
  assert.deepEqual(decode(svcctl, 19, "response", made["RStartServiceW.response"]!), {
    returnValue: 1053,
  });
});

Deno.test("svcctl RChangeServiceConfigW (impacket): SERVICE_NO_CHANGE and a new binary path", () => {
  assert.deepEqual(decode(svcctl, 11, "request", made["RChangeServiceConfigW.request"]!), {
    handle: H_SVC,
    serviceType: 0xffffffff,
    startType: "SERVICE_DEMAND_START",
    errorControl: "SERVICE_NO_CHANGE",
    binaryPathName: "C:\\Windows\\Temp\\evil.exe",
    loadOrderGroup: null,
    tagId: null,
    dependencies: null,
    serviceStartName: null,
    passwordPresent: false,
    displayName: "Windows Update Helper",
  });
  assert.deepEqual(decode(svcctl, 11, "response", made["RChangeServiceConfigW.response"]!), {
    tagId: null,
    returnValue: 0,
  });
});

Deno.test("svcctl RDeleteService, RControlService, RQueryServiceStatus, RCloseServiceHandle (impacket)", () => {
  assert.deepEqual(decode(svcctl, 2, "request", made["RDeleteService.request"]!), {
    handle: H_SVC,
  });
  assert.deepEqual(decode(svcctl, 2, "response", made["RDeleteService.response"]!), {
    returnValue: 1072,
  });
  assert.deepEqual(decode(svcctl, 1, "request", made["RControlService.request"]!), {
    handle: H_SVC,
    control: "SERVICE_CONTROL_STOP",
  });
  assert.deepEqual(decode(svcctl, 1, "response", made["RControlService.response"]!), {
    serviceStatus: {
      serviceType: 0x10,
      currentState: "SERVICE_STOP_PENDING",
      controlsAccepted: 1,
      win32ExitCode: 0,
      serviceSpecificExitCode: 0,
      checkPoint: 2,
      waitHint: 3000,
    },
    returnValue: 0,
  });
  assert.deepEqual(decode(svcctl, 6, "request", made["RQueryServiceStatus.request"]!), {
    handle: H_SVC,
  });
  assert.equal(
    (decode(svcctl, 6, "response", made["RQueryServiceStatus.response"]!).serviceStatus as {
      currentState: string;
    }).currentState,
    "SERVICE_RUNNING",
  );
  assert.deepEqual(decode(svcctl, 0, "request", made["RCloseServiceHandle.request"]!), {
    handle: H_SVC,
  });
  assert.deepEqual(decode(svcctl, 0, "response", made["RCloseServiceHandle.response"]!), {
    handle: "0".repeat(40),
    returnValue: 0,
  });
});

Deno.test("svcctl A variants (impacket NDR types, IDL from [MS-SCMR] 3.1.4)", () => {
  assert.deepEqual(decode(svcctl, 27, "request", made["ROpenSCManagerA.request"]!), {
    machineName: "DUMMY",
    databaseName: "ServicesActive",
    desiredAccess: 3,
  });
  assert.deepEqual(decode(svcctl, 24, "request", made["RCreateServiceA.request"]!), {
    handle: H_SCM,
    serviceName: "WinUpd",
    displayName: null,
    desiredAccess: ALL,
    serviceType: 0x10,
    startType: "SERVICE_DEMAND_START",
    errorControl: "SERVICE_ERROR_NORMAL",
    binaryPathName: "cmd.exe /c net user backdoor P@ss /add",
    loadOrderGroup: null,
    tagId: null,
    dependencies: null,
    serviceStartName: null,
    passwordPresent: false,
  });
  assert.deepEqual(decode(svcctl, 28, "request", made["ROpenServiceA.request"]!), {
    handle: H_SCM,
    serviceName: "WinUpd",
    desiredAccess: 0x10,
  });
  assert.deepEqual(decode(svcctl, 31, "request", made["RStartServiceA.request"]!), {
    handle: H_SVC,
    argc: 1,
    args: ["/quiet"],
  });
});

Deno.test("svcctl NDR64 (impacket): open, create with dependencies, start with arguments", () => {
  assert.deepEqual(decode(svcctl, 15, "request", made["ROpenSCManagerW.request.ndr64"]!, true), {
    machineName: "DC01",
    databaseName: null,
    desiredAccess: 0xf003f,
  });
  const created = decode(svcctl, 12, "request", made["RCreateServiceW.request.ndr64"]!, true);
  assert.equal(created.binaryPathName, "%COMSPEC% /Q /c whoami");
  assert.equal(created.serviceName, "BTOBTO");
  assert.deepEqual(created.dependencies, ["Tcpip"]);
  assert.deepEqual(
    decode(svcctl, 19, "request", made["RStartServiceW.request.args.ndr64"]!, true).args,
    ["-k", "netsvcs"],
  );
});

// 401trg/20171220_smb_psexec_add_user.pcap (PsExec over SMB2): stubs from
// `tshark -r … --disable-protocol svcctl -T fields -e dcerpc.stub_data`; the
// values in comments are what `tshark -V` shows for the frame.
Deno.test("svcctl: PsExec's calls in 401trg/20171220_smb_psexec_add_user.pcap", () => {
  // frame 158 OpenSCManagerW: MachineName "dc1", NULL Pointer: Database, Access Mask 0x000f003f
  assert.deepEqual(
    decode(
      svcctl,
      15,
      "request",
      "000002000400000000000000040000006400630031000000000000003f000f00",
    ),
    { machineName: "dc1", databaseName: null, desiredAccess: 0xf003f },
  );
  // frame 159: the SCM handle (tshark: Context Handle 00000000c255930e…)
  assert.deepEqual(
    decode(svcctl, 15, "response", "00000000c255930e0aaf2c45910fe56e9bc0f91500000000"),
    { handle: H_SCM, returnValue: 0 },
  );
  // frame 164 OpenServiceW: Service Name PSEXESVC, Access Mask 0x000f01ff
  assert.deepEqual(
    decode(
      svcctl,
      16,
      "request",
      "00000000c255930e0aaf2c45910fe56e9bc0f9150900000000000000090000005000530045005800450053005600430000000000ff010f00",
    ),
    { handle: H_SCM, serviceName: "PSEXESVC", desiredAccess: 0xf01ff },
  );
  // frame 166 StartServiceW: argc 0, argv NULL; frame 167: success
  assert.deepEqual(
    decode(svcctl, 19, "request", "00000000213450fffb53144dae6a438660f607d40000000000000000"),
    { handle: H_SVC, argc: 0, args: null },
  );
  assert.deepEqual(decode(svcctl, 19, "response", "00000000"), { returnValue: 0 });
  // frame 169 QueryServiceStatus response: own process, START_PENDING, wait hint 3000
  assert.deepEqual(
    decode(
      svcctl,
      6,
      "response",
      "100000000200000000000000000000000000000001000000b80b000000000000",
    ),
    {
      serviceStatus: {
        serviceType: 0x10,
        currentState: "SERVICE_START_PENDING",
        controlsAccepted: 0,
        win32ExitCode: 0,
        serviceSpecificExitCode: 0,
        checkPoint: 1,
        waitHint: 3000,
      },
      returnValue: 0,
    },
  );
  // frames 280/281 ControlService: stop; the service is stopping
  assert.deepEqual(
    decode(svcctl, 1, "request", "00000000d2cde7d4019b144a9c44c934a540afb801000000"),
    { handle: "00000000d2cde7d4019b144a9c44c934a540afb8", control: "SERVICE_CONTROL_STOP" },
  );
  const stopped = decode(
    svcctl,
    1,
    "response",
    "1000000003000000010000000000000000000000020000000000000000000000",
  );
  assert.equal(
    (stopped.serviceStatus as { currentState: string }).currentState,
    "SERVICE_STOP_PENDING",
  );
  // frames 288/289 DeleteService, 292/293 CloseServiceHandle of the SCM handle
  assert.deepEqual(decode(svcctl, 2, "request", "00000000408459275a24174b9f16520af9858087"), {
    handle: "00000000408459275a24174b9f16520af9858087",
  });
  assert.deepEqual(decode(svcctl, 2, "response", "00000000"), { returnValue: 0 });
  assert.deepEqual(decode(svcctl, 0, "request", "0000000053ff304b54c6434288df49f7f5fbe5c5"), {
    handle: "0000000053ff304b54c6434288df49f7f5fbe5c5",
  });
  assert.deepEqual(
    decode(svcctl, 0, "response", "000000000000000000000000000000000000000000000000"),
    { handle: "0".repeat(40), returnValue: 0 },
  );
});

Deno.test("svcctl: truncated stubs and 0xFFFFFFFF counts give NdrError only", () => {
  const cases: [number, "request" | "response", string][] = [
    [15, "request", "ROpenSCManagerW.request"],
    [16, "request", "ROpenServiceW.request"],
    [12, "request", "RCreateServiceW.request.password"],
    [12, "response", "RCreateServiceW.response"],
    [19, "request", "RStartServiceW.request.args"],
    [11, "request", "RChangeServiceConfigW.request"],
    [1, "response", "RControlService.response"],
    [24, "request", "RCreateServiceA.request"],
    [31, "request", "RStartServiceA.request"],
  ];
  for (const [op, dir, name] of cases) hostile(svcctl, op, dir, { hex: made[name]!, ndr64: false });
  // A string whose actual count is 0xFFFFFFFF.
  const huge = bytes(made["ROpenServiceW.request"]!);
  huge.set([0xff, 0xff, 0xff, 0xff], 28);
  assert.throws(() => svcctl.ops[16]!.request!(new NdrReader(huge)), NdrError);
});
