#!/usr/bin/env bash
# Release check: tst_crashconsistency with the full number of kills (CI runs 40). docs/durability.md records the
# last result.
#
# Usage: tests/assurance/crashconsistency-release.sh BUILD_DIR [--kills N] [--seed S]
#   BUILD_DIR  a build with tests (tests/assurance/tst_crashconsistency and server/daemon/parleyd in it)
#   --kills N  SIGKILLs (default 100)
#   --seed S   replay a run: the seed it printed (default: a fresh one)
#
# Prints the seed first, a line every ten kills and the ledger at the end; exits non-zero when a check failed.
set -euo pipefail

usage() { sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
build=$1
shift
kills=100
seed=
while [ $# -gt 0 ]; do
    case $1 in
        --kills) kills=${2:?}; shift 2 ;;
        --seed) seed=${2:?}; shift 2 ;;
        *) usage ;;
    esac
done
binary=$build/tests/assurance/tst_crashconsistency
[ -x "$binary" ] || { echo "no $binary: build the target tst_crashconsistency first" >&2; exit 2; }

export PARLEY_CRASH_KILLS=$kills
[ -z "$seed" ] || export PARLEY_CRASH_SEED=$seed
export QT_QPA_PLATFORM=offscreen
# About three seconds a kill on a loaded two-core machine; Qt Test's watchdog would end the run after five minutes.
export QTEST_FUNCTION_TIMEOUT=$(( (kills * 10 + 300) * 1000 ))

start=$(date +%s)
set +e
"$binary" -maxwarnings 0 2>&1 | grep --line-buffered -E '^(QINFO|PASS|FAIL|   Loc|Totals)' | grep --line-buffered -v 'parley\.sdk'
status=${PIPESTATUS[0]}
set -e
echo "crash consistency release check: $kills kills, $(( $(date +%s) - start )) s, exit status $status"
exit "$status"
