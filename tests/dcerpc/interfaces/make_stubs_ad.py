#!/usr/bin/python3
"""Makes the NDR stubs that the efsrpc, spoolss, remote_winspool, netlogon,
drsuapi, samr and lsarpc decoder tests read, with impacket as an independent
NDR encoder (Debian python3-impacket 0.10.0; run with /usr/bin/python3).

    /usr/bin/python3 tests/dcerpc/interfaces/make_stubs_ad.py

writes tests/dcerpc/interfaces/<interface>_stubs.json: for each case, the stub
as hex and whether it is NDR64. Referent ids come from a seeded random, so a
rerun gives the same bytes. Where impacket 0.10.0 lacks a call or structure
(all of EFSRPC, RpcRemoteFindFirstPrinterChangeNotification,
RpcAddPrinterDriver, IDL_DRSReplicaAdd, ...), it is declared here from the
specification's IDL with impacket's NDR types.
"""
import json
import os
import random
import sys

from impacket import version
from impacket.dcerpc.v5.dtypes import (BOOL, DWORD, LONG, LPWSTR, NULL, PRPC_SID, RPC_SID, ULONG,
                                       WSTR)
from impacket.dcerpc.v5.ndr import NDRCALL, NDRSTRUCT, NDRUniFixedArray
from impacket.dcerpc.v5.rpcrt import DCERPCException  # noqa: F401 (impacket import check)

sys.dont_write_bytecode = True  # no __pycache__ beside the tests
from _stubs_common import conformant_array, fill, pointer, stub_name, struct  # noqa: E402

assert version.version == "0.10.0", version.version
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = {}


def put(iface, name, call):
    """Records one stub: call is an NDRCALL, NDR 2.0 or NDR64 as it was built (its name then
    gets .ndr64)."""
    OUT.setdefault(iface, {})[stub_name(name, call)] = {"hex": call.getData().hex(),
                                                       "ndr64": call._isNDR64}


def sid(s):
    v = RPC_SID()
    v.fromCanonical(s)
    return v


# ---------------------------------------------------------------- EFSRPC ([MS-EFSR] 6)

class EXIMPORT_CONTEXT_HANDLE(NDRSTRUCT):
    structure = (("Data", "20s=b''"),)


EFS_BYTES = conformant_array("EFS_BYTES", "c")
PEFS_BYTES = pointer(EFS_BYTES)


class EFS_RPC_BLOB(NDRSTRUCT):
    structure = (("cbData", DWORD), ("bData", PEFS_BYTES))


PEFS_RPC_BLOB = pointer(EFS_RPC_BLOB)


class EFS_HASH_BLOB(EFS_RPC_BLOB):
    pass


PEFS_HASH_BLOB = pointer(EFS_HASH_BLOB)


class ENCRYPTION_CERTIFICATE_HASH(NDRSTRUCT):
    structure = (("cbTotalLength", DWORD), ("UserSid", PRPC_SID), ("Hash", PEFS_HASH_BLOB),
                 ("lpDisplayInformation", LPWSTR))


PENCRYPTION_CERTIFICATE_HASH = pointer(ENCRYPTION_CERTIFICATE_HASH)
HASH_PTR_ARRAY = conformant_array("HASH_PTR_ARRAY", PENCRYPTION_CERTIFICATE_HASH)
PHASH_PTR_ARRAY = pointer(HASH_PTR_ARRAY)


class ENCRYPTION_CERTIFICATE_HASH_LIST(NDRSTRUCT):
    structure = (("nCert_Hash", DWORD), ("Users", PHASH_PTR_ARRAY))


PENCRYPTION_CERTIFICATE_HASH_LIST = pointer(ENCRYPTION_CERTIFICATE_HASH_LIST)


class EFS_CERTIFICATE_BLOB(NDRSTRUCT):
    structure = (("dwCertEncodingType", DWORD), ("cbData", DWORD), ("bData", PEFS_BYTES))


PEFS_CERTIFICATE_BLOB = pointer(EFS_CERTIFICATE_BLOB)


class ENCRYPTION_CERTIFICATE(NDRSTRUCT):
    structure = (("cbTotalLength", DWORD), ("UserSid", PRPC_SID),
                 ("CertBlob", PEFS_CERTIFICATE_BLOB))


PENCRYPTION_CERTIFICATE = pointer(ENCRYPTION_CERTIFICATE)
CERT_PTR_ARRAY = conformant_array("CERT_PTR_ARRAY", PENCRYPTION_CERTIFICATE)
PCERT_PTR_ARRAY = pointer(CERT_PTR_ARRAY)


class ENCRYPTION_CERTIFICATE_LIST(NDRSTRUCT):
    structure = (("nUsers", DWORD), ("Users", PCERT_PTR_ARRAY))


class EfsRpcOpenFileRaw(NDRCALL):
    opnum = 0
    structure = (("FileName", WSTR), ("Flags", LONG))


class EfsRpcOpenFileRawResponse(NDRCALL):
    structure = (("hContext", EXIMPORT_CONTEXT_HANDLE), ("ErrorCode", ULONG))


class EfsRpcEncryptFileSrv(NDRCALL):
    opnum = 4
    structure = (("FileName", WSTR),)


class ErrorOnly(NDRCALL):
    structure = (("ErrorCode", ULONG),)


class EfsRpcDecryptFileSrv(NDRCALL):
    opnum = 5
    structure = (("FileName", WSTR), ("OpenFlag", ULONG))


class EfsRpcQueryUsersOnFile(NDRCALL):
    opnum = 6
    structure = (("FileName", WSTR),)


class EfsRpcQueryUsersOnFileResponse(NDRCALL):
    structure = (("Users", PENCRYPTION_CERTIFICATE_HASH_LIST), ("ErrorCode", ULONG))


class EfsRpcRemoveUsersFromFile(NDRCALL):
    opnum = 8
    structure = (("FileName", WSTR), ("Users", ENCRYPTION_CERTIFICATE_HASH_LIST))


class EfsRpcAddUsersToFile(NDRCALL):
    opnum = 9
    structure = (("FileName", WSTR), ("EncryptionCertificates", ENCRYPTION_CERTIFICATE_LIST))


class EfsRpcFileKeyInfo(NDRCALL):
    opnum = 12
    structure = (("FileName", WSTR), ("InfoClass", DWORD))


class EfsRpcFileKeyInfoResponse(NDRCALL):
    structure = (("KeyInfo", PEFS_RPC_BLOB), ("ErrorCode", ULONG))


class EfsRpcDuplicateEncryptionInfoFile(NDRCALL):
    opnum = 13
    structure = (("SrcFileName", WSTR), ("DestFileName", WSTR), ("dwCreationDisposition", DWORD),
                 ("dwAttributes", DWORD), ("RelativeSD", PEFS_RPC_BLOB), ("bInheritHandle", BOOL))


class EfsRpcAddUsersToFileEx(NDRCALL):
    opnum = 15
    structure = (("dwFlags", DWORD), ("Reserved", PEFS_RPC_BLOB), ("FileName", WSTR),
                 ("EncryptionCertificates", ENCRYPTION_CERTIFICATE_LIST))


class EfsRpcFileKeyInfoEx(NDRCALL):
    opnum = 16
    structure = (("dwFileKeyInfoFlags", DWORD), ("Reserved", PEFS_RPC_BLOB), ("FileName", WSTR),
                 ("InfoClass", DWORD))


class EfsRpcGetEncryptedFileMetadata(NDRCALL):
    opnum = 18
    structure = (("FileName", WSTR),)


class EfsRpcSetEncryptedFileMetadata(NDRCALL):
    opnum = 19
    structure = (("FileName", WSTR), ("OldEfsStreamBlob", PEFS_RPC_BLOB),
                 ("NewEfsStreamBlob", EFS_RPC_BLOB), ("NewEfsSignature", PEFS_RPC_BLOB))


class EfsRpcEncryptFileExSrv(NDRCALL):
    opnum = 21
    structure = (("FileName", WSTR), ("ProtectorDescriptor", LPWSTR), ("Flags", ULONG))


def blob(data, ndr64=False):
    b = EFS_RPC_BLOB(isNDR64=ndr64)
    b["cbData"] = len(data)
    b["bData"] = list(data)
    return b


def hash_entry(s, h, display, ndr64=False):
    e = ENCRYPTION_CERTIFICATE_HASH(isNDR64=ndr64)
    e["cbTotalLength"] = 0x40
    e["UserSid"] = sid(s)
    hb = EFS_HASH_BLOB(isNDR64=ndr64)
    hb["cbData"] = len(h)
    hb["bData"] = list(h)
    e["Hash"] = hb
    e["lpDisplayInformation"] = display + "\x00"
    p = PENCRYPTION_CERTIFICATE_HASH(isNDR64=ndr64)
    p["Data"] = e
    return p


