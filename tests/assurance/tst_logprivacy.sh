#!/usr/bin/env bash
# Evaluation activity for FPR (privacy) and the logging promise (docs/admin-api.md "Event log"): a full session with
# parleyd at its most verbose logging leaves no client IP address, message content, password, enrollment code,
# token or key in anything the daemon wrote.
#
# Where parleyd's bytes go (server/): log lines through Qt's message handler to stderr (or to journald's socket when
# JOURNAL_STREAM names stderr; unset here, so stderr) and, through the event-log handler (server/admin/eventlog.cpp),
# into the database's event_log table; the audit log (audit_log) and everything else into the SQLite database and
# its -wal and -shm files; the start lines to stdout; key and password files under the data directory (tls/,
# push/, initial-admin-password). The daemon gets a HOME and TMPDIR of its own, searched too. So "everything it
# wrote" is: stdout, stderr, every file under the data directory, HOME and TMPDIR, plus a text dump of the database;
# the test also checks that every file parleyd holds open at the end is one of these.
#
# The session, with the real programs: a wrong admin password, the admin's first login and password change, debug
# logging for every parley.* category set through the admin API, Web Push credentials generated, two users enrolled
# (one code from the admin API, one from `parleyd enroll`), 1:1 messages both ways, a room with a message, a
# burn-on-read and an expiring message, a second login of a device (resumed), the admin's logout, and a scrape of
# the monitoring listener's /metrics (docs/operations.md), which must hold no user name, device name or room name
# either.
#
# What must not appear, in any spelling secretscan.py knows (raw, UTF-16, hex, base64/base64url, percent-encoded):
# the client address 127.0.0.1 as text (parleyd listens on 127.0.0.2; see privacysession.sh), every message text,
# the admin's one-time and chosen passwords, both admin tokens, both enrollment codes, the devices' passphrase, every
# private key scalar and resumption credential of both profiles, and the private scalars of the server's TLS and
# Web Push keys outside their own key files. "::1" must not appear in the text parleyd wrote either.
#
# Overlap: tests/admin/adminfixture.h and tests/push/pushadminfixture.h check that the admin calls' secrets
# (m_secrets) never reach the server's logs in-process; this is the same promise over a whole process and session.
#
# Usage: tst_logprivacy.sh BUILD_DIR
set -euo pipefail
build=$1
# shellcheck source=privacysession.sh
source "$(dirname "$0")/privacysession.sh"

# The most verbose the configuration allows: debug for every category, Parley's and Qt's own. The monitoring listener
# on, so that its scrape is searched too.
session_start_daemon $'[log]\nrules=*.debug=true\n\n[metrics]\nlisten=127.0.0.2:0\n'
session_admin_login
ctl log level 'parley.*' debug > "$work/ctl.out" 2>&1 || die "parleyctl log level failed: $(cat "$work/ctl.out")"
ctl push webpush --subject mailto:ops@example.org generate > "$work/ctl.out" 2>&1 ||
    die "parleyctl push webpush failed: $(cat "$work/ctl.out")"

session_register alice "$(session_user_code alice)"
session_register bob "$(parleyd_command enroll bob | tail -n 1)"

session_send alice "Quarterly numbers are in the blue folder $RANDOM" bob
session_receive bob "$sent"
session_send bob "Thanks, I will read them tonight $RANDOM" alice
session_receive alice "$sent"

"$parley" --profile "$work/profiles/alice" room create board --title "Board room $RANDOM" > "$work/parley.out" 2>&1 ||
    die "parley room create failed: $(cat "$work/parley.out")"
"$parley" --profile "$work/profiles/alice" room add board bob > "$work/parley.out" 2>&1 ||
    die "parley room add failed: $(cat "$work/parley.out")"
session_send alice "The merger closes on Friday $RANDOM" --room board
session_receive bob "$sent"
session_send alice "Burn this after reading $RANDOM" bob --burn-on-read
session_receive bob "$sent"
session_send bob "This one expires in a minute $RANDOM" alice --expire 60
session_receive alice "$sent"

