#!/usr/bin/python3
"""Test stubs for tests/dcerpc/interfaces/*_test.ts, made by an independent NDR
encoder: impacket's request and response classes (Debian python3-impacket
0.10.0, /usr/bin/python3). Each case sets real-looking values, and the tests
assert that the decoders give back exactly these values.

Run from the project root:
    /usr/bin/python3 tests/dcerpc/interfaces/make_stubs.py > tests/dcerpc/interfaces/impacket_stubs.json

impacket has no classes for some operations the decoders handle (the A
variants of svcctl, SchRpcRun with arguments, ...); those are declared here
from the [MS-*] IDL with impacket's own NDR types, so the encoding is still
impacket's. Quirks met on the way are noted where they matter.
"""
import json
import struct
import sys

from impacket import version
from impacket.dcerpc.v5 import atsvc, epm, rrp, scmr, srvs, tsch, wkst
from impacket.dcerpc.v5.dtypes import (DWORD, LPDWORD, LPSTR, LPWSTR, NULL,
                                       STR, ULONG, WSTR)
from impacket.dcerpc.v5.ndr import NDRCALL, NDRPOINTER, NDRSTRUCT, NDRUniConformantArray
from impacket.uuid import uuidtup_to_bin

OUT = {"impacket": version.version}

HANDLE_A = bytes.fromhex("00000000" + "c255930e0aaf2c45910fe56e9bc0f915")
HANDLE_B = bytes.fromhex("00000000" + "213450fffb53144dae6a438660f607d4")


def hexof(call, ndr64=False):
    return call.getData().hex() if not ndr64 else call.getData().hex()


def put(iface, name, call):
    OUT.setdefault(iface, {})[name] = call.getData().hex()


