#!/usr/bin/env bash
# bench/office/make.sh: record an office workload (many small SMB2/3 messages over an MTU-1500
# path) for the benchmarks: a throwaway Samba and several clients in parallel.
#
#   sudo bash bench/office/make.sh [OUT.pcap] [LIMIT]
#
# OUT.pcap defaults to bench/out/office.pcap. LIMIT is when the clients are told to stop: a capture
# size (135MB, the default; 1G; 500K) or a duration (10min); they finish the session they are in,
# so the capture ends a little past it. OFFICE_MAX_MINUTES (default 30) stops the run in any case.
#
# Network, smbd, tcpdump and clean-up are fixtures/smb/common.sh's: server and clients in two
# network namespaces joined by a veth pair of MTU 1500 (offloads off: wire-size frames, at most
# 1514 bytes), smbd and the clients on CPU 0 (no reordering on the veth), tcpdump -s 0 on the
# server side; on exit (also on failure) the clients, smbd, tcpdump, namespaces, temp dir and
# the Unix users this script made are gone. The file set is fileset.py's (seeded: OFFICE_SEED,
# default 1); each client session is seeded with (client, session number).
#
# Clients, all at once, each a new TCP connection + NTLM login + logoff per session:
#   anna-reader   smbclient SMB 3.1.1, signed     docs, then tcon projects (smbclient_session.py reader)
#   ben-reader    smbclient SMB 3.1.1, unsigned   the same
#   ben-editor    smbclient SMB 3.0,   unsigned   scratch: put, get, rename, setmode, rm (editor)
#   clara-editor  smbclient SMB 2.1,   unsigned   the same
#   clara-browser smbclient SMB 2.1,   signed     projects: recursive ls, get, allinfo (browser)
#   anna-imp      impacket  SMB 2.1               docs + scratch + srvsvc/lsarpc/samr (impacket_session.py)
#   ben-imp       impacket  SMB 3.0               the same
#   rpc           rpcclient (srvsvc, lsarpc, samr) and smbclient -L, every 2 s
# The server offers no encryption (server smb encrypt = off): every message is there to decode.
# smb2 max read/write/trans = 64 KiB, so a 1-5 MB file takes many READs/WRITEs.
# Knobs: SMBFIX_KEEP=1 keeps the temp dir (client logs); SMBFIX_LOOPBACK=1 forces loopback (MTU 65536!).
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUTFILE=${1:-$ROOT/bench/out/office.pcap}
LIMIT=${2:-135MB}
SMBFIX_SCRIPT="bench/office/make.sh"
SMBFIX_NSTAG=ofc
SMBFIX_OUTPUTS="$OUTFILE"
USER_NAME=anna
PASSWORD='Office-Pass-2024'
USERS=(anna ben clara)
export PYTHONDONTWRITEBYTECODE=1
# shellcheck source=../../fixtures/smb/common.sh
source "$ROOT/fixtures/smb/common.sh"

MAX_BYTES=0
MAX_SECONDS=0
case $LIMIT in
*min) MAX_SECONDS=$((${LIMIT%min} * 60)) ;;
*K | *KB) MAX_BYTES=$((${LIMIT%%K*} * 1000)) ;;
*M | *MB) MAX_BYTES=$((${LIMIT%%M*} * 1000000)) ;;
*G | *GB) MAX_BYTES=$((${LIMIT%%G*} * 1000000000)) ;;
*) die "LIMIT is a size (135MB, 1G) or a duration (10min), not '$LIMIT'" ;;
esac
SAFETY=$((${OFFICE_MAX_MINUTES:-30} * 60))

CLIENT_PIDS=()
CREATED_USERS=()
smbfix_on_exit() {
	local p
	[[ -n $WORK ]] && touch "$WORK/stop"
	for p in "${CLIENT_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${CLIENT_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	for p in "${CREATED_USERS[@]}"; do userdel "$p" 2>/dev/null || true; done
}

