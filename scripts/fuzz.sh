#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each for a bounded time with its
# seed corpus and dictionary (docs/fuzzing.md). Fails when a target crashes, leaks, hits undefined behaviour, breaks
# an invariant or times out; the input that did it is kept in the output directory.
#
# Usage: scripts/fuzz.sh [--seconds N | --cpu-seconds N] [--jobs J] [--out DIR] [--no-build] [target...]
#   --seconds N      time per target (default 60)
#   --cpu-seconds N  instead, run each target until it has had N seconds of CPU, however long that takes on a busy
#                    machine (the release check: --cpu-seconds 3600); it is then interrupted and ends as a pass
#   --jobs J     targets run side by side (default: the number of cores)
#   --out DIR        where logs and crashing inputs go (default build-fuzz/findings)
#   --no-build       use the targets already built in build-fuzz
#   target           frame envelope prekeybundle roomchain recovery admin config csv proxy (default: all)
# The corpus a run grows stays in build-fuzz/corpus/<target> for the next run; fuzz/regressions/<target> holds
# inputs that once found a bug and runs first.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-fuzz"
all_targets=(frame envelope prekeybundle roomchain recovery admin config csv proxy)

seconds=60
cpu_seconds=0
jobs=$(nproc)
out="$build/findings"
do_build=1
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --cpu-seconds) cpu_seconds=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --no-build) do_build=0; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: no target $t (${all_targets[*]})" >&2; exit 2; }
done

# The dictionary of each target: the frame-based targets share the frame protocol's.
dict_of() {
    case "$1" in
        envelope|prekeybundle) echo frame ;;
        *) echo "$1" ;;
    esac
}

cd "$root"
if [ "$do_build" = 1 ]; then
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz -j"$(nproc)"
fi

# Seeds are written fresh from the tests' frames and the protocol vectors. The dictionaries in fuzz/dict were
# written by the same program; when the protocol or the configuration gained a key since, say so.
rm -rf "$build/seeds" "$build/dict"
"$build/fuzz/parley-fuzz-seeds" "$build/seeds" --dicts "$build/dict"
if ! diff -r "$root/fuzz/dict" "$build/dict" >/dev/null; then
    echo "fuzz.sh: note: fuzz/dict is older than the protocol and configuration keys; regenerate it with" >&2
    echo "  build-fuzz/fuzz/parley-fuzz-seeds build-fuzz/seeds --dicts fuzz/dict" >&2
fi

mkdir -p "$out"
touch "$out/.started"
# Interrupts fuzzer `pid` (libFuzzer then prints its final statistics and exits with -interrupted_exitcode) once its
# CPU time (user + system, from /proc) reaches `cpu_seconds`; leaves `stopfile` behind when it did.
watch_cpu() {
    local pid=$1 stopfile=$2 ticks stat
    ticks=$(getconf CLK_TCK)
    while [ -r "/proc/$pid/stat" ]; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || break
        stat=${stat##*) }   # the fields after the command name: state is field 3, utime 14, stime 15
        read -r -a fields <<<"$stat"
        if [ $(( (fields[11] + fields[12]) / ticks )) -ge "$cpu_seconds" ]; then
            touch "$stopfile"
            kill -INT "$pid" 2>/dev/null || true
            break
        fi
        sleep 5
    done
}

run_target() {
    local t=$1 corpus="$build/corpus/$1" log="$out/$1.log" dirs limit pid rc
    mkdir -p "$corpus"
    dirs=("$corpus" "$build/seeds/$t")
    [ -d "$root/fuzz/regressions/$t" ] && dirs+=("$root/fuzz/regressions/$t")
    limit=$seconds
    [ "$cpu_seconds" -gt 0 ] && limit=0   # no wall-time bound: the watcher ends it
    rm -f "$out/$t.stopped"
    set +e
    # The CPU time the target got (user + system): on a busy machine it falls short of the wall time.
    local TIMEFORMAT='%U %S'
    { time (
        ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
        "$build/fuzz/fuzz_$t" -max_total_time="$limit" -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
        -interrupted_exitcode=72 -dict="$root/fuzz/dict/$(dict_of "$t").dict" -artifact_prefix="$out/$t-" \
        "${dirs[@]}" >"$log" 2>&1 &
        pid=$!
        [ "$cpu_seconds" -gt 0 ] && watch_cpu "$pid" "$out/$t.stopped" &
        wait "$pid"
        rc=$?
        # Interrupted by the watcher at its CPU budget: a pass, like a run that reached its time.
        [ "$rc" = 72 ] && [ -e "$out/$t.stopped" ] && rc=0
        echo "$rc" >"$out/$t.rc"
      ); } 2>"$out/$t.cpu"
    set -e
}

budget="${seconds} s"
[ "$cpu_seconds" -gt 0 ] && budget="${cpu_seconds} CPU-seconds"
echo "fuzzing ${targets[*]} for ${budget} each, ${jobs} at a time; logs and findings in $out"
running=0
for t in "${targets[@]}"; do
    rm -f "$out/$t.rc" "$out/$t.log" "$out/$t.cpu"
    run_target "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

failed=0
printf '%-14s %12s %9s %7s %7s %7s %7s  %s\n' target execs exec/s cpu-s cov ft corpus result
for t in "${targets[@]}"; do
    log="$out/$t.log"
    rc=$(cat "$out/$t.rc" 2>/dev/null || echo 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | grep -E ' cov: ' | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(find "$build/corpus/$t" -type f | wc -l)
    cpu=$(awk '{printf "%d", $1 + $2}' "$out/$t.cpu" 2>/dev/null || true)
    if [ "$rc" = 0 ]; then
        result=ok
    else
        failed=1
        artifacts=$(find "$out" -maxdepth 1 -type f -name "$t-*" -newer "$out/.started" | sort | tr '\n' ' ')
        result="FAILED (exit $rc): ${artifacts:-see $log}"
    fi
    printf '%-14s %12s %9s %7s %7s %7s %7s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cpu:-?}" "${cov:-?}" "${ft:-?}" "$corp" \
        "$result"
done
if [ "$failed" = 1 ]; then
    echo "fuzz.sh: a target failed; the log's end says why, the input is named above" >&2
    echo "  reproduce: build-fuzz/fuzz/fuzz_TARGET INPUT" >&2
    for t in "${targets[@]}"; do
        [ "$(cat "$out/$t.rc" 2>/dev/null || echo 1)" = 0 ] || { echo "--- $t"; tail -40 "$out/$t.log"; } >&2
    done
    exit 1
fi
