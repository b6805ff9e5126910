#!/usr/bin/env bash
# The Parley benchmark: Parley (durable, real SDK crypto) against its floor (a bare Qt TLS WebSocket relay) and
# ejabberd (XMPP over WebSocket over TLS), on this machine, in one run. Prints a table and writes results.csv,
# raw.txt and chart.png into bench/results/<date>/. See docs/performance.md for the method.
#
#   bench/run.sh [--build DIR] [--runs N] [--no-peer] [--drain N] [--idle N] [--idle-large N] [--scale LIST]
#                [--out DIR] [--server-cpus LIST] [--load-cpus LIST]
#
#   --build DIR   build directory (default: build-bench; configured Release when new, always brought up to date)
#   --runs N      runs per figure (default 3; min/median/max are reported)
#   --no-peer     skip ejabberd
#   --drain N     messages per offline-drain run (default 200000; the queue holds N * runs)
#   --idle N      idle authenticated connections for the memory figure (default 5000)
#   --idle-large N  the second, larger idle figure (default 20000; 0 skips it)
#   --scale LIST  connection counts for CPU per message against connections (default "100 1000 10000")
#   --out DIR     results folder (default bench/results/<UTC date and time>)
#   --server-cpus LIST, --load-cpus LIST
#                 taskset CPU lists for the server under test and for the load generator (default 0 and 1 on a
#                 machine with two or more CPUs, so neither steals the other's core; "" leaves a side unpinned)
set -eEuo pipefail
# Every step that fails says so (set -e alone would end the run without a word).
failed() { echo "run.sh: \"$2\" failed with status $1 (line $3); nothing more is measured" >&2; }
trap 'failed $? "$BASH_COMMAND" $LINENO' ERR

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-bench
RUNS=3
PEER=1
DRAIN=200000
IDLE=5000
IDLE_LARGE=20000
SCALE_CONNS="100 1000 10000"
OUT=
if [ "$(nproc)" -ge 2 ]; then SERVER_CPUS=0; LOAD_CPUS=1; else SERVER_CPUS=; LOAD_CPUS=; fi
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$(realpath -m "$2"); shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --no-peer) PEER=0; shift ;;
    --drain) DRAIN=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --idle-large) IDLE_LARGE=$2; shift 2 ;;
    --scale) SCALE_CONNS=$2; shift 2 ;;
    --server-cpus) SERVER_CPUS=$2; shift 2 ;;
    --load-cpus) LOAD_CPUS=$2; shift 2 ;;
    --out) OUT=$(realpath -m "$2"); shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
log() { echo "[$(date -u +%T)] $*" >&2; }
OUT=${OUT:-$ROOT/bench/results/$(date -u +%Y-%m-%dT%H%M)}
mkdir -p "$OUT"
RAW=$OUT/raw.txt
: > "$RAW"

PAIRS_CONN=1000         # 500 pairs
PARLEY_MSGS=20          # per sender and run: 10,000 messages
FLOOR_MSGS=200          # 100,000 messages
XMPP_MSGS=50            # 25,000 messages
SESSIONS_CONC=64
SESSIONS_SECONDS=5
SCALE_TOTAL=10000       # messages per scale run
PACED_P99_MS=20         # the latency bound of a sustained paced rate (the saturation search; see docs/performance.md)

# Pinning: the server under test and the load generator each get their own CPUs (taskset), and the load
# generator runs one worker process per CPU it was given.
PIN_SERVER=(); PIN_LOAD=()
[ -n "$SERVER_CPUS" ] && PIN_SERVER=(taskset -c "$SERVER_CPUS")
[ -n "$LOAD_CPUS" ] && PIN_LOAD=(taskset -c "$LOAD_CPUS")
PROCS=$("${PIN_LOAD[@]}" nproc)
export BENCH_SERVER_CPUS=$SERVER_CPUS
# Every side may hold 20,000+ connections. Where the descriptor limit cannot be raised that far (a container's hard
# limit), the large idle figure takes what fits, and the report names the number.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)
if [ "$FD_LIMIT" != unlimited ] && [ "$IDLE_LARGE" -gt $((FD_LIMIT - 500)) ]; then
    log "the descriptor limit is $FD_LIMIT: the large idle figure uses $((FD_LIMIT - 500)) connections, not $IDLE_LARGE"
    IDLE_LARGE=$((FD_LIMIT - 500))
