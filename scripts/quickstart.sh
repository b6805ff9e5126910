#!/usr/bin/env bash
# Installs what Parley needs, builds it, and starts parleyd on its embedded default:
# SQLite in ./run/data, a self-signed certificate generated on first start, listening on 127.0.0.1:8443.
#   scripts/quickstart.sh          install, build, start
#   scripts/quickstart.sh stop     stop the daemon started here
# PARLEY_HOME (default ./run) holds the configuration, data and log of this local instance.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home=${PARLEY_HOME:-$root/run}
conf=$home/parleyd.conf
pidfile=$home/parleyd.pid
log=$home/parleyd.log
parleyd=$root/build/server/daemon/parleyd
parley=$root/build/tools/parley/parley

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

# shellcheck source=deps.sh
source "$root/scripts/deps.sh"
parley_install_deps build

cd "$root"
cmake --preset default -DPARLEY_BUILD_TESTS=OFF >/dev/null
cmake --build --preset default -j"$(nproc)"

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
nohup "$parleyd" --config "$conf" >"$log" 2>&1 &
echo $! >"$pidfile"

listen=$(sed -n 's/^listen=//p' "$conf" | head -n 1)
port=${listen##*:}
for _ in $(seq 100); do
    if ! running; then
        echo "error: parleyd exited at start; its log ($log) says:" >&2
        tail -n 20 "$log" >&2
        exit 1
    fi
    if ss -Hlnt "sport = :$port" 2>/dev/null | grep -q LISTEN; then break; fi
    sleep 0.1
done

cat <<TXT

parleyd $("$parleyd" --version) is running (pid $(cat "$pidfile")) on wss://$listen/
  configuration: $conf
  data:          $home/data
  log:           $log
  certificate SHA-256 fingerprint: $fingerprint

Next steps
  1. Issue an enrollment code for each person (the code is the last line):
       $parleyd --config $conf enroll alice
       $parleyd --config $conf enroll bob
  2. Register a device for each (the passphrase protects the keys on that device):
       export PARLEY_PASSPHRASE='choose a passphrase'
       $parley --profile ~/.parley/alice register wss://$listen alice CODE --fingerprint $fingerprint
       $parley --profile ~/.parley/bob register wss://$listen bob CODE --fingerprint $fingerprint
  3. Send and receive:
       $parley --profile ~/.parley/alice send bob "hello"
       $parley --profile ~/.parley/bob receive --wait 5
  Stop the daemon: scripts/quickstart.sh stop
TXT