# The metrics: counts only, whatever the session did.
metrics_port=$(sed -n -E 's#^metrics http://127\.0\.0\.2:([0-9]+)/$#\1#p' "$work/parleyd.out")
[ -n "$metrics_port" ] || die "no metrics line in: $(cat "$work/parleyd.out")"
python3 -c 'import sys, urllib.request
sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=30).read())' \
    "http://127.0.0.2:$metrics_port/metrics" > "$work/metrics.txt" || die "cannot scrape /metrics"
grep -q '^parleyd_messages_accepted_total [1-9]' "$work/metrics.txt" || fail "the scrape counted no accepted message"
for name in alice bob board "laptop of"; do
    if grep -nF -- "$name" "$work/metrics.txt"; then fail "'$name' (a user, room or device name) in the metrics"; fi
done

ctl audit show > /dev/null 2>&1 || fail "parleyctl audit show failed"
ctl log show --limit 50 > /dev/null 2>&1 || fail "parleyctl log show failed"
ctl logout > /dev/null 2>&1 || fail "parleyctl logout failed"

session_device_secrets alice
session_device_secrets bob
session_key_secret tls-private-key "$work/data/tls/server.key"
push_keys=$(find "$work/data/push" -type f)
[ -n "$push_keys" ] || die "no Web Push key under $work/data/push"
for key in $push_keys; do session_key_secret "push-key-$(basename "$key")" "$key"; done
secret client-address 127.0.0.1

# Every file parleyd holds open is among those searched below (a log file of its own would show here), but for what
# it inherited from this shell.
inherited=$(find "/proc/$$/fd" -mindepth 1 -printf '%l\n')
while read -r target; do
    case $target in
        "$work"/data/* | "$work/parleyd.out" | "$work/parleyd.err" | /dev/null) ;;
        /*) grep -qxF -- "$target" <<< "$inherited" || fail "parleyd holds $target open, outside what this test searches" ;;
    esac
done < <(find "/proc/$daemon_pid/fd" -mindepth 1 -printf '%l\n')
session_stop_daemon

db=$work/data/parleyd.sqlite
sqlite3 "$db" .dump > "$work/database.sql" || die "cannot dump the database"
# The session was logged at debug level (so the scan covers the lines debug adds), into both destinations.
debug_rows=$(sqlite3 "$db" "select count(*) from event_log where level = 'debug' and category like 'parley.%'")
[ "$debug_rows" -ge 20 ] || fail "only $debug_rows debug lines of parley.* in the event log: debug logging was not on"
grep -q ' parley\.[a-z]* debug: ' "$work/parleyd.err" || fail "no debug line of parley.* on stderr"
audit_rows=$(sqlite3 "$db" "select count(*) from audit_log")
[ "$audit_rows" -ge 5 ] || fail "only $audit_rows audit records"
echo "ok: $debug_rows debug lines in the event log, $(wc -l < "$work/parleyd.err") lines on stderr, $audit_rows audit records"

mapfile -t written < <(find "$work/data" "$work/daemon-home" "$work/daemon-tmp" -type f | sort)
echo "searched: parleyd's stdout and stderr, the stderr of \`parleyd enroll\` and \`fingerprint\`, a dump of the database, a scrape of /metrics, and:"
printf '  %s\n' "${written[@]#"$work/"}"
logs=("$work/parleyd.out" "$work/parleyd.err" "$work/parleyd-commands.err" "$work/database.sql" "$work/metrics.txt")
session_scan "${logs[@]}" "${written[@]}"
for text in "${logs[@]}"; do
    if grep -nE '(^|[^0-9A-Fa-f:])::1($|[^0-9A-Fa-f:])' "$text"; then fail "an IPv6 loopback address in $text"; fi
done

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "PASS: no address, content, password, code, token or key in anything parleyd wrote, no user, room or device name in its metrics"
