#!/usr/bin/env bash
# Compares x84's ssh server with OpenSSH's sshd, side by side on loopback:
#   mem   memory per idle interactive session (measured first, on fresh
#         servers): the growth of the server's process tree RSS (and PSS)
#         from a settled start (x84 made to collect garbage until its RSS
#         holds still), 2 s after the sessions opened and settled again,
#         with x84's own figures (goroutines, Go heap and stacks);
#   conn  connections per second (handshake, public-key login, one exec,
#         close) with OpenSSH's ssh client (conn-ssh) and with an
#         in-process Go client (conn-go);
#   sftp  sftp upload and download of a large file (x84's file area
#         against OpenSSH's sftp-server), with OpenSSH's sftp client.
# It starts its own sshd and x84 on free loopback ports picked at run time,
# with their own keys and configuration, and logs in to sshd as a test
# user "x84bench" whose shell is /bin/sh (created if missing), so that a
# login shell's start-up files do not swamp the figures. Both servers are
# made to use the same cipher and key exchange (CIPHER, KEX), and the
# script checks what each one negotiated.
#
# Run it as root from the repository: bench/ssh-vs-openssh.sh. Every loop
# is bounded; loopback only. Knobs (environment):
#   PARTS      which parts to run, any of: mem conn conn-ssh conn-go sftp
#              (conn is conn-ssh and conn-go); default "mem conn sftp"
#   N, C       connections per connection benchmark, and how many at once
#              for the Go client (default 200, 4)
#   IDLE       idle sessions for the memory benchmark (default 200)
#   MB, RUNS   sftp file sizes in MiB, and transfers per direction, size
#              and server; the median is reported (default "256 1024", 3).
#              A transfer of 256 MiB lasts about a second on loopback, and
#              its figure depends much on the clients' start (the sftp
#              client's request ramp, the ssh client's buffers growing as
#              a fast server fills its 2 MiB window); 1 GiB shows the
#              steady rate better.
#   CIPHER     cipher forced on both servers' clients (default
#              aes128-gcm@openssh.com; chacha20-poly1305@openssh.com also
#              works on both)
#   KEX        key exchange forced likewise (default curve25519-sha256, which
#              both servers and both clients have); "default" leaves each
#              client its own preference
#   X84_BIN    an x84 binary to measure instead of building ./cmd/x84 (to
#              compare builds; x84-bench is always built from the tree)
#
# The last lines are a summary for scripts, between "BEGIN RESULTS" and
# "END RESULTS": "CONFIG key value" lines, then one line per figure,
#   RESULT name x84_value sshd_value unit
# with "-" where a side has no figure.
set -euo pipefail
N=${N:-200}
C=${C:-4}
MB=${MB:-256 1024}
RUNS=${RUNS:-3}
IDLE=${IDLE:-200}
PARTS=${PARTS:-mem conn sftp}
CIPHER=${CIPHER:-aes128-gcm@openssh.com}
KEX=${KEX:-curve25519-sha256}

[ "$(id -u)" = 0 ] || { echo "run as root: it starts sshd and adds a test user" >&2; exit 1; }
command -v /usr/sbin/sshd >/dev/null || { echo "needs openssh-server (apt-get install openssh-server)" >&2; exit 1; }
for p in $PARTS; do
	case $p in mem | conn | conn-ssh | conn-go | sftp) ;;
	*) echo "unknown part $p in PARTS (mem conn conn-ssh conn-go sftp)" >&2; exit 2 ;;
	esac
done
for v in N C RUNS IDLE; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "$v must be a positive number" >&2; exit 2; }
done
for v in $MB; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "MB must list positive numbers" >&2; exit 2; }
done
want() { # want PART...: whether any of the parts was asked for
	local p w
	for w in "$@"; do
		for p in $PARTS; do [ "$p" = "$w" ] && return 0; done
	done
	return 1
}

work=$(mktemp -d /tmp/x84-sshbench.XXXXXX)
pids=()
results=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
	rm -f "${home:-/nonexistent}/big.bin"
}
trap cleanup EXIT
result() { results+=("RESULT $1 $2 $3 $4"); } # name x84 sshd unit

if [ -n "${X84_BIN:-}" ]; then
	cp "$X84_BIN" "$work/x84"
else
	echo "building..." >&2
	go build -o "$work/x84" ./cmd/x84
fi
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

# listening PORT: whether something accepts connections on the port.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# OpenSSH's sshd with its own ed25519 host key, on a port found free: a
# random one nobody answers on, and if sshd cannot bind it after all (taken
# meanwhile), another. sshd runs in the foreground (-D), so that its death
# shows.
ssh-keygen -q -t ed25519 -N '' -f "$work/sshd_host"
mkdir -p /run/sshd
sshd_port= sshd_pid=
for _ in $(seq 20); do
	port=$((20000 + RANDOM % 40000))
	listening "$port" && continue
	cat > "$work/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/sshd_host
