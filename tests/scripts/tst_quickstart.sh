#!/usr/bin/env bash
# scripts/quickstart.sh start (the part after installing and building) in a temporary PARLEY_HOME: it creates the
# first admin account without printing its password, prints the fingerprint in parleyd's spelling and login steps
# that work as printed, and on a second start keeps the account and still names the password file.
#   tst_quickstart.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
export PARLEY_BUILD=$2
work=$(mktemp -d)
export PARLEY_HOME=$work/run XDG_CONFIG_HOME=$work/config
cleanup() {
    "$src/scripts/quickstart.sh" stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/out" ] && cat "$work/out" >&2; exit 1; }

# A configuration of its own on free ports (the quickstart keeps an existing one).
read -r port admin_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
mkdir -m 700 "$PARLEY_HOME"
printf '[server]\nlisten=127.0.0.1:%s\ndata_dir=%s/data\n\n[admin]\nlisten=127.0.0.1:%s\n' \
    "$port" "$PARLEY_HOME" "$admin_port" > "$PARLEY_HOME/parleyd.conf"

"$src/scripts/quickstart.sh" start > "$work/out" 2>&1 || fail "quickstart.sh start failed"
fingerprint=$("$PARLEY_BUILD/server/daemon/parleyd" --config "$PARLEY_HOME/parleyd.conf" fingerprint | tail -n 1)
[[ $fingerprint =~ ^[0-9a-f]{64}$ ]] || fail "parleyd fingerprint printed '$fingerprint'"
grep -qxF "  certificate SHA-256 fingerprint: $fingerprint" "$work/out" || fail "no fingerprint line"
grep -qxF "  admin API:     127.0.0.1:$admin_port (the same certificate)" "$work/out" || fail "no admin API line"

password_file=$PARLEY_HOME/data/initial-admin-password
[ "$(stat -c %a "$password_file")" = 600 ] || fail "the password file is not 0600"
grep -qF "$(cat "$password_file")" "$work/out" && fail "the one-time password was printed"
grep -qF "its one-time password is in $password_file" "$work/out" || fail "the password file is not named"
grep -qF "$PARLEY_BUILD/admin-gui/parley-admin" "$work/out" || fail "parley-admin is not named"
grep -qF "confirm the fingerprint $fingerprint" "$work/out" || fail "parley-admin's fingerprint is not given"
grep -qF -- "--fingerprint $fingerprint" "$work/out" || fail "parley register is not given the fingerprint"

# The login step works exactly as printed.
login=$(grep -F ' login admin --password-file ' "$work/out" | sed 's/^ *//')
[ "$login" = "$PARLEY_BUILD/tools/parleyctl/parleyctl --server 127.0.0.1:$admin_port --fingerprint $fingerprint login admin --password-file $password_file" ] \
    || fail "unexpected login step: $login"
read -r -a command <<<"$login"
"${command[@]}" > "$work/login" 2>&1 || fail "the printed login step failed: $(cat "$work/login")"
grep -q 'must choose a new password' "$work/login" || fail "login did not ask for a new password: $(cat "$work/login")"
grep -qF "parleyctl passwd --password-file $password_file" "$work/out" || fail "no passwd step"

# A second start keeps the account and its password file, and says so again.
"$src/scripts/quickstart.sh" start > "$work/out" 2>&1 || fail "the second quickstart.sh start failed"
grep -q 'restarting it' "$work/out" || fail "the running daemon was not restarted"
grep -qF "its one-time password is in $password_file" "$work/out" || fail "the second start does not name the password file"
"$src/scripts/quickstart.sh" stop | grep -qx 'parleyd stopped.' || fail "stop did not stop parleyd"
echo "PASS: scripts/quickstart.sh start"
