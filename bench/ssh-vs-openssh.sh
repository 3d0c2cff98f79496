#!/usr/bin/env bash
# Compares x84's ssh server with OpenSSH's sshd, side by side on loopback:
#   1. memory per idle interactive session (measured first, on fresh
#      servers);
#   2. connections per second (handshake, public-key login, one exec,
#      close) with OpenSSH's ssh client and with an in-process Go client;
#   3. sftp upload and download of a large file (x84's file area against
#      OpenSSH's sftp-server).
# It starts its own sshd (port 2222) and x84 (port 2223) with their own
# keys and configuration, and logs in to sshd as a test user "x84bench"
# whose shell is /bin/sh (created if missing), so that a login shell's
# start-up files do not swamp the figures. Run it as root from the
# repository: bench/ssh-vs-openssh.sh. Every loop is bounded; loopback only.
set -euo pipefail
N=${N:-200}          # connections per connection benchmark
C=${C:-4}            # connections at once for the Go client
MB=${MB:-256}        # sftp file size in MiB
IDLE=${IDLE:-200}    # idle sessions for the memory benchmark
SSHD_PORT=2222
X84_PORT=2223

[ "$(id -u)" = 0 ] || { echo "run as root: it starts sshd and adds a test user" >&2; exit 1; }
command -v /usr/sbin/sshd >/dev/null || { echo "needs openssh-server (apt-get install openssh-server)" >&2; exit 1; }

work=$(mktemp -d /tmp/x84-sshbench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -f "$work/sshd.pid" ] && kill "$(cat "$work/sshd.pid")" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

echo "building..." >&2
go build -o "$work/x84" ./cmd/x84
go build -o "$work/x84-bench" ./cmd/x84-bench

# The client key, trusted by both servers.
ssh-keygen -q -t ed25519 -N '' -C bench -f "$work/id"
id x84bench >/dev/null 2>&1 || useradd -m -s /bin/sh x84bench
# useradd leaves the account locked ("!"), which sshd refuses without PAM;
# "*" has no password but is not locked.
usermod -p '*' x84bench
home=$(getent passwd x84bench | cut -d: -f6)
install -d -m 700 -o x84bench "$home/.ssh"
install -m 600 -o x84bench "$work/id.pub" "$home/.ssh/authorized_keys"

# OpenSSH's sshd with its own ed25519 host key.
ssh-keygen -q -t ed25519 -N '' -f "$work/sshd_host"
mkdir -p /run/sshd
cat > "$work/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $work/sshd_host
PidFile $work/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
Subsystem sftp /usr/lib/openssh/sftp-server
MaxStartups 2000:100:2000
MaxSessions 10
PrintMotd no
PrintLastLog no
LogLevel ERROR
CONF
/usr/sbin/sshd -f "$work/sshd_config"
sleep 0.5
sshd_pid=$(cat "$work/sshd.pid")

# x84 with the same key type, limits raised for the load.
mkdir -m 700 "$work/data"
cat > "$work/data/x84.toml" <<CONF
[server]
max_sessions = 10000
max_per_address = 10000
idle_timeout = "0"
[telnet]
port = 0
[ssh]
port = $X84_PORT
[files]
max_upload_mib = 4096
quota_mib = 8192
[ban]
allow = ["127.0.0.1/32"]
[log]
level = "warn"
CONF
"$work/x84" --data "$work/data" keys >/dev/null
echo bench-password-123 | "$work/x84" --data "$work/data" user add x84bench --password-stdin >/dev/null
"$work/x84" --data "$work/data" user key add x84bench "$work/id.pub" >/dev/null
"$work/x84" --data "$work/data" 2>"$work/x84.log" &
x84_pid=$!
pids+=("$x84_pid")
for _ in $(seq 100); do grep -q "x84 started" "$work/x84.log" 2>/dev/null && break; sleep 0.1; done
# x84 checks host keys only of the ed25519 kind here, like sshd above.
x84_hostkey="$work/data/ssh_host_ed25519_key"