PidFile none
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
	/usr/sbin/sshd -D -f "$work/sshd_config" -E "$work/sshd.log" &
	pid=$!
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		listening "$port" && { sshd_port=$port sshd_pid=$pid; break; }
		sleep 0.1
	done
	[ -n "$sshd_pid" ] && break
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
done
[ -n "$sshd_pid" ] || { echo "sshd did not start:" >&2; cat "$work/sshd.log" >&2; exit 1; }
pids+=("$sshd_pid")

# x84 with the same key type, limits raised for the load, every listener
# on a port the kernel picks (0); the ssh one is read from the log.
mkdir -m 700 "$work/data"
cat > "$work/data/x84.toml" <<CONF
[server]
max_sessions = 10000
max_per_address = 10000
idle_timeout = "0"
[telnet]
port = 0
[ssh]
port = 0
[web]
enabled = false
[files]
max_upload_mib = 4096
quota_mib = 8192
[ban]
allow = ["127.0.0.1/32"]
[log]
level = "info"
CONF
"$work/x84" --data "$work/data" keys >/dev/null
echo bench-password-123 | "$work/x84" --data "$work/data" user add x84bench --password-stdin >/dev/null
"$work/x84" --data "$work/data" user key add x84bench "$work/id.pub" >/dev/null
"$work/x84" --data "$work/data" 2>"$work/x84.log" &
x84_pid=$!
pids+=("$x84_pid")
x84_port=
for _ in $(seq 300); do
	kill -0 "$x84_pid" 2>/dev/null || break
	if grep -q "x84 started" "$work/x84.log" 2>/dev/null; then
		x84_port=$(sed -n 's/.*msg=listening proto=ssh addr=[^ ]*:\([0-9]*\).*/\1/p' "$work/x84.log" | head -1)
		break
	fi
	sleep 0.1
done
[ -n "$x84_port" ] || { echo "x84 did not start:" >&2; cat "$work/x84.log" >&2; exit 1; }
echo "sshd on port $sshd_port, x84 on port $x84_port" >&2

sshopts=(-i "$work/id" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o LogLevel=ERROR -o HostKeyAlgorithms=ssh-ed25519 -o "Ciphers=$CIPHER")
# The Go client (x84-bench) takes the same algorithms from its environment.
export X84_BENCH_SSH_CIPHER=$CIPHER
if [ "$KEX" != default ]; then
	sshopts+=(-o "KexAlgorithms=$KEX")
	export X84_BENCH_SSH_KEX=$KEX
fi

# What each server negotiates with OpenSSH's client: the same on both, or
# the figures compare different things.
negotiated() { # port
	# -v after sshopts: ssh keeps the first LogLevel it is given (ERROR),
	# but -v sets the level itself.
	ssh "${sshopts[@]}" -v -p "$1" x84bench@127.0.0.1 true 2>&1 </dev/null |
		sed -n 's/.*kex: server->client cipher: \([^ ]*\).*/\1/p' | head -1 || true
}
cipher_sshd=$(negotiated "$sshd_port")
cipher_x84=$(negotiated "$x84_port")
echo "negotiated cipher: sshd $cipher_sshd, x84 $cipher_x84 (key exchange $KEX)"
[ "$cipher_sshd" = "$CIPHER" ] && [ "$cipher_x84" = "$CIPHER" ] ||
	{ echo "the servers did not both negotiate $CIPHER" >&2; exit 1; }

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

