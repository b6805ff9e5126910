#!/usr/bin/env bash
# The scale-out benchmark: Parley on SQLite (one node, the embedded default) against Parley on PostgreSQL with one,
# two and three parleyd nodes on one database, on this machine, in one run. Prints a table and writes results.csv,
# table.md and raw.txt into bench/results/<UTC date and time>-cluster/. See docs/scale-out.md ("Several nodes, end to end").
#
#   bench/cluster.sh [--build DIR] [--users N] [--messages M] [--window W] [--rate R] [--runs N] [--nodes LIST]
#                    [--procs P] [--settle S] [--out DIR] [--report DIR]
#
#   --build DIR     build directory (default: build-ci; configured with the ci preset when new, and parleyd and
#                   parley-loadgen always brought up to date)
#   --users N       devices, one connection each: N/2 sender->receiver pairs (default 1000)
#   --messages M    messages per sender in a throughput run (default 20: 10,000 messages with 1,000 devices)
#   --window W      messages in flight per sender in a throughput run (default 10)
#   --rate R        the paced (open-loop) rate of the latency run, msgs/s, the same for every configuration
#                   (default 200; 0 skips the latency runs)
#   --runs N        runs per figure (default 1; min/median/max go into results.csv)
#   --nodes LIST    PostgreSQL node counts (default "1 2 3")
#   --procs P       load generator processes (default 1)
#   --settle S      seconds to wait before the first and after the last reading of PostgreSQL's xact_commit, which
#                   a backend publishes up to 10 s late (default 11; the figure then includes 2*S idle seconds)
#   --out DIR       results folder (default bench/results/<UTC date and time>-cluster)
#   --report DIR    measure nothing: the table and results.csv again from DIR/raw.txt (give the run's options too)
#
# Nothing is pinned: parleyd's nodes, PostgreSQL and the load generator share the machine's CPUs, as they would
# on one small host. Devices go to the nodes in turn (device i to node i mod n): with two or three nodes every pair's
# sender and receiver sit on different nodes, so every message crosses nodes.
set -eEuo pipefail

# --- the load generator's hook (parley-loadgen run --hook): counters at the start and the end of a timed part ---
# Environment: SNAP_FILE (written as SNAP_FILE.start / .end), SNAP_PIDS (parleyd), SNAP_PG (the postmaster's pid,
# or empty), SNAP_PGPORT, SNAP_METRICS (metrics ports), SNAP_SETTLE.
ticks() {   # "PID PID ..." -> utime + stime summed, in clock ticks
    local t=0 p pids
    read -ra pids <<< "$1"
    for p in "${pids[@]}"; do
        [ -r "/proc/$p/stat" ] || continue
        t=$(( t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }') ))
    done
    echo "$t"
}
pg_pids() { [ -n "$1" ] && echo "$1" $(pgrep -P "$1"); }   # the postmaster and its children, on one line
metric_sum() {   # NAME, the metrics of every port in SNAP_METRICS -> their sum
    local port
    for port in $SNAP_METRICS; do curl -s --max-time 5 "http://127.0.0.1:$port/metrics" || true; done \
        | awk -v n="$1" 'index($0, n) == 1 && (substr($0, length(n) + 1, 1) == " " || substr($0, length(n) + 1, 1) == "{") { s += $NF } END { printf "%.6f\n", s }'
}
xact() {
    [ -n "$SNAP_PG" ] || { echo 0; return; }
    psql -h 127.0.0.1 -p "$SNAP_PGPORT" -U postgres -d postgres -Atc "SELECT xact_commit FROM pg_stat_database WHERE datname = 'parley'"
}
counters() {
    echo "notifications=$(metric_sum parleyd_cluster_notifications_sent_total)"
    echo "doorbells=$(metric_sum parleyd_cluster_doorbells_received_total)"
    echo "commits=$(metric_sum parleyd_store_commit_duration_seconds_count)"
    echo "commit_seconds=$(metric_sum parleyd_store_commit_duration_seconds_sum)"
}
cpu_ticks() {   # the CPU readings: parleyd, PostgreSQL, the load generator (the hook's caller: sh -c, then it), machine
    local lg=$PPID
    [ "$(cat "/proc/$lg/comm")" = parley-loadgen ] || lg=$(sed 's/.*) //' "/proc/$PPID/stat" | awk '{ print $2 }')
    echo "parleyd_ticks=$(ticks "$SNAP_PIDS")"
    echo "pg_ticks=$(ticks "$(pg_pids "$SNAP_PG")")"
    echo "loadgen_ticks=$(ticks "$lg $(pgrep -P "$lg" | tr '\n' ' ')")"
    awk 'NR == 1 { for (i = 2; i <= 9; i++) { t += $i; if (i != 5 && i != 6) b += $i } print "machine_busy=" b; print "machine_total=" t }' /proc/stat
}
if [ "${1:-}" = --snapshot ]; then
    case "$2" in
    start)
        [ -n "$SNAP_PG" ] && sleep "$SNAP_SETTLE"
        { echo "xact=$(xact)"; counters; cpu_ticks; } > "$SNAP_FILE.start" ;;
    end)
        { cpu_ticks; counters
          [ -n "$SNAP_PG" ] && sleep "$SNAP_SETTLE"; echo "xact=$(xact)"; } > "$SNAP_FILE.end" ;;
    esac
    exit 0