sshopts=(-i "$work/id" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o LogLevel=ERROR -o HostKeyAlgorithms=ssh-ed25519)

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo
echo "== 1. memory per idle interactive session ($IDLE sessions with a pty)"
tree_rss() { # sum of RSS (KiB) of a process and all its descendants
	local total=0 p
	for p in $(pstree -pT "$1" | grep -o '([0-9]*)' | tr -d '()'); do
		total=$((total + $(awk '/VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)))
	done
	echo "$total"
}
for target in sshd x84; do
	port=$SSHD_PORT; pid=$sshd_pid
	[ "$target" = x84 ] && { port=$X84_PORT; pid=$x84_pid; }
	before=$(tree_rss "$pid")
	"$work/x84-bench" sshidle -addr "127.0.0.1:$port" -user x84bench -key "$work/id" -n "$IDLE" -c 20 > "$work/idle.out" &
	holder=$!
	for _ in $(seq 600); do grep -q ready "$work/idle.out" 2>/dev/null && break; sleep 0.1; done
	sleep 2
	after=$(tree_rss "$pid")
	if [ "$target" = x84 ]; then
		# x84's own view: Go heap and stacks after a collection.
		stats=$(curl -s --unix-socket "$work/data/x84.sock" 'http://x84/v1/stats?gc=1')
	fi
	kill -INT "$holder"; wait "$holder" 2>/dev/null || true
	per=$(awk -v a="$after" -v b="$before" -v n="$IDLE" 'BEGIN { printf "%.1f", (a - b) / n }')
	eval "mem_$target=$per"
	echo "$target: $per KiB per session (process tree RSS $before -> $after KiB)"
	[ "$target" = x84 ] && echo "x84 after a GC, as it reports itself: $stats"
	sleep 2
done
echo "x84/sshd: $(ratio "$mem_x84" "$mem_sshd")"
echo
echo "== 2a. connections/s with OpenSSH's ssh client ($N sequential: login, exec true, close)"
for target in sshd x84; do
	port=$SSHD_PORT; [ "$target" = x84 ] && port=$X84_PORT
	start=$(date +%s.%N)
	failed=0
	for _ in $(seq "$N"); do
		# sshd runs true (status 0); x84 refuses exec with status 1. Anything
		# else (255) is a failed connection: counted and reported.
		rc=0; ssh "${sshopts[@]}" -p "$port" x84bench@127.0.0.1 true >/dev/null 2>&1 || rc=$?
		[ "$rc" -le 1 ] || failed=$((failed + 1))
	done
	end=$(date +%s.%N)
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
	eval "ssh_$target=$(rate "$N" "$secs")"
	echo "$target: $(rate "$N" "$secs") conn/s; failed $failed of $N"
done
echo "x84/sshd: $(ratio "$ssh_x84" "$ssh_sshd")"

echo
echo "== 2b. connections/s with an in-process Go client ($N, $C at once)"
for target in sshd x84; do
	port=$SSHD_PORT; [ "$target" = x84 ] && port=$X84_PORT
	# Failed connections are counted in the line ("failed N"), not fatal.
	out=$("$work/x84-bench" sshconn -addr "127.0.0.1:$port" -user x84bench -key "$work/id" -n "$N" -c "$C")
	echo "$target: $out"
	eval "go_$target=$(echo "$out" | sed -n 's/.*: \([0-9.]*\) conn\/s.*/\1/p')"
done
echo "x84/sshd: $(ratio "$go_x84" "$go_sshd")"

echo
echo "== 3. sftp of a $MB MiB file (OpenSSH's sftp client)"
head -c "${MB}M" /dev/urandom > "$work/big.bin"
sftp_time() { # port remote-put-path remote-get-path
	local port=$1 up=$2 down=$3
	printf 'put %s %s\n' "$work/big.bin" "$up" > "$work/put.batch"
	printf 'get %s %s\n' "$down" "$work/back.bin" > "$work/get.batch"
	local t0 t1 t2
	t0=$(date +%s.%N)
	sftp -q "${sshopts[@]}" -P "$port" -b "$work/put.batch" x84bench@127.0.0.1 >/dev/null || { echo "sftp put to port $port failed" >&2; exit 1; }
	t1=$(date +%s.%N)
	sftp -q "${sshopts[@]}" -P "$port" -b "$work/get.batch" x84bench@127.0.0.1 >/dev/null || { echo "sftp get from port $port failed" >&2; exit 1; }
	t2=$(date +%s.%N)
	cmp -s "$work/big.bin" "$work/back.bin" || { echo "downloaded file differs" >&2; exit 1; }
	rm -f "$work/back.bin"
	awk -v mb="$MB" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.0f %.0f\n", mb / (b - a), mb / (c - b) }'
}
read -r up_sshd down_sshd < <(sftp_time $SSHD_PORT big.bin big.bin)
rm -f "$home/big.bin"
read -r up_x84 down_x84 < <(sftp_time $X84_PORT uploads/big.bin uploads/big.bin)
echo "sshd+sftp-server: upload $up_sshd MiB/s, download $down_sshd MiB/s"
echo "x84:              upload $up_x84 MiB/s, download $down_x84 MiB/s"
echo "x84/sshd: upload $(ratio "$up_x84" "$up_sshd"), download $(ratio "$down_x84" "$down_sshd")"

