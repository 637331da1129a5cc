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
impacket's. Quirks met on the way are noted where they matter. impacket
draws referent ids at random and pads with 0xaa/0xbf bytes, so each run
gives other bytes for the same values (the tests assert values, not bytes).
"""
import json
import struct
import sys

from impacket import version
from impacket.dcerpc.v5 import atsvc, epm, rrp, scmr, srvs, tsch, wkst
from impacket.dcerpc.v5.dtypes import (DWORD, LPDWORD, LPSTR, LPULONG, LPWSTR, NULL,
                                       STR, ULONG, WSTR)
from impacket.dcerpc.v5.ndr import NDRCALL, NDRSTRUCT
from impacket.uuid import uuidtup_to_bin

sys.dont_write_bytecode = True  # no __pycache__ beside the tests
from _stubs_common import conformant_array, fill, pointer, stub_name  # noqa: E402

OUT = {"impacket": version.version}

HANDLE_A = bytes.fromhex("00000000" + "c255930e0aaf2c45910fe56e9bc0f915")
HANDLE_B = bytes.fromhex("00000000" + "213450fffb53144dae6a438660f607d4")


def put(iface, name, call):
    """Records one stub as hex (an NDR64 call's name gets .ndr64)."""
    OUT.setdefault(iface, {})[stub_name(name, call)] = call.getData().hex()


# ---------------------------------------------------------------- svcctl
def service_status(s, state, check_point=0, wait_hint=0):
    """A SERVICE_STATUS of a service of its own process that accepts stop, exit code 0."""
    fill(s, dwServiceType=0x10, dwCurrentState=state, dwControlsAccepted=1, dwWin32ExitCode=0,
         dwServiceSpecificExitCode=0, dwCheckPoint=check_point, dwWaitHint=wait_hint)


def service_account(r, **fields):
    """RCreateService's and RChangeServiceConfig's fields from lpLoadOrderGroup to dwPwSize: none
    (NULL or 0) unless given, set in wire order (impacket keeps a pointer null once set to NULL)."""
    none = {"lpLoadOrderGroup": NULL, "lpdwTagId": NULL, "lpDependencies": NULL, "dwDependSize": 0,
            "lpServiceStartName": NULL, "lpPassword": NULL, "dwPwSize": 0}
    fill(r, **{**none, **fields})


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
    service_account(r, lpServiceStartName="LocalSystem\x00")
    put("svcctl", "RCreateServiceW.request", r)
    # With a password and dependencies: both are byte arrays. A fresh object:
    # impacket keeps a pointer null once it was set to NULL, whatever is set later.
    base = r
    r = scmr.RCreateServiceW()
    for k in ("hSCManager", "lpServiceName", "lpDisplayName", "dwDesiredAccess",
              "dwServiceType", "dwErrorControl", "lpBinaryPathName"):
        r[k] = base[k]
    r["dwStartType"] = scmr.SERVICE_AUTO_START
    service_account(r, lpDependencies=list("Tcpip\x00Afd\x00\x00".encode("utf-16le")),
                    dwDependSize=len("Tcpip\x00Afd\x00\x00".encode("utf-16le")),
                    lpServiceStartName="CORP\\svc_backup\x00", lpPassword=list(b"\x01" * 16),
                    dwPwSize=16)
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
    service_account(r)
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
    service_status(a["lpServiceStatus"], scmr.SERVICE_STOP_PENDING, 2, 3000)
    a["ErrorCode"] = 0
    put("svcctl", "RControlService.response", a)

    r = scmr.RQueryServiceStatus()
    r["hService"] = HANDLE_B
    put("svcctl", "RQueryServiceStatus.request", r)
    a = scmr.RQueryServiceStatusResponse()
    service_status(a["lpServiceStatus"], scmr.SERVICE_RUNNING)
    a["ErrorCode"] = 0
    put("svcctl", "RQueryServiceStatus.response", a)

    r = scmr.RCloseServiceHandle()
    r["hSCObject"] = HANDLE_B
    put("svcctl", "RCloseServiceHandle.request", r)
    a = scmr.RCloseServiceHandleResponse()
    a["hSCObject"] = b"\x00" * 20
    a["ErrorCode"] = 0
    put("svcctl", "RCloseServiceHandle.response", a)

    # NDR64: the same calls as above.
    r = scmr.ROpenSCManagerW(isNDR64=True)
    r["lpMachineName"] = "DC01\x00"
    r["lpDatabaseName"] = NULL
    r["dwDesiredAccess"] = 0xF003F
    put("svcctl", "ROpenSCManagerW.request", r)
    r = scmr.RCreateServiceW(isNDR64=True)
    r["hSCManager"] = HANDLE_A
    r["lpServiceName"] = "BTOBTO\x00"
    r["lpDisplayName"] = NULL
    r["dwDesiredAccess"] = scmr.SERVICE_ALL_ACCESS
    r["dwServiceType"] = scmr.SERVICE_WIN32_OWN_PROCESS
    r["dwStartType"] = scmr.SERVICE_DEMAND_START
    r["dwErrorControl"] = scmr.SERVICE_ERROR_IGNORE
    r["lpBinaryPathName"] = "%COMSPEC% /Q /c whoami\x00"
    service_account(r, lpDependencies=list("Tcpip\x00\x00".encode("utf-16le")), dwDependSize=14)
    put("svcctl", "RCreateServiceW.request", r)
    r = scmr.RStartServiceW(isNDR64=True)
    r["hService"] = HANDLE_B
    r["argc"] = 2
    for s in ("-k", "netsvcs"):
        p = LPWSTR(isNDR64=True)
        p["Data"] = s + "\x00"
        r["argv"].append(p)
    put("svcctl", "RStartServiceW.request.args", r)

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

    STRING_PTRSA_ARRAY = conformant_array("STRING_PTRSA_ARRAY", STRING_PTRSA)
    LPSTRING_PTRSA = pointer(STRING_PTRSA_ARRAY, "LPSTRING_PTRSA")

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
    service_account(r)
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


# ---------------------------------------------------------------- srvsvc
def enum_level(struct, arm, level):
    """An enumeration structure (SHARE_ENUM_STRUCT, WKSTA_USER_ENUM_STRUCT, ...) at `level`:
    Level and the union's tag set; the level's container returned."""
    struct["Level"] = level
    struct[arm]["tag"] = level
    return struct[arm][f"Level{level}"]


def srvsvc():
    for ndr64 in (False, True):
        r = srvs.NetrShareEnum(isNDR64=ndr64)
        r["ServerName"] = "\\\\FILESRV01\x00"
        fill(enum_level(r["InfoStruct"], "ShareInfo", 1), EntriesRead=0, Buffer=NULL)
        r["PreferedMaximumLength"] = 0xFFFFFFFF
        r["ResumeHandle"] = NULL
        put("srvsvc", "NetrShareEnum.request", r)
        a = srvs.NetrShareEnumResponse(isNDR64=ndr64)
        c = enum_level(a["InfoStruct"], "ShareInfo", 1)
        for name, typ, remark in (("ADMIN$", 0x80000000, "Remote Admin"),
                                  ("C$", 0x80000000, "Default share"),
                                  ("IPC$", 0x80000003, "Remote IPC"),
                                  ("Finance", 0, "Q3 books")):
            e = srvs.SHARE_INFO_1(isNDR64=ndr64)
            e["shi1_netname"] = name + "\x00"
            e["shi1_type"] = typ
            e["shi1_remark"] = remark + "\x00"
            c["Buffer"].append(e)
        c["EntriesRead"] = 4
        a["TotalEntries"] = 4
        a["ResumeHandle"] = 0
        a["ErrorCode"] = 0
        put("srvsvc", "NetrShareEnum.response", a)

    a = srvs.NetrShareEnumResponse()
    c = enum_level(a["InfoStruct"], "ShareInfo", 0)
    for name in ("NETLOGON", "SYSVOL"):
        e = srvs.SHARE_INFO_0()
        e["shi0_netname"] = name + "\x00"
        c["Buffer"].append(e)
    c["EntriesRead"] = 2
    a["TotalEntries"] = 2
    a["ResumeHandle"] = NULL
    a["ErrorCode"] = 0
    put("srvsvc", "NetrShareEnum.response.level0", a)

    r = srvs.NetrSessionEnum()
    r["ServerName"] = NULL
    r["ClientName"] = NULL
    r["UserName"] = "jdoe\x00"
    fill(enum_level(r["InfoStruct"], "SessionInfo", 10), EntriesRead=0, Buffer=NULL)
    r["PreferedMaximumLength"] = 0xFFFFFFFF
    r["ResumeHandle"] = 0
    put("srvsvc", "NetrSessionEnum.request", r)
    a = srvs.NetrSessionEnumResponse()
    c = enum_level(a["InfoStruct"], "SessionInfo", 10)
    for cname, user, t, idle in (("\\\\10.0.0.7", "jdoe", 420, 12), ("\\\\10.0.0.9", "svc_sql", 86400, 3600)):
        e = srvs.SESSION_INFO_10()
        e["sesi10_cname"] = cname + "\x00"
        e["sesi10_username"] = user + "\x00"
        e["sesi10_time"] = t
        e["sesi10_idle_time"] = idle
        c["Buffer"].append(e)
    c["EntriesRead"] = 2
    a["TotalEntries"] = 2
    a["ResumeHandle"] = NULL
    a["ErrorCode"] = 0
    put("srvsvc", "NetrSessionEnum.response", a)
    a = srvs.NetrSessionEnumResponse()
    c = enum_level(a["InfoStruct"], "SessionInfo", 2)
    e = srvs.SESSION_INFO_2()
    e["sesi2_cname"] = "\\\\WS042\x00"
    e["sesi2_username"] = "Administrator\x00"
    e["sesi2_num_opens"] = 3
    e["sesi2_time"] = 60
    e["sesi2_idle_time"] = 0
    e["sesi2_user_flags"] = 0
    e["sesi2_cltype_name"] = "Windows 10 Pro 19045\x00"
    c["Buffer"].append(e)
    c["EntriesRead"] = 1
    a["TotalEntries"] = 1
    a["ResumeHandle"] = NULL
    a["ErrorCode"] = 0
    put("srvsvc", "NetrSessionEnum.response.level2", a)

    r = srvs.NetrShareGetInfo()
    r["ServerName"] = "\\\\FILESRV01\x00"
    r["NetName"] = "Finance\x00"
    r["Level"] = 2
    put("srvsvc", "NetrShareGetInfo.request", r)
    a = srvs.NetrShareGetInfoResponse()
    a["InfoStruct"]["tag"] = 2
    i = a["InfoStruct"]["ShareInfo2"]
    i["shi2_netname"] = "Finance\x00"
    i["shi2_type"] = 0
    i["shi2_remark"] = "Q3 books\x00"
    i["shi2_permissions"] = 0
    i["shi2_max_uses"] = 0xFFFFFFFF
    i["shi2_current_uses"] = 2
    i["shi2_path"] = "D:\\Shares\\Finance\x00"
    i["shi2_passwd"] = NULL
    a["ErrorCode"] = 0
    put("srvsvc", "NetrShareGetInfo.response", a)

    r = srvs.NetrServerGetInfo()
    r["ServerName"] = "\\\\DC01\x00"
    r["Level"] = 101
    put("srvsvc", "NetrServerGetInfo.request", r)
    a = srvs.NetrServerGetInfoResponse()
    a["InfoStruct"]["tag"] = 101
    i = a["InfoStruct"]["ServerInfo101"]
    i["sv101_platform_id"] = 500
    i["sv101_name"] = "DC01\x00"
    i["sv101_version_major"] = 10
    i["sv101_version_minor"] = 0
    i["sv101_type"] = 0x0084102B
    i["sv101_comment"] = "Domain controller\x00"
    a["ErrorCode"] = 0
    put("srvsvc", "NetrServerGetInfo.response", a)

    r = srvs.NetrRemoteTOD()
    r["ServerName"] = "\\\\DC01\x00"
    put("srvsvc", "NetrRemoteTOD.request", r)
    a = srvs.NetrRemoteTODResponse()
    t = srvs.TIME_OF_DAY_INFO()
    for k, v in (("tod_elapsedt", 1700000000), ("tod_msecs", 123456), ("tod_hours", 22),
                 ("tod_mins", 13), ("tod_secs", 20), ("tod_hunds", 0),
                 ("tod_timezone", 0xFFFFFFC4), ("tod_tinterval", 310), ("tod_day", 14),
                 ("tod_month", 11), ("tod_year", 2023), ("tod_weekday", 2)):
        t[k] = v
    a["BufferPtr"] = t
    a["ErrorCode"] = 0
    put("srvsvc", "NetrRemoteTOD.response", a)

    # The MS08-067 shape: a long path with "\\..\\" steps through canonicalization.
    r = srvs.NetprPathCanonicalize()
    r["ServerName"] = "\\\\10.0.0.5\x00"
    r["PathName"] = "\\a\\..\\..\\" + "A" * 40 + "\x00"
    r["OutbufLen"] = 2
    r["Prefix"] = "\\\x00"
    r["PathType"] = 1
    r["Flags"] = 0
    put("srvsvc", "NetprPathCanonicalize.request", r)
    a = srvs.NetprPathCanonicalizeResponse()
    a["Outbuf"] = list("\\share\\dir\x00".encode("utf-16le"))
    a["PathType"] = 0x1001
    a["ErrorCode"] = 0
    put("srvsvc", "NetprPathCanonicalize.response", a)

    r = srvs.NetprPathCompare()
    r["ServerName"] = NULL
    r["PathName1"] = "C:\\Temp\x00"
    r["PathName2"] = "c:\\temp\x00"
    r["PathType"] = 0x1001
    r["Flags"] = 0
    put("srvsvc", "NetprPathCompare.request", r)
    a = srvs.NetprPathCompareResponse()
    a["ErrorCode"] = 0
    put("srvsvc", "NetprPathCompare.response", a)


# ---------------------------------------------------------------- wkssvc
# impacket 0.10.0 declares ResumeHandle in these two responses as ULONG; the
# IDL ([MS-WKST] 3.2.4.3, 3.2.4.4) has [in,out,unique] unsigned long*. On NDR
# 2.0 a zero ULONG and a null pointer are the same 4 bytes, on NDR64 they
# differ (4 bytes vs 8, aligned): declared here as the IDL says.
class NetrWkstaUserEnumResponse(NDRCALL):
    structure = (("UserInfo", wkst.WKSTA_USER_ENUM_STRUCT), ("TotalEntries", ULONG),
                 ("ResumeHandle", LPULONG), ("ErrorCode", ULONG))


class NetrWkstaTransportEnumResponse(NDRCALL):
    structure = (("TransportInfo", wkst.WKSTA_TRANSPORT_ENUM_STRUCT), ("TotalEntries", ULONG),
                 ("ResumeHandle", LPULONG), ("ErrorCode", ULONG))


def wkssvc():
    for ndr64 in (False, True):
        r = wkst.NetrWkstaGetInfo(isNDR64=ndr64)
        r["ServerName"] = "\\\\WS042\x00"
        r["Level"] = 102
        put("wkssvc", "NetrWkstaGetInfo.request", r)
        a = wkst.NetrWkstaGetInfoResponse(isNDR64=ndr64)
        a["WkstaInfo"]["tag"] = 102
        i = a["WkstaInfo"]["WkstaInfo102"]
        i["wki102_platform_id"] = 500
        i["wki102_computername"] = "WS042\x00"
        i["wki102_langroup"] = "CORP\x00"
        i["wki102_ver_major"] = 10
        i["wki102_ver_minor"] = 0
        i["wki102_lanroot"] = NULL
        i["wki102_logged_on_users"] = 3
        a["ErrorCode"] = 0
        put("wkssvc", "NetrWkstaGetInfo.response", a)

        r = wkst.NetrWkstaUserEnum(isNDR64=ndr64)
        r["ServerName"] = "\\\\WS042\x00"
        fill(enum_level(r["UserInfo"], "WkstaUserInfo", 1), EntriesRead=0, Buffer=NULL)
        r["PreferredMaximumLength"] = 0xFFFFFFFF
        r["ResumeHandle"] = NULL
        put("wkssvc", "NetrWkstaUserEnum.request", r)
        a = NetrWkstaUserEnumResponse(isNDR64=ndr64)
        c = enum_level(a["UserInfo"], "WkstaUserInfo", 1)
        for user, dom, server in (("alice", "CORP", "DC01"), ("WS042$", "CORP", "")):
            e = wkst.WKSTA_USER_INFO_1(isNDR64=ndr64)
            e["wkui1_username"] = user + "\x00"
            e["wkui1_logon_domain"] = dom + "\x00"
            e["wkui1_oth_domains"] = "\x00"
            e["wkui1_logon_server"] = server + "\x00"
            c["Buffer"].append(e)
        c["EntriesRead"] = 2
        a["TotalEntries"] = 2
        a["ResumeHandle"] = NULL
        a["ErrorCode"] = 0
        put("wkssvc", "NetrWkstaUserEnum.response", a)

    r = wkst.NetrWkstaTransportEnum()
    r["ServerName"] = NULL
    fill(enum_level(r["TransportInfo"], "WkstaTransportInfo", 0), EntriesRead=0, Buffer=NULL)
    r["PreferredMaximumLength"] = 0xFFFFFFFF
    r["ResumeHandle"] = 0
    put("wkssvc", "NetrWkstaTransportEnum.request", r)
    a = NetrWkstaTransportEnumResponse()
    c = enum_level(a["TransportInfo"], "WkstaTransportInfo", 0)
    e = wkst.WKSTA_TRANSPORT_INFO_0()
    e["wkti0_quality_of_service"] = 0
    e["wkti0_number_of_vcs"] = 1
    e["wkti0_transport_name"] = "\\Device\\NetbiosSmb\x00"
    e["wkti0_transport_address"] = "000C29A1B2C3\x00"
    e["wkti0_wan_ish"] = 1
    c["Buffer"].append(e)
    c["EntriesRead"] = 1
    a["TotalEntries"] = 1
    a["ResumeHandle"] = NULL
    a["ErrorCode"] = 0
    put("wkssvc", "NetrWkstaTransportEnum.response", a)

    r = wkst.NetrJoinDomain2()
    r["ServerName"] = "WS042\x00"
    r["DomainNameParam"] = "corp.example.com\x00"
    r["MachineAccountOU"] = "OU=Workstations,DC=corp,DC=example,DC=com\x00"
    r["AccountName"] = "CORP\\joinadmin\x00"
    r["Password"]["Buffer"] = bytes(range(256)) * 2 + bytes(12)
    r["Options"] = 0x23  # JOIN_DOMAIN | ACCT_CREATE | DOMAIN_JOIN_IF_JOINED
    put("wkssvc", "NetrJoinDomain2.request", r)
    a = wkst.NetrJoinDomain2Response()
    a["ErrorCode"] = 0
    put("wkssvc", "NetrJoinDomain2.response", a)
    r = wkst.NetrUnjoinDomain2()
    r["ServerName"] = NULL
    r["AccountName"] = "CORP\\joinadmin\x00"
    r["Password"] = NULL
    r["Options"] = 4
    put("wkssvc", "NetrUnjoinDomain2.request", r)
    a = wkst.NetrUnjoinDomain2Response()
    a["ErrorCode"] = 0x54B
    put("wkssvc", "NetrUnjoinDomain2.response", a)


# ---------------------------------------------------------------- atsvc
# NDR 2.0 only: impacket 0.10.0 declares AT_INFO.JobTime as DWORD, 4 bytes in
# NDR64 too, where the IDL's DWORD_PTR takes 8 (at.exe's NDR64 calls in the
# corpus carry 8).
def atsvc_():
    r = atsvc.NetrJobAdd()
    r["ServerName"] = "\\\\FILESRV01\x00"
    i = r["pAtInfo"]
    i["JobTime"] = (23 * 3600 + 30 * 60) * 1000
    i["DaysOfMonth"] = 0
    i["DaysOfWeek"] = 0x1F  # Monday to Friday
    i["Flags"] = 0x11  # JOB_RUN_PERIODICALLY | JOB_NONINTERACTIVE
    i["Command"] = "powershell -nop -w hidden -enc SQBFAFgA\x00"
    put("atsvc", "NetrJobAdd.request", r)
    a = atsvc.NetrJobAddResponse()
    a["pJobId"] = 7
    a["ErrorCode"] = 0
    put("atsvc", "NetrJobAdd.response", a)

    r = atsvc.NetrJobDel()
    r["ServerName"] = NULL
    r["MinJobId"] = 7
    r["MaxJobId"] = 7
    put("atsvc", "NetrJobDel.request", r)
    a = atsvc.NetrJobDelResponse()
    a["ErrorCode"] = 0
    put("atsvc", "NetrJobDel.response", a)

    r = atsvc.NetrJobEnum()
    r["ServerName"] = "\\\\FILESRV01\x00"
    r["pEnumContainer"]["EntriesRead"] = 0
    r["pEnumContainer"]["Buffer"] = NULL
    r["PreferedMaximumLength"] = 0xFFFFFFFF
    r["pResumeHandle"] = NULL
    put("atsvc", "NetrJobEnum.request", r)
    a = atsvc.NetrJobEnumResponse()
    for job_id, t, cmd in ((1, 3600 * 1000, "c:\\windows\\temp\\a.bat"),
                           (7, (23 * 3600 + 30 * 60) * 1000, "cmd /c whoami > c:\\out.txt")):
        e = atsvc.AT_ENUM()
        e["JobId"] = job_id
        e["JobTime"] = t
        e["DaysOfMonth"] = 1 << 14
        e["DaysOfWeek"] = 0
        e["Flags"] = 0x10
        e["Command"] = cmd + "\x00"
        a["pEnumContainer"]["Buffer"].append(e)
    a["pEnumContainer"]["EntriesRead"] = 2
    a["pTotalEntries"] = 2
    a["pResumeHandle"] = NULL
    a["ErrorCode"] = 0
    put("atsvc", "NetrJobEnum.response", a)

    r = atsvc.NetrJobGetInfo()
    r["ServerName"] = NULL
    r["JobId"] = 1
    put("atsvc", "NetrJobGetInfo.request", r)
    a = atsvc.NetrJobGetInfoResponse()
    i = atsvc.AT_INFO()
    i["JobTime"] = 3600 * 1000
    i["DaysOfMonth"] = 1 << 14
    i["DaysOfWeek"] = 0
    i["Flags"] = 0x10
    i["Command"] = "c:\\windows\\temp\\a.bat\x00"
    a["ppAtInfo"] = i
    a["ErrorCode"] = 0
    put("atsvc", "NetrJobGetInfo.response", a)


# ---------------------------------------------------------------- ITaskSchedulerService
ATEXEC_XML = """<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <Principals><Principal id="LocalSystem"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal></Principals>
  <Actions Context="LocalSystem"><Exec><Command>cmd.exe</Command><Arguments>/C whoami &gt; %windir%\\Temp\\xKqQ.tmp 2&gt;&amp;1</Arguments></Exec></Actions>
</Task>"""


# impacket 0.10.0's SchRpcRun.pArgs is a pointer to an array of inline strings
# (WSTR_ARRAY); the IDL has [string, size_is(cArgs), unique] wchar_t**, an
# array of string pointers. Declared here as the IDL says.
LPWSTR_ARRAY = conformant_array("LPWSTR_ARRAY", LPWSTR)
PLPWSTR_ARRAY = pointer(LPWSTR_ARRAY)


class SchRpcRun(NDRCALL):
    opnum = 12
    structure = (("path", WSTR), ("cArgs", DWORD), ("pArgs", PLPWSTR_ARRAY), ("flags", DWORD),
                 ("sessionId", DWORD), ("user", LPWSTR))


def tsch_():
    for ndr64 in (False, True):
        r = tsch.SchRpcRegisterTask(isNDR64=ndr64)
        r["path"] = "\\xKqQ\x00"
        r["xml"] = ATEXEC_XML + "\x00"
        r["flags"] = tsch.TASK_CREATE
        r["sddl"] = NULL
        r["logonType"] = tsch.TASK_LOGON_NONE
        r["cCreds"] = 0
        r["pCreds"] = NULL
        put("tsch", "SchRpcRegisterTask.request", r)
        r = tsch.SchRpcRegisterTask(isNDR64=ndr64)
        r["path"] = "\\Microsoft\\Windows\\Backup\\Nightly\x00"
        r["xml"] = "<Task/>\x00"
        r["flags"] = tsch.TASK_CREATE | tsch.TASK_UPDATE
        r["sddl"] = "D:(A;;FA;;;BA)\x00"
        r["logonType"] = tsch.TASK_LOGON_PASSWORD
        r["cCreds"] = 1
        c = tsch.TASK_USER_CRED(isNDR64=ndr64)
        c["userId"] = "CORP\\svc_task\x00"
        c["password"] = "Summer2024!\x00"
        c["flags"] = 1  # credFlagDefault
        r["pCreds"].append(c)
        put("tsch", "SchRpcRegisterTask.request.creds", r)
        a = tsch.SchRpcRegisterTaskResponse(isNDR64=ndr64)
        a["pActualPath"] = "\\xKqQ\x00"
        a["pErrorInfo"] = NULL
        a["ErrorCode"] = 0
        put("tsch", "SchRpcRegisterTask.response", a)
    a = tsch.SchRpcRegisterTaskResponse()
    a["pActualPath"] = NULL
    e = tsch.TASK_XML_ERROR_INFO()
    e["line"] = 3
    e["column"] = 17
    e["node"] = "Principal\x00"
    e["value"] = "bogus\x00"
    a["pErrorInfo"] = e
    a["ErrorCode"] = 0x80041318  # SCHED_E_MALFORMEDXML
    put("tsch", "SchRpcRegisterTask.response.error", a)

    r = tsch.SchRpcRetrieveTask()
    r["path"] = "\\xKqQ\x00"
    r["lpcwszLanguagesBuffer"] = "\x00"
    r["pulNumLanguages"] = 0
    put("tsch", "SchRpcRetrieveTask.request", r)
    a = tsch.SchRpcRetrieveTaskResponse()
    a["pXml"] = "<Task/>\x00"
    a["ErrorCode"] = 0
    put("tsch", "SchRpcRetrieveTask.response", a)

    for op, cls, rcls in ((6, tsch.SchRpcEnumFolders, tsch.SchRpcEnumFoldersResponse),
                          (7, tsch.SchRpcEnumTasks, tsch.SchRpcEnumTasksResponse)):
        name = cls.__name__
        r = cls()
        r["path"] = "\\\x00"
        r["flags"] = 1  # TASK_ENUM_HIDDEN
        r["startIndex"] = 0
        r["cRequested"] = 100
        put("tsch", name + ".request", r)
        a = rcls()
        a["startIndex"] = 2
        items = ("Microsoft", "Updater") if op == 6 else ("xKqQ", "GoogleUpdateTaskMachineUA")
        a["pcNames"] = len(items)
        for it in items:
            n = tsch.TASK_NAMES()
            n["Data"] = it + "\x00"
            a["pNames"].append(n)
        a["ErrorCode"] = 0
        put("tsch", name + ".response", a)

    r = SchRpcRun()
    r["path"] = "\\xKqQ\x00"
    r["cArgs"] = 0
    r["pArgs"] = NULL
    r["flags"] = 0
    r["sessionId"] = 0
    r["user"] = NULL
    put("tsch", "SchRpcRun.request", r)
    r = SchRpcRun()
    r["path"] = "\\Updater\x00"
    r["cArgs"] = 2
    for arg in ("-silent", "C:\\Users\\Public\\a.ps1"):
        p = LPWSTR()
        p["Data"] = arg + "\x00"
        r["pArgs"].append(p)
    r["flags"] = 2  # TASK_RUN_IGNORE_CONSTRAINTS
    r["sessionId"] = 1
    r["user"] = "CORP\\alice\x00"
    put("tsch", "SchRpcRun.request.args", r)
    a = tsch.SchRpcRunResponse()
    a["pGuid"] = uuidtup_to_bin(("0f6d8c2e-3a1b-4c5d-9e7f-1234567890ab", "0.0"))[:16]
    a["ErrorCode"] = 0
    put("tsch", "SchRpcRun.response", a)

    r = tsch.SchRpcDelete()
    r["path"] = "\\xKqQ\x00"
    r["flags"] = 0
    put("tsch", "SchRpcDelete.request", r)
    a = tsch.SchRpcDeleteResponse()
    a["ErrorCode"] = 0x80070002
    put("tsch", "SchRpcDelete.response", a)

    r = tsch.SchRpcGetTaskInfo()
    r["path"] = "\\xKqQ\x00"
    r["flags"] = 0
    put("tsch", "SchRpcGetTaskInfo.request", r)
    a = tsch.SchRpcGetTaskInfoResponse()
    a["pEnabled"] = 1
    a["pState"] = 4
    a["ErrorCode"] = 0
    put("tsch", "SchRpcGetTaskInfo.response", a)


# ---------------------------------------------------------------- winreg
def hkey(hex_digits, ndr64=False):
    k = rrp.RPC_HKEY(isNDR64=ndr64)
    k.fromString(bytes.fromhex(hex_digits))  # RPC_HKEY(data) leaves the uuid zero
    return k


HKLM_HEX = "00000000f672289cf057d811b005000c2987eae9"
HKEY_HEX = "00000000f772289cf057d811b005000c2987eae9"


def winreg():
    for op, cls, rcls in ((0, rrp.OpenClassesRoot, rrp.OpenClassesRootResponse),
                          (1, rrp.OpenCurrentUser, rrp.OpenCurrentUserResponse),
                          (2, rrp.OpenLocalMachine, rrp.OpenLocalMachineResponse),
                          (4, rrp.OpenUsers, rrp.OpenUsersResponse)):
        for ndr64 in (False, True):
            r = cls(isNDR64=ndr64)
            r["ServerName"] = NULL
            r["samDesired"] = rrp.MAXIMUM_ALLOWED | rrp.KEY_READ
            put("winreg", cls.__name__ + ".request", r)
            a = rcls(isNDR64=ndr64)
            a["phKey"] = hkey(HKLM_HEX, ndr64)
            a["ErrorCode"] = 0
            put("winreg", cls.__name__ + ".response", a)

    for ndr64 in (False, True):
        r = rrp.BaseRegOpenKey(isNDR64=ndr64)
        r["hKey"] = hkey(HKLM_HEX, ndr64)
        r["lpSubKey"] = "SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD\x00"
        r["dwOptions"] = rrp.REG_OPTION_BACKUP_RESTORE
        r["samDesired"] = rrp.MAXIMUM_ALLOWED
        put("winreg", "BaseRegOpenKey.request", r)
        a = rrp.BaseRegOpenKeyResponse(isNDR64=ndr64)
        a["phkResult"] = hkey(HKEY_HEX, ndr64)
        a["ErrorCode"] = 0
        put("winreg", "BaseRegOpenKey.response", a)

        r = rrp.BaseRegSetValue(isNDR64=ndr64)
        r["hKey"] = hkey(HKEY_HEX, ndr64)
        r["lpValueName"] = "Updater\x00"
        r["dwType"] = rrp.REG_SZ
        data = "C:\\Users\\Public\\updater.exe -s\x00".encode("utf-16le")
        r["lpData"] = list(data)
        r["cbData"] = len(data)
        put("winreg", "BaseRegSetValue.request", r)

        r = rrp.BaseRegQueryValue(isNDR64=ndr64)
        r["hKey"] = hkey(HKEY_HEX, ndr64)
        r["lpValueName"] = "EnableLUA\x00"
        r["lpType"] = 0
        r["lpData"] = b" " * 4
        r["lpcbData"] = 4
        r["lpcbLen"] = 4
        put("winreg", "BaseRegQueryValue.request", r)
        a = rrp.BaseRegQueryValueResponse(isNDR64=ndr64)
        a["lpType"] = rrp.REG_DWORD
        a["lpData"] = list(struct.pack("<L", 1))
        a["lpcbData"] = 4
        a["lpcbLen"] = 4
        a["ErrorCode"] = 0
        put("winreg", "BaseRegQueryValue.response", a)

    r = rrp.BaseRegSetValue()
    r["hKey"] = hkey(HKEY_HEX)
    r["lpValueName"] = "DisableRestrictedAdmin\x00"
    r["dwType"] = rrp.REG_DWORD
    r["lpData"] = list(struct.pack("<L", 0))
    r["cbData"] = 4
    put("winreg", "BaseRegSetValue.request.dword", r)
    r = rrp.BaseRegSetValue()
    r["hKey"] = hkey(HKEY_HEX)
    r["lpValueName"] = "Notification Packages\x00"
    r["dwType"] = rrp.REG_MULTI_SZ
    data = "scecli\x00evilpwfilter\x00\x00".encode("utf-16le")
    r["lpData"] = list(data)
    r["cbData"] = len(data)
    put("winreg", "BaseRegSetValue.request.multi", r)
    r = rrp.BaseRegSetValue()
    r["hKey"] = hkey(HKEY_HEX)
    r["lpValueName"] = "Blob\x00"
    r["dwType"] = rrp.REG_BINARY
    r["lpData"] = list(bytes(range(8)))
    r["cbData"] = 8
    put("winreg", "BaseRegSetValue.request.binary", r)
    a = rrp.BaseRegSetValueResponse()
    a["ErrorCode"] = 5
    put("winreg", "BaseRegSetValue.response", a)

    a = rrp.BaseRegQueryValueResponse()
    a["lpType"] = rrp.REG_EXPAND_SZ
    data = "%SystemRoot%\\system32\\svchost.exe -k netsvcs\x00".encode("utf-16le")
    a["lpData"] = list(data)
    a["lpcbData"] = len(data)
    a["lpcbLen"] = len(data)
    a["ErrorCode"] = 0
    put("winreg", "BaseRegQueryValue.response.expand", a)

    r = rrp.BaseRegCreateKey()
    r["hKey"] = hkey(HKLM_HEX)
    r["lpSubKey"] = "SOFTWARE\\Classes\\ms-settings\\Shell\\Open\\command\x00"
    r["lpClass"] = NULL
    r["dwOptions"] = 0  # REG_OPTION_NON_VOLATILE
    r["samDesired"] = 0xF003F  # KEY_ALL_ACCESS
    r["lpSecurityAttributes"] = NULL
    r["lpdwDisposition"] = rrp.REG_CREATED_NEW_KEY
    put("winreg", "BaseRegCreateKey.request", r)
    r = rrp.BaseRegCreateKey()
    r["hKey"] = hkey(HKLM_HEX)
    r["lpSubKey"] = "SOFTWARE\\Acme\x00"
    r["lpClass"] = "AcmeClass\x00"
    r["dwOptions"] = 0  # REG_OPTION_NON_VOLATILE
    r["samDesired"] = 0xF003F  # KEY_ALL_ACCESS
    sa = rrp.RPC_SECURITY_ATTRIBUTES()
    sa["nLength"] = 12
    sa["RpcSecurityDescriptor"]["lpSecurityDescriptor"] = list(bytes.fromhex("0100048000000000000000000000000014000000"))
    sa["RpcSecurityDescriptor"]["cbInSecurityDescriptor"] = 20
    sa["RpcSecurityDescriptor"]["cbOutSecurityDescriptor"] = 20
    sa["bInheritHandle"] = 0
    r["lpSecurityAttributes"] = sa
    r["lpdwDisposition"] = NULL
    put("winreg", "BaseRegCreateKey.request.sa", r)
    a = rrp.BaseRegCreateKeyResponse()
    a["phkResult"] = hkey(HKEY_HEX)
    a["lpdwDisposition"] = rrp.REG_OPENED_EXISTING_KEY
    a["ErrorCode"] = 0
    put("winreg", "BaseRegCreateKey.response", a)

    for name, cls in (("BaseRegDeleteKey", rrp.BaseRegDeleteKey),):
        r = cls()
        r["hKey"] = hkey(HKLM_HEX)
        r["lpSubKey"] = "SOFTWARE\\Classes\\ms-settings\x00"
        put("winreg", name + ".request", r)
    r = rrp.BaseRegDeleteValue()
    r["hKey"] = hkey(HKEY_HEX)
    r["lpValueName"] = "Updater\x00"
    put("winreg", "BaseRegDeleteValue.request", r)

    r = rrp.BaseRegEnumKey()
    r["hKey"] = hkey(HKLM_HEX)
    r["dwIndex"] = 3
    r["lpNameIn"] = " " * 64
    r["lpClassIn"] = " " * 64
    r["lpftLastWriteTime"] = NULL
    put("winreg", "BaseRegEnumKey.request", r)
    a = rrp.BaseRegEnumKeyResponse()
    a["lpNameOut"] = "SECURITY\x00"
    a["lplpClassOut"] = NULL
    ft = rrp.FILETIME()
    ft["dwLowDateTime"] = 0xD53E8000
    ft["dwHighDateTime"] = 0x01D9AF7B  # 2023-07-05T20:03:57.7621504Z
    a["lpftLastWriteTime"] = ft
    a["ErrorCode"] = 0
    put("winreg", "BaseRegEnumKey.response", a)

    r = rrp.BaseRegEnumValue()
    r["hKey"] = hkey(HKEY_HEX)
    r["dwIndex"] = 0
    r["lpValueNameIn"] = " " * 128
    r["lpType"] = 0
    r["lpData"] = b" " * 16
    r["lpcbData"] = 16
    r["lpcbLen"] = 0
    put("winreg", "BaseRegEnumValue.request", r)
    a = rrp.BaseRegEnumValueResponse()
    a["lpValueNameOut"] = "Security Packages\x00"
    a["lpType"] = rrp.REG_MULTI_SZ
    data = "kerberos\x00msv1_0\x00\x00".encode("utf-16le")
    a["lpData"] = list(data)
    a["lpcbData"] = len(data)
    a["lpcbLen"] = len(data)
    a["ErrorCode"] = 0
    put("winreg", "BaseRegEnumValue.response", a)

    r = rrp.BaseRegSaveKey()
    r["hKey"] = hkey(HKEY_HEX)
    r["lpFile"] = "..\\Temp\\xWqRtPzY.tmp\x00"  # secretsdump's shape
    r["pSecurityAttributes"] = NULL
    put("winreg", "BaseRegSaveKey.request", r)
    a = rrp.BaseRegSaveKeyResponse()
    a["ErrorCode"] = 0
    put("winreg", "BaseRegSaveKey.response", a)

    r = rrp.BaseRegCloseKey()
    r["hKey"] = hkey(HKEY_HEX)
    put("winreg", "BaseRegCloseKey.request", r)
    a = rrp.BaseRegCloseKeyResponse()
    a["hKey"] = hkey("00" * 20)
    a["ErrorCode"] = 0
    put("winreg", "BaseRegCloseKey.response", a)

    r = rrp.BaseRegGetKeySecurity()
    r["hKey"] = hkey(HKEY_HEX)
    r["SecurityInformation"] = 4  # DACL_SECURITY_INFORMATION
    r["pRpcSecurityDescriptorIn"]["lpSecurityDescriptor"] = NULL
    r["pRpcSecurityDescriptorIn"]["cbInSecurityDescriptor"] = 4096
    r["pRpcSecurityDescriptorIn"]["cbOutSecurityDescriptor"] = 0
    put("winreg", "BaseRegGetKeySecurity.request", r)
    a = rrp.BaseRegGetKeySecurityResponse()
    a["pRpcSecurityDescriptorOut"]["lpSecurityDescriptor"] = list(bytes.fromhex("0100048000000000000000000000000014000000"))
    a["pRpcSecurityDescriptorOut"]["cbInSecurityDescriptor"] = 20
    a["pRpcSecurityDescriptorOut"]["cbOutSecurityDescriptor"] = 20
    a["ErrorCode"] = 0
    put("winreg", "BaseRegGetKeySecurity.response", a)


# ---------------------------------------------------------------- epm
NDR20 = ("8a885d04-1ceb-11c9-9fe8-08002b104860", "2.0")


def tower_bytes(iface, transport, host=None, port=None, pipe=None, netbios=None):
    """A tower as impacket's hept_map builds one ([C706] Appendix L)."""
    from struct import unpack
    import socket
    t = epm.EPMTower()
    i = epm.EPMRPCInterface()
    b = uuidtup_to_bin(iface)
    i["InterfaceUUID"] = b[:16]
    i["MajorVersion"] = unpack("<H", b[16:18])[0]
    i["MinorVersion"] = unpack("<H", b[18:20])[0]
    d = epm.EPMRPCDataRepresentation()
    b = uuidtup_to_bin(NDR20)
    d["DataRepUuid"] = b[:16]
    d["MajorVersion"] = unpack("<H", b[16:18])[0]
    d["MinorVersion"] = unpack("<H", b[18:20])[0]
    p = epm.EPMProtocolIdentifier()
    p["ProtIdentifier"] = epm.FLOOR_RPCV5_IDENTIFIER
    if transport == "ncacn_np":
        n = epm.EPMPipeName()
        n["PipeName"] = pipe.encode() + b"\x00"
        h = epm.EPMHostName()
        h["HostName"] = netbios.encode() + b"\x00"
        data = n.getData() + h.getData()
    else:
        a = epm.EPMPortAddr()
        if transport == "ncacn_http":
            a["PortIdentifier"] = epm.FLOOR_HTTP_IDENTIFIER
        a["IpPort"] = port
        h = epm.EPMHostAddr()
        h["Ip4addr"] = socket.inet_aton(host)
        data = a.getData() + h.getData()
    t["NumberOfFloors"] = 5
    t["Floors"] = i.getData() + d.getData() + p.getData() + data
    return t.getData()


SVCCTL_IF = ("367abb81-9844-35f1-ad32-98f038001003", "2.0")
SAMR_IF = ("12345778-1234-abcd-ef00-0123456789ac", "1.0")
LSA_IF = ("12345778-1234-abcd-ef00-0123456789ab", "0.0")


def epm_():
    OUT.setdefault("epm", {})["tower.ncacn_http"] = tower_bytes(
        ("f5cc5a18-4264-101a-8c59-08002b2f8426", "56.0"), "ncacn_http", host="10.1.2.3", port=6001).hex()
    for ndr64 in (False, True):
        r = epm.ept_map(isNDR64=ndr64)
        r["obj"] = NULL
        tw = tower_bytes(SVCCTL_IF, "ncacn_ip_tcp", host="0.0.0.0", port=0)
        r["map_tower"]["tower_length"] = len(tw)
        r["map_tower"]["tower_octet_string"] = tw
        r["max_towers"] = 4
        put("epm", "ept_map.request", r)
        a = epm.ept_mapResponse(isNDR64=ndr64)
        a["num_towers"] = 2
        for t in (tower_bytes(SVCCTL_IF, "ncacn_ip_tcp", host="10.0.0.5", port=49668),
                  tower_bytes(SVCCTL_IF, "ncacn_np", pipe="\\PIPE\\svcctl", netbios="\\\\DC01")):
            p = epm.twr_p_t(isNDR64=ndr64)
            p["tower_length"] = len(t)
            p["tower_octet_string"] = t
            a["ITowers"].append(p)
        a["status"] = 0
        put("epm", "ept_map.response", a)

    r = epm.ept_lookup()
    r["inquiry_type"] = epm.RPC_C_EP_MATCH_BY_IF
    r["object"] = NULL
    r["Ifid"]["Uuid"] = uuidtup_to_bin(SAMR_IF)[:16]
    r["Ifid"]["VersMajor"] = 1
    r["Ifid"]["VersMinor"] = 0
    r["vers_option"] = epm.RPC_C_VERS_ALL
    r["max_ents"] = 500
    put("epm", "ept_lookup.request", r)
    for ndr64 in (False, True):
        a = epm.ept_lookupResponse(isNDR64=ndr64)
        a["entry_handle"]["context_handle_attributes"] = 0
        a["entry_handle"]["context_handle_uuid"] = bytes.fromhex("2d6482bbbdd58e498a326b0859c414d0")
        a["num_ents"] = 2
        for obj, t, ann in (
                ("00000000-0000-0000-0000-000000000000",
                 tower_bytes(SAMR_IF, "ncacn_ip_tcp", host="10.0.0.5", port=49667), "SAM access"),
                ("00000000-0000-0000-0000-000000000000",
                 tower_bytes(LSA_IF, "ncacn_np", pipe="\\pipe\\lsass", netbios="\\\\DC01"), "")):
            e = epm.ept_entry_t(isNDR64=ndr64)
            e["object"] = uuidtup_to_bin((obj, "0.0"))[:16]
            e["tower"]["tower_length"] = len(t)
            e["tower"]["tower_octet_string"] = t
            e["annotation"] = [bytes([c]) for c in (ann + "\x00").encode()]
            a["entries"].append(e)
        a["status"] = 0
        put("epm", "ept_lookup.response", a)


def main():
    for f in (svcctl, srvsvc, wkssvc, atsvc_, tsch_, winreg, epm_):
        f()
    json.dump(OUT, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