fi

failed() { echo "cluster.sh: \"$2\" failed with status $1 (line $3); nothing more is measured" >&2; }
trap 'failed $? "$BASH_COMMAND" $LINENO' ERR

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SELF=$ROOT/bench/cluster.sh
BUILD=$ROOT/build-ci
USERS=1000
MESSAGES=20
WINDOW=10
RATE=200
RUNS=1
NODES="1 2 3"
PROCS=1
SETTLE=11
OUT=
REPORT_ONLY=
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$(realpath -m "$2"); shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --messages) MESSAGES=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --nodes) NODES=$2; shift 2 ;;
    --procs) PROCS=$2; shift 2 ;;
    --settle) SETTLE=$2; shift 2 ;;
    --out) OUT=$(realpath -m "$2"); shift 2 ;;
    --report) OUT=$(realpath -m "$2"); REPORT_ONLY=1; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "cluster.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ $(( USERS % 2 )) != 0 ] || [ "$USERS" -lt 2 ]; then echo "cluster.sh: --users must be even" >&2; exit 2; fi
for n in $NODES; do
    case "$n" in 1|2|3|4|5|6|7|8|9) ;; *) echo "cluster.sh: --nodes takes counts from 1 to 9" >&2; exit 2 ;; esac
done
log() { echo "[$(date -u +%T)] $*" >&2; }
OUT=${OUT:-$ROOT/bench/results/$(date -u +%Y-%m-%dT%H%M)-cluster}
mkdir -p "$OUT"
RAW=$OUT/raw.txt
[ -n "$REPORT_ONLY" ] || : > "$RAW"
PAIRS=$(( USERS / 2 ))
HZ=$(getconf CLK_TCK)
PGBIN=/usr/lib/postgresql/15/bin

