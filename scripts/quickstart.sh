#!/usr/bin/env bash
# Installs what Parley needs, builds it, and starts parleyd on its embedded default:
# SQLite in ./run/data, a self-signed certificate generated on first start, listening on 127.0.0.1:8443, the admin
# API on 127.0.0.1:8444 with a first admin account (its one-time password in a file, never printed).
#   scripts/quickstart.sh          install, build, start
#   scripts/quickstart.sh start    start what was built already (no installing, no building)
#   scripts/quickstart.sh stop     stop the daemon started here
# PARLEY_HOME (default ./run) holds the configuration, data and log of this local instance; PARLEY_BUILD (default
# ./build) the programs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home=${PARLEY_HOME:-$root/run}
build=${PARLEY_BUILD:-$root/build}
conf=$home/parleyd.conf
pidfile=$home/parleyd.pid
log=$home/parleyd.log
parleyd=$build/server/daemon/parleyd
parley=$build/tools/parley/parley
parleyctl=$build/tools/parleyctl/parleyctl
parley_admin=$build/admin-gui/parley-admin

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

if [ "${1:-}" = "stop" ]; then
    if running; then
        kill -TERM "$(cat "$pidfile")"
        for _ in $(seq 50); do running || break; sleep 0.1; done
        rm -f "$pidfile"
        echo "parleyd stopped."
    else
        echo "parleyd is not running (from $home)."
    fi
    exit 0
fi

if [ "${1:-}" != "start" ]; then
    # shellcheck source=deps.sh
    source "$root/scripts/deps.sh"
    parley_install_deps build

    cd "$root"
    cmake --preset default -DPARLEY_BUILD_TESTS=OFF >/dev/null
    cmake --build --preset default -j"$(nproc)"
fi

mkdir -p "$home"
chmod 0700 "$home"
if [ ! -f "$conf" ]; then
    cat >"$conf" <<CONF
[server]
listen=127.0.0.1:8443
data_dir=$home/data
CONF
    chmod 0640 "$conf"
fi

if running; then
    echo "parleyd is already running (pid $(cat "$pidfile")); restarting it with the new build."
    "$0" stop >/dev/null
fi

fingerprint=$("$parleyd" --config "$conf" fingerprint | tail -n 1)
# The first admin account, before the daemon opens the database (as the package's postinst does): "admin init"
# creates "admin" with a one-time password in DATA_DIR/initial-admin-password (0600) only while there is no admin
# account, and prints the admin API's address and certificate fingerprint.
admin=$("$parleyd" --config "$conf" admin init)
admin_address=$(sed -n 's|^admin wss://||p' <<<"$admin" | sed 's|/$||')
admin_fingerprint=$(sed -n 's/^fingerprint //p' <<<"$admin")
password_file=$(sed -n 's/^password_file //p' <<<"$admin")

nohup "$parleyd" --config "$conf" >"$log" 2>&1 &
echo $! >"$pidfile"

listen=$(sed -n 's/^listen=//p' "$conf" | head -n 1)
for _ in $(seq 100); do
    if ! running; then
        echo "error: parleyd exited at start; its log ($log) says:" >&2
        tail -n 20 "$log" >&2
        exit 1
    fi
    if grep -q '^admin ' "$log"; then break; fi
    sleep 0.1
done

if [ "$admin_fingerprint" = "$fingerprint" ]; then
    admin_certificate="the same certificate"
else
    admin_certificate="certificate SHA-256 fingerprint $admin_fingerprint"
fi
cat <<TXT

parleyd $("$parleyd" --version) is running (pid $(cat "$pidfile")) on wss://$listen/
  configuration: $conf
  data:          $home/data
  log:           $log
  certificate SHA-256 fingerprint: $fingerprint
  admin API:     $admin_address ($admin_certificate)

Next steps
  1. Issue an enrollment code for each person (the code is the last line):
       $parleyd --config $conf enroll alice
       $parleyd --config $conf enroll bob
  2. Register a device for each (the passphrase protects the keys on that device):
       export PARLEY_PASSPHRASE='choose a passphrase'
       $parley --profile ~/.parley/alice register wss://$listen alice CODE --fingerprint $fingerprint
       $parley --profile ~/.parley/bob register wss://$listen bob CODE --fingerprint $fingerprint
  3. Send and receive (receive ends 2 seconds after the last message, after 10 at most):
       $parley --profile ~/.parley/alice send bob "hello"
       $parley --profile ~/.parley/bob receive --wait 10 --until-idle 2
     A file goes encrypted with --file; receive saves it (here to the current directory):
       $parley --profile ~/.parley/alice send bob --file /etc/os-release "our release"
       $parley --profile ~/.parley/bob receive --save-dir .
TXT
if grep -qx 'account admin created' <<<"$admin" || [ -n "$password_file" ]; then
    cat <<TXT
  4. Administer the server as "admin": its one-time password is in $password_file
     (readable by you only); the first login must change it, which deletes the file.
     On the command line:
       $parleyctl --server $admin_address --fingerprint $admin_fingerprint login admin --password-file $password_file
       $parleyctl passwd --password-file $password_file
     or in the desktop app: $parley_admin
       (server $admin_address, name admin, that password; confirm the fingerprint $admin_fingerprint)
TXT
else
    cat <<TXT
  4. Administer the server: the database holds admin accounts already. A new one-time password for one of them:
       $parleyd --config $conf admin reset-password NAME
     Log in: $parleyctl --server $admin_address --fingerprint $admin_fingerprint login NAME, or $parley_admin
TXT
fi
cat <<TXT
  Stop the daemon: scripts/quickstart.sh stop
TXT
