# Sourced by the privacy tests (tst_datainflight.sh, tst_logprivacy.sh, tst_filepermissions.sh): a parleyd on
# loopback and the steps a person takes with the real command-line programs (parleyctl for the administrator,
# parley for the users). Every secret a step handles is kept under $work/secrets for secretscan.py:
#   NAME.txt   a text secret (the admin password, an enrollment code, a message's plaintext, a token)
#   NAME.hex   a binary secret in hex (a private key scalar, a resumption credential)
#   NAME.home  optional: the one file where that secret belongs (the key file of a server key), not searched for it
#
# Addresses: parleyd listens on 127.0.0.2 only, and the clients connect to it from 127.0.0.1 (the kernel's source
# address for the loopback net; session_start_daemon checks it on a live connection). So "127.0.0.1" in anything
# parleyd writes can only be the address of a client, and the daemon's own lines ("listen wss://127.0.0.2:PORT/")
# need no exception.
#
# Set before sourcing: build (the build directory). Sets work, parleyd, parleyctl, parley; cleans up on exit.

parleyd=$build/server/daemon/parleyd
parleyctl=$build/tools/parleyctl/parleyctl
parley=$build/tools/parley/parley
assurance_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for program in "$parleyd" "$parleyctl" "$parley"; do
    [ -x "$program" ] || { echo "FAIL: $program is not built" >&2; exit 1; }
done

work=$(mktemp -d)
chmod 700 "$work"
mkdir -p "$work/secrets" "$work/profiles" "$work/ctl" "$work/daemon-home" "$work/daemon-tmp"
daemon_pid=
session_cleanup() {
    [ -z "$daemon_pid" ] || kill "$daemon_pid" 2> /dev/null || true
    rm -rf "$work"
}
trap session_cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }

# The clients' environment: parleyctl keeps its token under XDG_CONFIG_HOME, parley reads the profile passphrase.
export XDG_CONFIG_HOME=$work/ctl HOME=$work/home
export PARLEY_PASSPHRASE="profile passphrase $RANDOM$RANDOM$RANDOM"
unset PARLEYCTL_PASSWORD PARLEYCTL_NEW_PASSWORD QT_LOGGING_RULES QT_LOGGING_CONF JOURNAL_STREAM QT_ENABLE_REGEXP_JIT

secret() { # secret NAME VALUE: a text secret
    printf '%s' "$2" > "$work/secrets/$1.txt"
}
secret_hex() { # secret_hex NAME HEX [HOME_FILE]: a binary secret; HOME_FILE is where it belongs
    printf '%s' "$2" > "$work/secrets/$1.hex"
    [ -z "${3:-}" ] || printf '%s' "$3" > "$work/secrets/$1.home"
}
secret "device-passphrase" "$PARLEY_PASSPHRASE"

