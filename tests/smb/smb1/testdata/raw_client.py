#!/usr/bin/env python3
"""A tiny SMB1 client for making test traffic against a real Samba smbd.

It sends what the stock clients on this machine do not: a SESSION_SETUP_ANDX
+ TREE_CONNECT_ANDX AndX chain (as Windows clients send), an OPEN_ANDX +
READ_ANDX chain, byte-range LOCKING_ANDX (32-bit and LARGE_FILES ranges),
a TRANSACTION2 split into a primary and a TRANSACTION2_SECONDARY, and an
NT_TRANSACT. The requests are built here; every response is Samba's own.
Anonymous (null) session, Unicode strings, DOS-less NT status.

Usage: raw_client.py HOST SHARE   (run under tcpdump; see make_extra.sh)
"""
import socket
import struct
import sys

HOST, SHARE = sys.argv[1], sys.argv[2]
s = socket.create_connection((HOST, 445))
mid = 0
uid = 0
tid = 0


def header(cmd, flags2=0xC803):
    global mid
    mid += 1
    return b"\xffSMB" + struct.pack("<BIBHH8sHHHHH", cmd, 0, 0x18, flags2, 0, b"\0" * 8, 0, tid, 0x4242, uid, mid)


def send(msg):
    s.sendall(struct.pack(">I", len(msg)) + msg)
    hdr = b""
    while len(hdr) < 4:
        hdr += s.recv(4 - len(hdr))
    n = struct.unpack(">I", hdr)[0] & 0x1FFFF
    body = b""
    while len(body) < n:
        body += s.recv(n - len(body))
    return body


def u16s(text):
    return text.encode("utf-16-le") + b"\0\0"


# NEGOTIATE: NT LM 0.12 without extended security
neg = header(0x72, flags2=0xC001) + b"\x00" + struct.pack("<H", 12) + b"\x02NT LM 0.12\x00"
send(neg)

# SESSION_SETUP_ANDX (WordCount 13, null session) chained with TREE_CONNECT_ANDX
path = u16s("\\\\%s\\%s" % (HOST, SHARE))
ss_bytes = b"" + b"\0" + u16s("") + u16s("") + u16s("Unix") + u16s("rawclient")
# offsets: header 32, ss words 1+26, bytecount 2, bytes
ss_len = 1 + 26 + 2 + len(ss_bytes)
tc_off = 32 + ss_len
tc_bytes = b"\0" + path + b"?????\0"
ss = struct.pack("<BBBHHHHIHHII", 13, 0x75, 0, tc_off, 16644, 2, 0, 0, 0, 0, 0, 0xD4) + struct.pack("<H", len(ss_bytes)) + ss_bytes
tc = struct.pack("<BBBHHH", 4, 0xFF, 0, 0, 0x08, 1) + struct.pack("<H", len(tc_bytes)) + tc_bytes
r = send(header(0x73) + ss + tc)
uid = struct.unpack_from("<H", r, 28)[0]
tid = struct.unpack_from("<H", r, 24)[0]

# NT_CREATE_ANDX: create lock.bin
name = u16s("\\lock.bin")
words = struct.pack("<BBBHBHIIIQIIIIIB", 24, 0xFF, 0, 0, 0, len(name) - 2, 0, 0, 0x0012019F, 0, 0x80, 3, 5, 0x40, 2, 0)
r = send(header(0xA2) + words + struct.pack("<H", len(name) + 1) + b"\0" + name)
fid = struct.unpack_from("<H", r, 32 + 6)[0]

# WRITE_ANDX 64 bytes at 0
data = bytes(range(64))
words = struct.pack("<BBBHHIIHHHHHI", 14, 0xFF, 0, 0, fid, 0, 0, 0, 0, 0, len(data), 32 + 1 + 28 + 2 + 1, 0)
send(header(0x2F) + words + struct.pack("<H", len(data) + 1) + b"\0" + data)

