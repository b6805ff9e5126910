#!/usr/bin/env bash
# The Parley benchmark: Parley (durable, real SDK crypto) against its floor (a bare Qt TLS WebSocket relay) and
# ejabberd (XMPP over WebSocket over TLS), on this machine, in one run. Prints a table and writes results.csv,
# raw.txt and chart.png into bench/results/<date>/. See docs/performance.md for the method.
#
#   bench/run.sh [--build DIR] [--runs N] [--no-peer] [--drain N] [--idle N] [--out DIR]
#
#   --build DIR   build directory (default: build-bench; configured Release and built when a program is missing)
#   --runs N      runs per figure (default 3; min/median/max are reported)
#   --no-peer     skip ejabberd
#   --drain N     messages per offline-drain run (default 200000; the queue holds N * runs)
#   --idle N      idle authenticated connections for the memory figure (default 5000)
#   --out DIR     results folder (default bench/results/<UTC date and time>)
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
OUT=
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$(realpath -m "$2"); shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --no-peer) PEER=0; shift ;;
    --drain) DRAIN=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --out) OUT=$(realpath -m "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
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
PROCS=2

# --- programs ---
LOADGEN=$BUILD/bench/parley-loadgen
FLOOR=$BUILD/bench/parley-bench-floor
PARLEYD=$BUILD/server/daemon/parleyd
FANOUT=$BUILD/bench/bench_room_fanout
if [ ! -x "$LOADGEN" ] || [ ! -x "$FLOOR" ] || [ ! -x "$PARLEYD" ]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_BUILD_TESTS=OFF -DPARLEY_BUILD_ADMIN_GUI=OFF
    cmake --build "$BUILD" --target parleyd parley-loadgen parley-bench-floor -j2
fi
if [ ! -x "$FANOUT" ]; then
    cmake --build "$BUILD" --target bench_room_fanout -j2 >/dev/null 2>&1 || echo "run.sh: bench_room_fanout did not build; room fan-out not measured" >&2
fi
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

log() { echo "[$(date -u +%T)] $*" >&2; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# One loadgen run; appends "LABEL RESULT..." to raw.txt and prints the result line.
measure() {
    local label=$1; shift
    local line
    line=$("$LOADGEN" run "$@" --procs "$PROCS" 2> "$WORK/loadgen.err" | grep '^RESULT' || true)
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
CONF
    "$PARLEYD" --config "$WORK/parleyd-$2.conf" > "$WORK/parleyd-$2.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q '^listen' "$WORK/parleyd-$2.log" && return 0; sleep 0.1; done
    cat "$WORK/parleyd-$2.log" >&2; return 1
}
stop_server() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi
}
start_floor() {
    "$FLOOR" 0 > "$WORK/floor.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q '^listen' "$WORK/floor.log" && break; sleep 0.1; done
    FLOOR_PORT=$(awk '/^listen/{print $2}' "$WORK/floor.log")
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
    half=$(( ${peak:-2} / 2 ))
    n=$(( half * 4 / (PAIRS_CONN / 2) ))      # about 4 s per run
    [ "$n" -lt 4 ] && n=4
    for i in $(seq "$RUNS"); do
        log "$sys: $half msgs/s (half of peak $peak), run $i"
        measure "$sys.halfpeak" --mode "$sys" --task traffic --url "$url" --connections $PAIRS_CONN --messages "$n" --rate "$half" --server-pid "$pid" "$@" >/dev/null
    done
}

# === Parley ===
log "parley: provisioning $IDLE devices"
mkdir -m 700 "$WORK/parley"
"$LOADGEN" provision --db "$WORK/parley/parleyd.sqlite" --identities "$WORK/ids.txt" --users "$IDLE" 2>/dev/null
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
    stop_server; start_parleyd "$WORK/parley" $PARLEY_PORT; sleep 1
    log "parley: $IDLE idle authenticated connections, run $i"
    measure parley.idle --mode parley --task idle --url "$URL" --identities "$WORK/ids.txt" --connections "$IDLE" --server-pid "$SERVER_PID" >/dev/null
done
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
for i in $(seq "$RUNS"); do
    stop_server; start_floor; sleep 1
    log "floor: $IDLE idle connections, run $i"
    measure floor.idle --mode floor --task idle --url "wss://127.0.0.1:$FLOOR_PORT/" --connections "$IDLE" --server-pid "$SERVER_PID" >/dev/null
done
stop_server

# === ejabberd ===
if [ "$PEER" = 1 ]; then
    EJ_PORT=25443
    EJ_DIR=$WORK/ejabberd
    mkdir -p "$EJ_DIR"
    log "ejabberd: starting and registering $IDLE users"
    "$ROOT/bench/ejabberd.sh" start "$EJ_DIR" $EJ_PORT >/dev/null
    "$ROOT/bench/ejabberd.sh" register "$EJ_DIR" $EJ_PORT "$IDLE" >/dev/null
    EJ_PID=$("$ROOT/bench/ejabberd.sh" pid "$EJ_DIR")
    EJ_URL=wss://127.0.0.1:$EJ_PORT/ws
    traffic xmpp "$EJ_URL" "$EJ_PID" $XMPP_MSGS --payload "${PAYLOAD:-700}"
    for i in $(seq "$RUNS"); do
        log "ejabberd: new TLS+login sessions, run $i"
        measure xmpp.sessions --mode xmpp --task sessions --url "$EJ_URL" --connections $SESSIONS_CONC --seconds $SESSIONS_SECONDS --server-pid "$EJ_PID" >/dev/null
    done
    for i in $(seq "$RUNS"); do
        "$ROOT/bench/ejabberd.sh" stop "$EJ_DIR"
        "$ROOT/bench/ejabberd.sh" start "$EJ_DIR" $EJ_PORT >/dev/null
        EJ_PID=$("$ROOT/bench/ejabberd.sh" pid "$EJ_DIR")
        sleep 2
        log "ejabberd: $IDLE idle authenticated connections, run $i"
        measure xmpp.idle --mode xmpp --task idle --url "$EJ_URL" --connections "$IDLE" --server-pid "$EJ_PID" >/dev/null
    done
    "$ROOT/bench/ejabberd.sh" stop "$EJ_DIR"
    EJ_DIR=
fi

# === room fan-out (the rooms benchmark, when it is built) ===
if [ -x "$FANOUT" ]; then
    log "rooms: 1,000-member fan-out, $RUNS runs"
    "$FANOUT" --members 999 --runs "$RUNS" 2>&1 | grep -v '^[0-9][0-9T:.-]* parley\.' > "$OUT/fanout.txt" \
        || log "rooms: bench_room_fanout failed"
fi

# === table, CSV, chart ===
"$ROOT/bench/report.sh" "$RAW" "$OUT" "${PAYLOAD:-700}"
