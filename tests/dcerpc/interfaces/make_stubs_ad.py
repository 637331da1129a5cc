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

from impacket import version
from impacket.dcerpc.v5.dtypes import (BOOL, DWORD, LONG, LPWSTR, NULL, PRPC_SID, RPC_SID, ULONG,
                                       WSTR)
from impacket.dcerpc.v5.ndr import (NDRCALL, NDRPOINTER, NDRSTRUCT, NDRUniConformantArray)
from impacket.dcerpc.v5.rpcrt import DCERPCException  # noqa: F401 (impacket import check)

assert version.version == "0.10.0", version.version
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = {}


def put(iface, name, call):
    """Records one stub: call is an NDRCALL, NDR 2.0 or NDR64 as it was built."""
    OUT.setdefault(iface, {})[name] = {"hex": call.getData().hex(), "ndr64": call._isNDR64}


def sid(s):
    v = RPC_SID()
    v.fromCanonical(s)
    return v


# ---------------------------------------------------------------- EFSRPC ([MS-EFSR] 6)

class EXIMPORT_CONTEXT_HANDLE(NDRSTRUCT):
    structure = (("Data", "20s=b''"),)


class EFS_BYTES(NDRUniConformantArray):
    item = "c"


class PEFS_BYTES(NDRPOINTER):
    referent = (("Data", EFS_BYTES),)


class EFS_RPC_BLOB(NDRSTRUCT):
    structure = (("cbData", DWORD), ("bData", PEFS_BYTES))


class PEFS_RPC_BLOB(NDRPOINTER):
    referent = (("Data", EFS_RPC_BLOB),)


class EFS_HASH_BLOB(EFS_RPC_BLOB):
    pass


class PEFS_HASH_BLOB(NDRPOINTER):
    referent = (("Data", EFS_HASH_BLOB),)


class ENCRYPTION_CERTIFICATE_HASH(NDRSTRUCT):
    structure = (("cbTotalLength", DWORD), ("UserSid", PRPC_SID), ("Hash", PEFS_HASH_BLOB),
                 ("lpDisplayInformation", LPWSTR))


class PENCRYPTION_CERTIFICATE_HASH(NDRPOINTER):
    referent = (("Data", ENCRYPTION_CERTIFICATE_HASH),)


class HASH_PTR_ARRAY(NDRUniConformantArray):
    item = PENCRYPTION_CERTIFICATE_HASH


class PHASH_PTR_ARRAY(NDRPOINTER):
    referent = (("Data", HASH_PTR_ARRAY),)


class ENCRYPTION_CERTIFICATE_HASH_LIST(NDRSTRUCT):
    structure = (("nCert_Hash", DWORD), ("Users", PHASH_PTR_ARRAY))


class PENCRYPTION_CERTIFICATE_HASH_LIST(NDRPOINTER):
    referent = (("Data", ENCRYPTION_CERTIFICATE_HASH_LIST),)


class EFS_CERTIFICATE_BLOB(NDRSTRUCT):
    structure = (("dwCertEncodingType", DWORD), ("cbData", DWORD), ("bData", PEFS_BYTES))


class PEFS_CERTIFICATE_BLOB(NDRPOINTER):
    referent = (("Data", EFS_CERTIFICATE_BLOB),)


class ENCRYPTION_CERTIFICATE(NDRSTRUCT):
    structure = (("cbTotalLength", DWORD), ("UserSid", PRPC_SID),
                 ("CertBlob", PEFS_CERTIFICATE_BLOB))


class PENCRYPTION_CERTIFICATE(NDRPOINTER):
    referent = (("Data", ENCRYPTION_CERTIFICATE),)


class CERT_PTR_ARRAY(NDRUniConformantArray):
    item = PENCRYPTION_CERTIFICATE


class PCERT_PTR_ARRAY(NDRPOINTER):
    referent = (("Data", CERT_PTR_ARRAY),)


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
        suffix = ".ndr64" if ndr64 else ""
        c = EfsRpcOpenFileRaw(isNDR64=ndr64)
        c["FileName"] = unc + "\x00"
        c["Flags"] = 0
        put("efsrpc", "OpenFileRaw.request" + suffix, c)
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


def main():
    random.seed(1472)
    efsrpc()
    for iface, cases in OUT.items():
        with open(os.path.join(HERE, f"{iface}_stubs.json"), "w") as f:
            json.dump({"generator": "make_stubs_ad.py, impacket " + version.version,
                       "cases": cases}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
