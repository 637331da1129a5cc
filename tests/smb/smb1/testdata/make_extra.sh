#!/usr/bin/env bash
# Makes tests/smb/smb1/testdata/smb1_extra.pcap: real SMB1 traffic with a real
# Samba smbd (Debian 12, Samba 4.17) on 127.0.0.1:445, for the commands the
# fixtures and the public corpus lack. Run as root on a machine with samba,
# smbclient, tcpdump and python3, with nothing else on port 445:
#
#     sudo bash tests/smb/smb1/testdata/make_extra.sh
#
# Connection 1: smbclient (the stock client) as guest: RENAME, NT_RENAME
#   (hard link), ECHO with two replies, LOGOFF_ANDX.
# Connection 2: raw_client.py (requests built by the script, responses
#   Samba's): SESSION_SETUP_ANDX + TREE_CONNECT_ANDX chain, NT_CREATE_ANDX,
#   WRITE_ANDX, LOCKING_ANDX (lock, unlock, LARGE_FILES), OPEN_ANDX +
#   READ_ANDX chain, TRANSACTION2 + TRANSACTION2_SECONDARY, NT_TRANSACT
#   QUERY_SECURITY_DESC, LOGOFF_ANDX.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'kill "${dump:-}" "${smbd:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p "$tmp"/{private,lock,state,cache,pid,ncalrpc,share}
chmod 777 "$tmp/share"
echo "hello rename" > "$tmp/share/a.txt"
chmod 666 "$tmp/share/a.txt"
cat > "$tmp/smb.conf" <<CONF
[global]
  workgroup = WORKGROUP
  netbios name = TESTSRV
  server min protocol = NT1
  map to guest = Bad User
  interfaces = lo
  bind interfaces only = yes
  private dir = $tmp/private
  lock directory = $tmp/lock
  state directory = $tmp/state
  cache directory = $tmp/cache
  pid directory = $tmp/pid
  ncalrpc dir = $tmp/ncalrpc
  log file = $tmp/log.%m
  load printers = no
  disable spoolss = yes
  guest account = nobody
  server signing = disabled
[data]
  path = $tmp/share
  guest ok = yes
  read only = no
CONF
# setsid: smbd signals its whole process group when it stops.
setsid smbd --foreground --no-process-group -s "$tmp/smb.conf" & smbd=$!
sleep 2
tcpdump -i lo -s 0 -U -w "$here/smb1_extra.pcap" 'tcp port 445' & dump=$!
sleep 1
smbclient -N //127.0.0.1/data -m NT1 --option='client min protocol=NT1' \
  -c 'rename a.txt b.txt; hardlink b.txt c.txt; echo 2 hello; logoff'
python3 "$here/raw_client.py" 127.0.0.1 data
sleep 1