def efsrpc():
    unc = "\\\\10.0.0.5\\share\\x.txt"
    for ndr64 in (False, True):
        c = EfsRpcOpenFileRaw(isNDR64=ndr64)
        c["FileName"] = unc + "\x00"
        c["Flags"] = 0
        put("efsrpc", "OpenFileRaw.request", c)
    c = EfsRpcOpenFileRawResponse()
    c["hContext"] = bytes(range(20))
    c["ErrorCode"] = 5
    put("efsrpc", "OpenFileRaw.response", c)
    c = EfsRpcEncryptFileSrv()
    c["FileName"] = "\\\\attacker@80/test\\share\x00"
    put("efsrpc", "EncryptFileSrv.request", c)
    c = ErrorOnly()
    c["ErrorCode"] = 53
    put("efsrpc", "EncryptFileSrv.response", c)
    c = EfsRpcDecryptFileSrv()
    c["FileName"] = "\\\\10.0.0.5\\c$\\d.txt\x00"
    c["OpenFlag"] = 0
    put("efsrpc", "DecryptFileSrv.request", c)
    c = EfsRpcQueryUsersOnFile()
    c["FileName"] = "\\\\10.0.0.5\\share\\q.txt\x00"
    put("efsrpc", "QueryUsersOnFile.request", c)
    c = EfsRpcQueryUsersOnFileResponse()
    lst = ENCRYPTION_CERTIFICATE_HASH_LIST()
    lst["nCert_Hash"] = 2
    lst["Users"] = [hash_entry("S-1-5-21-1-2-3-1104", b"\x01\x02\x03\x04", "alice(alice@corp)"),
                    hash_entry("S-1-5-21-1-2-3-500", b"\xaa\xbb", "Administrator")]
    c["Users"] = lst
    c["ErrorCode"] = 0
    put("efsrpc", "QueryUsersOnFile.response", c)
    c = EfsRpcRemoveUsersFromFile()
    c["FileName"] = "\\\\10.0.0.5\\share\\r.txt\x00"
    lst = ENCRYPTION_CERTIFICATE_HASH_LIST()
    lst["nCert_Hash"] = 1
    lst["Users"] = [hash_entry("S-1-5-21-9-8-7-1000", b"\x10\x20", "bob")]
    c["Users"] = lst
    put("efsrpc", "RemoveUsersFromFile.request", c)
    c = EfsRpcAddUsersToFile()
    c["FileName"] = "\\\\10.0.0.5\\share\\a.txt\x00"
    cl = ENCRYPTION_CERTIFICATE_LIST()
    cl["nUsers"] = 1
    cert = ENCRYPTION_CERTIFICATE()
    cert["cbTotalLength"] = 0x30
    cert["UserSid"] = sid("S-1-5-21-9-8-7-1001")
    cb = EFS_CERTIFICATE_BLOB()
    cb["dwCertEncodingType"] = 1
    cb["cbData"] = 5
    cb["bData"] = list(b"\x30\x03\x02\x01\x00")
    cert["CertBlob"] = cb
    pc = PENCRYPTION_CERTIFICATE()
    pc["Data"] = cert
    cl["Users"] = [pc]
    c["EncryptionCertificates"] = cl
    put("efsrpc", "AddUsersToFile.request", c)
    c = EfsRpcFileKeyInfo()
    c["FileName"] = "\\\\10.0.0.5\\share\\k.txt\x00"
    c["InfoClass"] = 0
    put("efsrpc", "FileKeyInfo.request", c)
    c = EfsRpcFileKeyInfoResponse()
    c["KeyInfo"] = blob(b"\x01\x02\x03\x04\x05\x06")
    c["ErrorCode"] = 0
    put("efsrpc", "FileKeyInfo.response", c)
    c = EfsRpcDuplicateEncryptionInfoFile()
    c["SrcFileName"] = "\\\\10.0.0.5\\share\\src\x00"
    c["DestFileName"] = "\\\\10.0.0.5\\share\\dst\x00"
    c["dwCreationDisposition"] = 0
    c["dwAttributes"] = 0
    c["RelativeSD"] = NULL
    c["bInheritHandle"] = 0
    put("efsrpc", "DuplicateEncryptionInfoFile.request", c)
    c = EfsRpcAddUsersToFileEx()
    c["dwFlags"] = 2
    c["Reserved"] = NULL
    c["FileName"] = "\\\\10.0.0.5\\share\\ax.txt\x00"
    cl = ENCRYPTION_CERTIFICATE_LIST()
    cl["nUsers"] = 0
    cl["Users"] = NULL
    c["EncryptionCertificates"] = cl
    put("efsrpc", "AddUsersToFileEx.request", c)
    c = EfsRpcFileKeyInfoEx()
    c["dwFileKeyInfoFlags"] = 1
    c["Reserved"] = blob(b"\xde\xad")
    c["FileName"] = "\\\\10.0.0.5\\share\\kx.txt\x00"
    c["InfoClass"] = 3
    put("efsrpc", "FileKeyInfoEx.request", c)
    c = EfsRpcGetEncryptedFileMetadata()
    c["FileName"] = "\\\\10.0.0.5\\share\\m.txt\x00"
    put("efsrpc", "GetEncryptedFileMetadata.request", c)
    c = EfsRpcSetEncryptedFileMetadata()
    c["FileName"] = "\\\\10.0.0.5\\share\\s.txt\x00"
    c["OldEfsStreamBlob"] = NULL
    c["NewEfsStreamBlob"] = blob(b"\x00" * 12)
    c["NewEfsSignature"] = NULL
    put("efsrpc", "SetEncryptedFileMetadata.request", c)
    c = EfsRpcEncryptFileExSrv()
    c["FileName"] = "\\\\10.0.0.5\\share\\e.txt\x00"
    c["ProtectorDescriptor"] = NULL
    c["Flags"] = 0
    put("efsrpc", "EncryptFileExSrv.request", c)


# ---------------------------------------------------------------- winspool ([MS-RPRN] 6)

from impacket.dcerpc.v5 import rprn  # noqa: E402
from impacket.dcerpc.v5.dtypes import FILETIME, ULONGLONG, USHORT  # noqa: E402


WCHAR_ARRAY = conformant_array("WCHAR_ARRAY", "<H")
PWCHAR_ARRAY = pointer(WCHAR_ARRAY)


_INFO_3 = (("cVersion", DWORD), ("pName", LPWSTR), ("pEnvironment", LPWSTR),
           ("pDriverPath", LPWSTR), ("pDataFile", LPWSTR), ("pConfigFile", LPWSTR),
           ("pHelpFile", LPWSTR), ("pMonitorName", LPWSTR), ("pDefaultDataType", LPWSTR),
           ("cchDependentFiles", DWORD), ("pDependentFiles", PWCHAR_ARRAY))
_INFO_4 = _INFO_3 + (("cchPreviousNames", DWORD), ("pszzPreviousNames", PWCHAR_ARRAY))
_INFO_6 = _INFO_4 + (("ftDriverDate", FILETIME), ("dwlDriverVersion", ULONGLONG),
                     ("pMfgName", LPWSTR), ("pOEMUrl", LPWSTR), ("pHardwareID", LPWSTR),
                     ("pProvider", LPWSTR))
_INFO_8 = _INFO_6 + (("pPrintProcessor", LPWSTR), ("pVendorSetup", LPWSTR),
                     ("cchColorProfiles", DWORD), ("pszzColorProfiles", PWCHAR_ARRAY),
                     ("pInfPath", LPWSTR), ("dwPrinterDriverAttributes", DWORD),
                     ("cchCoreDependencies", DWORD), ("pszzCoreDriverDependencies", PWCHAR_ARRAY),
                     ("ftMinInboxDriverVerDate", FILETIME),
                     ("dwlMinInboxDriverVerVersion", ULONGLONG))


RPC_DRIVER_INFO_3 = struct("RPC_DRIVER_INFO_3", _INFO_3)
RPC_DRIVER_INFO_4 = struct("RPC_DRIVER_INFO_4", _INFO_4)
RPC_DRIVER_INFO_6 = struct("RPC_DRIVER_INFO_6", _INFO_6)
RPC_DRIVER_INFO_8 = struct("RPC_DRIVER_INFO_8", _INFO_8)
PRPC_DRIVER_INFO_3 = pointer(RPC_DRIVER_INFO_3)
PRPC_DRIVER_INFO_4 = pointer(RPC_DRIVER_INFO_4)
PRPC_DRIVER_INFO_6 = pointer(RPC_DRIVER_INFO_6)
PRPC_DRIVER_INFO_8 = pointer(RPC_DRIVER_INFO_8)


# impacket's DRIVER_INFO_UNION has levels 1 and 2 only; the others per [MS-RPRN] 2.2.1.2.3.
rprn.DRIVER_INFO_UNION.union.update({3: ("Level3", PRPC_DRIVER_INFO_3),
                                     4: ("Level4", PRPC_DRIVER_INFO_4),
                                     6: ("Level6", PRPC_DRIVER_INFO_6),
                                     8: ("Level8", PRPC_DRIVER_INFO_8)})


# impacket's SPLCLIENT_INFO_3 names dwFlags twice (no dwSize); declared here per 2.2.1.11.3.
class SPLCLIENT_INFO_3(NDRSTRUCT):
    structure = (("cbSize", DWORD), ("dwFlags", DWORD), ("dwSize", DWORD),
                 ("pMachineName", LPWSTR), ("pUserName", LPWSTR), ("dwBuildNum", DWORD),
                 ("dwMajorVersion", DWORD), ("dwMinorVersion", DWORD),
                 ("wProcessorArchitecture", USHORT), ("hSplPrinter", ULONGLONG))


PSPLCLIENT_INFO_3 = pointer(SPLCLIENT_INFO_3)


rprn.CLIENT_INFO_UNION.union[3] = ("pNotUsed2", PSPLCLIENT_INFO_3)


# impacket's RPC_V2_NOTIFY_OPTIONS points pTypes at one structure; it is an array (2.2.1.13.1).
NOTIFY_TYPES = conformant_array("NOTIFY_TYPES", rprn.RPC_V2_NOTIFY_OPTIONS_TYPE)
PNOTIFY_TYPES = pointer(NOTIFY_TYPES)


class RPC_V2_NOTIFY_OPTIONS(NDRSTRUCT):
    structure = (("Version", DWORD), ("Reserved", DWORD), ("Count", DWORD),
                 ("pTypes", PNOTIFY_TYPES))


PRPC_V2_NOTIFY_OPTIONS = pointer(RPC_V2_NOTIFY_OPTIONS)


class RpcRemoteFindFirstPrinterChangeNotificationEx(NDRCALL):
    opnum = 65
    structure = (("hPrinter", rprn.PRINTER_HANDLE), ("fdwFlags", DWORD), ("fdwOptions", DWORD),
                 ("pszLocalMachine", LPWSTR), ("dwPrinterLocal", DWORD),
                 ("pOptions", PRPC_V2_NOTIFY_OPTIONS))


class RpcAddPrinterDriver(NDRCALL):
    opnum = 9
    structure = (("pName", rprn.STRING_HANDLE), ("pDriverContainer", rprn.DRIVER_CONTAINER))


class RpcRemoteFindFirstPrinterChangeNotification(NDRCALL):
    opnum = 62
    structure = (("hPrinter", rprn.PRINTER_HANDLE), ("fdwFlags", DWORD), ("fdwOptions", DWORD),
                 ("pszLocalMachine", LPWSTR), ("dwPrinterLocal", DWORD), ("cbBuffer", DWORD),
                 ("pBuffer", rprn.PBYTE_ARRAY))


class RpcRemoteFindFirstPrinterChangeNotificationResponse(NDRCALL):
    structure = (("pBuffer", rprn.PBYTE_ARRAY), ("ErrorCode", ULONG))


def client_info_1(info, machine, user, build, major, minor):
    """A SPLCLIENT_INFO_1 ([MS-RPRN] 2.2.1.11.1; rprn's or par's class) of an x64 client."""
    return fill(info, dwSize=28, pMachineName=machine + "\x00", pUserName=user + "\x00",
                dwBuildNum=build, dwMajorVersion=major, dwMinorVersion=minor,
                wProcessorArchitecture=9)


def multi_sz(*names):
    return [ord(c) for c in "".join(n + "\x00" for n in names) + "\x00"]


def driver_info(level, ndr64=False, **fields):
    cls = {3: RPC_DRIVER_INFO_3, 4: RPC_DRIVER_INFO_4, 6: RPC_DRIVER_INFO_6,
           8: RPC_DRIVER_INFO_8}.get(level, rprn.DRIVER_INFO_2)
    d = cls(isNDR64=ndr64)
    for name, _ in cls.structure:
        if name.startswith("psz") or name == "pDependentFiles":
            if name not in fields:
                d[name] = NULL
            else:
                d[name] = fields[name]
                count = {"pDependentFiles": "cchDependentFiles",
                         "pszzCoreDriverDependencies": "cchCoreDependencies"}.get(
                    name, "cch" + name[4:])
                d[count] = len(fields[name])
        elif name.startswith("p"):
            d[name] = fields[name] + "\x00" if name in fields else NULL
    d["cVersion"] = 3
    if "dwlDriverVersion" in d.fields:
        d["dwlDriverVersion"] = 0x000A000000004A61
        d["ftDriverDate"]["dwLowDateTime"] = 0xD53B8000
        d["ftDriverDate"]["dwHighDateTime"] = 0x01C9E2E3
    return d


