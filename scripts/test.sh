#!/usr/bin/env bash
# Builds Parley with warnings as errors and runs the whole test suite (ctest).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deps.sh
source "$root/scripts/deps.sh"
parley_install_deps test

cd "$root"
cmake --preset ci
cmake --build --preset ci -j"$(nproc)"
ctest --preset ci "$@"