# results.csv (min, median, max per figure and metric; the median of two runs is their mean) and the table.
report() {
    awk '{ label = $1; for (i = 3; i <= NF; i++) { split($i, kv, "="); print label, kv[1], kv[2] } }' "$RAW" \
        | sort -k1,1 -k2,2 -k3,3g \
        | awk '
            function flush() { if (n) printf "%s,%s,%d,%s,%s,%s\n", key1, key2, n, v[1], (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), v[n] }
            { k = $1 "," $2; if (k != cur) { flush(); cur = k; key1 = $1; key2 = $2; n = 0 } v[++n] = $3 }
            END { flush() }' \
        | { echo "figure,metric,runs,min,median,max"; cat; } > "$OUT/results.csv"
    med() { awk -F, -v l="$1" -v m="$2" '$1 == l && $2 == m { print $5; f = 1 } END { if (!f) print "–" }' "$OUT/results.csv"; }
    rng() {   # label metric -> "median (min–max)" with several runs, else the value
        awk -F, -v l="$1" -v m="$2" '$1 == l && $2 == m { f = 1; if ($3 > 1) printf "%s (%s–%s)\n", $5, $4, $6; else print $5 }
            END { if (!f) print "–" }' "$OUT/results.csv"
    }
    runs_of() {   # label -> "msgs/s (others' CPU %), ..." run by run
        awk -v l="$1" '$1 == l { r = o = "?"; for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "per_second") r = kv[2]; if (kv[1] == "others_cpu_pct") o = kv[2] }
            printf "%s%s (%s %%)", (n++ ? ", " : ""), r, o } END { print "" }' "$RAW"
    }
    SQLITE_RATE=$(med sqlite.window per_second)
    {
        echo "| configuration | msgs/s (window $WINDOW) | ÷ SQLite | parleyd CPU µs/msg | PostgreSQL CPU µs/msg | p50 / p99 ms (window $WINDOW) | p50 / p99 ms (paced $RATE/s) | group commits/s | msgs per commit | mean commit ms | xact_commit/s | NOTIFY/s | doorbells/s | load generator CPU µs/msg | others' CPU % |"
        echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
        for cfg in sqlite $(for n in $NODES; do echo "pg$n"; done); do
            case "$cfg" in sqlite) name="SQLite, 1 node" ;; pg1) name="PostgreSQL, 1 node" ;; *) name="PostgreSQL, ${cfg#pg} nodes" ;; esac
            r=$(med "$cfg.window" per_second)
            x=$(med "$cfg.window" xact_commit); s=$(med "$cfg.window" seconds)
            xs=$(awk -v x="$x" -v s="$s" -v st="$SETTLE" -v c="$cfg" 'BEGIN { if (c == "sqlite" || x == "–") print "–"; else printf "≤ %.0f", x / s }')
            pgcpu=$(med "$cfg.window" pg_cpu_us_per_msg); [ "$cfg" = sqlite ] && pgcpu="–"
            echo "| $name | $(rng "$cfg.window" per_second) | $(awk -v a="$r" -v b="$SQLITE_RATE" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2f×", a / b; else print "–" }') | $(med "$cfg.window" parleyd_cpu_us_per_msg) | $pgcpu | $(med "$cfg.window" p50_ms) / $(med "$cfg.window" p99_ms) | $(med "$cfg.paced" p50_ms) / $(med "$cfg.paced" p99_ms) | $(med "$cfg.window" commits_per_s) | $(med "$cfg.window" msgs_per_commit) | $(med "$cfg.window" mean_commit_ms) | $xs | $(med "$cfg.window" notifications_per_s) | $(med "$cfg.window" doorbells_per_s) | $(med "$cfg.window" loadgen_cpu_us_per_msg) | $(med "$cfg.window" others_cpu_pct) |"
        done
        echo
        echo "$USERS devices ($PAIRS pairs), $((PAIRS * MESSAGES)) messages per throughput run (window $WINDOW per sender), a paced run at $RATE msgs/s; $RUNS run(s) per figure (medians). Nothing pinned; $(nproc) CPUs; others' CPU %: the share of the machine's CPU time neither parleyd, PostgreSQL nor the load generator used during the throughput run. xact_commit/s: PostgreSQL's committed transactions of the database (writes, reads and heartbeats) over the run and ${SETTLE} s before and after it, divided by the run's length (an upper bound)."
        echo
        echo "Throughput runs one by one, msgs/s (others' CPU %):"
        echo
        for cfg in sqlite $(for n in $NODES; do echo "pg$n"; done); do echo "- $cfg: $(runs_of "$cfg.window")"; done
    } > "$OUT/table.md"
    cat "$OUT/table.md"
}
if [ -n "$REPORT_ONLY" ]; then report; exit 0; fi