NIGHTMARE = {
    "pName": "1234",
    "pEnvironment": "Windows x64",
    "pDriverPath": "C:\\Windows\\System32\\DriverStore\\FileRepository\\ntprint.inf_amd64\\"
                   "Amd64\\UNIDRV.DLL",
    "pDataFile": "\\\\10.0.0.5\\share\\nightmare.dll",
    "pConfigFile": "C:\\Windows\\System32\\kernelbase.dll",
}


def spoolss():
    c = rprn.RpcOpenPrinter()
    c["pPrinterName"] = "\\\\dc01\x00"
    c["pDatatype"] = NULL
    c["pDevModeContainer"]["pDevMode"] = NULL
    c["AccessRequired"] = rprn.SERVER_READ
    put("spoolss", "OpenPrinter.request", c)
    c = rprn.RpcOpenPrinterResponse()
    c["pHandle"] = bytes(range(20))
    c["ErrorCode"] = 0
    put("spoolss", "OpenPrinter.response", c)

    for ndr64 in (False, True):
        c = rprn.RpcOpenPrinterEx(isNDR64=ndr64)
        c["pPrinterName"] = "\\\\10.0.0.1\x00"
        c["pDatatype"] = "RAW\x00"
        c["pDevModeContainer"]["cbBuf"] = 4
        c["pDevModeContainer"]["pDevMode"] = list(b"\x01\x02\x03\x04")
        c["AccessRequired"] = 0x00020002
        c["pClientInfo"]["Level"] = 1
        c["pClientInfo"]["ClientInfo"]["tag"] = 1
        info = client_info_1(rprn.SPLCLIENT_INFO_1(isNDR64=ndr64), "attacker-pc", "eve", 7600, 3, 0)
        c["pClientInfo"]["ClientInfo"]["pClientInfo1"] = info
        put("spoolss", "OpenPrinterEx.request", c)
    c = rprn.RpcOpenPrinterEx()
    c["pPrinterName"] = NULL
    c["pDatatype"] = NULL
    c["pDevModeContainer"]["pDevMode"] = NULL
    c["AccessRequired"] = 8
    c["pClientInfo"]["Level"] = 3
    c["pClientInfo"]["ClientInfo"]["tag"] = 3
    info = SPLCLIENT_INFO_3()
    info["cbSize"] = 48
    info["dwSize"] = 28
    info["pMachineName"] = "ws01\x00"
    info["pUserName"] = "CORP\\carol\x00"
    info["dwBuildNum"] = 19041
    info["dwMajorVersion"] = 10
    info["wProcessorArchitecture"] = 9
    info["hSplPrinter"] = 0x1122334455667788
    c["pClientInfo"]["ClientInfo"]["pNotUsed2"] = info
    put("spoolss", "OpenPrinterEx.request.level3", c)

    c = rprn.RpcClosePrinter()
    c["phPrinter"] = bytes(range(20))
    put("spoolss", "ClosePrinter.request", c)
    c = rprn.RpcClosePrinterResponse()
    c["phPrinter"] = b"\x00" * 20
    c["ErrorCode"] = 0
    put("spoolss", "ClosePrinter.response", c)

    c = RpcRemoteFindFirstPrinterChangeNotification()
    c["hPrinter"] = bytes(range(20))
    c["fdwFlags"] = rprn.PRINTER_CHANGE_ADD_JOB
    c["fdwOptions"] = 0
    c["pszLocalMachine"] = "\\\\attacker.corp.local\x00"
    c["dwPrinterLocal"] = 0
    c["cbBuffer"] = 0
    c["pBuffer"] = NULL
    put("spoolss", "RemoteFindFirstPrinterChangeNotification.request", c)
    c = RpcRemoteFindFirstPrinterChangeNotificationResponse()
    c["pBuffer"] = NULL
    c["ErrorCode"] = 0x6ba
    put("spoolss", "RemoteFindFirstPrinterChangeNotification.response", c)

    c = rprn.RpcRemoteFindFirstPrinterChangeNotificationEx()
    c["hPrinter"] = bytes(range(20))
    c["fdwFlags"] = rprn.PRINTER_CHANGE_ADD_JOB
    c["fdwOptions"] = 0
    c["pszLocalMachine"] = "\\\\10.0.0.5\x00"
    c["dwPrinterLocal"] = 0
    c["pOptions"] = NULL
    put("spoolss", "RemoteFindFirstPrinterChangeNotificationEx.request", c)
    c = RpcRemoteFindFirstPrinterChangeNotificationEx()
    c["hPrinter"] = bytes(range(20))
    c["fdwFlags"] = 0
    c["fdwOptions"] = 0
    c["pszLocalMachine"] = "\\\\10.0.0.6\x00"
    c["dwPrinterLocal"] = 7
    opts = RPC_V2_NOTIFY_OPTIONS()
    opts["Version"] = 2
    opts["Reserved"] = 0
    opts["Count"] = 1
    t = rprn.RPC_V2_NOTIFY_OPTIONS_TYPE()
    t["Type"] = 1
    t["Count"] = 2
    t["pFields"] = [0x0d, 0x0e]
    opts["pTypes"] = [t]
    c["pOptions"] = opts
    put("spoolss", "RemoteFindFirstPrinterChangeNotificationEx.request.options", c)
    c = rprn.RpcRemoteFindFirstPrinterChangeNotificationExResponse()
    c["ErrorCode"] = 5
    put("spoolss", "RemoteFindFirstPrinterChangeNotificationEx.response", c)

    for level, ex, ndr64 in [(lv, ex, False) for lv in (2, 3, 4, 6, 8) for ex in (True, False)] + [
            (2, True, True), (8, True, True)]:
        if True:
            c = rprn.RpcAddPrinterDriverEx(isNDR64=ndr64) if ex else RpcAddPrinterDriver()
            c["pName"] = "\\\\dc01\x00" if level != 3 else NULL
            c["pDriverContainer"]["Level"] = level
            c["pDriverContainer"]["DriverInfo"]["tag"] = level
            fields = dict(NIGHTMARE)
            if level >= 3:
                fields.update(pHelpFile="help.hlp", pMonitorName="mon",
                              pDependentFiles=multi_sz("a.dll", "b.dll"))
            if level >= 4:
                fields.update(pszzPreviousNames=multi_sz("Old Driver"))
            if level >= 6:
                fields.update(pMfgName="Contoso", pOEMUrl="http://x", pProvider="Contoso Ltd")
            if level == 8:
                fields.update(pPrintProcessor="winprint", pInfPath="C:\\x.inf",
                              pszzCoreDriverDependencies=multi_sz("{D20EA372-DD35-4950}"))
            arm = {2: "Level2", 3: "Level3", 4: "Level4", 6: "Level6", 8: "Level8"}[level]
            c["pDriverContainer"]["DriverInfo"][arm] = driver_info(level, ndr64, **fields)
            if ex:
                c["dwFileCopyFlags"] = rprn.APD_COPY_ALL_FILES | 0x10 | 0x8000
            put("spoolss", f"AddPrinterDriver{'Ex' if ex else ''}.request.level{level}"
               , c)
    c = rprn.RpcAddPrinterDriverExResponse()
    c["ErrorCode"] = 0
    put("spoolss", "AddPrinterDriverEx.response", c)

    c = rprn.RpcEnumPrinterDrivers()
    c["pName"] = NULL
    c["pEnvironment"] = "Windows x64\x00"
    c["Level"] = 2
    c["pDrivers"] = NULL
    c["cbBuf"] = 0
    put("spoolss", "EnumPrinterDrivers.request", c)
    c = rprn.RpcEnumPrinterDriversResponse()
    c["pDrivers"] = list(b"\x00" * 8)
    c["pcbNeeded"] = 2400
    c["pcReturned"] = 3
    c["ErrorCode"] = 0
    put("spoolss", "EnumPrinterDrivers.response", c)

    c = rprn.RpcGetPrinterDriverDirectory()
    c["pName"] = "\\\\dc01\x00"
    c["pEnvironment"] = "Windows x64\x00"
    c["Level"] = 1
    c["pDriverDirectory"] = list(b"\x00" * 16)
    c["cbBuf"] = 16
    put("spoolss", "GetPrinterDriverDirectory.request", c)
    c = rprn.RpcGetPrinterDriverDirectoryResponse()
    d = "C:\\Windows\\system32\\spool\\DRIVERS\\x64\x00".encode("utf-16le")
    c["pDriverDirectory"] = list(d)
    c["pcbNeeded"] = len(d)
    c["ErrorCode"] = 0
    put("spoolss", "GetPrinterDriverDirectory.response", c)


# ---------------------------------------------------------------- IRemoteWinspool ([MS-PAR] 6)

from impacket.dcerpc.v5 import par  # noqa: E402

# par.py has its own copy of the driver union (levels 1 and 2); level 3 per [MS-RPRN] 2.2.1.2.3.
par.DRIVER_INFO_UNION.union[3] = ("Level3", PRPC_DRIVER_INFO_3)


def remote_winspool():
    c = par.RpcAsyncOpenPrinter()
    c["pPrinterName"] = "\\\\print01\\HP LaserJet\x00"
    c["pDatatype"] = NULL
    c["pDevModeContainer"]["pDevMode"] = NULL
    c["AccessRequired"] = 0x00000008
    c["pClientInfo"]["Level"] = 1
    c["pClientInfo"]["ClientInfo"]["tag"] = 1
    info = client_info_1(par.SPLCLIENT_INFO_1(), "\\\\10.0.0.5", "mallory", 9200, 6, 2)
    c["pClientInfo"]["ClientInfo"]["pClientInfo1"] = info
    put("remote_winspool", "AsyncOpenPrinter.request", c)
    c = par.RpcAsyncOpenPrinterResponse()
    c["pHandle"] = bytes(range(20))
    c["ErrorCode"] = 0
    put("remote_winspool", "AsyncOpenPrinter.response", c)
    c = par.RpcAsyncClosePrinter()
    c["phPrinter"] = bytes(range(20))
    put("remote_winspool", "AsyncClosePrinter.request", c)

    for level in (2, 3):
        c = par.RpcAsyncAddPrinterDriver()
        c["pName"] = "\\\\dc01\x00"
        c["pDriverContainer"]["Level"] = level
        c["pDriverContainer"]["DriverInfo"]["tag"] = level
        fields = dict(NIGHTMARE)
        if level == 3:
            fields.update(pHelpFile="help.hlp", pMonitorName="mon")
            c["pDriverContainer"]["DriverInfo"]["Level3"] = driver_info(3, **fields)
        else:
            d = par.DRIVER_INFO_2()
            d["cVersion"] = 3
            for k, v in fields.items():
                d[k] = v + "\x00"
            c["pDriverContainer"]["DriverInfo"]["Level2"] = d
        c["dwFileCopyFlags"] = 0x8014
        put("remote_winspool", f"AsyncAddPrinterDriver.request.level{level}", c)
    c = par.RpcAsyncAddPrinterDriverResponse()
    c["ErrorCode"] = 0x0000000d
    put("remote_winspool", "AsyncAddPrinterDriver.response", c)

    c = par.RpcAsyncEnumPrinterDrivers()
    c["pName"] = "\\\\dc01\x00"
    c["pEnvironment"] = NULL
    c["Level"] = 1
    c["pDrivers"] = NULL
    c["cbBuf"] = 0
    put("remote_winspool", "AsyncEnumPrinterDrivers.request", c)
    c = par.RpcAsyncEnumPrinterDriversResponse()
    c["pDrivers"] = NULL
    c["pcbNeeded"] = 512
    c["pcReturned"] = 0
    c["ErrorCode"] = 122
    put("remote_winspool", "AsyncEnumPrinterDrivers.response", c)
    c = par.RpcAsyncGetPrinterDriverDirectory()
    c["pName"] = NULL
    c["pEnvironment"] = "Windows x64\x00"
    c["Level"] = 1
    c["pDriverDirectory"] = NULL
    c["cbBuf"] = 0
    put("remote_winspool", "AsyncGetPrinterDriverDirectory.request", c)


