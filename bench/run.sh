#!/usr/bin/env bash
# One command for every figure. Builds x84 and x84-bench once, runs every
# benchmark against x84, and against its peers where one is installed:
#   OpenSSH's sshd and sftp-server  (bench/ssh-vs-openssh.sh)
#   Debian's inetutils-telnetd      (x84-bench telnetpeer: the time to a
#                                    login prompt, with x84-bench's telnet
#                                    client and with Debian's telnet)
# and writes, in OUT:
#   results.md   a table: figure | x84 | peer | x84/peer | command
#   chart.svg    chat fan-out latency and memory per idle telnet session
#                against the number of callers
#   series.tsv   the chart's figures
#   raw/         every run's whole output (NAME.out, NAME.err)
#   commands.tsv the runs: name, exit status, seconds, command
#
# Run it as root (sshd, telnetd and a test user need it) from anywhere in
# the repository: bench/run.sh. Every load loop is bounded in count and
# time (each run also by LIMIT), on loopback only, with the clients in
# another process than the server; every server listens on a port picked
# at run time.
#
# Knobs (environment):
#   OUT     where the results go (default /tmp/x84-bench-results-DATE,
#           outside the repository); it must not hold results already
#   QUICK=1 a fast smoke run with small sizes
#   SOAK=1  also the soak: 10 minutes of churn at 2,000 sessions
#           (SOAK_N, SOAK_D change that), its table goes in results.md
#   SIZES   callers for the chat and idle runs (default 1000 2000 5000
#           10000; QUICK: 100 200)
#   LIMIT   time limit of each run, as for timeout(1) (default 30m)
set -euo pipefail

cd "$(dirname "$0")/.."
[ -f go.mod ] && grep -q '^module github.com/x84bbs/x84$' go.mod || { echo "run.sh: not in the x84 repository" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run.sh: run as root: the peers' benchmarks start sshd and telnetd and add a test user" >&2; exit 1; }

QUICK=${QUICK:-0}
SOAK=${SOAK:-0}
LIMIT=${LIMIT:-30m}
if [ "$QUICK" = 1 ]; then
	SIZES=${SIZES:-100 200}
	WEB_N=${WEB_N:-200}
	CONNECT_N=${CONNECT_N:-200}
	LOGIN_N=${LOGIN_N:-100} LOGIN_C=${LOGIN_C:-10}
	PEER_N=${PEER_N:-20}
	SSH_ENV=(N=20 C=4 IDLE=20 MB=16 RUNS=1)
	BENCHTIME=${BENCHTIME:-200ms}
	SOAK_N=${SOAK_N:-200} SOAK_D=${SOAK_D:-1m}
else
	SIZES=${SIZES:-1000 2000 5000 10000}
	WEB_N=${WEB_N:-2000}
	CONNECT_N=${CONNECT_N:-1000}
	LOGIN_N=${LOGIN_N:-500} LOGIN_C=${LOGIN_C:-50}
	PEER_N=${PEER_N:-200}
	SSH_ENV=() # the script's own defaults
	BENCHTIME=${BENCHTIME:-1s}
	SOAK_N=${SOAK_N:-2000} SOAK_D=${SOAK_D:-10m}
fi
for v in $SIZES $WEB_N $CONNECT_N $LOGIN_N $LOGIN_C $PEER_N $SOAK_N; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: sizes must be positive numbers, not $v" >&2; exit 2; }
done

OUT=${OUT:-/tmp/x84-bench-results-$(date +%Y%m%d-%H%M%S)}
[ -e "$OUT/commands.tsv" ] && { echo "run.sh: $OUT holds results already; pick another OUT" >&2; exit 1; }
mkdir -p "$OUT/raw"
OUT=$(cd "$OUT" && pwd)

# Everything temporary (binaries, the servers' data directories) lives
# in a directory of this run's own, removed at the end.
work=$(mktemp -d /tmp/x84-benchrun.XXXXXX)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work

echo "building into $work..." >&2
go build -o "$work/x84" ./cmd/x84
go build -o "$work/x84-bench" ./cmd/x84-bench
bench=$work/x84-bench
x84=$work/x84

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	dirty=
	[ -n "$(git --no-optional-locks status --porcelain 2>/dev/null)" ] && dirty=" (with uncommitted changes)"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$dirty"
	echo "machine: $(nproc) CPUs, $(uname -sr), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory, open files $(ulimit -n)"
	echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "$(go version)"
	echo "run: QUICK=$QUICK, callers $SIZES; binaries from go build ./cmd/x84 ./cmd/x84-bench"
} > "$OUT/meta.txt"

# run NAME COMMAND...: runs one benchmark, bounded by LIMIT, its output in
# raw/NAME.out and raw/NAME.err, and notes it in commands.tsv. A failed
# run is noted and the others go on.
run() {
	local name=$1
	shift
	local shown="$*"
	shown=${shown//$work\//}
	echo "== $name: $shown" >&2
	local t0 rc=0
	t0=$(date +%s)
	timeout --kill-after=30s "$LIMIT" "$@" > "$OUT/raw/$name.out" 2> "$OUT/raw/$name.err" < /dev/null || rc=$?
	printf '%s\t%d\t%d\t%s\n' "$name" "$rc" $(($(date +%s) - t0)) "$shown" >> "$OUT/commands.tsv"
	if [ "$rc" != 0 ]; then
		echo "   failed (exit $rc): $(tail -n 1 "$OUT/raw/$name.err")" >&2
	else
		grep -v '^RESULT\|^CONFIG\|^BEGIN\|^END\|^\s*$' "$OUT/raw/$name.out" | tail -n 2 | sed 's/^/   /' >&2 || true
	fi
}

run decode go test -run XXX -bench Decode -benchmem -benchtime "$BENCHTIME" ./telnet/
run connect "$bench" -x84 "$x84" connect -n "$CONNECT_N"
run login "$bench" -x84 "$x84" login -n "$LOGIN_N" -c "$LOGIN_C"
run telnetpeer "$bench" -x84 "$x84" telnetpeer -n "$PEER_N"
for n in $SIZES; do
	run "idle-$n" "$bench" -x84 "$x84" idle -n "$n"
done
for n in $SIZES; do
	run "chat-$n" "$bench" -x84 "$x84" chat -n "$n"
done
run web "$bench" -x84 "$x84" web -n "$WEB_N"
run ssh env "${SSH_ENV[@]}" bench/ssh-vs-openssh.sh
if [ "$SOAK" = 1 ]; then
	LIMIT=${SOAK_LIMIT:-3h} run soak "$bench" -x84 "$x84" soak -n "$SOAK_N" -d "$SOAK_D"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/meta.txt"

"$bench" report -dir "$OUT"
echo "results: $OUT/results.md, chart: $OUT/chart.svg" >&2