# session_start_daemon [EXTRA_INI]: parleyd with its own data directory, HOME and TMPDIR (so that anything it writes
# lands where the tests look), stdout and stderr in $work/parleyd.out and .err. Sets port, admin_port, fingerprint.
session_start_daemon() {
    printf '[server]\nlisten=127.0.0.2:0\ndata_dir=%s\nworkers=2\n\n[admin]\nlisten=127.0.0.2:0\n\n%s' \
        "$work/data" "${1:-}" > "$work/parleyd.conf"
    HOME=$work/daemon-home TMPDIR=$work/daemon-tmp XDG_CONFIG_HOME= XDG_DATA_HOME= XDG_CACHE_HOME= \
        "$parleyd" --config "$work/parleyd.conf" < /dev/null > "$work/parleyd.out" 2> "$work/parleyd.err" &
    daemon_pid=$!
    for _ in $(seq 300); do grep -q '^admin wss://' "$work/parleyd.out" && break; sleep 0.1; done
    grep -q '^admin wss://' "$work/parleyd.out" || { cat "$work/parleyd.err" >&2; die "parleyd did not start"; }
    port=$(sed -n -E 's#^listen wss://127\.0\.0\.2:([0-9]+)/$#\1#p' "$work/parleyd.out")
    admin_port=$(sed -n -E 's#^admin wss://127\.0\.0\.2:([0-9]+)/$#\1#p' "$work/parleyd.out")
    [ -n "$port" ] && [ -n "$admin_port" ] || die "unexpected listen lines: $(cat "$work/parleyd.out")"
    fingerprint=$(parleyd_command fingerprint | tail -n 1)
    [[ $fingerprint =~ ^[0-9a-f]{64}$ ]] || die "parleyd fingerprint printed '$fingerprint'"
    server_url=wss://127.0.0.2:$port/
    # The premise of the address checks: a client's connection to 127.0.0.2 comes from 127.0.0.1.
    local source
    source=$(python3 -c 'import socket,sys
s = socket.create_connection(("127.0.0.2", int(sys.argv[1]))); print(s.getsockname()[0])' "$port")
    [ "$source" = 127.0.0.1 ] || die "a connection to 127.0.0.2 comes from $source, not 127.0.0.1"
}

# parleyd_command ARGS...: `parleyd --config FILE ARGS...` as the host's administrator runs it; its stdout is the
# caller's (an enrollment code, a fingerprint), its log lines go to $work/parleyd-commands.err.
parleyd_command() {
    HOME=$work/daemon-home TMPDIR=$work/daemon-tmp XDG_CONFIG_HOME= XDG_DATA_HOME= XDG_CACHE_HOME= \
        "$parleyd" --config "$work/parleyd.conf" "$@" 2>> "$work/parleyd-commands.err"
}

# session_stop_daemon: SIGTERM and wait, so that the event log's last lines reach the database.
session_stop_daemon() {
    kill -TERM "$daemon_pid"
    local status=0
    wait "$daemon_pid" || status=$?
    daemon_pid=
    [ "$status" -eq 0 ] || fail "parleyd exited with status $status at SIGTERM; the end of its stderr:
$(tail -n 40 "$work/parleyd.err")"
}

ctl() { "$parleyctl" "$@"; }

admin_token() { # the token parleyctl keeps after login (docs/admin-api.md "parleyctl")
    sed -n -E 's/^ *"token": *"([^"]*)".*/\1/p' "$work/ctl/parleyctl/token-127.0.0.2-$admin_port"
}

# session_admin_login: the first login as a person does it: the one-time password from the file parleyd wrote,
# a wrong password first (refused), the login, the forced password change.
session_admin_login() {
    local initial=$work/data/initial-admin-password
    [ -f "$initial" ] || die "parleyd wrote no $initial"
    secret "admin-initial-password" "$(head -n 1 "$initial")"
    printf 'not the password %s\n' "$RANDOM" > "$work/wrong-password"
    local status=0
    ctl --server "127.0.0.2:$admin_port" --fingerprint "$fingerprint" login admin --password-file "$work/wrong-password" \
        > "$work/ctl.out" 2>&1 || status=$?
    [ "$status" -eq 3 ] || die "a wrong admin password gave exit status $status: $(cat "$work/ctl.out")"
    ctl --server "127.0.0.2:$admin_port" --fingerprint "$fingerprint" login admin --password-file "$initial" \
        > "$work/ctl.out" 2>&1 || die "admin login failed: $(cat "$work/ctl.out")"
    grep -q 'must choose a new password' "$work/ctl.out" || die "login did not ask for a new password"
    secret "admin-token-first" "$(admin_token)"
    printf 'Admin password %s-%s-%s\n' "$RANDOM" "$RANDOM" "$RANDOM" > "$work/admin-password"
    secret "admin-password" "$(head -n 1 "$work/admin-password")"
    ctl passwd --password-file "$initial" --new-password-file "$work/admin-password" > "$work/ctl.out" 2>&1 ||
        die "parleyctl passwd failed: $(cat "$work/ctl.out")"
    secret "admin-token" "$(admin_token)"
    [ ! -e "$initial" ] || fail "the one-time password file is still there after the password change"
    rm -f "$work/admin-password"    # (kept in the secrets directory only)
}

# session_user_code NAME: an enrollment code for a new user through the admin API (parleyctl user add).
session_user_code() {
    ctl --json user add "$1" > "$work/ctl.out" 2>&1 || die "parleyctl user add $1 failed: $(cat "$work/ctl.out")"
    sed -n -E 's/.*"code":"([^"]*)".*/\1/p' "$work/ctl.out"
}

# session_register NAME CODE: parley register with a code, into the profile $work/profiles/NAME. Both spellings of
# the code are secrets: as printed and as the server normalises it (no dashes, upper case).
session_register() {
    [ -n "$2" ] || die "no enrollment code for $1"
    secret "enroll-code-$1" "$2"
    secret "enroll-code-$1-normalised" "$(tr -d ' -' <<< "$2" | tr a-z A-Z)"
    "$parley" --profile "$work/profiles/$1" register "$server_url" "$1" "$2" --fingerprint "$fingerprint" \
        --device-name "laptop of $1" > "$work/parley.out" 2>&1 || die "parley register $1 failed: $(cat "$work/parley.out")"
}

# session_send FROM TEXT ARGS...: parley send; TEXT is a secret (the message plaintext). Sets sent=TEXT.
session_send() {
    local from=$1 text=$2
    shift 2
    sent=$text
    secret "plaintext-$(printf '%s' "$text" | sha256sum | cut -c1-8)" "$text"
    "$parley" --profile "$work/profiles/$from" send "$@" -- "$text" > "$work/parley.out" 2>&1 ||
        die "parley send from $from failed: $(cat "$work/parley.out")"
}

# session_receive NAME TEXT: parley receive, which must show TEXT.
session_receive() {
    "$parley" --profile "$work/profiles/$1" receive --json > "$work/parley.out" 2>&1 ||
        die "parley receive for $1 failed: $(cat "$work/parley.out")"
    grep -qF "\"text\":\"$2\"" "$work/parley.out" || die "$1 did not receive '$2': $(cat "$work/parley.out")"
}

# session_device_secrets NAME: the private keys and the resumption credential of a profile (profilesecrets.py
# decrypts them with the passphrase, as parley does).
session_device_secrets() {
    local listing name hex
    listing=$(python3 "$assurance_dir/profilesecrets.py" "$work/profiles/$1") || die "cannot read the keys of profile $1"
    while read -r name hex; do
        secret_hex "device-$1-$name" "$hex"
    done <<< "$listing"
}

# session_key_secret NAME PEM_FILE: the private scalar of a server key (TLS, push), which belongs in that file only.
session_key_secret() {
    local hex
    hex=$(openssl pkey -in "$2" -noout -text | awk '/^priv:/ { on = 1; next } /^[^ ]/ { on = 0 } on' | tr -d ' :\n')
    [ ${#hex} -ge 64 ] || die "cannot read the private key in $2"
    secret_hex "$1" "$hex" "$2"
}

# session_scan [--masked] FILE...: secretscan.py over FILE... for every secret kept so far.
session_scan() {
    local masked=()
    if [ "$1" = --masked ]; then masked=(--masked); shift; fi
    python3 "$assurance_dir/secretscan.py" "${masked[@]}" "$work/secrets" "$@" || fail "secrets found (above)"
}
