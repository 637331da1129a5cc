import * as assert from "node:assert/strict";
import { NdrError, NdrReader } from "../../../lib/dcerpc/ndr.ts";
import { winreg } from "../../../lib/dcerpc/interfaces/winreg.ts";
import stubs from "./impacket_stubs.json" with { type: "json" };
import { bytes, decode, hostile } from "./_support.ts";

// Stubs: impacket_stubs.json (make_stubs.py, impacket 0.10.0) and, quoted
// below, a Run-key persistence from the public corpus:
// suricata-verify/dcerpc-dce-stub-data-04__input.pcap frames 8-18
// (`tshark --disable-protocol winreg -T fields -e dcerpc.stub_data`).
const made: Record<string, string> = stubs.winreg;
const HKLM = "00000000f672289cf057d811b005000c2987eae9";
const HKEY = "00000000f772289cf057d811b005000c2987eae9";

const OPEN_HKLM_F8 = "2cfdb50040aa010000000002";
const OPEN_HKLM_F10 = "00000000f672289cf057d811b005000c2987eae900000000";
const OPEN_KEY_F12 =
  "00000000f672289cf057d811b005000c2987eae95c005c00a8b914002e000000000000002e000000" +
  "53004f004600540057004100520045005c004d006900630072006f0073006f00660074005c005700" +
  "69006e0064006f00770073005c00430075007200720065006e007400560065007200730069006f00" +
  "6e005c00520075006e0000000000000003000000";
const OPEN_KEY_F14 = "00000000f772289cf057d811b005000c2987eae900000000";
const SET_VALUE_F16 =
  "00000000f772289cf057d811b005000c2987eae90c000c0098da1400060000000000000006000000" +
  "4f007300610033003200000001000000180000004e0054004f0053004100330032002e0045005800" +
  "4500000018000000";
const SET_VALUE_F18 = "00000000";

Deno.test("winreg Open* hives (impacket, NDR 2.0 and NDR64): access; the key handle", () => {
  for (
    const [op, name] of [[0, "OpenClassesRoot"], [1, "OpenCurrentUser"], [2, "OpenLocalMachine"], [
      4,
      "OpenUsers",
    ]] as const
  ) {
    for (const sfx of ["", ".ndr64"]) {
      const ndr64 = sfx !== "";
      assert.deepEqual(decode(winreg, op, "request", made[`${name}.request${sfx}`]!, ndr64), {
        desiredAccess: 0x02020019, // MAXIMUM_ALLOWED | KEY_READ
      });
      assert.deepEqual(decode(winreg, op, "response", made[`${name}.response${sfx}`]!, ndr64), {
        handle: HKLM,
        returnValue: 0,
      });
    }
  }
});

Deno.test("winreg BaseRegOpenKey, BaseRegSetValue, BaseRegQueryValue (impacket, NDR 2.0 and NDR64)", () => {
  for (const sfx of ["", ".ndr64"]) {
    const ndr64 = sfx !== "";
    assert.deepEqual(decode(winreg, 15, "request", made["BaseRegOpenKey.request" + sfx]!, ndr64), {
      handle: HKLM,
      subKey: "SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD",
      options: 4, // REG_OPTION_BACKUP_RESTORE
      desiredAccess: 0x02000000,
    });
    assert.deepEqual(
      decode(winreg, 15, "response", made["BaseRegOpenKey.response" + sfx]!, ndr64),
      {
        handle: HKEY,
        returnValue: 0,
      },
    );
    assert.deepEqual(decode(winreg, 22, "request", made["BaseRegSetValue.request" + sfx]!, ndr64), {
      handle: HKEY,
      valueName: "Updater",
      type: "REG_SZ",
      data: "C:\\Users\\Public\\updater.exe -s",
      dataLength: 62,
      cbData: 62,
    });
    assert.deepEqual(
      decode(winreg, 17, "request", made["BaseRegQueryValue.request" + sfx]!, ndr64),
      {
        handle: HKEY,
        valueName: "EnableLUA",
        cbData: 4,
      },
    );
    assert.deepEqual(
      decode(winreg, 17, "response", made["BaseRegQueryValue.response" + sfx]!, ndr64),
      {
        type: "REG_DWORD",
        data: 1,
        dataLength: 4,
        cbData: 4,
        cbLen: 4,
        returnValue: 0,
      },
    );
  }
});