# ---------------------------------------------------------------- Netlogon ([MS-NRPC] 6)

from impacket.dcerpc.v5 import nrpc  # noqa: E402


class NetrServerPasswordSet(NDRCALL):
    """Not in impacket 0.10.0; [MS-NRPC] 3.5.4.4.6."""
    opnum = 6
    structure = (("PrimaryName", nrpc.PLOGONSRV_HANDLE), ("AccountName", WSTR),
                 ("SecureChannelType", nrpc.NETLOGON_SECURE_CHANNEL_TYPE),
                 ("ComputerName", WSTR), ("Authenticator", nrpc.NETLOGON_AUTHENTICATOR),
                 ("UasNewPassword", nrpc.ENCRYPTED_NT_OWF_PASSWORD))


WORKSTATION_CHANNEL = nrpc.NETLOGON_SECURE_CHANNEL_TYPE.WorkstationSecureChannel
SERVER_CHANNEL = nrpc.NETLOGON_SECURE_CHANNEL_TYPE.ServerSecureChannel
# The ZeroLogon calls: the domain controller's own account.
DC01 = {"primary": "\\\\DC01\x00", "account": "DC01$\x00", "kind": SERVER_CHANNEL,
        "computer": "DC01\x00"}


def channel(call, primary, account, kind, computer, **more):
    """A NetrServerAuthenticate* or NetrServerPasswordSet* call: the server, account, channel
    type and computer it opens with, then the fields in `more`."""
    return fill(call, PrimaryName=primary, AccountName=account, SecureChannelType=kind,
                ComputerName=computer, **more)


def netlogon():
    for ndr64 in (False, True):
        c = nrpc.NetrServerReqChallenge(isNDR64=ndr64)
        c["PrimaryName"] = "\\\\DC01\x00"
        c["ComputerName"] = "WS01\x00"
        c["ClientChallenge"] = b"\x11\x22\x33\x44\x55\x66\x77\x88"
        put("netlogon", "ServerReqChallenge.request", c)
    c = nrpc.NetrServerReqChallengeResponse()
    c["ServerChallenge"] = b"\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8"
    c["ErrorCode"] = 0
    put("netlogon", "ServerReqChallenge.response", c)

    c = channel(nrpc.NetrServerAuthenticate(), NULL, "WS01$\x00", WORKSTATION_CHANNEL, "WS01\x00",
                ClientCredential=b"\x01\x02\x03\x04\x05\x06\x07\x08")
    put("netlogon", "ServerAuthenticate.request", c)
    c = nrpc.NetrServerAuthenticateResponse()
    c["ServerCredential"] = b"\x08\x07\x06\x05\x04\x03\x02\x01"
    c["ErrorCode"] = 0xC0000022
    put("netlogon", "ServerAuthenticate.response", c)

    c = channel(nrpc.NetrServerAuthenticate2(), **DC01, ClientCredential=b"\x00" * 8,
                NegotiateFlags=0x212FFFFF)
    put("netlogon", "ServerAuthenticate2.request", c)
    c = nrpc.NetrServerAuthenticate2Response()
    c["ServerCredential"] = b"\x00" * 8
    c["NegotiateFlags"] = 0x212FFFFF
    c["ErrorCode"] = 0
    put("netlogon", "ServerAuthenticate2.response", c)

    for ndr64 in (False, True):
        c = channel(nrpc.NetrServerAuthenticate3(isNDR64=ndr64), **DC01,
                    ClientCredential=b"\x00" * 8, NegotiateFlags=0x212FFFFF)
        put("netlogon", "ServerAuthenticate3.request", c)
    c = nrpc.NetrServerAuthenticate3Response()
    c["ServerCredential"] = b"\x3a\x4b\x5c\x6d\x7e\x8f\x90\xa1"
    c["NegotiateFlags"] = 0x612FFFFF
    c["AccountRid"] = 1000
    c["ErrorCode"] = 0
    put("netlogon", "ServerAuthenticate3.response", c)

    c = channel(nrpc.NetrServerPasswordSet2(), **DC01)
    c["Authenticator"]["Credential"] = b"\x00" * 8
    c["Authenticator"]["Timestamp"] = 0
    c["ClearNewPassword"] = b"\x00" * 516
    put("netlogon", "ServerPasswordSet2.request", c)
    c = nrpc.NetrServerPasswordSet2Response()
    c["ReturnAuthenticator"]["Credential"] = b"\x10" * 8
    c["ReturnAuthenticator"]["Timestamp"] = 1600000000
    c["ErrorCode"] = 0
    put("netlogon", "ServerPasswordSet2.response", c)

    c = channel(NetrServerPasswordSet(), NULL, "WS02$\x00", WORKSTATION_CHANNEL, "WS02\x00")
    c["Authenticator"]["Credential"] = b"\x12\x34\x56\x78\x9a\xbc\xde\xf0"
    c["Authenticator"]["Timestamp"] = 1700000000
    c["UasNewPassword"] = bytes(range(16))
    put("netlogon", "ServerPasswordSet.request", c)

    c = nrpc.NetrLogonGetCapabilities()
    c["ServerName"] = "\\\\DC01\x00"
    c["ComputerName"] = "WS01\x00"
    c["Authenticator"]["Credential"] = b"\x01" * 8
    c["Authenticator"]["Timestamp"] = 1600000001
    c["ReturnAuthenticator"]["Credential"] = b"\x00" * 8
    c["ReturnAuthenticator"]["Timestamp"] = 0
    c["QueryLevel"] = 1
    put("netlogon", "LogonGetCapabilities.request", c)
    c = nrpc.NetrLogonGetCapabilitiesResponse()
    c["ReturnAuthenticator"]["Credential"] = b"\x02" * 8
    c["ReturnAuthenticator"]["Timestamp"] = 0
    c["ServerCapabilities"]["tag"] = 1
    c["ServerCapabilities"]["ServerCapabilities"] = 0x612FFFFF
    c["ErrorCode"] = 0
    put("netlogon", "LogonGetCapabilities.response", c)

    def identity(info, domain, user, ws):
        info["Identity"]["LogonDomainName"] = domain
        info["Identity"]["ParameterControl"] = 0x2AE0
        info["Identity"]["Reserved"]["LowPart"] = 0
        info["Identity"]["Reserved"]["HighPart"] = 0
        info["Identity"]["UserName"] = user
        info["Identity"]["Workstation"] = ws

    # NDR64 with the interactive level: impacket 0.10.0 writes the 8-byte referent of a STRING
    # (NETLOGON_NETWORK_INFO's challenge responses) unaligned in NDR64.
    for level, ndr64 in ((6, False), (1, True)):
        c = nrpc.NetrLogonSamLogonWithFlags(isNDR64=ndr64)
        c["LogonServer"] = "\\\\DC01\x00"
        c["ComputerName"] = "SRV01\x00"
        c["Authenticator"]["Credential"] = b"\x05" * 8
        c["Authenticator"]["Timestamp"] = 1600000002
        c["ReturnAuthenticator"]["Credential"] = b"\x00" * 8
        c["ReturnAuthenticator"]["Timestamp"] = 0
        c["LogonLevel"] = level
        c["LogonInformation"]["tag"] = level
        if level == 6:
            info = nrpc.NETLOGON_NETWORK_INFO()
            identity(info, "CORP", "alice", "LAPTOP7")
            info["LmChallenge"] = b"\x99" * 8
            info["NtChallengeResponse"] = b"\xaa" * 24
            info["LmChallengeResponse"] = b"\xbb" * 24
            c["LogonInformation"]["LogonNetworkTransitive"] = info
        else:
            info = nrpc.NETLOGON_INTERACTIVE_INFO(isNDR64=True)
            identity(info, "CORP", "alice", "LAPTOP7")
            info["LmOwfPassword"] = b"\x00" * 16
            info["NtOwfPassword"] = b"\x31" * 16
            c["LogonInformation"]["LogonInteractive"] = info
        c["ValidationLevel"] = nrpc.NETLOGON_VALIDATION_INFO_CLASS.NetlogonValidationSamInfo4
        c["ExtraFlags"] = 0
        put("netlogon", "LogonSamLogonWithFlags.request", c)

    c = nrpc.NetrLogonSamLogonEx()
    c["LogonServer"] = NULL
    c["ComputerName"] = "SRV01\x00"
    c["LogonLevel"] = nrpc.NETLOGON_LOGON_INFO_CLASS.NetlogonInteractiveInformation
    c["LogonInformation"]["tag"] = nrpc.NETLOGON_LOGON_INFO_CLASS.NetlogonInteractiveInformation
    info = nrpc.NETLOGON_INTERACTIVE_INFO()
    identity(info, "CORP", "Administrator", "\\\\ATTACKER")
    info["LmOwfPassword"] = b"\x00" * 16
    info["NtOwfPassword"] = b"\x31" * 16
    c["LogonInformation"]["LogonInteractive"] = info
    c["ValidationLevel"] = nrpc.NETLOGON_VALIDATION_INFO_CLASS.NetlogonValidationSamInfo2
    c["ExtraFlags"] = 0
    put("netlogon", "LogonSamLogonEx.request", c)
    c = nrpc.NetrLogonSamLogonEx()
    c["LogonServer"] = "\\\\DC01\x00"
    c["ComputerName"] = NULL
    c["LogonLevel"] = nrpc.NETLOGON_LOGON_INFO_CLASS.NetlogonGenericInformation
    c["LogonInformation"]["tag"] = nrpc.NETLOGON_LOGON_INFO_CLASS.NetlogonGenericInformation
    info = nrpc.NETLOGON_GENERIC_INFO()
    identity(info, "CORP", "bob", "")
    info["PackageName"] = "Kerberos"
    info["DataLength"] = 3
    info["LogonData"] = list(b"\x01\x02\x03")
    c["LogonInformation"]["LogonGeneric"] = info
    c["ValidationLevel"] = nrpc.NETLOGON_VALIDATION_INFO_CLASS.NetlogonValidationGenericInfo2
    c["ExtraFlags"] = 1
    put("netlogon", "LogonSamLogonEx.request.generic", c)


# ---------------------------------------------------------------- SAMR ([MS-SAMR] 6)

from impacket.dcerpc.v5 import samr  # noqa: E402

DOMAIN_SID = "S-1-5-21-3628273402-1170543310-1028460544"
H1 = bytes(range(20))
H2 = bytes(range(20, 40))


