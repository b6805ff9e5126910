#!/usr/bin/env bash
# Sourced by the release tests (package-lifecycle.sh, vm/vm-test.sh): the packages they install, built once and
# shared through one directory.

# The version the tree is built as for the "previous" release, the one the upgrade starts from.
parley_previous_version=0.0.9

# test_packages DIR REUSE [build-packages.sh options]: the tree built as the previous release into DIR/previous
# and as the current version into DIR/current, each with its signed apt repository, signed by a throw-away key kept
# in DIR/gnupg. With REUSE=yes, builds already in DIR are kept.
test_packages() {
    local dir=$1 reuse=$2 root
    shift 2
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    if [ "$reuse" = yes ] && [ -d "$dir/current/repo" ] && [ -d "$dir/previous/repo" ]; then
        return 0
    fi
    echo
    echo "=== Building the packages of $parley_previous_version and of the current version (at ${SECONDS}s)"
    "$root/installer/build-packages.sh" --generate-test-key "$dir/gnupg" --version "$parley_previous_version" --out "$dir/previous" "$@"
    "$root/installer/build-packages.sh" --generate-test-key "$dir/gnupg" --out "$dir/current" "$@"
}
