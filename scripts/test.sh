#!/usr/bin/env bash
# Builds Parley with warnings as errors and runs the whole test suite (ctest).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deps.sh
source "$root/scripts/deps.sh"
parley_install_deps test

cd "$root"
# Packaging sources: unit file, AppArmor profile, shell scripts (a second; the full package life cycle is a release step).
bash installer/tests/static-checks.sh
# Without debug information: a quarter less compile time on CI's two cores, and nobody reads it there (the
# default and debug presets are the builds to debug with).
cmake --preset ci -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG"
cmake --build --preset ci -j"$(nproc)"
# Six tests at once (the ci test preset): most of a test's time is spent waiting on its daemons and helpers, so six
# keep two cores about 90 % busy. The tests that take over about 20 s have a COST and start first: a fresh build tree
# has no timings from an earlier run.
ctest --preset ci "$@"
# The fuzz targets (docs/fuzzing.md): a clean clang build and 10 s per target, two at a time; about five minutes on
# two cores, mostly the build. The release check runs each for an hour.
bash scripts/fuzz.sh --seconds "${PARLEY_FUZZ_SECONDS:-10}"
