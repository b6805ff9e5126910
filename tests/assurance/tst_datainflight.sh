#!/usr/bin/env bash
# Evaluation activity for FTP_DIT_EXT.1 (data in transit is protected): a packet capture on loopback (tcpdump) of
# parleyd's two listeners while a person uses the real programs: a wrong admin password, the admin's first login and
# password change (parleyctl), two enrollment codes issued through the admin API and used by `parley register`,
# and a message sent from one user's device to the other's and received. The capture, as its raw bytes and as
# tcpdump's decoded text (-A), must hold none of: the admin passwords, the admin tokens, the enrollment codes, the
# message text, the devices' passphrase, private keys and resumption credentials, in any spelling secretscan.py
# knows (raw, UTF-16, hex, base64/base64url, percent-encoded), also XORed with a 4-byte key as a WebSocket client
# masks what it sends (so that a password a client sent over a connection without encryption would show). So that an
# empty or wrong capture cannot pass, both ports must show TLS handshake and application-data records and carry some
# kilobytes.
#
# The message text is end-to-end encrypted inside TLS: it stays hidden even where TLS fails (a suite without
# encryption shows the tokens, codes and passwords on the wire but not the text); tests/e2e cover that layer.
#
# Capturing needs CAP_NET_RAW: as root it runs as is; otherwise in a user and network namespace of its own, as the
# same user but keeping the namespace's capabilities (unshare --keep-caps), so that it holds CAP_NET_RAW over its own
# loopback and tcpdump, not running as root, does not try to switch users; when neither works it is skipped (77).
#
# Usage: tst_datainflight.sh BUILD_DIR
set -euo pipefail
build=$1

if [ "$(id -u)" -ne 0 ] && [ -z "${PARLEY_CAPTURE_NAMESPACE:-}" ]; then
    namespace=(unshare -Un --map-user="$(id -u)" --map-group="$(id -g)" --keep-caps)
    if "${namespace[@]}" true 2> /dev/null; then
        exec env PARLEY_CAPTURE_NAMESPACE=1 "${namespace[@]}" bash "$0" "$@"
    fi
    echo "SKIP: capturing packets needs root or a user namespace (unshare -Urn), neither is available"
    exit 77
fi
if [ -n "${PARLEY_CAPTURE_NAMESPACE:-}" ]; then
    ip link set lo up
fi
command -v tcpdump > /dev/null || { echo "FAIL: tcpdump is not installed (scripts/deps.sh test)" >&2; exit 1; }

# shellcheck source=privacysession.sh
source "$(dirname "$0")/privacysession.sh"

session_start_daemon
capture=$work/capture.pcap
# -U: each packet written at once. As root, -Z root keeps the rights to write into $work (Debian's tcpdump would
# switch to its own user).
as_root=()
[ "$(id -u)" -ne 0 ] || as_root=(-Z root)
tcpdump -i lo -nn -U "${as_root[@]}" -s 0 -w "$capture" "host 127.0.0.2 and (tcp port $port or tcp port $admin_port)" \
    2> "$work/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 100); do
    grep -q 'listening on' "$work/tcpdump.err" && break
    kill -0 "$tcpdump_pid" 2> /dev/null || break
    sleep 0.1
done
if ! grep -q 'listening on' "$work/tcpdump.err"; then
    kill "$tcpdump_pid" 2> /dev/null || true
    echo "SKIP: tcpdump cannot capture on lo: $(cat "$work/tcpdump.err")"
    exit 77
fi

session_admin_login
session_register alice "$(session_user_code alice)"
session_register bob "$(session_user_code bob)"
session_send alice "Meet me at the north gate at nine $RANDOM$RANDOM" bob
session_receive bob "$sent"
session_device_secrets alice
session_device_secrets bob

kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
session_stop_daemon

# Not trivial: TLS records (a TCP payload starting with content type 22 handshake or 23 application data, version
# 3.x) to and from both listeners, and kilobytes on each.
payload='tcp[((tcp[12:1] & 0xf0) >> 2):1]'
version='tcp[((tcp[12:1] & 0xf0) >> 2) + 1:1] = 3'
for p in "$port" "$admin_port"; do
    for direction in src dst; do
        for type in 22 23; do
            n=$(tcpdump -r "$capture" -nn "tcp $direction port $p and $payload = $type and $version" 2> /dev/null | wc -l)
            [ "$n" -ge 1 ] || fail "no TLS record of type $type with $direction port $p in the capture"
        done
    done
    bytes=$(tcpdump -r "$capture" -nn "tcp port $p" 2> /dev/null | sed -n -E 's/.* length ([0-9]+)$/\1/p' |
        awk '{ s += $1 } END { print s + 0 }')
    [ "$bytes" -ge 4096 ] || fail "only $bytes bytes of TCP payload on port $p"
    echo "ok: port $p: TLS handshake and application data both ways, $bytes bytes of payload"
done
packets=$(tcpdump -r "$capture" -nn 2> /dev/null | wc -l)
echo "capture: $packets packets, $(stat -c %s "$capture") bytes"

tcpdump -r "$capture" -nn -A > "$work/capture.txt" 2> /dev/null
session_scan --masked "$capture" "$work/capture.txt"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "PASS: no password, token, enrollment code, message text or key on the wire"