# --- programs ---
LOADGEN=$BUILD/bench/parley-loadgen
PARLEYD=$BUILD/server/daemon/parleyd
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    (cd "$ROOT" && nice -n 10 cmake --preset ci -B "$BUILD" -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
nice -n 10 cmake --build "$BUILD" --target parleyd parley-loadgen -j2
for tool in "$PGBIN/initdb" "$PGBIN/pg_ctl" psql curl pgrep; do
    command -v "$tool" >/dev/null || { echo "cluster.sh: $tool not found (Debian: postgresql-15, curl, procps)" >&2; exit 1; }
done
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

WORK=$(mktemp -d /tmp/parley-cluster.XXXXXX)
chmod 755 "$WORK"
NODE_PIDS=()
PG_STARTED=0
# PostgreSQL refuses to run as root: then it runs as the package's user postgres (or nobody).
PGRUN=()
if [ "$(id -u)" = 0 ]; then
    if id postgres >/dev/null 2>&1; then PGRUN=(runuser -u postgres --); else PGRUN=(runuser -u nobody --); fi
fi
stop_nodes() {
    local p
    for p in "${NODE_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${NODE_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    NODE_PIDS=()
}
cleanup() {
    stop_nodes
    if [ "$PG_STARTED" = 1 ]; then "${PGRUN[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    local p
    while :; do
        p=$(( 20000 + RANDOM % 20000 ))
        ss -ltnH "sport = :$p" | grep -q . || { echo "$p"; return; }
    done
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
get() { sed -n "s/^$2=//p" "$1"; }   # FILE KEY

# --- PostgreSQL 15: a throw-away cluster on a free loopback port, trust authentication on loopback only ---
start_postgres() {
    PGPORT=$(free_port)
    mkdir -p "$WORK/pg/sock"
    [ ${#PGRUN[@]} -gt 0 ] && chown -R "${PGRUN[2]}" "$WORK/pg"
    "${PGRUN[@]}" "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust --no-locale -E UTF8 --no-sync >/dev/null
    "${PGRUN[@]}" tee -a "$WORK/pg/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$WORK/pg/sock'
max_connections = 200
log_min_messages = warning
CONF
    "${PGRUN[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 60 start >/dev/null
    PG_STARTED=1
    PG_PID=$(head -1 "$WORK/pg/data/postmaster.pid")
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -q -c "CREATE ROLE parley LOGIN" -c "CREATE DATABASE parley OWNER parley"
}

# --- parleyd nodes ---
# start_node NAME STORE_SECTION [TLS_SECTION]: sets NODE_URL, NODE_METRICS and appends to NODE_PIDS.
start_node() {
    local name=$1 store=$2 tls=${3:-} port
    port=$(free_port)
    mkdir -p "$WORK/$name"; chmod 700 "$WORK/$name"
    cat > "$WORK/$name.conf" <<CONF
[server]
listen=127.0.0.1:$port
data_dir=$WORK/$name

[admin]
listen=127.0.0.1:0

[metrics]
listen=127.0.0.1:0

[limits]
fetch_burst=1000
send_burst=1000
prekey_reserve=0

$store
$tls
CONF
    "$PARLEYD" --config "$WORK/$name.conf" > "$WORK/$name.log" 2>&1 &
    NODE_PIDS+=("$!")
    for _ in $(seq 200); do
        if grep -q '^listen' "$WORK/$name.log" && grep -q '^metrics http' "$WORK/$name.log"; then
            NODE_URL=wss://127.0.0.1:$port/
            NODE_METRICS=$(sed -n 's|^metrics http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/$name.log" | head -1)
            return 0
        fi
        kill -0 "${NODE_PIDS[-1]}" 2>/dev/null || break
        sleep 0.1
    done
    cat "$WORK/$name.log" >&2; return 1
}
pg_store() {
    printf '[store]\ndriver=postgresql\nhost=127.0.0.1\nport=%s\ndatabase=parley\nuser=parley\nnode_id=%s\n' "$PGPORT" "$1"
}

# measure LABEL IDS URLS [loadgen args]: one timed run with the counters read around it; one line into raw.txt.
measure() {
    local label=$1 ids=$2 urls=$3; shift 3
    local line snap=$WORK/snap d s e n
    line=$(SNAP_FILE=$snap SNAP_PIDS="${NODE_PIDS[*]}" SNAP_PG=${CUR_PG_PID:-} SNAP_PGPORT=${PGPORT:-} \
        SNAP_METRICS="$CUR_METRICS" SNAP_SETTLE=$SETTLE \
        "$LOADGEN" run --mode parley --task traffic --urls "$urls" --identities "$ids" --connections "$USERS" \
        --procs "$PROCS" --timeout 300 --hook "bash $SELF --snapshot" "$@" 2> "$WORK/loadgen.err" | grep '^RESULT' || true)
    if [ -z "$line" ] || [ ! -f "$snap.end" ]; then
        log "$label: failed"; tail -5 "$WORK/loadgen.err" >&2
        echo "$label RESULT failed=1" >> "$RAW"; rm -f "$snap.start" "$snap.end"; return 0
    fi
    [ -s "$WORK/loadgen.err" ] && tail -3 "$WORK/loadgen.err" | sed "s/^/  $label: /" >&2
    d=$(echo "$line" | field delivered); s=$(echo "$line" | field seconds)
    diff_of() { awk -v a="$(get "$snap.start" "$1")" -v b="$(get "$snap.end" "$1")" 'BEGIN { print b - a }'; }
    e=" parleyd_cpu_us_per_msg=$(awk -v t="$(diff_of parleyd_ticks)" -v d="$d" -v hz="$HZ" 'BEGIN { printf "%.1f", (d ? t * 1e6 / hz / d : 0) }')"
    e+=" pg_cpu_us_per_msg=$(awk -v t="$(diff_of pg_ticks)" -v d="$d" -v hz="$HZ" 'BEGIN { printf "%.1f", (d ? t * 1e6 / hz / d : 0) }')"
    e+=" loadgen_cpu_us_per_msg=$(awk -v t="$(diff_of loadgen_ticks)" -v d="$d" -v hz="$HZ" 'BEGIN { printf "%.1f", (d ? t * 1e6 / hz / d : 0) }')"
    e+=" others_cpu_pct=$(awk -v b="$(diff_of machine_busy)" -v t="$(diff_of machine_total)" -v p="$(diff_of parleyd_ticks)" \
        -v g="$(diff_of pg_ticks)" -v l="$(diff_of loadgen_ticks)" 'BEGIN { o = b - p - g - l; printf "%.0f", (t > 0 && o > 0 ? 100 * o / t : 0) }')"
    n=$(diff_of commits)
    e+=" group_commits=$n commits_per_s=$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
    e+=" msgs_per_commit=$(awk -v n="$n" -v d="$d" 'BEGIN { printf "%.1f", (n > 0 ? d / n : 0) }')"
    e+=" mean_commit_ms=$(awk -v t="$(diff_of commit_seconds)" -v n="$n" 'BEGIN { printf "%.2f", (n > 0 ? t * 1000 / n : 0) }')"
    e+=" xact_commit=$(diff_of xact)"
    n=$(diff_of notifications)
    e+=" notifications=$n notifications_per_msg=$(awk -v n="$n" -v d="$d" 'BEGIN { printf "%.2f", (d ? n / d : 0) }')"
    e+=" notifications_per_s=$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
    n=$(diff_of doorbells)
    e+=" doorbells=$n doorbells_per_s=$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
    echo "$label $line$e" >> "$RAW"
    log "$label: $(echo "$line" | field per_second) msgs/s, p50 $(echo "$line" | field p50_ms) ms, p99 $(echo "$line" | field p99_ms) ms, errors $(echo "$line" | field errors)"
    rm -f "$snap.start" "$snap.end"
}

# figures CONFIG IDS URLS: the throughput runs and the paced latency runs of one configuration.
figures() {
    local cfg=$1 ids=$2 urls=$3 i n
    for i in $(seq "$RUNS"); do
        log "$cfg: $((PAIRS * MESSAGES)) messages, window $WINDOW, run $i"
        measure "$cfg.window" "$ids" "$urls" --messages "$MESSAGES" --window "$WINDOW"
    done
    [ "$RATE" -gt 0 ] || return 0
    n=$(( RATE * 4 / PAIRS )); [ "$n" -lt 4 ] && n=4    # about 4 s (at least 4 messages per sender)
    for i in $(seq "$RUNS"); do
        log "$cfg: paced $RATE msgs/s, $((PAIRS * n)) messages, run $i"
        measure "$cfg.paced" "$ids" "$urls" --messages "$n" --rate "$RATE"
    done
}

# === SQLite, one node ===
log "sqlite: provisioning $USERS devices"
mkdir -m 700 "$WORK/sqlite"
"$LOADGEN" provision --db "$WORK/sqlite/parleyd.sqlite" --identities "$WORK/sqlite-ids.txt" --users "$USERS" 2>/dev/null
chmod 600 "$WORK/sqlite/parleyd.sqlite"
start_node sqlite ""
CUR_PG_PID=; CUR_METRICS=$NODE_METRICS
figures sqlite "$WORK/sqlite-ids.txt" "$NODE_URL"
stop_nodes
rm -rf "$WORK/sqlite"

# === PostgreSQL, 1..n nodes on one database ===
log "postgresql: starting PostgreSQL 15 and provisioning $USERS devices"
start_postgres
"$LOADGEN" provision --pg-port "$PGPORT" --pg-database parley --pg-user parley --identities "$WORK/pg-ids.txt" --users "$USERS" 2>/dev/null
CUR_PG_PID=$PG_PID
for nodes in $NODES; do
    log "postgresql: $nodes node(s)"
    urls=() metrics=()
    for i in $(seq "$nodes"); do
        tls=
        [ "$i" -gt 1 ] && tls=$(printf '[tls]\ncertificate=%s/node1/tls/server.crt\nprivate_key=%s/node1/tls/server.key\n' "$WORK" "$WORK")
        start_node "node$i" "$(pg_store "node-$i")" "$tls"
        urls+=("$NODE_URL"); metrics+=("$NODE_METRICS")
    done
    sleep 2   # the nodes see each other (heartbeats) before the load
    CUR_METRICS="${metrics[*]}"
    figures "pg$nodes" "$WORK/pg-ids.txt" "$(IFS=,; echo "${urls[*]}")"
    stop_nodes
done
report
log "results in $OUT"