smbfix_init rpcclient
smbfix_network
smbfix_user
for u in "${USERS[@]:1}"; do
	if ! id "$u" >/dev/null 2>&1; then
		useradd -M -d /nonexistent -s /usr/sbin/nologin "$u"
		CREATED_USERS+=("$u")
	fi
done
SHARES="$WORK/shares"
UPLOAD="$WORK/upload"
MANIFEST="$WORK/manifest.json"
STOP="$WORK/stop"
log "$("$PY" "$HERE/fileset.py" "${OFFICE_SEED:-1}" "$SHARES" "$UPLOAD" "$MANIFEST")"
chmod -R a+rX "$SHARES" "$UPLOAD"
chmod 0777 "$SHARES/scratch"
smbfix_smbconf "	map to guest = Never
	server smb encrypt = off
	server signing = auto
	smb2 max read = 65536
	smb2 max write = 65536
	smb2 max trans = 65536" "[docs]
	path = $SHARES/docs
	read only = yes

[projects]
	path = $SHARES/projects
	read only = yes

[scratch]
	path = $SHARES/scratch
	read only = no"
for u in "${USERS[@]:1}"; do
	printf '%s\n%s\n' "$PASSWORD" "$PASSWORD" | smbpasswd -c "$CONF" -a -s "$u" >/dev/null
done
smbfix_start_smbd
smbfix_client_conf
mkdir -p "$WORK/jobs"

# ------------------------------------------------------------------ clients

in_cli() { "${IN_CLI[@]}" "${PIN[@]}" "$@"; }
smb_loop() { # smb_loop NAME PROFILE SHARE USER SMBCLIENT-ARGS... : sessions until $STOP
	local name=$1 profile=$2 share=$3 user=$4 n=0 rc cmds="$WORK/jobs/$1.cmds" out="$WORK/log/$1.session.log"
	shift 4
	while [[ ! -e $STOP ]]; do
		"$PY" "$HERE/smbclient_session.py" "$MANIFEST" "$profile" "$name" "$n" "$UPLOAD" >"$cmds"
		in_cli smbclient -s "$CCONF" -n "$CLIENT_NB" "//$SRV_IP/$share" -U "$user%$PASSWORD" -W "$DOMAIN" "$@" \
			<"$cmds" >"$out" 2>&1 || { rc=$?; cat "$out" >&2; die "$name session $n: smbclient exit code $rc"; }
		if grep -E 'NT_STATUS_[A-Z_]+' "$out" | grep -v NT_STATUS_OK >/dev/null; then
			cat "$out" >&2
			die "$name session $n: an error status"
		fi
		echo "session $n: $(grep -c '^getting file' "$out" || true) gets, $(grep -c '^putting file' "$out" || true) puts" >>"$WORK/log/$name.log"
		n=$((n + 1))
	done
}
imp_loop() { # imp_loop NAME USER DIALECT
	in_cli "$PY" "$HERE/impacket_session.py" "$SRV_IP" "$SERVER_NB" "$CLIENT_NB" "$2" "$PASSWORD" "$DOMAIN" "$3" \
		"$MANIFEST" "$1" "$STOP" >"$WORK/log/$1.log" 2>&1 || { cat "$WORK/log/$1.log" >&2; die "$1: impacket client failed"; }
}
rpc_loop() {
	local out="$WORK/log/rpc.session.log"
	while [[ ! -e $STOP ]]; do
		in_cli rpcclient -s "$CCONF" -U "clara%$PASSWORD" -W "$DOMAIN" "$SRV_IP" \
			-c 'srvinfo; netshareenumall; lsaquery; lookupnames anna ben clara; enumdomusers; querydominfo' >"$out" 2>&1 ||
			{ cat "$out" >&2; die "rpcclient failed"; }
		grep -q 'netname: scratch' "$out" || { cat "$out" >&2; die "rpcclient: no share list"; }
		in_cli smbclient -s "$CCONF" -n "$CLIENT_NB" -L "//$SRV_IP" -U "anna%$PASSWORD" -W "$DOMAIN" >"$out" 2>&1 ||
			{ cat "$out" >&2; die "smbclient -L failed"; }
		echo "rpc round" >>"$WORK/log/rpc.log"
		sleep 2
	done
}
CLIENTS=() # names: each logs a line per session in $WORK/log/NAME.log
start_client() {
	CLIENTS+=("${2:-rpc}")
	"$@" &
	CLIENT_PIDS+=($!)
}

