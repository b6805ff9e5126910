#!/usr/bin/env bash
# The soak release check (docs/reliability.md): a real parleyd with 10,000 devices under steady 1:1 and room
# traffic, acks, reconnects and logins for an hour, sampled every 10 s and judged for flatness (RSS, descriptors,
# queues, p99), delivery (every accepted message at every recipient device) and errors. Writes soak.csv,
# summary.txt, soak.png and log.txt into bench/results/soak-<UTC date and time>/ and exits 0 on PASS, 1 on FAIL.
#
#   bench/soak/run.sh [--build DIR] [--out DIR] [parley-soak options]
#
#   --build DIR   build directory (default: build-soak; configured Release when new, always brought up to date)
#   --out DIR     results folder (default bench/results/soak-<UTC date and time>)
#   anything else goes to parley-soak (bench/soak/main.cpp lists its options), e.g. --duration 600 for ten minutes
#   or --connections 2000
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build-soak
OUT=
PASS=()
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$(realpath -m "$2"); shift 2 ;;
    --out) OUT=$(realpath -m "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) PASS+=("$1"); shift ;;
    esac
done
OUT=${OUT:-$ROOT/bench/results/soak-$(date -u +%Y-%m-%dT%H%M)}

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_BUILD_TESTS=OFF -DPARLEY_BUILD_ADMIN_GUI=OFF
fi
cmake --build "$BUILD" --target parleyd parley-soak -j2
"$ROOT/scripts/deps.sh" bench   # gnuplot-nox for the plot

# parleyd holds every connection: as many descriptors as the hard limit allows (parley-soak says when too few).
ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"
echo "soak: results in $OUT" >&2
set +e
"$BUILD/bench/parley-soak" --parleyd "$BUILD/server/daemon/parleyd" --out "$OUT" "${PASS[@]}" 2>&1 | tee "$OUT/log.txt"
status=${PIPESTATUS[0]}
set -e
exit "$status"
