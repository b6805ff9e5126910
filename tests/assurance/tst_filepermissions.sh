#!/usr/bin/env bash
# Evaluation activity for FMT_CFG_EXT.1.2 (the application's files are protected): after a session with the real
# programs (the admin's first login and password change, an enrollment code, two users registered and a message,
# Web Push credentials generated, a certificate signing request whose key waits in the data directory), `find` over
# every path parleyd wrote: nothing is writable by group or others, no directory is open to group or others, and
# every file but the certificate (the database and its -wal and -shm, the TLS keys, the push key, the one-time admin
# password file, checked while it exists) is readable by its owner alone. parleyd runs with umask 000, so a file
# that relied on the umask for its mode would show up as world-writable. It writes nothing outside its data
# directory: the HOME and TMPDIR it was given stay empty.
#
# The client programs' files are checked the same way (docs/admin-api.md "parleyctl", shared/sdk/profile.h): the
# parleyctl token file and the parley profiles, directories 0700 and files 0600.
#
# Usage: tst_filepermissions.sh BUILD_DIR
set -euo pipefail
build=$1
# shellcheck source=privacysession.sh
source "$(dirname "$0")/privacysession.sh"

# check_tree LABEL PUBLIC_NAME_PATTERN DIR...: the permission checks over DIR..., listing every path checked.
check_tree() {
    local label=$1 public=$2 bad
    shift 2
    echo "$label:"
    find "$@" -printf '  %M %p\n' | sed "s#$work/##"
    bad=$(find "$@" -perm /002)
    [ -z "$bad" ] || fail "$label: writable by others: $bad"
    bad=$(find "$@" -perm /020)
    [ -z "$bad" ] || fail "$label: writable by the group: $bad"
    bad=$(find "$@" -type d -perm /077)
    [ -z "$bad" ] || fail "$label: directories open to group or others: $bad"
    bad=$(find "$@" -type f ! -name "$public" -perm /077)
    [ -z "$bad" ] || fail "$label: files other than certificates readable by group or others: $bad"
    bad=$(find "$@" ! -type f ! -type d)
    [ -z "$bad" ] || fail "$label: neither file nor directory: $bad"
}

umask 000
session_start_daemon
umask 022    # the clients: a common default, so their files show the modes they set themselves
[ -f "$work/data/initial-admin-password" ] || die "no initial-admin-password file"
check_tree "parleyd's data directory at the first start" '*.crt' "$work/data"

session_admin_login
ctl push webpush --subject mailto:ops@example.org generate > "$work/ctl.out" 2>&1 ||
    die "parleyctl push webpush failed: $(cat "$work/ctl.out")"
ctl cert csr parley.example.org --out "$work/request.csr" > "$work/ctl.out" 2>&1 ||
    die "parleyctl cert csr failed: $(cat "$work/ctl.out")"
session_register alice "$(session_user_code alice)"
session_register bob "$(session_user_code bob)"
session_send alice "Permissions check $RANDOM" bob
session_receive bob "$sent"
session_stop_daemon

for expected in parleyd.sqlite tls/server.key tls/server.crt tls/pending.key; do
    [ -f "$work/data/$expected" ] || fail "expected $expected in the data directory"
done
[ -n "$(find "$work/data/push" -type f)" ] || fail "no Web Push key file in push/"
check_tree "parleyd's data directory after the session" '*.crt' "$work/data"
outside=$(find "$work/daemon-home" "$work/daemon-tmp" -mindepth 1)
[ -z "$outside" ] || fail "parleyd wrote outside its data directory: $outside"
check_tree "parleyctl's and parley's files" '' "$work/ctl/parleyctl" "$work/profiles"/*

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "PASS: nothing parleyd, parleyctl or parley wrote is writable by others, secrets readable by the owner alone"
