#!/usr/bin/env bash
# The manual pages (docs/man/) against the programs they describe: groff formats each without a warning, and every
# long option a program's --help lists appears in its page, so a new option cannot go undocumented.
# Usage: tst_manpages.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

for page in "$src"/docs/man/*.[18]; do
    out=$(LC_ALL=C.UTF-8 groff -man -K utf8 -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed on $page"
    [ -z "$out" ] || fail "groff warns on $(basename "$page"): $out"
done

check() { # check PAGE PROGRAM...: the long options of PROGRAM --help appear in PAGE
    local page=$src/docs/man/$1; shift
    [ -f "$page" ] || { fail "no page $page"; return; }
    [ -x "$1" ] || { echo "skip: $1 not built"; return; }
    local help options=0 option
    help=$(QT_QPA_PLATFORM=offscreen "$@" --help 2>/dev/null) || fail "$* --help failed"
    for option in $(grep -o -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u); do
        options=$((options + 1))
        # In roff source a hyphen is written \- ; the page must name the option.
        grep -qF -- "${option//-/\\-}" "$page" || fail "$(basename "$page") does not describe $option (from $(basename "$1") --help)"
    done
    [ "$options" -gt 0 ] || fail "$(basename "$1") --help listed no options"
    echo "checked $options options of $(basename "$1") against $(basename "$page")"
}
check parleyd.8 "$build/server/daemon/parleyd"
check parleyctl.1 "$build/tools/parleyctl/parleyctl"
check parley.1 "$build/tools/parley/parley"
check parley-admin.1 "$build/admin-gui/parley-admin"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "PASS: manual pages"
