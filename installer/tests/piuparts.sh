#!/usr/bin/env bash
# Debian's package installation tester over Parley's packages: piuparts installs them with their dependencies into
# a fresh Debian 12 chroot, purges them, and reports anything left behind, any maintainer-script failure and any
# file owned by no package, and runs adequate over them. Run as root; about 2 minutes (mostly the chroot), plus the
# package builds when none are there. Uses the packages that package-lifecycle.sh and vm/vm-test.sh build
# (build-pkg/lifecycle/current).
#
# Usage: installer/tests/piuparts.sh [--packages DIR] [--worktree]
#   --packages DIR   a build-packages.sh output directory (default: build-pkg/lifecycle/current; built if missing)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
packages=$root/build-pkg/lifecycle/current
build_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --packages) packages=$2; shift 2 ;;
        --worktree) build_args=(--worktree); shift ;;
        *) echo "unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "piuparts.sh: must run as root" >&2; exit 2; }
command -v piuparts > /dev/null || { echo "piuparts.sh: apt-get install piuparts" >&2; exit 2; }
mirror=${PARLEY_PKGTEST_MIRROR:-http://deb.debian.org/debian}
if [ ! -d "$packages/repo" ]; then
    "$root/installer/build-packages.sh" --generate-test-key "$(dirname "$packages")/gnupg" --out "$packages" \
        "${build_args[@]}"
fi
log=$root/build-pkg/piuparts.log
mkdir -p "$(dirname "$log")"
rm -f "$log"     # piuparts appends
# The packages a server installs (parley-admin pulls in a desktop stack and is tested the same way on its own).
debs=()
for name in parleyd parley-client libparley0 parley-archive-keyring; do
    debs+=("$(ls "$packages"/repo/pool/main/"${name}"_*.deb)")
done
status=0
# The packages depend on each other at exact versions: their repository is reachable inside piuparts' chroot (the
# signatures are the release test's business; here it is trusted).
repo=$(cd "$packages/repo" && pwd)
piuparts --distribution=bookworm --mirror="$mirror main" --no-upgrade-test --warn-on-others \
    --bindmount="$repo" --extra-repo="deb [trusted=yes] file://$repo bookworm main" \
    --log-file="$log" "${debs[@]}" > /dev/null 2>&1 || status=$?
tail -n 3 "$log"
if [ "$status" -ne 0 ]; then
    grep -E '^[0-9:m. ]*(ERROR|FAIL)' "$log" | head -n 40 >&2 || true
    echo "FAIL: piuparts (see $log)" >&2
    exit 1
fi
echo "PASS: piuparts install/purge test of ${debs[*]##*/}"