# ---------------------------------------------------------------- svcctl
def svcctl():
    r = scmr.ROpenSCManagerW()
    r["lpMachineName"] = "DC01\x00"
    r["lpDatabaseName"] = "ServicesActive\x00"
    r["dwDesiredAccess"] = 0xF003F  # SC_MANAGER_ALL_ACCESS
    put("svcctl", "ROpenSCManagerW.request", r)
    a = scmr.ROpenSCManagerWResponse()
    a["lpScHandle"] = HANDLE_A
    a["ErrorCode"] = 0
    put("svcctl", "ROpenSCManagerW.response", a)

    r = scmr.ROpenServiceW()
    r["hSCManager"] = HANDLE_A
    r["lpServiceName"] = "PSEXESVC\x00"
    r["dwDesiredAccess"] = scmr.SERVICE_ALL_ACCESS
    put("svcctl", "ROpenServiceW.request", r)
    a = scmr.ROpenServiceWResponse()
    a["lpServiceHandle"] = HANDLE_B
    a["ErrorCode"] = 0
    put("svcctl", "ROpenServiceW.response", a)

    r = scmr.RCreateServiceW()
    r["hSCManager"] = HANDLE_A
    r["lpServiceName"] = "BTOBTO\x00"
    r["lpDisplayName"] = "BTOBTO\x00"
    r["dwDesiredAccess"] = scmr.SERVICE_ALL_ACCESS
    r["dwServiceType"] = scmr.SERVICE_WIN32_OWN_PROCESS
    r["dwStartType"] = scmr.SERVICE_DEMAND_START
    r["dwErrorControl"] = scmr.SERVICE_ERROR_IGNORE
    r["lpBinaryPathName"] = (
        "%COMSPEC% /Q /c echo whoami ^> \\\\127.0.0.1\\C$\\__output 2^>^&1 > "
        "%TEMP%\\execute.bat & %COMSPEC% /Q /c %TEMP%\\execute.bat & del %TEMP%\\execute.bat\x00")
    r["lpLoadOrderGroup"] = NULL
    r["lpdwTagId"] = NULL
    r["lpDependencies"] = NULL
    r["dwDependSize"] = 0
    r["lpServiceStartName"] = "LocalSystem\x00"
    r["lpPassword"] = NULL
    r["dwPwSize"] = 0
    put("svcctl", "RCreateServiceW.request", r)
    # With a password and dependencies: both are byte arrays. A fresh object:
    # impacket keeps a pointer null once it was set to NULL, whatever is set later.
    base = r
    r = scmr.RCreateServiceW()
    for k in ("hSCManager", "lpServiceName", "lpDisplayName", "dwDesiredAccess",
              "dwServiceType", "dwErrorControl", "lpBinaryPathName"):
        r[k] = base[k]
    r["dwStartType"] = scmr.SERVICE_AUTO_START
    r["lpLoadOrderGroup"] = NULL
    r["lpdwTagId"] = NULL
    r["lpDependencies"] = list("Tcpip\x00Afd\x00\x00".encode("utf-16le"))
    r["dwDependSize"] = len("Tcpip\x00Afd\x00\x00".encode("utf-16le"))
    r["lpServiceStartName"] = "CORP\\svc_backup\x00"
    r["lpPassword"] = list(b"\x01" * 16)
    r["dwPwSize"] = 16
    put("svcctl", "RCreateServiceW.request.password", r)
    # impacket declares RCreateServiceWResponse.lpdwTagId as LPWSTR (the IDL
    # says LPDWORD); left NULL it encodes the same null pointer.
    a = scmr.RCreateServiceWResponse()
    a["lpdwTagId"] = NULL
    a["lpServiceHandle"] = HANDLE_B
    a["ErrorCode"] = 0
    put("svcctl", "RCreateServiceW.response", a)

    r = scmr.RStartServiceW()
    r["hService"] = HANDLE_B
    r["argc"] = 0
    r["argv"] = NULL
    put("svcctl", "RStartServiceW.request", r)
    r = scmr.RStartServiceW()
    r["hService"] = HANDLE_B
    r["argc"] = 2
    for s in ("-k", "netsvcs"):  # as impacket's hRStartServiceW builds them
        p = LPWSTR()
        p["Data"] = s + "\x00"
        r["argv"].append(p)
    put("svcctl", "RStartServiceW.request.args", r)
    a = scmr.RStartServiceWResponse()
    a["ErrorCode"] = 1053
    put("svcctl", "RStartServiceW.response", a)

    r = scmr.RChangeServiceConfigW()
    r["hService"] = HANDLE_B
    r["dwServiceType"] = scmr.SERVICE_NO_CHANGE
    r["dwStartType"] = scmr.SERVICE_DEMAND_START
    r["dwErrorControl"] = scmr.SERVICE_NO_CHANGE
    r["lpBinaryPathName"] = "C:\\Windows\\Temp\\evil.exe\x00"
    r["lpLoadOrderGroup"] = NULL
    r["lpdwTagId"] = NULL
    r["lpDependencies"] = NULL
    r["dwDependSize"] = 0
    r["lpServiceStartName"] = NULL
    r["lpPassword"] = NULL
    r["dwPwSize"] = 0
    r["lpDisplayName"] = "Windows Update Helper\x00"
    put("svcctl", "RChangeServiceConfigW.request", r)
    a = scmr.RChangeServiceConfigWResponse()
    a["lpdwTagId"] = NULL
    a["ErrorCode"] = 0
    put("svcctl", "RChangeServiceConfigW.response", a)

    r = scmr.RDeleteService()
    r["hService"] = HANDLE_B
    put("svcctl", "RDeleteService.request", r)
    a = scmr.RDeleteServiceResponse()
    a["ErrorCode"] = 1072
    put("svcctl", "RDeleteService.response", a)

    r = scmr.RControlService()
    r["hService"] = HANDLE_B
    r["dwControl"] = scmr.SERVICE_CONTROL_STOP
    put("svcctl", "RControlService.request", r)
    a = scmr.RControlServiceResponse()
    s = a["lpServiceStatus"]
    s["dwServiceType"] = 0x10
    s["dwCurrentState"] = scmr.SERVICE_STOP_PENDING
    s["dwControlsAccepted"] = 1
    s["dwWin32ExitCode"] = 0
    s["dwServiceSpecificExitCode"] = 0
    s["dwCheckPoint"] = 2
    s["dwWaitHint"] = 3000
    a["ErrorCode"] = 0
    put("svcctl", "RControlService.response", a)

    r = scmr.RQueryServiceStatus()
    r["hService"] = HANDLE_B
    put("svcctl", "RQueryServiceStatus.request", r)
    a = scmr.RQueryServiceStatusResponse()
    s = a["lpServiceStatus"]
    s["dwServiceType"] = 0x10
    s["dwCurrentState"] = scmr.SERVICE_RUNNING
    s["dwControlsAccepted"] = 1
    s["dwWin32ExitCode"] = 0
    s["dwServiceSpecificExitCode"] = 0
    s["dwCheckPoint"] = 0
    s["dwWaitHint"] = 0
    a["ErrorCode"] = 0
    put("svcctl", "RQueryServiceStatus.response", a)

    r = scmr.RCloseServiceHandle()
    r["hSCObject"] = HANDLE_B
    put("svcctl", "RCloseServiceHandle.request", r)
    a = scmr.RCloseServiceHandleResponse()
    a["hSCObject"] = b"\x00" * 20
    a["ErrorCode"] = 0
    put("svcctl", "RCloseServiceHandle.response", a)

    # A variants: impacket 0.10.0 has none; declared from [MS-SCMR] 3.1.4.
    class ROpenSCManagerA(NDRCALL):
        opnum = 27
        structure = (("lpMachineName", LPSTR), ("lpDatabaseName", LPSTR),
                     ("dwDesiredAccess", DWORD))

    class RCreateServiceA(NDRCALL):
        opnum = 24
        structure = (
            ("hSCManager", scmr.SC_RPC_HANDLE), ("lpServiceName", STR),
            ("lpDisplayName", LPSTR), ("dwDesiredAccess", DWORD),
            ("dwServiceType", DWORD), ("dwStartType", DWORD), ("dwErrorControl", DWORD),
            ("lpBinaryPathName", STR), ("lpLoadOrderGroup", LPSTR), ("lpdwTagId", LPDWORD),
            ("lpDependencies", scmr.LPBYTE), ("dwDependSize", DWORD),
            ("lpServiceStartName", LPSTR), ("lpPassword", scmr.LPBYTE), ("dwPwSize", DWORD))

    class ROpenServiceA(NDRCALL):
        opnum = 28
        structure = (("hSCManager", scmr.SC_RPC_HANDLE), ("lpServiceName", STR),
                     ("dwDesiredAccess", DWORD))

    class STRING_PTRSA(NDRSTRUCT):
        structure = (("StringPtr", LPSTR),)

    class STRING_PTRSA_ARRAY(NDRUniConformantArray):
        item = STRING_PTRSA

    class LPSTRING_PTRSA(NDRPOINTER):
        referent = (("Data", STRING_PTRSA_ARRAY),)

    class RStartServiceA(NDRCALL):
        opnum = 31
        structure = (("hService", scmr.SC_RPC_HANDLE), ("argc", DWORD),
                     ("argv", LPSTRING_PTRSA))

    r = ROpenSCManagerA()
    r["lpMachineName"] = "DUMMY\x00"
    r["lpDatabaseName"] = "ServicesActive\x00"
    r["dwDesiredAccess"] = scmr.SC_MANAGER_CREATE_SERVICE | scmr.SC_MANAGER_CONNECT
    put("svcctl", "ROpenSCManagerA.request", r)
    r = RCreateServiceA()
    r["hSCManager"] = HANDLE_A
    r["lpServiceName"] = "WinUpd\x00"
    r["lpDisplayName"] = NULL
    r["dwDesiredAccess"] = scmr.SERVICE_ALL_ACCESS
    r["dwServiceType"] = scmr.SERVICE_WIN32_OWN_PROCESS
    r["dwStartType"] = scmr.SERVICE_DEMAND_START
    r["dwErrorControl"] = scmr.SERVICE_ERROR_NORMAL
    r["lpBinaryPathName"] = "cmd.exe /c net user backdoor P@ss /add\x00"
    r["lpLoadOrderGroup"] = NULL
    r["lpdwTagId"] = NULL
    r["lpDependencies"] = NULL
    r["dwDependSize"] = 0
    r["lpServiceStartName"] = NULL
    r["lpPassword"] = NULL
    r["dwPwSize"] = 0
    put("svcctl", "RCreateServiceA.request", r)
    r = ROpenServiceA()
    r["hSCManager"] = HANDLE_A
    r["lpServiceName"] = "WinUpd\x00"
    r["dwDesiredAccess"] = 0x10
    put("svcctl", "ROpenServiceA.request", r)
    r = RStartServiceA()
    r["hService"] = HANDLE_B
    r["argc"] = 1
    p = STRING_PTRSA()
    p["StringPtr"] = "/quiet\x00"
    r["argv"].append(p)
    put("svcctl", "RStartServiceA.request", r)


def main():
    for f in (svcctl,):
        f()
    json.dump(OUT, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