if want mem; then
	echo
	echo "== memory per idle interactive session ($IDLE sessions with a pty)"
	tree_pids() { pstree -pT "$1" | grep -o '([0-9]*)' | tr -d '()'; }
	tree_mem() { # sum of RSS and of PSS (KiB) of a process and its descendants
		local rss=0 pss=0 p
		for p in $(tree_pids "$1"); do
			rss=$((rss + $(awk '/^VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)))
			pss=$((pss + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
		done
		echo "$rss $pss"
	}
	stat_of() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$2"; }
	x84_stats() { curl -s --unix-socket "$work/data/x84.sock" 'http://x84/v1/stats?gc=1'; }
	# settle PID: lets the server's memory settle. x84 keeps memory it
	# freed (the start-up's password hashing, the handshakes' garbage)
	# until a few collections have run, and sessions reuse it without
	# growing the RSS: so it is made to collect, once a second, until its
	# RSS holds still (at least 3 and at most 10 times). sshd gets the
	# same wait.
	settle() {
		local i prev=0 cur
		for i in $(seq 10); do
			[ "$1" = "$x84_pid" ] && x84_stats >/dev/null
			sleep 1
			read -r cur _ < <(tree_mem "$1")
			[ "$i" -ge 3 ] && [ $((cur - prev)) -lt 128 ] && [ $((prev - cur)) -lt 128 ] && break
			prev=$cur
		done
	}
	per() { awk -v a="$2" -v b="$1" -v n="$IDLE" 'BEGIN { printf "%.1f", (a - b) / n }'; }
	for target in sshd x84; do
		port=$sshd_port pid=$sshd_pid
		[ "$target" = x84 ] && { port=$x84_port pid=$x84_pid; }
		settle "$pid"
		[ "$target" = x84 ] && stats0=$(x84_stats)
		read -r rss0 pss0 < <(tree_mem "$pid")
		"$work/x84-bench" sshidle -addr "127.0.0.1:$port" -user x84bench -key "$work/id" -n "$IDLE" -c 20 > "$work/idle.out" &
		holder=$!
		for _ in $(seq 600); do grep -q ready "$work/idle.out" 2>/dev/null && break; sleep 0.1; done
		grep -q ready "$work/idle.out" || { echo "$target: the idle sessions did not all open" >&2; exit 1; }
		sleep 2
		# Right after the sessions opened (as the figures before
		# 2026-12 were taken, but from a settled start), then settled.
		read -r rss1 pss1 < <(tree_mem "$pid")
		settle "$pid"
		read -r rss2 pss2 < <(tree_mem "$pid")
		# x84's own view: Go heap and stacks after a collection.
		[ "$target" = x84 ] && stats1=$(x84_stats)
		kill -INT "$holder"; wait "$holder" 2>/dev/null || true
		eval "rss_$target=$(per "$rss0" "$rss1") pss_$target=$(per "$pss0" "$pss1")"
		eval "rss2_$target=$(per "$rss0" "$rss2") pss2_$target=$(per "$pss0" "$pss2")"
		echo "$target: RSS $(per "$rss0" "$rss1") KiB, PSS $(per "$pss0" "$pss1") KiB per session 2 s after they opened" \
			"(process tree RSS $rss0 -> $rss1 KiB, PSS $pss0 -> $pss1 KiB)"
		echo "$target: RSS $(per "$rss0" "$rss2") KiB, PSS $(per "$pss0" "$pss2") KiB per session settled" \
			"(RSS -> $rss2 KiB, PSS -> $pss2 KiB)"
		if [ "$target" = x84 ]; then
			echo "x84 after a GC, as it reports itself: before $stats0"
			echo "                                      with the sessions $stats1"
			for k in goroutines heap_inuse stack_inuse; do
				d=$(awk -v a="$(stat_of "$k" "$stats1")" -v b="$(stat_of "$k" "$stats0")" -v n="$IDLE" -v k="$k" \
					'BEGIN { v = (a - b) / n; if (k != "goroutines") v /= 1024; printf "%.1f", v }')
				eval "x84_$k=$d"
			done
			echo "x84 per session: $x84_goroutines goroutines, heap $x84_heap_inuse KiB, stacks $x84_stack_inuse KiB"
		fi
		sleep 2
	done
	echo "x84/sshd: RSS $(ratio "$rss_x84" "$rss_sshd"), PSS $(ratio "$pss_x84" "$pss_sshd")"
	result mem_rss_per_session "$rss_x84" "$rss_sshd" KiB
	result mem_pss_per_session "$pss_x84" "$pss_sshd" KiB
	result mem_rss_per_session_settled "$rss2_x84" "$rss2_sshd" KiB
	result mem_pss_per_session_settled "$pss2_x84" "$pss2_sshd" KiB
	result goroutines_per_session "$x84_goroutines" - count
	result go_heap_per_session "$x84_heap_inuse" - KiB
	result go_stack_per_session "$x84_stack_inuse" - KiB
fi

if want conn conn-ssh; then
	echo
	echo "== connections/s with OpenSSH's ssh client ($N sequential: login, exec true, close)"
	for target in sshd x84; do
		port=$sshd_port; [ "$target" = x84 ] && port=$x84_port
		start=$(date +%s.%N)
		failed=0
		for _ in $(seq "$N"); do
			# sshd runs true (status 0); x84 refuses exec with status 1.
			# Anything else (255) is a failed connection: counted and
			# reported.
			rc=0; ssh "${sshopts[@]}" -p "$port" x84bench@127.0.0.1 true >/dev/null 2>&1 </dev/null || rc=$?
			[ "$rc" -le 1 ] || failed=$((failed + 1))
		done
		end=$(date +%s.%N)
		secs=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
		eval "ssh_$target=$(rate "$N" "$secs") sshfail_$target=$failed"
		echo "$target: $(rate "$N" "$secs") conn/s; failed $failed of $N"
	done
	echo "x84/sshd: $(ratio "$ssh_x84" "$ssh_sshd")"
	result conn_openssh_client "$ssh_x84" "$ssh_sshd" conn/s
	result conn_openssh_client_failed "$sshfail_x84" "$sshfail_sshd" count
fi

if want conn conn-go; then
	echo
	echo "== connections/s with an in-process Go client ($N, $C at once)"
	for target in sshd x84; do
		port=$sshd_port; [ "$target" = x84 ] && port=$x84_port
		# Failed connections are counted in the line ("failed N"), not fatal.
		out=$("$work/x84-bench" sshconn -addr "127.0.0.1:$port" -user x84bench -key "$work/id" -n "$N" -c "$C")
		echo "$target: $out"
		eval "go_$target=$(echo "$out" | sed -n 's/.*: \([0-9.]*\) conn\/s.*/\1/p')"
		eval "gofail_$target=$(echo "$out" | sed -n 's/.*; failed \([0-9]*\).*/\1/p')"
	done
	echo "x84/sshd: $(ratio "$go_x84" "$go_sshd")"
	result conn_go_client "$go_x84" "$go_sshd" conn/s
	result conn_go_client_failed "$gofail_x84" "$gofail_sshd" count
fi

if want sftp; then
	# The transfer alone is timed, by the sftp client itself between the
	# commands of its batch (the login, slower with sshd, is not).
	sftp_run() { # port what remote local: runs one put or get, prints MiB/s
		local port=$1 what=$2 remote=$3 local=$4 cmd
		if [ "$what" = put ]; then cmd="put $local $remote"; else cmd="get $remote $local"; fi
		printf '!date +%%s.%%N > %s\n%s\n!date +%%s.%%N > %s\n' "$work/t0" "$cmd" "$work/t1" > "$work/batch"
		sftp -q "${sshopts[@]}" -P "$port" -b "$work/batch" x84bench@127.0.0.1 >/dev/null ||
			{ echo "sftp $what on port $port failed" >&2; return 1; }
		awk -v mb="$mb" -v a="$(cat "$work/t0")" -v b="$(cat "$work/t1")" 'BEGIN { printf "%.0f\n", mb / (b - a) }'
	}
	sftp_time() { # port remote-path: prints up and down MiB/s
		local up down
		up=$(sftp_run "$1" put "$2" "$work/big.bin") || return 1
		down=$(sftp_run "$1" get "$2" "$work/back.bin") || return 1
		cmp -s "$work/big.bin" "$work/back.bin" || { echo "downloaded file differs" >&2; return 1; }
		rm -f "$work/back.bin"
		echo "$up $down"
	}
	for mb in $MB; do
		echo
		echo "== sftp of a $mb MiB file (OpenSSH's sftp client, $RUNS runs each, median)"
		head -c "${mb}M" /dev/urandom > "$work/big.bin"
		ups_sshd=() downs_sshd=() ups_x84=() downs_x84=()
		for run in $(seq "$RUNS"); do
			# Alternate, so that a burst of load elsewhere hits both sides.
			read -r u d < <(sftp_time "$sshd_port" big.bin) || exit 1
			rm -f "$home/big.bin"
			ups_sshd+=("$u") downs_sshd+=("$d")
			# Uploads over an upload of one's own replace it.
			read -r u d < <(sftp_time "$x84_port" uploads/big.bin) || exit 1
			ups_x84+=("$u") downs_x84+=("$d")
			echo "run $run: sshd+sftp-server up ${ups_sshd[-1]} down ${downs_sshd[-1]} MiB/s; x84 up $u down $d MiB/s"
		done
		up_sshd=$(median "${ups_sshd[@]}") down_sshd=$(median "${downs_sshd[@]}")
		up_x84=$(median "${ups_x84[@]}") down_x84=$(median "${downs_x84[@]}")
		echo "sshd+sftp-server: upload $up_sshd MiB/s, download $down_sshd MiB/s (median)"
		echo "x84:              upload $up_x84 MiB/s, download $down_x84 MiB/s (median)"
		echo "x84/sshd: upload $(ratio "$up_x84" "$up_sshd"), download $(ratio "$down_x84" "$down_sshd")"
		result "sftp_upload_${mb}MiB" "$up_x84" "$up_sshd" MiB/s
		result "sftp_download_${mb}MiB" "$down_x84" "$down_sshd" MiB/s
	done
	rm -f "$work/big.bin"
fi

echo
echo "BEGIN RESULTS"
echo "CONFIG cipher $CIPHER"
echo "CONFIG kex $KEX"
echo "CONFIG parts ${PARTS// /,}"
echo "CONFIG idle_sessions $IDLE"
echo "CONFIG connections $N"
echo "CONFIG go_concurrency $C"
echo "CONFIG sftp_mib ${MB// /,}"
echo "CONFIG sftp_runs $RUNS"
for r in "${results[@]}"; do echo "$r"; done
echo "END RESULTS"