fi
# Load generator processes for N connections: one per CPU it has, and enough that none holds more than the limit.
procs_for() {
    local p=$PROCS
    [ "$FD_LIMIT" != unlimited ] && [ $(( $1 / p )) -gt $((FD_LIMIT - 500)) ] && p=$(( $1 / (FD_LIMIT - 500) + 1 ))
    echo "$p"
}

# --- programs ---
LOADGEN=$BUILD/bench/parley-loadgen
FLOOR=$BUILD/bench/parley-bench-floor
PARLEYD=$BUILD/server/daemon/parleyd
FANOUT=$BUILD/bench/bench_room_fanout
# Always built (a no-op when current), so the figures are those of the checked-out source.
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_BUILD_TESTS=OFF -DPARLEY_BUILD_ADMIN_GUI=OFF
fi
cmake --build "$BUILD" --target parleyd parley-loadgen parley-bench-floor -j2
cmake --build "$BUILD" --target bench_room_fanout -j2 >/dev/null 2>&1 || echo "run.sh: bench_room_fanout did not build; room fan-out not measured" >&2
"$ROOT/scripts/deps.sh" bench
if [ "$PEER" = 1 ]; then
    "$ROOT/bench/ejabberd.sh" install
fi

WORK=$(mktemp -d /tmp/parley-bench.XXXXXX)
chmod 755 "$WORK"
SERVER_PID=
EJ_DIR=
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [ -n "$EJ_DIR" ]; then "$ROOT/bench/ejabberd.sh" stop "$EJ_DIR" || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# One loadgen run; appends "LABEL RESULT..." to raw.txt and prints the result line.
measure() {
    local label=$1; shift
    local line n=1 prev= a
    for a in "$@"; do [ "$prev" = --connections ] && n=$a; prev=$a; done
    set -- "$@" --procs "$(procs_for "$n")"
    line=$("${PIN_LOAD[@]}" "$LOADGEN" run "$@" 2> "$WORK/loadgen.err" | grep '^RESULT' || true)
    if [ -z "$line" ]; then
        log "$label: failed"; tail -5 "$WORK/loadgen.err" >&2
        line="RESULT failed=1"
    elif [ -s "$WORK/loadgen.err" ]; then
        tail -3 "$WORK/loadgen.err" | sed "s/^/  $label: /" >&2
    fi
    echo "$label $line" >> "$RAW"
    echo "$line"
}

# --- servers ---
PARLEY_PORT=28443
start_parleyd() {   # DATA_DIR PORT
    cat > "$WORK/parleyd-$2.conf" <<CONF
[server]
listen=127.0.0.1:$2
data_dir=$1
[admin]
listen=127.0.0.1:0
CONF
    "${PIN_SERVER[@]}" "$PARLEYD" --config "$WORK/parleyd-$2.conf" > "$WORK/parleyd-$2.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q '^listen' "$WORK/parleyd-$2.log" && return 0; sleep 0.1; done
    cat "$WORK/parleyd-$2.log" >&2; return 1
}
stop_server() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi
}
FLOOR_PORT=27443
start_floor() {
    "${PIN_SERVER[@]}" "$FLOOR" $FLOOR_PORT > "$WORK/floor.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q '^listen' "$WORK/floor.log" && return 0; sleep 0.1; done
    cat "$WORK/floor.log" >&2; return 1
}

