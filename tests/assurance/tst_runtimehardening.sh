#!/usr/bin/env bash
# Evaluation activities on a running parleyd (started twice, as a plain process, without the systemd unit):
#  FPT_AEX_EXT.1  no mapping both writable and executable in /proc/PID/maps; the program, heap and stack at
#                 different addresses in the two starts (PIE and ASLR); every ELF file built for shipping is PIE,
#                 full RELRO (BIND_NOW) and without an executable stack;
#  FDP_NET_EXT.1  the sockets the process listens on are exactly the configured listeners (devices, admin API,
#                 single sign-on), read from /proc/net/tcp{,6} and the process's descriptors; no UDP socket.
# Usage: tst_runtimehardening.sh BUILD_DIR
set -euo pipefail
build=$1
parleyd=$build/server/daemon/parleyd
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
unset QT_ENABLE_REGEXP_JIT

start() { # start N: a parleyd with its own data directory and ephemeral ports; sets pid
    mkdir -p "$tmp/$1"
    printf 'a client secret\n' > "$tmp/$1/sso-secret"
    chmod 600 "$tmp/$1/sso-secret"
    # Single sign-on with a provider that is never reached: its listener is there all the same.
    printf '[server]\nlisten=127.0.0.1:0\ndata_dir=%s\n[admin]\nlisten=127.0.0.1:0\n[sso]\nlisten=127.0.0.1:0\n%s\n%s\n%s\n' \
        "$tmp/$1/data" 'issuer=https://127.0.0.1:9' 'client_id=parley' "client_secret_file=$tmp/$1/sso-secret" \
        > "$tmp/$1/parleyd.conf"
    "$parleyd" --config "$tmp/$1/parleyd.conf" > "$tmp/$1/log" 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 300); do grep -q '^sso https://' "$tmp/$1/log" && return 0; sleep 0.1; done
    cat "$tmp/$1/log" >&2
    echo "FAIL: parleyd did not start" >&2
    exit 1
}
first_address() { # first_address PID PATTERN: start address of the first mapping whose path matches
    awk -v p="$2" '$6 ~ p { split($1, a, "-"); print a[1]; exit }' "/proc/$1/maps"
}

start one
one=$pid
start two
two=$pid

for p in "$one" "$two"; do
    wx=$(awk '$2 ~ /w/ && $2 ~ /x/' "/proc/$p/maps")
    [ -z "$wx" ] || fail "writable and executable memory in parleyd $p: $wx"
done
[ "$failures" -gt 0 ] || echo "ok: no writable+executable mapping in either parleyd"

# A sanitizer build (the `asan` preset) allocates from the sanitizer's own mappings, not from the brk heap.
regions=('parleyd$' '^\[heap\]$' '^\[stack\]$' 'libparley')
if grep -q '/libasan\.so' "/proc/$one/maps"; then
    regions=('parleyd$' '^\[stack\]$' 'libparley')
    echo "note: an ASan build: its allocations are not in the [heap] mapping, whose address is not compared"
fi
for what in "${regions[@]}"; do
    a=$(first_address "$one" "$what")
    b=$(first_address "$two" "$what")
    [ -n "$a" ] || { fail "no mapping matching $what"; continue; }
    [ "$a" != "$b" ] || fail "$what mapped at the same address in both starts ($a): no ASLR"
done
echo "ok: program, heap, stack and libparley at different addresses in the two starts"

# Listening sockets of the first parleyd: its socket inodes, looked up in the kernel's TCP and UDP tables.
inodes=$(find "/proc/$one/fd" -lname 'socket:*' -printf '%l\n' | sed 's/socket:\[\(.*\)\]/\1/' | sort -u)
listening=$(awk 'FNR > 1 && $4 == "0A" { print $10, $2 }' /proc/net/tcp /proc/net/tcp6 |
    while read -r inode local; do
        if grep -qx "$inode" <<< "$inodes"; then printf '%d\n' "0x${local##*:}"; fi
    done | sort -nu | tr '\n' ' ')      # (each port once, however many sockets share it)
expected=$(sed -n -E 's#^(listen|admin|sso) (wss|https)://[^/]*:([0-9]+)/$#\3#p' "$tmp/one/log" | sort -nu | tr '\n' ' ')
[ "$(wc -w <<< "$expected")" -eq 3 ] && [ "$listening" = "$expected" ] ||
    fail "parleyd listens on TCP ports '$listening', configured: '$expected'"
udp=$(awk 'FNR > 1 { print $10 }' /proc/net/udp /proc/net/udp6 | grep -xF -f <(echo "$inodes") || true)
[ -z "$udp" ] || fail "parleyd holds UDP sockets: $udp"
echo "ok: listening exactly on the configured ports ($listening), no UDP socket"

for elf in "$parleyd" "$build/tools/parley/parley" "$build/tools/parleyctl/parleyctl" "$build"/shared/libparley.so.*.*.*; do
    [ -f "$elf" ] || continue
    name=$(basename "$elf")
    readelf -h "$elf" | grep -q 'Type: *DYN' || fail "$name is not position-independent"
    readelf -lW "$elf" | grep -q 'GNU_RELRO' || fail "$name has no RELRO segment"
    readelf -dW "$elf" | grep -Eq 'BIND_NOW|FLAGS.*NOW' || fail "$name is not linked with -z now"
    readelf -lW "$elf" | awk '$1 == "GNU_STACK" && $7 ~ /E/ { bad = 1 } END { exit bad }' ||
        fail "$name has an executable stack"
    echo "ok: $name: PIE, full RELRO, no executable stack"
done

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "PASS: runtime hardening"
