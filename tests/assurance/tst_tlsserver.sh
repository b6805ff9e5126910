#!/usr/bin/env bash
# Evaluation activities for the TLS server (the TLS package's FCS_TLSS_EXT.1 tests, for FTP_DIT_EXT.1) on both
# listeners (devices, admin API) of running parleyds, with openssl s_client and hand-made handshakes (tlsprobe.py):
#  - each allowed TLS 1.2 suite (the four ECDHE + AES-GCM ones) and each allowed TLS 1.3 suite connects;
#  - every other TLS 1.2 suite the client can offer is refused: all of them in one hello, and each alone (the list
#    is the client's, `openssl ciphers`, so a suite added to the server's list is caught); the other TLS 1.3 suites
#    are refused; TLS 1.0 and 1.1 are refused; SSL 3.0 and SSLv2-format ClientHellos get an alert or a closed
#    connection, never a ServerHello;
#  - key-exchange groups: each allowed group alone connects, a hello with every other group the client can offer
#    is refused;
#  - client-initiated renegotiation (TLS 1.2) is refused;
#  - a Finished message changed on the way (one byte of the client's encrypted Finished record, by a man in the
#    middle on loopback) ends the handshake with an alert, in TLS 1.2 and 1.3;
#  - the admin listener with require_client_certificate=true refuses no certificate, one issued by another CA (of
#    the same name) and an expired one from the right CA, and accepts the one issued by client_ca.
# One parleyd serves with the ECDSA certificate it generates itself, one with an RSA certificate (the ECDHE-RSA
# suites need one), one with client certificates required on the admin listener.
# Neither side reads a site-wide OpenSSL configuration: what is refused, parleyd refuses by its own settings.
# Usage: tst_tlsserver.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
parleyd=$build/server/daemon/parleyd
probe=(python3 "$here/tlsprobe.py")
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
: > "$tmp/openssl.cnf"
export OPENSSL_CONF=$tmp/openssl.cnf

# The claim: what parleyd allows (server/daemon/tlssetup.cpp). Everything else the client can offer must fail.
allowed12=(ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-RSA-AES128-GCM-SHA256
           ECDHE-RSA-AES256-GCM-SHA384)
allowed13=(TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256)
all13=("${allowed13[@]}" TLS_AES_128_CCM_SHA256 TLS_AES_128_CCM_8_SHA256)   # every TLS 1.3 suite (RFC 8446 B.4)
# Groups: parleyd sets no list, so OpenSSL's default list applies; the finite-field groups only in TLS 1.3 (there
# is no DHE suite in TLS 1.2). Every group OpenSSL 3.0 can offer, by the names s_client takes:
allowedgroups12=(X25519 X448 P-256 P-384 P-521)
allowedgroups13=("${allowedgroups12[@]}" ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192)
allgroups=(sect163k1 sect163r1 sect163r2 sect193r1 sect193r2 sect233k1 sect233r1 sect239k1 sect283k1 sect283r1
           sect409k1 sect409r1 sect571k1 sect571r1 secp160k1 secp160r1 secp160r2 secp192k1 prime192v1 secp224k1
           secp224r1 secp256k1 brainpoolP256r1 brainpoolP384r1 brainpoolP512r1 "${allowedgroups13[@]}")
declare -A tempkey=([P-256]=ECDH [P-384]=ECDH [P-521]=ECDH [ffdhe2048]=DH [ffdhe3072]=DH [ffdhe4096]=DH
                    [ffdhe6144]=DH [ffdhe8192]=DH)   # how s_client's "Server Temp Key" names them, where not by name