def ustr(s):
    u = samr.RPC_UNICODE_STRING()
    u["Data"] = s
    return u


class SamrCloseHandle(NDRCALL):
    """impacket 0.10.0's adds a DesiredAccess that [MS-SAMR] 3.1.5.13.1 does not have."""
    opnum = 1
    structure = (("SamHandle", samr.SAMPR_HANDLE),)


def sid_info(s):
    """A SAMPR_SID_INFORMATION; assigning an RPC_SID to its PRPC_SID field would replace the
    pointer with the structure (impacket 0.10.0), so the pointer is built and set directly."""
    si = samr.SAMPR_SID_INFORMATION()
    p = PRPC_SID()
    p["Data"] = sid(s)
    si.fields["SidPointer"] = p
    return si


def ulongs(values):
    out = []
    for v in values:
        x = ULONG()
        x["Data"] = v
        out.append(x)
    return out


def samr_stubs():
    S = "samr"
    c = samr.SamrConnect()
    c["ServerName"] = b"\\\x00\x00\x00"
    c["DesiredAccess"] = 0x000F003F
    put(S, "Connect.request", c)
    c = samr.SamrConnectResponse()
    c["ServerHandle"] = H1
    c["ErrorCode"] = 0
    put(S, "Connect.response", c)
    c = samr.SamrConnect2()
    c["ServerName"] = "\\\\DC01\x00"
    c["DesiredAccess"] = samr.MAXIMUM_ALLOWED
    put(S, "Connect2.request", c)
    c = samr.SamrConnect4()
    c["ServerName"] = NULL
    c["ClientRevision"] = 2
    c["DesiredAccess"] = 0x30
    put(S, "Connect4.request", c)
    # NDR 2.0 only: in NDR64 impacket 0.10.0 pads SAMPR_REVISION_INFO's arm to 8 bytes after
    # the discriminant, where Windows (401trg/20171220_smb_net_user.pcap frame 21) does not
    # (the union's arms align to 4).
    for ndr64 in (False,):
        c = samr.SamrConnect5(isNDR64=ndr64)
        c["ServerName"] = "\\\\DC1.contoso.local\x00"
        c["DesiredAccess"] = 0x30
        c["InVersion"] = 1
        c["InRevisionInfo"]["tag"] = 1
        c["InRevisionInfo"]["V1"]["Revision"] = 3
        c["InRevisionInfo"]["V1"]["SupportedFeatures"] = 0
        put(S, "Connect5.request", c)
    c = samr.SamrConnect5Response()
    c["OutVersion"] = 1
    c["OutRevisionInfo"]["tag"] = 1
    c["OutRevisionInfo"]["V1"]["Revision"] = 3
    c["OutRevisionInfo"]["V1"]["SupportedFeatures"] = 0x10
    c["ServerHandle"] = H1
    c["ErrorCode"] = 0
    put(S, "Connect5.response", c)
    c = SamrCloseHandle()
    c["SamHandle"] = H1
    put(S, "CloseHandle.request", c)
    c = samr.SamrCloseHandleResponse()
    c["SamHandle"] = b"\x00" * 20
    c["ErrorCode"] = 0
    put(S, "CloseHandle.response", c)

    c = samr.SamrLookupDomainInSamServer()
    c["ServerHandle"] = H1
    c["Name"] = "CONTOSO"
    put(S, "LookupDomainInSamServer.request", c)
    c = samr.SamrLookupDomainInSamServerResponse()
    c["DomainId"] = sid(DOMAIN_SID)
    c["ErrorCode"] = 0
    put(S, "LookupDomainInSamServer.response", c)

    def enum_buffer(pairs, ndr64=False):
        b = samr.SAMPR_ENUMERATION_BUFFER(isNDR64=ndr64)
        b["EntriesRead"] = len(pairs)
        for rid, name in pairs:
            e = samr.SAMPR_RID_ENUMERATION(isNDR64=ndr64)
            e["RelativeId"] = rid
            e["Name"] = name
            b["Buffer"].append(e)
        return b

    c = samr.SamrEnumerateDomainsInSamServer()
    c["ServerHandle"] = H1
    c["EnumerationContext"] = 0
    c["PreferedMaximumLength"] = 0xFFFFFFFF
    put(S, "EnumerateDomainsInSamServer.request", c)
    for ndr64 in (False, True):
        c = samr.SamrEnumerateDomainsInSamServerResponse(isNDR64=ndr64)
        c["EnumerationContext"] = 2
        c["Buffer"] = enum_buffer([(0, "CONTOSO"), (0, "Builtin")], ndr64)
        c["CountReturned"] = 2
        c["ErrorCode"] = 0
        put(S, "EnumerateDomainsInSamServer.response", c)

    c = samr.SamrOpenDomain()
    c["ServerHandle"] = H1
    c["DesiredAccess"] = 0x00000305
    c["DomainId"] = sid(DOMAIN_SID)
    put(S, "OpenDomain.request", c)
    c = samr.SamrOpenDomainResponse()
    c["DomainHandle"] = H2
    c["ErrorCode"] = 0
    put(S, "OpenDomain.response", c)

    c = samr.SamrEnumerateUsersInDomain()
    c["DomainHandle"] = H2
    c["EnumerationContext"] = 0
    c["UserAccountControl"] = samr.USER_NORMAL_ACCOUNT
    c["PreferedMaximumLength"] = 0x10000
    put(S, "EnumerateUsersInDomain.request", c)
    c = samr.SamrEnumerateUsersInDomainResponse()
    c["EnumerationContext"] = 0
    c["Buffer"] = enum_buffer([(500, "Administrator"), (501, "Guest"), (1104, "svc_sql")])
    c["CountReturned"] = 3
    c["ErrorCode"] = 0
    put(S, "EnumerateUsersInDomain.response", c)
    c = samr.SamrEnumerateGroupsInDomain()
    c["DomainHandle"] = H2
    c["EnumerationContext"] = 0
    c["PreferedMaximumLength"] = 0x10000
    put(S, "EnumerateGroupsInDomain.request", c)
    c = samr.SamrEnumerateGroupsInDomainResponse()
    c["EnumerationContext"] = 0
    c["Buffer"] = enum_buffer([(512, "Domain Admins"), (513, "Domain Users")])
    c["CountReturned"] = 2
    c["ErrorCode"] = 0x105
    put(S, "EnumerateGroupsInDomain.response", c)
    c = samr.SamrEnumerateAliasesInDomain()
    c["DomainHandle"] = H2
    c["EnumerationContext"] = 7
    c["PreferedMaximumLength"] = 0x10000
    put(S, "EnumerateAliasesInDomain.request", c)
    c = samr.SamrEnumerateAliasesInDomainResponse()
    c["EnumerationContext"] = 0
    c["Buffer"] = NULL
    c["CountReturned"] = 0
    c["ErrorCode"] = 0
    put(S, "EnumerateAliasesInDomain.response", c)

    for ndr64 in (False, True):
        c = samr.SamrLookupNamesInDomain(isNDR64=ndr64)
        c["DomainHandle"] = H2
        c["Count"] = 2
        for n in ("Administrator", "krbtgt"):
            u = samr.RPC_UNICODE_STRING(isNDR64=ndr64)
            u["Data"] = n
            c["Names"].append(u)
        c.fields["Names"].fields["MaximumCount"] = 1000
        put(S, "LookupNamesInDomain.request", c)
    c = samr.SamrLookupNamesInDomainResponse()
    c["RelativeIds"]["Count"] = 2
    c["RelativeIds"]["Element"] = ulongs([500, 502])
    c["Use"]["Count"] = 2
    c["Use"]["Element"] = ulongs([1, 1])
    c["ErrorCode"] = 0
    put(S, "LookupNamesInDomain.response", c)

    c = samr.SamrLookupIdsInDomain()
    c["DomainHandle"] = H2
    c["Count"] = 3
    c["RelativeIds"] = ulongs([500, 512, 99999])
    c.fields["RelativeIds"].fields["MaximumCount"] = 1000
    put(S, "LookupIdsInDomain.request", c)
    c = samr.SamrLookupIdsInDomainResponse()
    c["Names"]["Count"] = 3
    c["Names"]["Element"] = [ustr("Administrator"), ustr("Domain Admins"), ustr("")]
    c["Use"]["Count"] = 3
    c["Use"]["Element"] = ulongs([1, 2, 8])
    c["ErrorCode"] = 0x107
    put(S, "LookupIdsInDomain.response", c)

    for name, opnum, cls, rid_field in (("OpenGroup", 19, samr.SamrOpenGroup, "GroupId"),
                                        ("OpenAlias", 27, samr.SamrOpenAlias, "AliasId"),
                                        ("OpenUser", 34, samr.SamrOpenUser, "UserId")):
        c = cls()
        c["DomainHandle"] = H2
        c["DesiredAccess"] = samr.MAXIMUM_ALLOWED
        c[rid_field] = {"GroupId": 512, "AliasId": 544, "UserId": 1104}[rid_field]
        put(S, name + ".request", c)
    c = samr.SamrOpenUserResponse()
    c["UserHandle"] = H1
    c["ErrorCode"] = 0
    put(S, "OpenUser.response", c)

    c = samr.SamrAddMemberToGroup()
    c["GroupHandle"] = H1
    c["MemberId"] = 1104
    c["Attributes"] = 7
    put(S, "AddMemberToGroup.request", c)
    c = samr.SamrAddMemberToAlias()
    c["AliasHandle"] = H1
    c["MemberId"] = sid(DOMAIN_SID + "-1104")
    put(S, "AddMemberToAlias.request", c)
    c = samr.SamrAddMemberToAliasResponse()
    c["ErrorCode"] = 0xC0000562
    put(S, "AddMemberToAlias.response", c)

    c = samr.SamrGetAliasMembership()
    c["DomainHandle"] = H2
    c["SidArray"]["Count"] = 2
    for s_ in (DOMAIN_SID + "-1104", DOMAIN_SID + "-513"):
        c["SidArray"]["Sids"].append(sid_info(s_))
    put(S, "GetAliasMembership.request", c)
    c = samr.SamrGetAliasMembershipResponse()
    c["Membership"]["Count"] = 1
    c["Membership"]["Element"] = ulongs([545])
    c["ErrorCode"] = 0
    put(S, "GetAliasMembership.response", c)

    c = samr.SamrGetMembersInAlias()
    c["AliasHandle"] = H1
    put(S, "GetMembersInAlias.request", c)
    c = samr.SamrGetMembersInAliasResponse()
    c["Members"]["Count"] = 2
    for s_ in (DOMAIN_SID + "-500", DOMAIN_SID + "-512"):
        c["Members"]["Sids"].append(sid_info(s_))
    c["ErrorCode"] = 0
    put(S, "GetMembersInAlias.response", c)

    c = samr.SamrGetGroupsForUser()
    c["UserHandle"] = H1
    put(S, "GetGroupsForUser.request", c)
    c = samr.SamrGetGroupsForUserResponse()
    c["Groups"]["MembershipCount"] = 2
    for rid in (513, 512):
        g = samr.GROUP_MEMBERSHIP()
        g["RelativeId"] = rid
        g["Attributes"] = 7
        c["Groups"]["Groups"].append(g)
    c["ErrorCode"] = 0
    put(S, "GetGroupsForUser.response", c)

    c = samr.SamrCreateUser2InDomain()
    c["DomainHandle"] = H2
    c["Name"] = "EVILPC$"
    c["AccountType"] = samr.USER_WORKSTATION_TRUST_ACCOUNT
    c["DesiredAccess"] = 0x000F07FF
    put(S, "CreateUser2InDomain.request", c)
    c = samr.SamrCreateUser2InDomainResponse()
    c["UserHandle"] = H1
    c["GrantedAccess"] = 0x000F07FF
    c["RelativeId"] = 1601
    c["ErrorCode"] = 0
    put(S, "CreateUser2InDomain.response", c)

    c = samr.SamrQueryInformationUser()
    c["UserHandle"] = H1
    c["UserInformationClass"] = samr.USER_INFORMATION_CLASS.UserAllInformation
    put(S, "QueryInformationUser.request", c)
    c = samr.SamrQueryInformationUser2()
    c["UserHandle"] = H1
    c["UserInformationClass"] = samr.USER_INFORMATION_CLASS.UserControlInformation
    put(S, "QueryInformationUser2.request", c)
    for ndr64 in (False, True):
        c = samr.SamrQueryInformationUserResponse(isNDR64=ndr64)
        c["Buffer"]["tag"] = samr.USER_INFORMATION_CLASS.UserAllInformation
        a = c["Buffer"]["All"]
        a["LastLogon"]["LowPart"] = 0x92D1A7ED
        a["LastLogon"]["HighPart"] = 0x01D33EE7
        a["PasswordLastSet"]["LowPart"] = 0xFC36E703
        a["PasswordLastSet"]["HighPart"] = 0x01D33ED7
        a["AccountExpires"]["LowPart"] = 0xFFFFFFFF
        a["AccountExpires"]["HighPart"] = 0x7FFFFFFF
        a["UserName"] = "ronhd"
        a["FullName"] = "Ron HD"
        a["HomeDirectory"] = "\\\\fs01\\home\\ronhd"
        a["ScriptPath"] = "logon.bat"
        a["AdminComment"] = ""
        for f in ("HomeDirectoryDrive", "ProfilePath", "WorkStations", "UserComment",
                  "Parameters", "PrivateData"):
            a[f] = NULL if False else ""
        a["LmOwfPassword"]["Length"] = 0
        a["LmOwfPassword"]["MaximumLength"] = 0
        a["LmOwfPassword"]["Buffer"] = NULL
        a["NtOwfPassword"]["Length"] = 0
        a["NtOwfPassword"]["MaximumLength"] = 0
        a["NtOwfPassword"]["Buffer"] = NULL
        a["SecurityDescriptor"]["Length"] = 0
        a["SecurityDescriptor"]["SecurityDescriptor"] = NULL
        a["UserId"] = 1110
        a["PrimaryGroupId"] = 513
        a["UserAccountControl"] = samr.USER_NORMAL_ACCOUNT | samr.USER_DONT_EXPIRE_PASSWORD
        a["WhichFields"] = 0x00FFFFFF
        a["LogonHours"]["UnitsPerWeek"] = 168
        a["LogonHours"]["LogonHours"] = [0xFF] * 21
        a["BadPasswordCount"] = 1
        a["LogonCount"] = 42
        a["NtPasswordPresent"] = 1
        put(S, "QueryInformationUser.response", c)

    c = samr.SamrSetInformationUser2()
    c["UserHandle"] = H1
    c["UserInformationClass"] = samr.USER_INFORMATION_CLASS.UserInternal1Information
    c["Buffer"]["tag"] = samr.USER_INFORMATION_CLASS.UserInternal1Information
    c["Buffer"]["Internal1"]["EncryptedNtOwfPassword"] = b"\x42" * 16
    c["Buffer"]["Internal1"]["EncryptedLmOwfPassword"] = b"\x00" * 16
    c["Buffer"]["Internal1"]["NtPasswordPresent"] = 1
    c["Buffer"]["Internal1"]["LmPasswordPresent"] = 0
    c["Buffer"]["Internal1"]["PasswordExpired"] = 0
    put(S, "SetInformationUser2.request", c)
    c = samr.SamrSetInformationUser2Response()
    c["ErrorCode"] = 0
    put(S, "SetInformationUser2.response", c)
    c = samr.SamrSetInformationUser()
    c["UserHandle"] = H1
    c["UserInformationClass"] = samr.USER_INFORMATION_CLASS.UserControlInformation
    c["Buffer"]["tag"] = samr.USER_INFORMATION_CLASS.UserControlInformation
    c["Buffer"]["Control"]["UserAccountControl"] = samr.USER_WORKSTATION_TRUST_ACCOUNT
    put(S, "SetInformationUser.request", c)
    c = samr.SamrSetInformationUser2()
    c["UserHandle"] = H1
    c["UserInformationClass"] = samr.USER_INFORMATION_CLASS.UserInternal4InformationNew
    c["Buffer"]["tag"] = samr.USER_INFORMATION_CLASS.UserInternal4InformationNew
    c["Buffer"]["Internal4New"]["I1"]["WhichFields"] = samr.USER_ALL_NTPASSWORDPRESENT
    c["Buffer"]["Internal4New"]["UserPassword"]["Buffer"] = b"\x00" * 532
    put(S, "SetInformationUser2.request.internal4new", c)


