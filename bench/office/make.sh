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
# Without network namespaces (or with SMBFIX_LOOPBACK=1) it runs on lo, and only with OFFICE_LO_MTU=1:
# lo's MTU is then 1500 (offloads off) for the run, restored on exit.
# Knobs: SMBFIX_KEEP=1 keeps the temp dir (client logs, smb.conf, the commands of each client).
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
	if [[ -n $LO_MTU_WAS ]]; then
		ip link set lo mtu "$LO_MTU_WAS" && log "lo MTU back to $LO_MTU_WAS"
		[[ -z $LO_OFFLOADS_WAS ]] || ethtool -K lo $LO_OFFLOADS_WAS 2>/dev/null || true
	fi
}

# Loopback fallback (no network namespaces): lo at MTU 1500 with segmentation offloads off for the
# run, as asked for with OFFICE_LO_MTU=1 (it changes loopback for every program on the host), put
# back on exit. Without it lo's 64 KiB MTU (and TSO) would make frames far over 1514 bytes.
LO_MTU_WAS=""
LO_OFFLOADS_WAS=""
lo_mtu_1500() {
	[[ ${OFFICE_LO_MTU:-} == 1 ]] || die "no network namespaces here; OFFICE_LO_MTU=1 lets this script set lo's MTU to 1500 (and its offloads off) for the run"
	LO_OFFLOADS_WAS=$(ethtool -k lo 2>/dev/null | awk '
		/^tcp-segmentation-offload:/ { printf "tso %s ", $2 }
		/^generic-segmentation-offload:/ { printf "gso %s ", $2 }
		/^generic-receive-offload:/ { printf "gro %s ", $2 }')
	LO_MTU_WAS=$(cat /sys/class/net/lo/mtu)
	ip link set lo mtu 1500
	ethtool -K lo tso off gso off gro off 2>/dev/null || log "ethtool -K lo failed: frames may exceed 1514 bytes"
	MTU=1500
	log "lo MTU 1500 for the run (was $LO_MTU_WAS; offloads were: ${LO_OFFLOADS_WAS:-unknown})"
}

smbfix_init rpcclient
smbfix_network
[[ $MODE == netns ]] || lo_mtu_1500
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
NEXT_NOTE=15
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
	if ((elapsed >= NEXT_NOTE)); then
		log "${elapsed}s: $((size / 1000000)) MB"
		NEXT_NOTE=$((NEXT_NOTE + 15))
	fi
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
# per frame: frame.len, tcp.len, the SMB2 commands and signed flags (comma-separated when a frame
# holds several messages), the TCP stream, and on NEGOTIATE responses the dialect of that stream
tshark -n -r "$F" 2>>"$WORK/log/tshark.err" -T fields -E separator=/t -e frame.len -e tcp.len -e smb2.cmd \
	-e smb2.flags.signature -e tcp.stream -e smb2.flags.response -e smb2.dialect >"$WORK/fields.tsv"
awk -F'\t' '
	function yes(v) { return v == "1" || v == "True" }
	{ if ($1 > maxf) maxf = $1; if ($2 > maxt) maxt = $2 }
	$3 != "" {
		k = split($3, c, ","); split($4, s, ","); msgs += k; perstream[$5] += k
		for (i = 1; i <= k; i++) { cmd[c[i]]++; if (yes(s[i])) signed++ }
		if ($3 == "0" && yes($6)) dialect[$5] = $7
	}
	END {
		printf "    frames %d, max frame %d bytes, max TCP payload %d bytes\n", NR, maxf, maxt
		printf "    SMB2 messages (tshark) %d, signed %d\n    by command:", msgs, signed
		split("NEGOTIATE SESSION_SETUP LOGOFF TREE_CONNECT TREE_DISCONNECT CREATE CLOSE FLUSH READ WRITE LOCK IOCTL CANCEL ECHO QUERY_DIRECTORY CHANGE_NOTIFY QUERY_INFO SET_INFO OPLOCK_BREAK", name, " ")
		for (i = 0; i <= 18; i++) if (cmd[i]) printf " %s=%d", name[i + 1], cmd[i]
		for (st in perstream) { d = (st in dialect) ? dialect[st] : "?"; bytd[d] += perstream[st]; conns[d]++ }
		printf "\n    by dialect (messages/connections):"
		for (d in bytd) printf " %s=%d/%d", d, bytd[d], conns[d]
		printf "\n"
	}' "$WORK/fields.tsv" >&2
mkdir -p "$(dirname "$OUTFILE")"
mv "$F" "$OUTFILE"
log "wrote $OUTFILE ($(stat -c %s "$OUTFILE") bytes, $MODE mode, MTU $MTU, $((SECONDS - START)) s)"
