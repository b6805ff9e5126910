#!/usr/bin/env bash
# Release check: testssl.sh (Debian package testssl.sh) against both listeners (devices, admin API) of a parleyd on
# loopback, once with an ECDSA and once with an RSA serving certificate, both issued by a CA made here and given to
# testssl.sh (--add-ca), so that the findings are about the TLS set-up rather than about a self-signed certificate
# (parleyd's generated certificate is self-signed by design: clients pin its fingerprint). Fails on any finding
# rated MEDIUM, HIGH or CRITICAL and prints them. A full testssl.sh run takes minutes per listener; tst_tlsserver.sh
# is the CI test of the same claims.
# Usage: testssl-release.sh BUILD_DIR [--reports DIR] [--only ecdsa|rsa]
#   --reports DIR  keep testssl.sh's JSON and text reports in DIR (otherwise they go with the temporary directory)
#   --only KIND    one certificate kind only
set -euo pipefail
build=${1:?usage: testssl-release.sh BUILD_DIR [--reports DIR] [--only ecdsa|rsa]}
shift
reports=
kinds=(ecdsa rsa)
while [ $# -gt 0 ]; do
    case $1 in
        --reports) reports=${2:?}; shift 2 ;;
        --only) kinds=("${2:?}"); shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v testssl > /dev/null || { echo "testssl.sh is not installed (apt-get install testssl.sh)" >&2; exit 2; }
parleyd=$build/server/daemon/parleyd
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
[ -n "$reports" ] || reports=$tmp/reports
mkdir -p "$reports"
: > "$tmp/openssl.cnf"
export OPENSSL_CONF=$tmp/openssl.cnf   # no site policy on either side (testssl.sh calls openssl too)

cd "$tmp"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 90 \
    -subj "/CN=Parley release check CA" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2> /dev/null
# (A CRL address, never fetched: testssl.sh rates a certificate without one HIGH; parleyd's own self-signed one has
# none, as clients pin it.)
printf '%s\n' basicConstraints=critical,CA:FALSE keyUsage=critical,digitalSignature,keyEncipherment \
    extendedKeyUsage=serverAuth subjectAltName=DNS:localhost,IP:127.0.0.1 \
    crlDistributionPoints=URI:http://127.0.0.1/parley-release-check.crl > server.ext
for kind in "${kinds[@]}"; do
    case $kind in
        ecdsa) newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
        rsa) newkey=(-newkey rsa:2048) ;;
        *) echo "unknown certificate kind $kind" >&2; exit 2 ;;
    esac
    openssl req -new "${newkey[@]}" -nodes -keyout "$kind.key" -out "$kind.csr" -subj /CN=localhost 2> /dev/null
    openssl x509 -req -in "$kind.csr" -CA ca.pem -CAkey ca.key -days 80 -extfile server.ext -out "$kind.pem" 2> /dev/null
done
cd - > /dev/null

entries() { # entries REPORT [SEVERITY...]: "SEVERITY id: finding" lines of testssl.sh's flat JSON, all or those rated so
    python3 -c '
import json, sys
wanted = set(sys.argv[2:])
for e in json.load(open(sys.argv[1])):
    if not wanted or e.get("severity") in wanted:
        print("%s %s: %s" % (e.get("severity"), e.get("id"), e.get("finding")))' "$@"
}

findings=0
for kind in "${kinds[@]}"; do
    mkdir -p "$tmp/$kind"
    printf '[server]\nlisten=127.0.0.1:0\ndata_dir=%s\n[tls]\ncertificate=%s\nprivate_key=%s\n[admin]\nlisten=127.0.0.1:0\n' \
        "$tmp/$kind/data" "$tmp/$kind.pem" "$tmp/$kind.key" > "$tmp/$kind/parleyd.conf"
    "$parleyd" --config "$tmp/$kind/parleyd.conf" > "$tmp/$kind/log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 300); do grep -q '^admin wss://' "$tmp/$kind/log" && break; sleep 0.1; done
    for listener in listen admin; do
        port=$(sed -n -E "s#^$listener wss://[^/]*:([0-9]+)/\$#\\1#p" "$tmp/$kind/log")
        [ -n "$port" ] || { cat "$tmp/$kind/log"; echo "FAIL: parleyd ($kind) did not start"; exit 1; }
        name=$kind-$([ "$listener" = listen ] && echo devices || echo admin)
        echo "testssl.sh: $name (localhost:$port)"
        testssl --quiet --color 0 --warnings off --add-ca "$tmp/ca.pem" --ip 127.0.0.1 \
            --jsonfile "$reports/$name.json" --logfile "$reports/$name.log" "localhost:$port" > /dev/null 2>&1 ||
            true   # (its exit status counts findings of every severity; the JSON is judged below)
        [ -s "$reports/$name.json" ] || { echo "FAIL: $name: testssl.sh wrote no report"; findings=$((findings + 1)); continue; }
        bad=$(entries "$reports/$name.json" MEDIUM HIGH CRITICAL)
        scanerrors=$(entries "$reports/$name.json" WARN)
        if [ -n "$bad" ]; then
            echo "$bad" | sed "s/^/FAIL: $name: /"
            findings=$((findings + $(wc -l <<< "$bad")))
        else
            echo "ok: $name: no finding rated MEDIUM or worse ($(entries "$reports/$name.json" | wc -l) entries)"
        fi
        [ -z "$scanerrors" ] || echo "$scanerrors" | sed "s/^/note: $name: /"
    done
done
[ "$findings" -eq 0 ] || { echo "$findings finding(s) rated MEDIUM or worse"; exit 1; }
echo "PASS: testssl.sh"