# ---------------------------------------------------------------- lsarpc ([MS-LSAD] 6, [MS-LSAT] 6)

from impacket.dcerpc.v5 import lsad, lsat  # noqa: E402
from impacket.dcerpc.v5.dtypes import PRPC_UNICODE_STRING, RPC_UNICODE_STRING  # noqa: E402


PPRPC_UNICODE_STRING = pointer(PRPC_UNICODE_STRING)


class LsarGetUserName(NDRCALL):
    """impacket 0.10.0 gives DomainName ([in,out,unique] PRPC_UNICODE_STRING*) one pointer
    level; [MS-LSAT] 3.1.4.4 has two (a [unique] pointer to a [unique] pointer)."""
    opnum = 45
    structure = (("SystemName", LPWSTR), ("UserName", PRPC_UNICODE_STRING),
                 ("DomainName", PPRPC_UNICODE_STRING))


class LsarGetUserNameResponse(NDRCALL):
    structure = (("UserName", PRPC_UNICODE_STRING), ("DomainName", PPRPC_UNICODE_STRING),
                 ("ErrorCode", ULONG))


def lsa_ustr(s, ndr64=False):
    u = RPC_UNICODE_STRING(isNDR64=ndr64)
    u["Data"] = s
    return u


def object_attributes(call, qos=NULL):
    """LsarOpenPolicy(2)'s LSAPR_OBJECT_ATTRIBUTES: no root, name or security descriptor; the
    quality of service if any."""
    fill(call["ObjectAttributes"], RootDirectory=NULL, ObjectName=NULL, SecurityDescriptor=NULL,
         SecurityQualityOfService=qos)