# LOCKING_ANDX: lock [0, 16) then unlock it (32-bit ranges)
rng = struct.pack("<HII", 0x4242, 0, 16)
send(header(0x24) + struct.pack("<BBBHHBBIHH", 8, 0xFF, 0, 0, fid, 0, 0, 0, 0, 1) + struct.pack("<H", len(rng)) + rng)
send(header(0x24) + struct.pack("<BBBHHBBIHH", 8, 0xFF, 0, 0, fid, 0, 0, 0, 1, 0) + struct.pack("<H", len(rng)) + rng)
# LOCKING_ANDX with LARGE_FILES: shared lock at 2^32 + 8, length 4
big = struct.pack("<HHIIII", 0x4242, 0, 1, 8, 0, 4)
send(header(0x24) + struct.pack("<BBBHHBBIHH", 8, 0xFF, 0, 0, fid, 0x11, 0, 0, 0, 1) + struct.pack("<H", len(big)) + big)

# CLOSE
send(header(0x04) + struct.pack("<BHI", 3, fid, 0xFFFFFFFF) + b"\0\0")

# OPEN_ANDX chained with READ_ANDX (read 32 bytes at 0 of the file just opened)
oname = b"\0" + u16s("\\lock.bin")
o_len = 1 + 30 + 2 + len(oname)
rd_off = 32 + o_len
open_words = struct.pack("<BBBHHHHHIHIII", 15, 0x2E, 0, rd_off, 0, 0x40, 0x16, 0, 0, 0x01, 0, 0, 0)
read_words = struct.pack("<BBBHHIHHIHI", 12, 0xFF, 0, 0, 0, 0, 32, 32, 0, 0, 0)
r = send(header(0x2D) + open_words + struct.pack("<H", len(oname)) + oname + read_words + b"\0\0")
fid2 = struct.unpack_from("<H", r, 32 + 5)[0]
send(header(0x04) + struct.pack("<BHI", 3, fid2, 0xFFFFFFFF) + b"\0\0")

# TRANSACTION2 QUERY_PATH_INFORMATION (SMB_QUERY_FILE_BASIC_INFO) sent in two parts:
# the primary carries the first 6 parameter bytes, TRANSACTION2_SECONDARY the rest.
params = struct.pack("<HI", 0x101, 0) + u16s("\\lock.bin")
first, rest = params[:6], params[6:]
p_off = 32 + 1 + 30 + 2 + 3  # after words (15), bytecount, name (1 byte) and pad to 4
t2 = struct.pack("<BHHHHBBHIHHHHHBBH", 15, len(params), 0, 2, 512, 0, 0, 0, 0, 0, len(first), p_off, 0, 0, 1, 0, 5)
send_only = header(0x32) + t2 + struct.pack("<H", 3 + len(first)) + b"\0\0\0" + first
s.sendall(struct.pack(">I", len(send_only)) + send_only)
# The server answers the primary with an interim response.
hdr = s.recv(4)
n = struct.unpack(">I", hdr)[0] & 0x1FFFF
interim = b""
while len(interim) < n:
    interim += s.recv(n - len(interim))
mid -= 1  # the secondary carries the primary's MID
s2_off = 32 + 1 + 18 + 2 + 1
sec = struct.pack("<BHHHHHHHHH", 9, len(params), 0, len(rest), s2_off, len(first), 0, 0, 0, 0xFFFF)
send(header(0x33) + sec + struct.pack("<H", 1 + len(rest)) + b"\0" + rest)

# NT_TRANSACT QUERY_SECURITY_DESC on a fresh open of the file
r = send(header(0xA2) + struct.pack("<BBBHBHIIIQIIIIIB", 24, 0xFF, 0, 0, 0, len(name) - 2, 0, 0, 0x00020000, 0, 0, 7, 1, 0, 2, 0) + struct.pack("<H", len(name) + 1) + b"\0" + name)
fid3 = struct.unpack_from("<H", r, 32 + 6)[0]
nt_params = struct.pack("<HHI", fid3, 0, 0x07)
nt_p_off = 32 + 1 + 38 + 2 + 1
nt = struct.pack("<BBHIIIIIIIIBH", 19, 0, 0, len(nt_params), 0, 4, 4096, len(nt_params), nt_p_off, 0, 0, 0, 6)
send(header(0xA0) + nt + struct.pack("<H", 1 + len(nt_params)) + b"\0" + nt_params)
send(header(0x04) + struct.pack("<BHI", 3, fid3, 0xFFFFFFFF) + b"\0\0")

# LOGOFF_ANDX
send(header(0x74) + struct.pack("<BBBH", 2, 0xFF, 0, 0) + b"\0\0")
s.close()