Deno.test("winreg value data by type: DWORD, MULTI_SZ, BINARY, EXPAND_SZ (impacket)", () => {
  const set = (name: string) => decode(winreg, 22, "request", made[name]!);
  assert.equal(set("BaseRegSetValue.request.dword").data, 0);
  assert.equal(set("BaseRegSetValue.request.dword").valueName, "DisableRestrictedAdmin");
  assert.deepEqual(set("BaseRegSetValue.request.multi").data, ["scecli", "evilpwfilter"]);
  assert.equal(set("BaseRegSetValue.request.multi").type, "REG_MULTI_SZ");
  assert.equal(set("BaseRegSetValue.request.binary").data, "0001020304050607");
  assert.deepEqual(decode(winreg, 22, "response", made["BaseRegSetValue.response"]!), {
    returnValue: 5,
  });
  const expand = decode(winreg, 17, "response", made["BaseRegQueryValue.response.expand"]!);
  assert.equal(expand.type, "REG_EXPAND_SZ");
  assert.equal(expand.data, "%SystemRoot%\\system32\\svchost.exe -k netsvcs");
});

Deno.test("winreg BaseRegCreateKey (impacket): sub key, class, disposition; security attributes read past", () => {
  assert.deepEqual(decode(winreg, 6, "request", made["BaseRegCreateKey.request"]!), {
    handle: HKLM,
    subKey: "SOFTWARE\\Classes\\ms-settings\\Shell\\Open\\command",
    class: null,
    options: 0,
    desiredAccess: 0xf003f,
    disposition: "REG_CREATED_NEW_KEY",
  });
  assert.deepEqual(decode(winreg, 6, "request", made["BaseRegCreateKey.request.sa"]!), {
    handle: HKLM,
    subKey: "SOFTWARE\\Acme",
    class: "AcmeClass",
    options: 0,
    desiredAccess: 0xf003f,
    disposition: null,
  });
  assert.deepEqual(decode(winreg, 6, "response", made["BaseRegCreateKey.response"]!), {
    handle: HKEY,
    disposition: "REG_OPENED_EXISTING_KEY",
    returnValue: 0,
  });
});

Deno.test("winreg delete, enumerate, save, close, key security (impacket)", () => {
  assert.deepEqual(decode(winreg, 7, "request", made["BaseRegDeleteKey.request"]!), {
    handle: HKLM,
    subKey: "SOFTWARE\\Classes\\ms-settings",
  });
  assert.deepEqual(decode(winreg, 8, "request", made["BaseRegDeleteValue.request"]!), {
    handle: HKEY,
    valueName: "Updater",
  });
  assert.deepEqual(decode(winreg, 9, "request", made["BaseRegEnumKey.request"]!), {
    handle: HKLM,
    index: 3,
  });
  assert.deepEqual(decode(winreg, 9, "response", made["BaseRegEnumKey.response"]!), {
    name: "SECURITY",
    class: null,
    lastWriteTime: "2023-07-05T20:03:57.7621504Z",
    returnValue: 0,
  });
  assert.deepEqual(decode(winreg, 10, "request", made["BaseRegEnumValue.request"]!), {
    handle: HKEY,
    index: 0,
  });
  assert.deepEqual(decode(winreg, 10, "response", made["BaseRegEnumValue.response"]!), {
    valueName: "Security Packages",
    type: "REG_MULTI_SZ",
    data: ["kerberos", "msv1_0"],
    dataLength: 34,
    cbData: 34,
    cbLen: 34,
    returnValue: 0,
  });
  assert.deepEqual(decode(winreg, 20, "request", made["BaseRegSaveKey.request"]!), {
    handle: HKEY,
    file: "..\\Temp\\xWqRtPzY.tmp",
  });
  assert.deepEqual(decode(winreg, 20, "response", made["BaseRegSaveKey.response"]!), {
    returnValue: 0,
  });
  assert.deepEqual(decode(winreg, 5, "request", made["BaseRegCloseKey.request"]!), {
    handle: HKEY,
  });
  assert.deepEqual(decode(winreg, 5, "response", made["BaseRegCloseKey.response"]!), {
    handle: "0".repeat(40),
    returnValue: 0,
  });
  assert.deepEqual(decode(winreg, 12, "request", made["BaseRegGetKeySecurity.request"]!), {
    handle: HKEY,
    securityInformation: 4,
  });
  assert.deepEqual(decode(winreg, 12, "response", made["BaseRegGetKeySecurity.response"]!), {
    securityDescriptorLength: 20,
    returnValue: 0,
  });
});