def lsarpc():
    S = "lsarpc"
    for ndr64 in (False, True):
        c = lsad.LsarOpenPolicy2(isNDR64=ndr64)
        c["SystemName"] = "\\\\DC01\x00"
        object_attributes(c)
        c["DesiredAccess"] = 0x00020801
        put(S, "OpenPolicy2.request", c)
    c = lsad.LsarOpenPolicy2()
    c["SystemName"] = NULL
    c["ObjectAttributes"]["Length"] = 24
    qos = fill(lsad.SECURITY_QUALITY_OF_SERVICE(), Length=12, ImpersonationLevel=2,
               ContextTrackingMode=1, EffectiveOnly=0)
    object_attributes(c, qos)
    c["DesiredAccess"] = lsad.MAXIMUM_ALLOWED
    put(S, "OpenPolicy2.request.qos", c)
    c = lsad.LsarOpenPolicy2Response()
    c["PolicyHandle"] = H1
    c["ErrorCode"] = 0
    put(S, "OpenPolicy2.response", c)
    c = lsad.LsarOpenPolicy()
    c["SystemName"] = NULL
    object_attributes(c)
    c["DesiredAccess"] = 0x800
    put(S, "OpenPolicy.request", c)
    c = lsad.LsarClose()
    c["ObjectHandle"] = H1
    put(S, "Close.request", c)
    c = lsad.LsarCloseResponse()
    c["ObjectHandle"] = b"\x00" * 20
    c["ErrorCode"] = 0
    put(S, "Close.response", c)

    c = lsad.LsarQueryInformationPolicy2()
    c["PolicyHandle"] = H1
    c["InformationClass"] = lsad.POLICY_INFORMATION_CLASS.PolicyDnsDomainInformation
    put(S, "QueryInformationPolicy2.request", c)
    # NDR 2.0 only for replies with SIDs: impacket 0.10.0 writes an RPC_SID's conformance in 4
    # bytes in NDR64 (Windows writes 8: 401trg/20171220_smb_net_user.pcap frame 90).
    for ndr64 in (False,):
        c = lsad.LsarQueryInformationPolicy2Response(isNDR64=ndr64)
        c["PolicyInformation"]["tag"] = lsad.POLICY_INFORMATION_CLASS.PolicyDnsDomainInformation
        d = c["PolicyInformation"]["PolicyDnsDomainInfo"]
        d["Name"] = "CONTOSO"
        d["DnsDomainName"] = "contoso.local"
        d["DnsForestName"] = "contoso.local"
        d["DomainGuid"] = bytes.fromhex("00112233445566778899aabbccddeeff")
        d["Sid"] = sid(DOMAIN_SID)
        c["ErrorCode"] = 0
        put(S, "QueryInformationPolicy2.response", c)
    c = lsad.LsarQueryInformationPolicy()
    c["PolicyHandle"] = H1
    c["InformationClass"] = lsad.POLICY_INFORMATION_CLASS.PolicyAccountDomainInformation
    put(S, "QueryInformationPolicy.request", c)
    c = lsad.LsarQueryInformationPolicyResponse()
    c["PolicyInformation"]["tag"] = lsad.POLICY_INFORMATION_CLASS.PolicyAccountDomainInformation
    c["PolicyInformation"]["PolicyAccountDomainInfo"]["DomainName"] = "WS01"
    c["PolicyInformation"]["PolicyAccountDomainInfo"]["DomainSid"] = sid("S-1-5-21-1-2-3")
    c["ErrorCode"] = 0
    put(S, "QueryInformationPolicy.response", c)
    c = lsad.LsarQueryInformationPolicyResponse()
    c["PolicyInformation"]["tag"] = lsad.POLICY_INFORMATION_CLASS.PolicyPrimaryDomainInformation
    c["PolicyInformation"]["PolicyPrimaryDomainInfo"]["Name"] = "CONTOSO"
    c["PolicyInformation"]["PolicyPrimaryDomainInfo"]["Sid"] = sid(DOMAIN_SID)
    c["ErrorCode"] = 0
    put(S, "QueryInformationPolicy.response.primary", c)

    c = lsad.LsarEnumerateAccounts()
    c["PolicyHandle"] = H1
    c["EnumerationContext"] = 0
    c["PreferedMaximumLength"] = 0xFFFFFFFF
    put(S, "EnumerateAccounts.request", c)
    c = lsad.LsarEnumerateAccountsResponse()
    c["EnumerationContext"] = 3
    c["EnumerationBuffer"]["EntriesRead"] = 2
    for s_ in ("S-1-5-32-544", "S-1-5-21-1-2-3-1000"):
        a = lsad.LSAPR_ACCOUNT_INFORMATION()
        p = PRPC_SID()
        p["Data"] = sid(s_)
        a.fields["Sid"] = p
        c["EnumerationBuffer"]["Information"].append(a)
    c["ErrorCode"] = 0
    put(S, "EnumerateAccounts.response", c)

    c = lsad.LsarOpenSecret()
    c["PolicyHandle"] = H1
    c["SecretName"] = "$MACHINE.ACC"
    c["DesiredAccess"] = lsad.MAXIMUM_ALLOWED
    put(S, "OpenSecret.request", c)
    c = lsad.LsarOpenSecretResponse()
    c["SecretHandle"] = H2
    c["ErrorCode"] = 0
    put(S, "OpenSecret.response", c)
    c = lsad.LsarSetSecret()
    c["SecretHandle"] = H2
    v = lsad.LSAPR_CR_CIPHER_VALUE()
    v["Length"] = 16
    v["MaximumLength"] = 16
    v["Buffer"] = list(b"\x5a" * 16)
    c["EncryptedCurrentValue"] = v
    c["EncryptedOldValue"] = NULL
    put(S, "SetSecret.request", c)
    for ndr64 in (False, True):
        c = lsad.LsarRetrievePrivateData(isNDR64=ndr64)
        c["PolicyHandle"] = H1
        c["KeyName"] = "G$BCKUPKEY_PREFERRED"
        c["EncryptedData"] = NULL
        put(S, "RetrievePrivateData.request", c)
    c = lsad.LsarRetrievePrivateDataResponse()
    v = lsad.LSAPR_CR_CIPHER_VALUE()
    v["Length"] = 24
    v["MaximumLength"] = 24
    v["Buffer"] = list(bytes(range(24)))
    c["EncryptedData"] = v
    c["ErrorCode"] = 0
    put(S, "RetrievePrivateData.response", c)

    c = LsarGetUserName()
    c["SystemName"] = NULL
    c["UserName"] = NULL
    c["DomainName"] = NULL
    put(S, "GetUserName.request", c)
    c = LsarGetUserNameResponse()
    c["UserName"] = "alice"
    pp = PRPC_UNICODE_STRING()
    pp["Data"] = "CORP"
    c.fields["DomainName"]["Data"] = pp
    c["ErrorCode"] = 0
    put(S, "GetUserName.response", c)

    def names_request(cls, version, ndr64=False):
        c = cls(isNDR64=ndr64)
        if "PolicyHandle" in c.fields:
            c["PolicyHandle"] = H1
        c["Count"] = 2
        for n in ("CORP\\alice", "Domain Admins"):
            c["Names"].append(lsa_ustr(n, ndr64))
        c["TranslatedSids"]["Entries"] = 0
        c["TranslatedSids"]["Sids"] = NULL
        c["LookupLevel"] = lsat.LSAP_LOOKUP_LEVEL.LsapLookupWksta
        c["MappedCount"] = 0
        if version > 1:
            c["LookupOptions"] = 0
            c["ClientRevision"] = 2
        return c

    def domains(resp, ndr64=False):
        rd = resp["ReferencedDomains"]
        rd["Entries"] = 1
        rd["MaxEntries"] = 32
        t = lsad.LSAPR_TRUST_INFORMATION(isNDR64=ndr64)
        t["Name"] = "CORP"
        t["Sid"] = sid(DOMAIN_SID)
        rd["Domains"].append(t)

    for name, cls, version in (("LookupNames", lsat.LsarLookupNames, 1),
                               ("LookupNames2", lsat.LsarLookupNames2, 2),
                               ("LookupNames3", lsat.LsarLookupNames3, 3),
                               ("LookupNames4", lsat.LsarLookupNames4, 3)):
        put(S, name + ".request", names_request(cls, version))
    put(S, "LookupNames3.request", names_request(lsat.LsarLookupNames3, 3, True))

    c = lsat.LsarLookupNamesResponse()
    domains(c)
    c["TranslatedSids"]["Entries"] = 2
    for use, rid, idx in ((1, 1104, 0), (2, 512, 0)):
        e = lsat.LSA_TRANSLATED_SID()
        e["Use"] = use
        e["RelativeId"] = rid
        e["DomainIndex"] = idx
        c["TranslatedSids"]["Sids"].append(e)
    c["MappedCount"] = 2
    c["ErrorCode"] = 0
    put(S, "LookupNames.response", c)
    c = lsat.LsarLookupNames2Response()
    domains(c)
    c["TranslatedSids"]["Entries"] = 1
    e = lsat.LSAPR_TRANSLATED_SID_EX()
    e["Use"] = 1
    e["RelativeId"] = 1104
    e["DomainIndex"] = 0
    e["Flags"] = 0
    c["TranslatedSids"]["Sids"].append(e)
    c["MappedCount"] = 1
    c["ErrorCode"] = 0x107
    put(S, "LookupNames2.response", c)
    for ndr64 in (False,):  # see above: SIDs in impacket's NDR64
        c = lsat.LsarLookupNames3Response(isNDR64=ndr64)
        domains(c, ndr64)
        c["TranslatedSids"]["Entries"] = 2
        for use, s_, idx in ((1, DOMAIN_SID + "-1104", 0), (8, None, -1)):
            e = lsat.LSAPR_TRANSLATED_SID_EX2(isNDR64=ndr64)
            e["Use"] = use
            if s_:
                e["Sid"] = sid(s_)
            else:
                e["Sid"] = NULL
            e["DomainIndex"] = idx
            e["Flags"] = 0
            c["TranslatedSids"]["Sids"].append(e)
        c["MappedCount"] = 1
        c["ErrorCode"] = 0x107
        put(S, "LookupNames3.response", c)

    def sids_request(cls, version):
        c = cls()
        if "PolicyHandle" in c.fields:
            c["PolicyHandle"] = H1
        c["SidEnumBuffer"]["Entries"] = 2
        for s_ in (DOMAIN_SID + "-500", "S-1-5-32-544"):
            si = lsat.LSAPR_SID_INFORMATION()
            p = PRPC_SID()
            p["Data"] = sid(s_)
            si.fields["Sid"] = p
            c["SidEnumBuffer"]["SidInfo"].append(si)
        c["TranslatedNames"]["Entries"] = 0
        c["TranslatedNames"]["Names"] = NULL
        c["LookupLevel"] = lsat.LSAP_LOOKUP_LEVEL.LsapLookupWksta
        c["MappedCount"] = 0
        if version > 1:
            c["LookupOptions"] = 0
            c["ClientRevision"] = 2
        return c

    for name, cls, version in (("LookupSids", lsat.LsarLookupSids, 1),
                               ("LookupSids2", lsat.LsarLookupSids2, 2),
                               ("LookupSids3", lsat.LsarLookupSids3, 3)):
        put(S, name + ".request", sids_request(cls, version))
    for name, cls, item in (("LookupSids", lsat.LsarLookupSidsResponse,
                             lsat.LSAPR_TRANSLATED_NAME),
                            ("LookupSids2", lsat.LsarLookupSids2Response,
                             lsat.LSAPR_TRANSLATED_NAME_EX)):
        c = cls()
        domains(c)
        c["TranslatedNames"]["Entries"] = 2
        for use, n, idx in ((1, "Administrator", 0), (4, "Administrators", -1)):
            e = item()
            e["Use"] = use
            e["Name"] = n
            e["DomainIndex"] = idx
            if "Flags" in e.fields:
                e["Flags"] = 0
            c["TranslatedNames"]["Names"].append(e)
        c["MappedCount"] = 2
        c["ErrorCode"] = 0
        put(S, name + ".response", c)


# ---------------------------------------------------------------- drsuapi ([MS-DRSR] 7)

from impacket.dcerpc.v5 import drsuapi  # noqa: E402
from impacket.dcerpc.v5.dtypes import LPSTR  # noqa: E402
from impacket.uuid import string_to_bin  # noqa: E402

NC_DN = "DC=contoso,DC=local"
NC_GUID = "8f4b2f5e-1b7d-4c6a-9e2f-0a1b2c3d4e5f"


def dsname(name=None, guid=None, sid_s=None):
    d = drsuapi.DSNAME()
    d["SidLen"] = 0
    d["Guid"] = string_to_bin(guid) if guid else b"\x00" * 16
    d["Sid"] = ""
    if sid_s:
        raw = sid(sid_s).getData()[4:]  # drop the conformance: NT4SID is the bare SID
        d["SidLen"] = len(raw)
        d["Sid"] = raw + b"\x00" * (28 - len(raw))
    if name:
        d["NameLen"] = len(name)
        d["StringName"] = name + "\x00"
    else:
        d["NameLen"] = 0
        d["StringName"] = "\x00"
    d["structLen"] = len(d.getData())
    return d


class REPLTIMES(NDRUniFixedArray):
    """UCHAR rgTimes[84] (a "84s" field would make impacket align the structure to 84)."""
    align = 1

    def getDataLen(self, data, offset=0):
        return 84


class DRS_MSG_REPADD_V1(NDRSTRUCT):
    structure = (("pNC", drsuapi.PDSNAME), ("pszDsaSrc", LPSTR),
                 ("rtSchedule", REPLTIMES), ("ulOptions", ULONG))


class DRS_MSG_REPADD_V2(NDRSTRUCT):
    structure = (("pNC", drsuapi.PDSNAME), ("pSourceDsaDN", drsuapi.PDSNAME),
                 ("pTransportDN", drsuapi.PDSNAME), ("pszSourceDsaAddress", LPSTR),
                 ("rtSchedule", REPLTIMES), ("ulOptions", ULONG))


class DRS_MSG_REPADD(drsuapi.NDRUNION):
    commonHdr = (("tag", DWORD),)
    union = {1: ("V1", DRS_MSG_REPADD_V1), 2: ("V2", DRS_MSG_REPADD_V2)}


class DRSReplicaAdd(NDRCALL):
    """Not in impacket 0.10.0; [MS-DRSR] 4.1.19."""
    opnum = 5
    structure = (("hDrs", drsuapi.DRS_HANDLE), ("dwVersion", DWORD), ("pmsgAdd", DRS_MSG_REPADD))