# paced_peak SYSTEM URL PID UPPER [extra loadgen args]: the highest paced (open-loop) rate the system sustains with
# this load generator, found by bisection between 0 and UPPER (the pipelined peak). A rate is sustained when, over a
# 3 s run, the delivered rate is at least 97 % of the offered one and the p99 latency (from each message's due time)
# is at most PACED_P99_MS: a server (or a load generator) that cannot keep up builds a queue and fails one or the
# other. Throughput alone does not tell: at a high rate the pacer's batches let a saturated relay keep the rate
# while its queue holds messages for hundreds of milliseconds. Paced messages cost both sides more than
# pipelined ones (one TLS record and one write per message instead of batches), so half of the pipelined peak can
# already saturate a system; half of this rate is where latency is measured. Every probe goes into raw.txt as
# SYSTEM.search, the result as SYSTEM.pacedpeak.
paced_peak() {
    local sys=$1 url=$2 pid=$3 hi=$4 upper=$4; shift 4
    local lo=0 r n line got err p99 i
    r=$hi
    for i in 1 2 3 4 5 6 7; do
        n=$(( r * 3 / (PAIRS_CONN / 2) )); [ "$n" -lt 4 ] && n=4
        log "$sys: paced saturation search, probe $i at $r msgs/s"
        # A probe far above the peak may never finish (Parley answers `busy` once its write queue is full, and the
        # load generator does not send again): it fails after 30 s rather than the default 120.
        line=$(measure "$sys.search" --mode "$sys" --task traffic --url "$url" --connections $PAIRS_CONN --messages "$n" --rate "$r" --timeout 30 --server-pid "$pid" "$@")
        got=$(echo "$line" | field per_second); err=$(echo "$line" | field errors); p99=$(echo "$line" | field p99_ms)
        if [ -n "$got" ] && [ "${err:-1}" = 0 ] && [ $(( got * 100 )) -ge $(( r * 97 )) ] \
            && awk -v p="${p99:-1e9}" -v m="$PACED_P99_MS" 'BEGIN { exit !(p <= m) }'; then lo=$r; else hi=$r; fi
        [ $(( (hi - lo) * 20 )) -le "$hi" ] && break
        r=$(( (lo + hi) / 2 ))
    done
    [ "$lo" -gt 0 ] || lo=$r
    echo "$sys.pacedpeak RESULT per_second=$lo pipelined_peak=$upper" >> "$RAW"
    log "$sys: highest paced rate sustained: $lo msgs/s"
    echo "$lo"
}

# traffic SYSTEM URL PID MSGS [extra loadgen args]: free pipelining, window 10, half-peak latency; RUNS each.
traffic() {
    local sys=$1 url=$2 pid=$3 msgs=$4; shift 4
    local peak half n i
    for i in $(seq "$RUNS"); do
        log "$sys: free pipelining, run $i"
        measure "$sys.free" --mode "$sys" --task traffic --url "$url" --connections $PAIRS_CONN --messages "$msgs" --window 0 --server-pid "$pid" "$@" >/dev/null
    done
    for i in $(seq "$RUNS"); do
        log "$sys: window 10, run $i"
        measure "$sys.window10" --mode "$sys" --task traffic --url "$url" --connections $PAIRS_CONN --messages "$msgs" --window 10 --server-pid "$pid" "$@" >/dev/null
    done
    peak=$(grep "^$sys.free \|^$sys.window10 " "$RAW" | field per_second | sort -n | tail -1)
    paced=$(paced_peak "$sys" "$url" "$pid" "${peak:-2}" "$@")
    half=$(( paced / 2 ))
    n=$(( half * 4 / (PAIRS_CONN / 2) ))      # about 4 s per run
    [ "$n" -lt 4 ] && n=4
    for i in $(seq "$RUNS"); do
        log "$sys: $half msgs/s (half of the paced peak $paced; pipelined peak $peak), run $i"
        measure "$sys.halfpeak" --mode "$sys" --task traffic --url "$url" --connections $PAIRS_CONN --messages "$n" --rate "$half" --server-pid "$pid" "$@" >/dev/null
    done
}

