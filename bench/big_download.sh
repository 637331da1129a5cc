#!/usr/bin/env bash
# bench/big_download.sh: record one large download over SMB 3.1.1, for timing what a single big
# file costs (the CLI's MD5 thread takes a file whose open gave 64 MiB or more at once).
#
#   sudo bash bench/big_download.sh [OUT.pcap] [MIB]
#
# OUT.pcap defaults to bench/out/big-download.pcap, MIB (the file's size) to 400. The file is
# random bytes; its SHA-256 is written next to the capture (OUT.pcap.sha256) to check the decode's.
# Network, smbd, tcpdump and clean-up are fixtures/smb/common.sh's (namespaces joined by a veth
# pair of MTU 1500, or loopback); smbclient gets the file from a throwaway share.
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEST=$(realpath -m "${1:-$HERE/out/big-download.pcap}")
MIB=${2:-400}
[[ $MIB =~ ^[0-9]+$ ]] || { echo "big_download.sh: MIB must be a whole number" >&2; exit 2; }
SMBFIX_SCRIPT="bench/big_download.sh"
SMBFIX_NSTAG=bgd
SMBFIX_OUTPUTS="$DEST"
SMBFIX_PIN=0
source "$HERE/../fixtures/smb/common.sh"

smbfix_init
smbfix_network
smbfix_user
mkdir -p "$WORK/shares/data"
chown "$USER_NAME" "$WORK/shares/data"
smbfix_smbconf "" "[data]
	path = $WORK/shares/data
	valid users = $USER_NAME
	read only = no"
head -c $((MIB * 1048576)) /dev/urandom >"$WORK/shares/data/big.bin"
chown "$USER_NAME" "$WORK/shares/data/big.bin"
smbfix_start_smbd
smbfix_client_conf
start_capture big-download.pcap
smbclient_run big_download "//$SRV_IP/data" -U "$USER_NAME%$PASSWORD" -W "$DOMAIN" -m SMB3_11 \
	-c 'get big.bin big_got.bin'
end_capture
need "getting file .*big\.bin of size $((MIB * 1048576))" "the get did not happen"
same_file "$WORK/shares/data/big.bin" "$LOCAL/big_got.bin"
mkdir -p "$(dirname "$DEST")"
cp "$WORK/cap/big-download.pcap" "$DEST"
(cd "$WORK/shares/data" && sha256sum big.bin) >"$DEST.sha256"
log "wrote $DEST ($MIB MiB download) and $DEST.sha256"
