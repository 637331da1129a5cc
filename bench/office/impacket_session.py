#!/usr/bin/python3
"""impacket clients of bench/office/make.sh's office workload: sessions in a loop until STOP exists.

  impacket_session.py SERVER_IP SERVER_NB CLIENT_NB USER PASSWORD DOMAIN DIALECT MANIFEST CLIENT STOP

DIALECT is 2.1 or 3.0: impacket 0.10 signs every 3.1.1 session and encrypts every 3.0+ one the
server offers encryption to; make.sh's server offers none and does not require signing, so these
sessions are neither signed nor encrypted. Each session, seeded with
(CLIENT, N) so that it is the same on every run: a new TCP connection and NTLM login; tree
connect to docs, list a department folder, open + QUERY_INFO + read + close a few dozen
documents; tree connect to scratch, mkdir, create + write documents, SET_INFO (basic
information: times) and QUERY_INFO on some, renames, a listing, deletes, rmdir; DCE/RPC over
IPC$: srvsvc NetrShareEnum (opnum 15, NetShareEnumAll to Wireshark), lsarpc LsarLookupNames, samr EnumerateUsersInDomain (every
other session); tree disconnects, logoff. One line per session on stdout.
"""

import json
import os
import random
import struct
import sys
from collections import defaultdict

from impacket import smb3structs as s3
from impacket.dcerpc.v5 import lsad, lsat, samr, srvs, transport
from impacket.dcerpc.v5.dtypes import MAXIMUM_ALLOWED
from impacket.smbconnection import SMBConnection

CHUNK = 65536  # the server's smb2 max read/write (make.sh)


def docs_session(conn, rng, docs):
    tid = conn.connectTree("docs")
    folders = sorted(docs)
    folder = rng.choice(folders)
    listed = conn.listPath("docs", folder.replace("/", "\\") + "\\*")
    small = [f for f in docs[folder] if f[1] <= CHUNK]
    for name, size in rng.sample(small, min(len(small), rng.randint(15, 30))):
        path = f"{folder}/{name}".replace("/", "\\")
        fid = conn.openFile(tid, path, desiredAccess=s3.FILE_READ_DATA | s3.FILE_READ_ATTRIBUTES,
                            shareMode=s3.FILE_SHARE_READ)
        conn.queryInfo(tid, fid)
        data = conn.readFile(tid, fid, 0, size, singleCall=False)
        assert len(data) == size, (path, len(data), size)
        conn.closeFile(tid, fid)
    conn.disconnectTree(tid)
    return len(listed)


def scratch_session(conn, rng, client, n, uploads):
    tid = conn.connectTree("scratch")
    top = f"{client}_s{n:05d}"
    conn.createDirectory("scratch", top)
    names = []
    smb = conn.getSMBServer()
    for i in range(rng.randint(10, 20)):
        size = rng.choice(uploads)[1]
        name = f"{top}\\memo_{i:03d}.docx"
        fid = conn.createFile(tid, name)
        data = rng.randbytes(size)
        for off in range(0, size, CHUNK):
            conn.writeFile(tid, fid, data[off:off + CHUNK], off)
        if i % 3 == 0:  # SET_INFO FileBasicInformation: a new last-write time, then read it back
            info = s3.FILE_BASIC_INFORMATION()
            info["CreationTime"] = info["LastAccessTime"] = info["ChangeTime"] = 0
            info["LastWriteTime"] = 132000000000000000 + n * 10_000_000 + i
            info["FileAttributes"] = 0
            smb.setInfo(tid, fid, inputBlob=info.getData(), infoType=s3.SMB2_0_INFO_FILE,
                        fileInfoClass=s3.SMB2_FILE_BASIC_INFO)
            got = smb.queryInfo(tid, fid, infoType=s3.SMB2_0_INFO_FILE, fileInfoClass=s3.SMB2_FILE_BASIC_INFO)
            assert struct.unpack_from("<q", got, 16)[0] == info["LastWriteTime"]
        conn.closeFile(tid, fid)
        names.append(name)
    for i in rng.sample(range(len(names)), 3):
        new = names[i].replace("memo_", "final_")
        conn.rename("scratch", names[i], new)
        names[i] = new
    listed = conn.listPath("scratch", top + "\\*")
    for name in names:
        conn.deleteFile("scratch", name)
    conn.deleteDirectory("scratch", top)
    conn.disconnectTree(tid)
    return len(names), len(listed)


def rpc(conn, path, uuid):
    t = transport.SMBTransport(conn.getRemoteHost(), filename=path, smb_connection=conn)
    dce = t.get_dce_rpc()
    dce.connect()
    dce.bind(uuid)
    return dce


def rpc_calls(conn, user, samr_too):
    dce = rpc(conn, r"\srvsvc", srvs.MSRPC_UUID_SRVS)
    shares = srvs.hNetrShareEnum(dce, 1)["InfoStruct"]["ShareInfo"]["Level1"]["EntriesRead"]
    dce.disconnect()
    dce = rpc(conn, r"\lsarpc", lsat.MSRPC_UUID_LSAT)
    policy = lsad.hLsarOpenPolicy2(dce, MAXIMUM_ALLOWED | lsat.POLICY_LOOKUP_NAMES)["PolicyHandle"]
    lsat.hLsarLookupNames(dce, policy, (user,))
    lsad.hLsarClose(dce, policy)
    dce.disconnect()
    users = 0
    if samr_too:
        dce = rpc(conn, r"\samr", samr.MSRPC_UUID_SAMR)
        server = samr.hSamrConnect(dce)["ServerHandle"]
        domain = samr.hSamrEnumerateDomainsInSamServer(dce, server)["Buffer"]["Buffer"][0]["Name"]
        sid = samr.hSamrLookupDomainInSamServer(dce, server, domain)["DomainId"]
        handle = samr.hSamrOpenDomain(dce, server, domainId=sid)["DomainHandle"]
        users = len(samr.hSamrEnumerateUsersInDomain(dce, handle)["Buffer"]["Buffer"])
        samr.hSamrCloseHandle(dce, handle)
        samr.hSamrCloseHandle(dce, server)
        dce.disconnect()
    return shares, users


def main() -> None:
    ip, server_nb, client_nb, user, password, domain, dialect, manifest, client, stop = sys.argv[1:]
    preferred = {"2.1": s3.SMB2_DIALECT_21, "3.0": s3.SMB2_DIALECT_30}[dialect]
    m = json.load(open(manifest))
    docs = defaultdict(list)
    for path, size in m["docs"]:
        folder, _, name = path.rpartition("/")
        docs[folder].append((name, size))
    uploads = [u for u in m["upload"] if u[1] <= CHUNK]
    n = 0
    while not os.path.exists(stop):
        rng = random.Random(f"{client}-{n}")
        conn = SMBConnection(server_nb, ip, myName=client_nb, sess_port=445, preferredDialect=preferred)
        conn.login(user, password, domain)
        listed = docs_session(conn, rng, docs)
        written, _ = scratch_session(conn, rng, client, n, uploads)
        shares, users = rpc_calls(conn, user, n % 2 == 0)
        conn.logoff()
        conn.close()
        print(f"session {n}: dialect 0x{conn.getDialect():04x}, listed {listed}, wrote {written}, "
              f"shares {shares}, users {users}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