# scale SYSTEM URL PID [extra loadgen args]: server CPU per message as the number of connections grows; every run
# carries SCALE_TOTAL messages over all its connections (free pipelining).
scale() {
    local sys=$1 url=$2 pid=$3; shift 3
    local n i
    for n in $SCALE_CONNS; do
        for i in $(seq "$RUNS"); do
            log "$sys: $n connections, $SCALE_TOTAL messages, run $i"
            measure "$sys.scale$n" --mode "$sys" --task traffic --url "$url" --connections "$n" \
                --messages $(( SCALE_TOTAL * 2 / n > 1 ? SCALE_TOTAL * 2 / n : 1 )) --window 0 --timeout 300 --server-pid "$pid" "$@" >/dev/null
        done
    done
}

# idle SYSTEM RESTART URL [extra loadgen args]: RSS per idle authenticated connection at IDLE and IDLE_LARGE, each
# on a freshly restarted server (RESTART is the command that does it and sets MEASURE_PID).
idle() {
    local sys=$1 restart=$2 url=$3; shift 3
    local n i label
    for n in "$IDLE" "$IDLE_LARGE"; do
        [ "$n" -gt 0 ] || continue
        label=$sys.idle; [ "$n" = "$IDLE_LARGE" ] && label=$sys.idle_large
        for i in $(seq "$RUNS"); do
            $restart
            log "$sys: $n idle authenticated connections, run $i"
            measure "$label" --mode "$sys" --task idle --url "$url" --connections "$n" --timeout 600 --server-pid "$MEASURE_PID" "$@" >/dev/null
        done
    done
}

# Users every system needs: the largest of the traffic, idle and scale figures.
USERS=$IDLE
for n in $IDLE_LARGE $SCALE_CONNS $PAIRS_CONN; do [ "$n" -gt "$USERS" ] && USERS=$n; done

# === Parley ===
log "parley: provisioning $USERS devices"
mkdir -m 700 "$WORK/parley"
"$LOADGEN" provision --db "$WORK/parley/parleyd.sqlite" --identities "$WORK/ids.txt" --users "$USERS" 2>/dev/null
chmod 600 "$WORK/parley/parleyd.sqlite"
start_parleyd "$WORK/parley" $PARLEY_PORT
URL=wss://127.0.0.1:$PARLEY_PORT/
PAYLOAD=$("$LOADGEN" frame-size --identities "$WORK/ids.txt" | field frame_bytes)
traffic parley "$URL" "$SERVER_PID" $PARLEY_MSGS --identities "$WORK/ids.txt"
for i in $(seq "$RUNS"); do
    log "parley: new TLS+login sessions, run $i"
    measure parley.sessions --mode parley --task sessions --url "$URL" --identities "$WORK/ids.txt" --connections $SESSIONS_CONC --seconds $SESSIONS_SECONDS --server-pid "$SERVER_PID" >/dev/null
done
for i in $(seq "$RUNS"); do
    log "parley: resumed sessions (TLS ticket + resumption credential), run $i"
    measure parley.resumed --mode parley --task resumed --url "$URL" --identities "$WORK/ids.txt" --connections $SESSIONS_CONC --seconds $SESSIONS_SECONDS --server-pid "$SERVER_PID" >/dev/null
done
scale parley "$URL" "$SERVER_PID" --identities "$WORK/ids.txt"
restart_parleyd() { stop_server; start_parleyd "$WORK/parley" $PARLEY_PORT; MEASURE_PID=$SERVER_PID; sleep 1; }
idle parley restart_parleyd "$URL" --identities "$WORK/ids.txt"
stop_server