start_capture office.pcap
START=$SECONDS
start_client smb_loop anna-reader reader docs anna -m SMB3_11 --client-protection=sign
start_client smb_loop ben-reader reader docs ben -m SMB3_11 --client-protection=off
start_client smb_loop ben-editor editor scratch ben -m SMB3_00 --client-protection=off
start_client smb_loop clara-editor editor scratch clara -m SMB2_10 --client-protection=off
start_client smb_loop clara-browser browser projects clara -m SMB2_10 --client-protection=sign
start_client imp_loop anna-imp anna 2.1
start_client imp_loop ben-imp ben 3.0
start_client rpc_loop rpc
log "clients started (${#CLIENT_PIDS[@]}); until $LIMIT"

# ------------------------------------------------------------------ until the limit

while :; do
	size=$(stat -c %s "$WORK/cap/$CAP")
	elapsed=$((SECONDS - START))
	((MAX_BYTES && size >= MAX_BYTES)) && break
	((MAX_SECONDS && elapsed >= MAX_SECONDS)) && break
	((elapsed >= SAFETY)) && { log "OFFICE_MAX_MINUTES reached"; break; }
	for p in "${CLIENT_PIDS[@]}"; do kill -0 "$p" 2>/dev/null || break 2; done # one ended: a failure (below)
	((elapsed % 30 == 0)) && log "${elapsed}s: $((size / 1000000)) MB"
	sleep 1
done
touch "$STOP"
for p in "${CLIENT_PIDS[@]}"; do wait "$p" || die "a client failed (see above)"; done
CLIENT_PIDS=()
end_capture
log "sessions: $(for c in "${CLIENTS[@]}"; do printf '%s %s; ' "$c" "$(grep -c '' "$WORK/log/$c.log")"; done)"

# ------------------------------------------------------------------ figures (tshark, capinfos)

F="$WORK/cap/office.pcap"
capinfos -c -s -u -M "$F" | sed 's/^/    /' >&2
# per frame: frame.len, tcp.len and the SMB2 commands (comma-separated when a frame holds several messages)
tshark -n -r "$F" 2>>"$WORK/log/tshark.err" -T fields -E separator=/t -e frame.len -e tcp.len -e smb2.cmd -e smb2.flags.signature >"$WORK/fields.tsv"
awk -F'\t' '
	{ if ($1 > maxf) maxf = $1; if ($2 > maxt) maxt = $2 }
	$3 != "" { k = split($3, c, ","); msgs += k; split($4, s, ","); for (i = 1; i <= k; i++) { cmd[c[i]]++; if (s[i] == "1" || s[i] == "True") signed++ } }
	END {
		printf "    frames %d, max frame %d bytes, max TCP payload %d bytes\n", NR, maxf, maxt
		printf "    SMB2 messages (tshark) %d, signed %d\n    by command:", msgs, signed
		for (x in cmd) printf " %s=%d", x, cmd[x]; printf "\n"
	}' "$WORK/fields.tsv" >&2
echo "    dialects (NEGOTIATE responses): $(tshark -n -r "$F" 2>>"$WORK/log/tshark.err" -Y 'smb2.cmd == 0 && smb2.flags.response == 1' -T fields -e smb2.dialect |
	sort | uniq -c | awk '{ printf "%s x%d  ", $2, $1 }')" >&2
mkdir -p "$(dirname "$OUTFILE")"
mv "$F" "$OUTFILE"
log "wrote $OUTFILE ($(stat -c %s "$OUTFILE") bytes, $MODE mode, MTU $MTU, $((SECONDS - START)) s)"