def drs_stubs():
    S = "drsuapi"
    c = drsuapi.DRSBind()
    c["puuidClientDsa"] = string_to_bin("e24d201a-4fd6-11d1-a3da-0000f875ae0d")  # NTDSAPI_CLIENT_GUID
    ext = drsuapi.DRS_EXTENSIONS_INT()
    ext["dwFlags"] = 0x04408000 | 0x3FFFFF7F
    ext["Pid"] = 1234
    c["pextClient"]["cb"] = len(ext)
    c["pextClient"]["rgb"] = list(ext.getData())
    put(S, "Bind.request", c)
    c = drsuapi.DRSBindResponse()
    ext = drsuapi.DRS_EXTENSIONS_INT()
    ext["dwFlags"] = 0x1FFFFFFF
    c["ppextServer"]["cb"] = len(ext)
    c["ppextServer"]["rgb"] = list(ext.getData())
    c["phDrs"] = H1
    c["ErrorCode"] = 0
    put(S, "Bind.response", c)
    c = drsuapi.DRSUnbind()
    c["phDrs"] = H1
    put(S, "Unbind.request", c)
    c = drsuapi.DRSUnbindResponse()
    c["phDrs"] = b"\x00" * 20
    c["ErrorCode"] = 0
    put(S, "Unbind.response", c)

    # A DCSync of one account as secretsdump.py asks for it (V8, EXOP_REPL_OBJ, attributes).
    c = drsuapi.DRSGetNCChanges()
    c["hDrs"] = H1
    c["dwInVersion"] = 8
    c["pmsgIn"]["tag"] = 8
    v = c["pmsgIn"]["V8"]
    v["uuidDsaObjDest"] = string_to_bin("0f7b6b9b-5a5e-4bfa-9d1b-8c0a1e2f3a4b")
    v["uuidInvocIdSrc"] = string_to_bin("0f7b6b9b-5a5e-4bfa-9d1b-8c0a1e2f3a4b")
    v["pNC"] = dsname(guid=NC_GUID)
    v["usnvecFrom"]["usnHighObjUpdate"] = 0
    v["usnvecFrom"]["usnReserved"] = 0
    v["usnvecFrom"]["usnHighPropUpdate"] = 0
    v["pUpToDateVecDest"] = NULL
    v["ulFlags"] = drsuapi.DRS_INIT_SYNC | drsuapi.DRS_WRIT_REP
    v["cMaxObjects"] = 1
    v["cMaxBytes"] = 0
    v["ulExtendedOp"] = drsuapi.EXOP_REPL_OBJ
    v["pPartialAttrSet"]["dwVersion"] = 1
    v["pPartialAttrSet"]["cAttrs"] = 3
    for a in (0x00090092, 0x0009005a, 0x00090037):
        x = drsuapi.ATTRTYP()
        x["Data"] = a
        v["pPartialAttrSet"]["rgPartialAttr"].append(x)
    v["pPartialAttrSetEx1"] = NULL
    v["PrefixTableDest"]["PrefixCount"] = 1
    e = drsuapi.PrefixTableEntry()
    e["ndx"] = 9
    e["prefix"]["length"] = 8
    e["prefix"]["elements"] = list(b"\x2a\x86\x48\x86\xf7\x14\x01\x04")
    v["PrefixTableDest"]["pPrefixEntry"].append(e)
    put(S, "GetNCChanges.request.v8", c)

    # A whole-domain replication request (V10), the naming context by name and SID.
    c = drsuapi.DRSGetNCChanges()
    c["hDrs"] = H1
    c["dwInVersion"] = 10
    c["pmsgIn"]["tag"] = 10
    v = c["pmsgIn"]["V10"]
    v["uuidDsaObjDest"] = string_to_bin("11111111-2222-3333-4444-555555555555")
    v["uuidInvocIdSrc"] = string_to_bin("66666666-7777-8888-9999-aaaaaaaaaaaa")
    v["pNC"] = dsname(name=NC_DN, guid=NC_GUID, sid_s=DOMAIN_SID)
    v["usnvecFrom"]["usnHighObjUpdate"] = 5000
    v["usnvecFrom"]["usnReserved"] = 0
    v["usnvecFrom"]["usnHighPropUpdate"] = 4999
    utd = drsuapi.UPTODATE_VECTOR_V1_EXT()
    utd["dwVersion"] = 1
    utd["cNumCursors"] = 1
    cur = drsuapi.UPTODATE_CURSOR_V1()
    cur["uuidDsa"] = string_to_bin("11111111-2222-3333-4444-555555555555")
    cur["usnHighPropUpdate"] = 4999
    utd["rgCursors"].append(cur)
    v["pUpToDateVecDest"] = utd
    v["ulFlags"] = 0x00000070
    v["cMaxObjects"] = 1000
    v["cMaxBytes"] = 10485760
    v["ulExtendedOp"] = 0
    v["pPartialAttrSet"] = NULL
    v["pPartialAttrSetEx1"] = NULL
    v["PrefixTableDest"]["PrefixCount"] = 0
    v["PrefixTableDest"]["pPrefixEntry"] = NULL
    v["ulMoreFlags"] = 0
    put(S, "GetNCChanges.request.v10", c)

    c = drsuapi.DRSGetNCChangesResponse()
    c["pdwOutVersion"] = 6
    c["pmsgOut"]["tag"] = 6
    v = c["pmsgOut"]["V6"]
    v["uuidDsaObjSrc"] = string_to_bin("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
    v["uuidInvocIdSrc"] = string_to_bin("aaaaaaaa-bbbb-cccc-dddd-ffffffffffff")
    v["pNC"] = dsname(name=NC_DN, guid=NC_GUID)
    for u in ("usnvecFrom", "usnvecTo"):
        v[u]["usnHighObjUpdate"] = 12345
        v[u]["usnReserved"] = 0
        v[u]["usnHighPropUpdate"] = 12345
    v["pUpToDateVecSrc"] = NULL
    v["PrefixTableSrc"]["PrefixCount"] = 0
    v["PrefixTableSrc"]["pPrefixEntry"] = NULL
    v["ulExtendedRet"] = 1
    v["cNumObjects"] = 0
    v["cNumBytes"] = 0
    v["pObjects"] = NULL
    v["fMoreData"] = 0
    v["cNumNcSizeObjectsc"] = 0
    v["cNumNcSizeValues"] = 0
    v["cNumValues"] = 0
    v["rgValues"] = NULL
    v["dwDRSError"] = 0
    c["ErrorCode"] = 0x2105
    put(S, "GetNCChanges.response.v6", c)

    c = DRSReplicaAdd()
    c["hDrs"] = H1
    c["dwVersion"] = 1
    c["pmsgAdd"]["tag"] = 1
    c["pmsgAdd"]["V1"]["pNC"] = dsname(name=NC_DN)
    c["pmsgAdd"]["V1"]["pszDsaSrc"] = "rogue-dc._msdcs.contoso.local\x00"
    c["pmsgAdd"]["V1"]["rtSchedule"] = b"\x11" * 84
    c["pmsgAdd"]["V1"]["ulOptions"] = 0x10
    put(S, "ReplicaAdd.request.v1", c)
    c = DRSReplicaAdd()
    c["hDrs"] = H1
    c["dwVersion"] = 2
    c["pmsgAdd"]["tag"] = 2
    c["pmsgAdd"]["V2"]["pNC"] = dsname(name=NC_DN, guid=NC_GUID)
    c["pmsgAdd"]["V2"]["pSourceDsaDN"] = dsname(
        name="CN=NTDS Settings,CN=ROGUE,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"
             "CN=Configuration," + NC_DN)
    c["pmsgAdd"]["V2"]["pTransportDN"] = NULL
    c["pmsgAdd"]["V2"]["pszSourceDsaAddress"] = "10.0.0.66\x00"
    c["pmsgAdd"]["V2"]["rtSchedule"] = b"\x00" * 84
    c["pmsgAdd"]["V2"]["ulOptions"] = 0x11
    put(S, "ReplicaAdd.request.v2", c)

    for ndr64 in (False, True):
        c = drsuapi.DRSCrackNames(isNDR64=ndr64)
        c["hDrs"] = H1
        c["dwInVersion"] = 1
        c["pmsgIn"]["tag"] = 1
        v = c["pmsgIn"]["V1"]
        v["CodePage"] = 0
        v["LocaleId"] = 0
        v["dwFlags"] = 0
        v["formatOffered"] = drsuapi.DS_NAME_FORMAT.DS_NT4_ACCOUNT_NAME
        v["formatDesired"] = drsuapi.DS_NAME_FORMAT.DS_FQDN_1779_NAME
        v["cNames"] = 2
        for n in ("CONTOSO\\krbtgt", "CONTOSO\\Administrator"):
            w = LPWSTR(isNDR64=ndr64)
            w["Data"] = n + "\x00"
            v["rpNames"].append(w)
        put(S, "CrackNames.request", c)
    c = drsuapi.DRSCrackNamesResponse()
    c["pdwOutVersion"] = 1
    c["pmsgOut"]["tag"] = 1
    res = c["pmsgOut"]["V1"]["pResult"]
    res["cItems"] = 2
    for st, dom, name in ((0, "contoso.local", "CN=krbtgt,CN=Users," + NC_DN), (2, None, None)):
        it = drsuapi.DS_NAME_RESULT_ITEMW()
        it["status"] = st
        it["pDomain"] = dom + "\x00" if dom else NULL
        it["pName"] = name + "\x00" if name else NULL
        res["rItems"].append(it)
    c["ErrorCode"] = 0
    put(S, "CrackNames.response", c)

    for ndr64 in (False, True):
        c = drsuapi.DRSDomainControllerInfo(isNDR64=ndr64)
        c["hDrs"] = H1
        c["dwInVersion"] = 1
        c["pmsgIn"]["tag"] = 1
        c["pmsgIn"]["V1"]["Domain"] = "contoso.local\x00"
        c["pmsgIn"]["V1"]["InfoLevel"] = 2
        put(S, "DomainControllerInfo.request", c)
    c = drsuapi.DRSDomainControllerInfoResponse()
    c["pdwOutVersion"] = 2
    c["pmsgOut"]["tag"] = 2
    c["pmsgOut"]["V2"]["cItems"] = 1
    it = drsuapi.DS_DOMAIN_CONTROLLER_INFO_2W()
    it["NetbiosName"] = "DC01\x00"
    it["DnsHostName"] = "dc01.contoso.local\x00"
    it["SiteName"] = "Default-First-Site-Name\x00"
    it["SiteObjectName"] = NULL
    it["ComputerObjectName"] = "CN=DC01,OU=Domain Controllers," + NC_DN + "\x00"
    it["ServerObjectName"] = NULL
    it["NtdsDsaObjectName"] = NULL
    it["fIsPdc"] = 1
    it["fDsEnabled"] = 1
    it["fIsGc"] = 1
    it["SiteObjectGuid"] = string_to_bin("11111111-2222-3333-4444-555555555555")
    it["ComputerObjectGuid"] = string_to_bin("66666666-7777-8888-9999-aaaaaaaaaaaa")
    it["ServerObjectGuid"] = b"\x00" * 16
    it["NtdsDsaObjectGuid"] = string_to_bin("0f7b6b9b-5a5e-4bfa-9d1b-8c0a1e2f3a4b")
    c["pmsgOut"]["V2"]["rItems"].append(it)
    c["ErrorCode"] = 0
    put(S, "DomainControllerInfo.response", c)


def main():
    random.seed(1472)
    efsrpc()
    spoolss()
    remote_winspool()
    netlogon()
    samr_stubs()
    lsarpc()
    drs_stubs()
    for iface, cases in OUT.items():
        with open(os.path.join(HERE, f"{iface}_stubs.json"), "w") as f:
            json.dump({"generator": "make_stubs_ad.py, impacket " + version.version,
                       "cases": cases}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