# Each run stops after DRAIN messages while up to 1,000 more are already on their way (the server's window): the
# fill leaves that margin per run so that every run finds DRAIN messages waiting.
log "parley: filling one device's queue with $(((DRAIN + 1000) * RUNS)) messages"
mkdir -m 700 "$WORK/drain"
"$LOADGEN" provision --db "$WORK/drain/parleyd.sqlite" --identities "$WORK/drain-ids.txt" --users 2 --fill-queue $(((DRAIN + 1000) * RUNS)) 2>/dev/null
chmod 600 "$WORK/drain/parleyd.sqlite"
start_parleyd "$WORK/drain" $((PARLEY_PORT + 1))
for i in $(seq "$RUNS"); do
    log "parley: offline drain of $DRAIN, run $i"
    measure parley.drain --mode parley --task drain --url "wss://127.0.0.1:$((PARLEY_PORT + 1))/" --identities "$WORK/drain-ids.txt" --connections 1 --expected "$DRAIN" --timeout 300 --server-pid "$SERVER_PID" >/dev/null
done
stop_server
rm -rf "$WORK/drain"

# === floor ===
start_floor
traffic floor "wss://127.0.0.1:$FLOOR_PORT/" "$SERVER_PID" $FLOOR_MSGS --payload "${PAYLOAD:-700}"
scale floor "wss://127.0.0.1:$FLOOR_PORT/" "$SERVER_PID" --payload "${PAYLOAD:-700}"
restart_floor() { stop_server; start_floor; MEASURE_PID=$SERVER_PID; sleep 1; }
restart_floor
idle floor restart_floor "wss://127.0.0.1:$FLOOR_PORT/"
stop_server

# === ejabberd ===
if [ "$PEER" = 1 ]; then
    EJ_PORT=25443
    EJ_DIR=$WORK/ejabberd
    mkdir -p "$EJ_DIR"
    log "ejabberd: starting and registering $USERS users"
    "$ROOT/bench/ejabberd.sh" start "$EJ_DIR" $EJ_PORT >/dev/null
    "$ROOT/bench/ejabberd.sh" register "$EJ_DIR" $EJ_PORT "$USERS" >/dev/null
    EJ_PID=$("$ROOT/bench/ejabberd.sh" pid "$EJ_DIR")
    EJ_URL=wss://127.0.0.1:$EJ_PORT/ws
    traffic xmpp "$EJ_URL" "$EJ_PID" $XMPP_MSGS --payload "${PAYLOAD:-700}"
    scale xmpp "$EJ_URL" "$EJ_PID" --payload "${PAYLOAD:-700}"
    for i in $(seq "$RUNS"); do
        log "ejabberd: new TLS+login sessions, run $i"
        measure xmpp.sessions --mode xmpp --task sessions --url "$EJ_URL" --connections $SESSIONS_CONC --seconds $SESSIONS_SECONDS --server-pid "$EJ_PID" >/dev/null
    done
    restart_ejabberd() {
        "$ROOT/bench/ejabberd.sh" stop "$EJ_DIR"
        "$ROOT/bench/ejabberd.sh" start "$EJ_DIR" $EJ_PORT >/dev/null
        MEASURE_PID=$("$ROOT/bench/ejabberd.sh" pid "$EJ_DIR")
        sleep 2
    }
    idle xmpp restart_ejabberd "$EJ_URL"
    "$ROOT/bench/ejabberd.sh" stop "$EJ_DIR"
    EJ_DIR=
fi

# === room fan-out (the rooms benchmark, when it is built) ===
if [ -x "$FANOUT" ]; then
    log "rooms: 1,000-member fan-out, $RUNS runs"
    fanout_pin=(); [ -n "$SERVER_CPUS" ] && fanout_pin=(--server-cpus "$SERVER_CPUS")
    "${PIN_LOAD[@]}" "$FANOUT" --members 999 --runs "$RUNS" "${fanout_pin[@]}" 2>&1 | grep -v '^[0-9][0-9T:.-]* parley\.' > "$OUT/fanout.txt" \
        || log "rooms: bench_room_fanout failed"
fi

# === table, CSV, chart ===
"$ROOT/bench/report.sh" "$RAW" "$OUT" "${PAYLOAD:-700}"
