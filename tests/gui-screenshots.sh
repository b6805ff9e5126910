#!/usr/bin/env bash
# Starts parleyd with sample data (and a slapd with a sample directory) and parley-admin's widgets under Xvfb, and
# saves a PNG of every page.
# Usage: tests/gui-screenshots.sh [BUILD_DIR] [OUTPUT_DIR]     (defaults: build, docs/screenshots)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$root/docs/screenshots}
lang=${PARLEY_SCREENSHOT_LANG:-en}

# Xvfb for the windows, slapd and ldap-utils for the sample directory, Qt's own translations for its buttons.
if ! command -v xvfb-run >/dev/null || ! command -v xauth >/dev/null || ! command -v ldapadd >/dev/null \
    || [ ! -x /usr/sbin/slapd ] || [ ! -f /usr/share/qt6/translations/qtbase_de.qm ]; then
    echo "Installing xvfb, xauth, slapd, ldap-utils and qt6-translations-l10n"
    sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xvfb xauth slapd \
        ldap-utils qt6-translations-l10n
fi

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    cmake -S "$root" -B "$build" -G Ninja
fi
cmake --build "$build" --target parleyd gui-screenshots -j2

work=$(mktemp -d)
daemon=""
cleanup() {
    if [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null; then
        kill "$daemon"
        wait "$daemon" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/parleyd.conf" <<CONF
[server]
listen=127.0.0.1:0
data_dir=$work/data
workers=1

[admin]
listen=127.0.0.1:0
CONF

"$build/server/daemon/parleyd" --config "$work/parleyd.conf" >"$work/stdout.log" 2>"$work/stderr.log" &
daemon=$!
for _ in $(seq 1 300); do
    if grep -q '^admin wss://' "$work/stdout.log" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$daemon" 2>/dev/null; then
        echo "parleyd exited:" >&2
        cat "$work/stderr.log" >&2
        exit 1
    fi
    sleep 0.1
done
admin=$(sed -n 's|^admin wss://\([^/]*\)/.*|\1|p' "$work/stdout.log" | head -n1)
devices=$(sed -n 's|^listen \(wss://[^ ]*\).*|\1|p' "$work/stdout.log" | head -n1)
if [ -z "$admin" ] || [ -z "$devices" ]; then
    echo "parleyd did not report its addresses" >&2
    exit 1
fi
fingerprint=$("$build/server/daemon/parleyd" --config "$work/parleyd.conf" fingerprint | tail -n1)

mkdir -p "$out"
case $lang in
    de) locale=de_DE.UTF-8 ;;
    *) locale=en_US.UTF-8 ;;
esac
env -u LC_ALL -u LC_MESSAGES LANG=$locale LANGUAGE=$lang QT_QPA_PLATFORM=xcb \
    xvfb-run -a -s "-screen 0 1400x1000x24" \
    "$build/tests/gui/gui-screenshots" "$admin" "$work/data/initial-admin-password" "$out" "$devices" "$fingerprint"
echo "Screenshots in $out"
