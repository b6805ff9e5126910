#!/usr/bin/env bash
# Fast checks of the packaging sources (a few seconds, no build, no root): the systemd unit parses and its
# `systemd-analyze security` exposure stays at or below 2.0, the AppArmor profile compiles, and the shell scripts
# (build, tests, maintainer scripts) pass shellcheck at warning level.
# Usage: installer/tests/static-checks.sh
set -euo pipefail
installer=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for tool in systemd-analyze apparmor_parser shellcheck; do
    command -v "$tool" >/dev/null || { echo "static-checks: $tool is not installed" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # check NAME COMMAND...: runs COMMAND, counts and reports the result
    local name=$1; shift
    if "$@" > "$tmp/out" 2>&1; then
        echo "PASS: $name"; passed=$((passed + 1))
    else
        echo "FAIL: $name"; sed 's/^/  /' "$tmp/out"; failed=$((failed + 1))
    fi
}

# verify needs the ExecStart binary to exist; the copy runs /bin/true instead, every other line unchanged.
sed 's|^ExecStart=/usr/sbin/parleyd|ExecStart=/bin/true|' "$installer/debian/parleyd.service" > "$tmp/parleyd.service"
check "systemd unit parses (systemd-analyze verify)" systemd-analyze verify --man=no "$tmp/parleyd.service"
mkdir "$tmp/security"
cp "$installer/debian/parleyd.service" "$tmp/security/"
check "systemd-analyze security exposure <= 2.0" \
    systemd-analyze security --offline=true --threshold=20 "$tmp/security/parleyd.service"
systemd-analyze security --offline=true "$tmp/security/parleyd.service" 2>/dev/null | grep 'Overall exposure' || true
check "AppArmor profile compiles (apparmor_parser -Q)" \
    apparmor_parser -Q -K -I /etc/apparmor.d "$installer/debian/apparmor/usr.sbin.parleyd"
check "shellcheck: build and test scripts" shellcheck -S warning -x \
    "$installer/build-packages.sh" "$installer/check-hardening.sh" "$installer"/tests/*.sh "$installer"/tests/vm/*.sh
check "shellcheck: maintainer scripts" shellcheck -S warning -s sh \
    "$installer/debian/parleyd.postinst" "$installer/debian/parleyd.postrm"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