contains() { # contains WORD LIST...
    local w=$1 x
    shift
    for x in "$@"; do [ "$x" = "$w" ] && return 0; done
    return 1
}
others=()   # the TLS 1.2 suites the client can offer, but the allowed ones
for suite in $(openssl ciphers -s -tls1_2 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' | tr ':' ' '); do
    contains "$suite" "${allowed12[@]}" || others+=("$suite")
done
[ "${#others[@]}" -gt 60 ] || { echo "FAIL: the client offers only ${#others[@]} other TLS 1.2 suites"; exit 1; }

start() { # start NAME [LINES AFTER [server]] [LINES IN [admin]]: a parleyd with its own data directory, ephemeral ports
    mkdir -p "$tmp/$1"
    printf '[server]\nlisten=127.0.0.1:0\ndata_dir=%s\n%s\n[admin]\nlisten=127.0.0.1:0\n%s\n' \
        "$tmp/$1/data" "${2:-}" "${3:-}" > "$tmp/$1/parleyd.conf"
    "$parleyd" --config "$tmp/$1/parleyd.conf" > "$tmp/$1/log" 2>&1 &
    pids+=("$!")
}
ports() { # ports NAME: waits for its listeners; sets device and admin
    for _ in $(seq 300); do grep -q '^admin wss://' "$tmp/$1/log" && break; sleep 0.1; done
    device=$(sed -n -E 's#^listen wss://[^/]*:([0-9]+)/$#\1#p' "$tmp/$1/log")
    admin=$(sed -n -E 's#^admin wss://[^/]*:([0-9]+)/$#\1#p' "$tmp/$1/log")
    if [ -z "$device" ] || [ -z "$admin" ]; then
        cat "$tmp/$1/log"
        echo "FAIL: parleyd '$1' did not start"
        exit 1
    fi
}

# Certificates: an RSA serving certificate; a client CA and another CA of the same name; client certificates for
# one key and name: from the right CA valid and expired, and from the other CA.
cd "$tmp"
ossl() { openssl "$@" > "$tmp/openssl-out" 2>&1 || { cat "$tmp/openssl-out"; echo "FAIL: openssl $1"; exit 1; }; }
ossl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.pem -days 30 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1
for ca in ca other; do
    ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ca.key" -out "$ca.pem" -days 30 \
        -subj "/CN=Parley test admin CA" -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign
done
ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr -subj /CN=operator
mkdir cadb
: > cadb/index.txt
cat > ca.cnf << EOF
[ca]
default_ca = test_ca
[test_ca]
database = $tmp/cadb/index.txt
new_certs_dir = $tmp/cadb
rand_serial = yes
unique_subject = no
default_md = sha256
policy = any
[any]
commonName = supplied
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
EOF
issue() { # issue CA OUT NOT_BEFORE NOT_AFTER (seconds from now)
    ossl ca -batch -notext -config ca.cnf -cert "$1.pem" -keyfile "$1.key" -extensions client -in client.csr \
        -out "$2" -startdate "$(date -u -d "@$(($(date +%s) + $3))" +%Y%m%d%H%M%SZ)" \
        -enddate "$(date -u -d "@$(($(date +%s) + $4))" +%Y%m%d%H%M%SZ)"
}
day=86400
issue ca issued.pem $((-day)) $((30 * day))
issue ca expired.pem $((-60 * day)) $((-30 * day))
issue other foreign.pem $((-day)) $((30 * day))
cd - > /dev/null

start ec
start rsa "$(printf '[tls]\ncertificate=%s\nprivate_key=%s' "$tmp/rsa.pem" "$tmp/rsa.key")"
start mtls "" "$(printf 'require_client_certificate=true\nclient_ca=%s' "$tmp/ca.pem")"
ports ec
listeners=("ec-devices:$device:ECDSA" "ec-admin:$admin:ECDSA")
ports rsa
listeners+=("rsa-devices:$device:RSA" "rsa-admin:$admin:RSA")
ports mtls
mtls=$admin

# s_client, one handshake; its stdin is empty, so it closes right after. Its output is kept in $out.
out=
work=$tmp   # where a check keeps its files (each group of checks below runs in a process of its own)
handshake() { # handshake PORT ARGS...: 0 when the handshake completed (from the client's side)
    local port=$1 rc=0
    shift
    timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername localhost "$@" < /dev/null > "$work/out" 2>&1 ||
        rc=$?
    IFS= read -r -d '' out < "$work/out" || true
    return "$rc"
}
# A request after the handshake, for the checks where only an answer shows that the server accepted the handshake
# (in TLS 1.3 the client's handshake is done before the server has read its Finished and certificate): a WebSocket
# upgrade for a version parleyd does not speak, which it answers with 400 and a close.
request() { # request PORT ARGS...: 0 when an HTTP answer came
    local port=$1
    shift
    printf 'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 12\r\n\r\n' \
        dGhlIHNhbXBsZSBub25jZQ== |
        timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername localhost -ign_eof "$@" > "$work/out" 2>&1 || true
    IFS= read -r -d '' out < "$work/out" || true
    [[ $out == *"HTTP/1.1 400"* ]]   # (s_client may print its session report in the middle of the line)
}
negotiated() { [[ $out == *$'\n'"New, $1, Cipher is $2"$'\n'* ]]; }   # negotiated PROTOCOL SUITE
# The server sent something (a client that cannot make its offer sends an alert and reads nothing).
server_answered() { [[ $out =~ SSL\ handshake\ has\ read\ [1-9] ]]; }
# Refused: the server answered the hello with a fatal alert (s_client numbers the alerts it receives) and no suite
# was agreed.
refused_by_server() {
    server_answered && [[ $out == *"SSL alert number"* && $out == *$'\n'"New, (NONE), Cipher is (NONE)"$'\n'* ]]
}
alert() { [[ $out =~ alert\ ([a-z ]*): ]] && echo "${BASH_REMATCH[1]}" || echo "no alert"; }   # the alert received
lastlines() { tail -n 3 <<< "$out" | tr '\n' ' '; }

check_listener() { # check_listener NAME PORT ECDSA|RSA
    local name=$1 port=$2 auth=$3

    # Allowed suites connect (each with a certificate of its kind).
    for suite in "${allowed12[@]}"; do
        [[ $suite == ECDHE-$auth-* ]] || continue
        if handshake "$port" -tls1_2 -cipher "$suite" && negotiated TLSv1.2 "$suite"; then
            echo "ok: $name: TLS 1.2 $suite connects"
        else
            fail "$name: TLS 1.2 $suite does not connect: $(alert)"
        fi
    done
    for suite in "${allowed13[@]}"; do
        if handshake "$port" -tls1_3 -ciphersuites "$suite" && negotiated TLSv1.3 "$suite"; then
            echo "ok: $name: TLS 1.3 $suite connects"
        else
            fail "$name: TLS 1.3 $suite does not connect: $(alert)"
        fi
    done

    # Every other TLS 1.2 suite the client knows: all in one s_client hello, then each alone (Python's ssl module,
    # the same OpenSSL, one process for all). The other TLS 1.3 suites, each alone with s_client.
    if handshake "$port" -tls1_2 -cipher "$(IFS=:; echo "${others[*]}"):@SECLEVEL=0"; then
        fail "$name: a hello with the ${#others[@]} other TLS 1.2 suites is accepted: $(grep '^New, ' <<< "$out")"
    elif refused_by_server; then
        echo "ok: $name: a hello with the ${#others[@]} other TLS 1.2 suites is refused ($(alert))"
    else
        fail "$name: a hello with the other TLS 1.2 suites: no alert from the server: $(lastlines)"
    fi
    "${probe[@]}" suites 127.0.0.1 "$port" "${others[@]}" > "$work/suites" 2>&1 || true
    alone=$(grep -c '^refused ' "$work/suites" || true)
    if [ "$alone" -eq "${#others[@]}" ]; then
        echo "ok: $name: each of the ${#others[@]} other TLS 1.2 suites alone is refused"
    else
        grep -v '^refused ' "$work/suites" | sed "s/^/FAIL: $name: TLS 1.2 suite alone: /"
        fail "$name: $alone of the ${#others[@]} other TLS 1.2 suites alone are refused"
    fi
    for suite in "${all13[@]}"; do
        contains "$suite" "${allowed13[@]}" && continue
        if handshake "$port" -tls1_3 -ciphersuites "$suite"; then
            fail "$name: TLS 1.3 $suite is accepted"
        elif refused_by_server; then
            echo "ok: $name: TLS 1.3 $suite refused ($(alert))"
        else
            fail "$name: TLS 1.3 $suite: no alert from the server: $(lastlines)"
        fi
    done

    # Versions before TLS 1.2.
    for version in tls1 tls1_1; do
        if handshake "$port" "-$version" -cipher 'ALL:@SECLEVEL=0'; then
            fail "$name: $version is accepted"
        elif refused_by_server; then
            echo "ok: $name: $version refused ($(alert))"
        else
            fail "$name: $version: no alert from the server: $(lastlines)"
        fi
    done

    # Hand-made hellos; the TLS 1.2 one (the SSL 3.0 bytes but for the version) shows that the probe gets answers.
    "${probe[@]}" hello 127.0.0.1 "$port" tls12 sslv3 sslv2 sslv2-tls12 > "$work/hellos" 2>&1 || true
    grep -q '^ACCEPTED tls12: ServerHello' "$work/hellos" ||
        fail "$name: the hand-made TLS 1.2 hello got no ServerHello: $(cat "$work/hellos")"
    for kind in sslv3 sslv2 sslv2-tls12; do
        answer=$(grep "^[A-Za-z]* $kind:" "$work/hellos" || echo "UNCLEAR $kind: no result")
        if [[ $answer == refused* ]]; then
            echo "ok: $name: $kind hello refused: ${answer#*: }"
        else
            fail "$name: $answer"
        fi
    done

    # Client-initiated renegotiation: s_client's R command on an established TLS 1.2 connection. (s_client reads
    # commands only while its stdin is open: a pipe held open until it has ended.)
    mkfifo "$work/commands"
    exec 3<> "$work/commands"
    echo R >&3
    timeout 20 openssl s_client -connect "127.0.0.1:$port" -tls1_2 -msg < "$work/commands" > "$work/out" 2>&1 || true
    exec 3>&-
    rm "$work/commands"
    hellos=$(grep -c '], ClientHello$' "$work/out" || true)
    answers=$(grep -c '], ServerHello$' "$work/out" || true)
    if [ "$hellos" -eq 2 ] && [ "$answers" -eq 1 ] && grep -q '^<<< .*Alert.*no_renegotiation$' "$work/out"; then
        echo "ok: $name: client-initiated renegotiation refused (no_renegotiation)"
    else
        fail "$name: renegotiation: $hellos ClientHellos, $answers ServerHellos: $(grep -m1 -i -E 'error|alert' "$work/out" || true)"
    fi

    # A changed Finished: the man in the middle relays a clean handshake (the control), then flips one byte; each
    # with a request after the handshake, which only an accepted handshake answers.
    "${probe[@]}" mitm 127.0.0.1 "$port" relay flip relay flip > "$work/mitm" 2>&1 &
    mitm=$!
    for _ in $(seq 100); do [ -s "$work/mitm" ] && break; sleep 0.05; done
    through=$(head -n 1 "$work/mitm")
    n=1
    for version in 1.2 1.3; do
        for mode in relay flip; do
            request "$through" "-tls${version/./_}" && answered=1 || answered=0
            n=$((n + 1))
            for _ in $(seq 100); do [ "$(wc -l < "$work/mitm")" -ge "$n" ] && break; sleep 0.05; done
            summary=$(sed -n "${n}p" "$work/mitm")
            after=$(sed -n -E 's/.*server_after=([^ ]*).*/\1/p' <<< "$summary")
            if [ "$mode" = relay ]; then
                [ "$answered" -eq 1 ] || fail "$name: TLS $version through the relay gets no answer: $summary"
            elif [ "$answered" -eq 0 ] && [ "$(alert)" = "bad record mac" ] &&
                [[ $summary == "flip flipped=1 "*server_closed=1 && ,$after, != *,20,* ]]; then
                # (in TLS 1.2 no ChangeCipherSpec from the server: it never sent its own Finished)
                echo "ok: $name: TLS $version changed Finished refused (bad_record_mac; server sent record types $after, closed)"
            else
                fail "$name: TLS $version changed Finished: answered=$answered $summary $(alert)"
            fi
        done
    done
    wait "$mitm" || fail "$name: the man in the middle failed: $(cat "$work/mitm")"
}

# Groups, on the RSA parleyd's listeners (in TLS 1.2 the client's groups must include the curve of an ECDSA
# certificate, which would hide the others): each allowed group alone connects and is the one used; a hello with
# all the others (the server picks any group both sides have) is refused.
check_groups() { # check_groups NAME PORT
    local name=$1 port=$2
    for version in 1.2 1.3; do
        if [ "$version" = 1.2 ]; then
            allowed=("${allowedgroups12[@]}")
            suite=ECDHE-RSA-AES128-GCM-SHA256
            offer=(-tls1_2 -cipher "$suite:@SECLEVEL=0")
        else
            allowed=("${allowedgroups13[@]}")
            suite=TLS_AES_128_GCM_SHA256
            offer=(-tls1_3 -ciphersuites "$suite" -cipher 'DEFAULT:@SECLEVEL=0')
        fi
        connected=0
        for group in "${allowed[@]}"; do
            if handshake "$port" "${offer[@]}" -groups "$group" && negotiated "TLSv$version" "$suite" &&
                [[ $out == *$'\n'"Server Temp Key: ${tempkey[$group]:-$group},"* ]]; then
                connected=$((connected + 1))
            else
                fail "$name: TLS $version with group $group alone does not connect: $(alert)"
            fi
        done
        echo "ok: $name: TLS $version with each of ${allowed[*]} alone connects ($connected)"
        othergroups=()
        for group in "${allgroups[@]}"; do contains "$group" "${allowed[@]}" || othergroups+=("$group"); done
        if [ "${#othergroups[@]}" -eq 0 ]; then
            continue
        elif handshake "$port" "${offer[@]}" -groups "$(IFS=:; echo "${othergroups[*]}")"; then
            fail "$name: TLS $version with the other groups is accepted: $(grep -m1 'Temp Key' <<< "$out" || true)"
        elif refused_by_server; then
            echo "ok: $name: TLS $version with the ${#othergroups[@]} other groups refused ($(alert))"
        elif ! server_answered && [[ $out == *"no suitable groups"* ]]; then
            echo "ok: $name: TLS $version: the client can offer none of the other ${#othergroups[@]} groups"
        else
            fail "$name: TLS $version with the other groups: no alert from the server: $(lastlines)"
        fi
    done
}

# Client certificates on the admin listener of the third parleyd.
check_client_certificates() {
    for version in 1.2 1.3; do
        v=-tls${version/./_}
        for client in none:"handshake failure|certificate required" foreign:"unknown ca" expired:"certificate expired"; do
            cert=${client%%:*}
            expected=${client#*:}
            what=$(case $cert in none) echo "no certificate" ;; foreign) echo "a certificate from another CA" ;;
                                      expired) echo "an expired certificate" ;; esac)
            args=()
            [ "$cert" = none ] || args=(-cert "$tmp/$cert.pem" -key "$tmp/client.key")
            if request "$mtls" "$v" "${args[@]}"; then
                fail "TLS $version admin listener answers a client with $what"
            elif [[ $(alert) =~ ^($expected)$ ]]; then
                echo "ok: TLS $version admin listener refuses $what ($(alert))"
            else
                fail "TLS $version admin listener, $what: $(alert) $(lastlines)"
            fi
        done
        if request "$mtls" "$v" -cert "$tmp/issued.pem" -key "$tmp/client.key"; then
            echo "ok: TLS $version admin listener accepts the certificate issued by client_ca"
        else
            fail "TLS $version admin listener refuses the certificate issued by client_ca: $(alert) $(lastlines)"
        fi
    done
}


# Each group of checks in a process of its own, all at once; their reports in order. A group that ends early
# (without its last line) fails.
jobs=()
names=()
for l in "${listeners[@]}"; do
    IFS=: read -r name port auth <<< "$l"
    mkdir "$tmp/$name"
    (
        work=$tmp/$name
        check_listener "$name" "$port" "$auth"
        [ "$auth" != RSA ] || check_groups "$name" "$port"
        echo "done: $name"
    ) > "$tmp/$name.log" 2>&1 &
    jobs+=("$!")
    names+=("$name")
done
mkdir "$tmp/client-certificates"
(work=$tmp/client-certificates; check_client_certificates; echo "done: client-certificates") > "$tmp/client-certificates.log" 2>&1 &
jobs+=("$!")
names+=(client-certificates)
for j in "${jobs[@]}"; do wait "$j" || true; done
for name in "${names[@]}"; do
    grep -v '^done: ' "$tmp/$name.log" || true
    failures=$((failures + $(grep -c '^FAIL:' "$tmp/$name.log" || true)))
    grep -q "^done: $name\$" "$tmp/$name.log" || fail "$name: the checks ended early"
done

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "PASS: TLS server"