// tshark -V: frame 8 OpenHKLM "System Name: 43584" (one WCHAR), "Access Mask:
// 0x02000000"; frame 10 "Handle: 00000000f672…"; frame 12 OpenKey "Keyname:
// SOFTWARE\Microsoft\Windows\CurrentVersion\Run", "Options: 0x00000000",
// "Access Mask: 0x00000003"; frame 16 SetValue "Name: Osa32", data bytes
// "N\0T\0O\0S\0A\0 3\0 2\0 .\0 …" (REG_SZ "NTOSA32.EXE", 24 bytes); frame 18 WERR_OK.
Deno.test("winreg: a Run key set in suricata-verify/dcerpc-dce-stub-data-04__input.pcap", () => {
  assert.deepEqual(decode(winreg, 2, "request", OPEN_HKLM_F8), { desiredAccess: 0x02000000 });
  assert.deepEqual(decode(winreg, 2, "response", OPEN_HKLM_F10), { handle: HKLM, returnValue: 0 });
  assert.deepEqual(decode(winreg, 15, "request", OPEN_KEY_F12), {
    handle: HKLM,
    subKey: "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
    options: 0,
    desiredAccess: 3,
  });
  assert.deepEqual(decode(winreg, 15, "response", OPEN_KEY_F14), { handle: HKEY, returnValue: 0 });
  assert.deepEqual(decode(winreg, 22, "request", SET_VALUE_F16), {
    handle: HKEY,
    valueName: "Osa32",
    type: "REG_SZ",
    data: "NTOSA32.EXE",
    dataLength: 24,
    cbData: 24,
  });
  assert.deepEqual(decode(winreg, 22, "response", SET_VALUE_F18), { returnValue: 0 });
});

Deno.test("winreg: truncated stubs and 0xFFFFFFFF counts give NdrError only", () => {
  const cases: [number, "request" | "response", string, boolean][] = [
    [6, "request", made["BaseRegCreateKey.request.sa"]!, false],
    [9, "response", made["BaseRegEnumKey.response"]!, false],
    [10, "request", made["BaseRegEnumValue.request"]!, false],
    [10, "response", made["BaseRegEnumValue.response"]!, false],
    [15, "request", made["BaseRegOpenKey.request.ndr64"]!, true],
    [17, "response", made["BaseRegQueryValue.response.ndr64"]!, true],
    [22, "request", SET_VALUE_F16, false],
    [12, "response", made["BaseRegGetKeySecurity.response"]!, false],
  ];
  for (const [op, dir, hex, ndr64] of cases) hostile(winreg, op, dir, { hex, ndr64 });
  const huge = bytes(SET_VALUE_F16);
  huge.set([0xff, 0xff, 0xff, 0xff], 56); // lpData's conformance
  assert.throws(() => winreg.ops[22]!.request!(new NdrReader(huge)), NdrError);
});
