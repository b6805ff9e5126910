#!/bin/sh
# Runs inside the test chroot, in a network namespace of its own (only loopback), as root. Starts parleyd by hand
# as the parleyd user with the packaged configuration (there is no systemd in a chroot), talks to it with the
# real client, checks the listening ports and stops it with SIGTERM.
#
# Usage: smoke-in-chroot.sh first    the admin account made by postinst logs in with parleyctl and changes its
#                                    one-time password; enroll alice and bob, register their devices, queue a
#                                    message for bob
#        smoke-in-chroot.sh again    (after an upgrade) same certificate, the admin logs in with the chosen password,
#                                    bob gets the queued message, new traffic
set -eu

phase=$1
CONF=/etc/parleyd/parleyd.conf
INITIAL_PASSWORD=/var/lib/parleyd/initial-admin-password
export PARLEY_PASSPHRASE=correct-horse-battery-staple
# parleyctl keeps its session under $HOME/.config/parleyctl; nothing of the host's environment leaks in.
export HOME=/root
unset XDG_CONFIG_HOME
fail() { echo "FAIL: $*" >&2; [ -f /tmp/parleyd.log ] && sed 's/^/  parleyd: /' /tmp/parleyd.log >&2; exit 1; }
ok() { echo "ok: $*"; }
as_tester() { runuser -u tester -- env PARLEY_PASSPHRASE="$PARLEY_PASSPHRASE" "$@"; }

ip link set lo up
getent passwd tester >/dev/null || useradd --create-home tester

# setpriv executes parleyd in place (runuser would stay as its root parent), so $! is the daemon itself.
setpriv --reuid=parleyd --regid=parleyd --init-groups --inh-caps=-all \
    env QT_ENABLE_REGEXP_JIT=0 /usr/sbin/parleyd --config "$CONF" > /tmp/parleyd.log 2>&1 &
pid=$!
i=0
until grep -q '^fingerprint ' /tmp/parleyd.log; do
    i=$((i + 1))
    [ $i -le 300 ] || fail "parleyd did not start within 30 s"
    kill -0 $pid 2>/dev/null || fail "parleyd exited at start"
    sleep 0.1
done
user=$(ps -o user= -p $pid)
[ "$user" = parleyd ] || fail "parleyd runs as '$user', not parleyd"
fingerprint=$(sed -n 's/^fingerprint //p' /tmp/parleyd.log)
url=wss://$(sed -n 's/^listen wss:\/\///p' /tmp/parleyd.log | sed 's:/$::')
ok "parleyd $(sed -n 's/^parleyd //p' /tmp/parleyd.log) started as parleyd, $url"

# Only the documented ports listen: 8443 (devices) and 8444 (admin API).
ports=$(ss -lntH | awk '{ n = split($4, a, ":"); print a[n] }' | sort -u | tr '\n' ' ')
for port in $ports; do
    case "$port" in
        8443|8444) ;;
        *) fail "undocumented listening port $port (listening: $ports)" ;;
    esac
done
echo "$ports" | grep -qw 8443 || fail "nothing listens on 8443 (listening: $ports)"
ok "listening TCP ports: $ports"

admin=$(sed -n 's/^admin wss:\/\///p' /tmp/parleyd.log | sed 's:/$::')
[ "$admin" = 127.0.0.1:8444 ] || fail "admin API not on 127.0.0.1:8444 but '$admin'"
! grep -q '^first start:' /tmp/parleyd.log || fail "the daemon created an admin account although postinst had made one"

case "$phase" in
first)
    echo "$fingerprint" > /root/fingerprint
    # The account postinst created: its one-time password allows the password change and nothing else.
    [ "$(stat -c '%a %U:%G' "$INITIAL_PASSWORD")" = "600 parleyd:parleyd" ] || fail "initial admin password file mode"
    out=$(parleyctl --server "$admin" --fingerprint "$fingerprint" login admin --password-file "$INITIAL_PASSWORD") ||
        fail "parleyctl login with the one-time password: $out"
    echo "$out" | grep -q "must choose a new password" || fail "the one-time password did not demand a change: $out"
    status=0
    parleyctl status > /dev/null 2>&1 || status=$?
    [ $status -eq 3 ] || fail "parleyctl status before the password change exited $status, not 3"
    echo 'Chosen admin passphrase 2026' > /root/admin-password
    parleyctl passwd --password-file "$INITIAL_PASSWORD" --new-password-file /root/admin-password > /dev/null ||
        fail "parleyctl passwd"
    [ ! -e "$INITIAL_PASSWORD" ] || fail "the one-time password file is still there after the change"
    parleyctl status > /dev/null || fail "parleyctl status after the password change"
    ok "admin (made by postinst) logged in with the one-time password, chose a new one (file deleted), status works"
    for who in alice bob; do
        code=$(runuser -u parleyd -- parleyd --config "$CONF" enroll "$who") || fail "enroll $who"
        as_tester parley --profile "/home/tester/$who" register "$url" "$who" "$code" --fingerprint "$fingerprint" \
            > /dev/null || fail "parley register $who"
    done
    ok "alice and bob enrolled and registered"
    as_tester parley --profile /home/tester/alice send bob "queued before the upgrade" || fail "parley send"
    ok "alice sent bob a message; bob does not fetch it yet"
    ;;
again)
    [ "$fingerprint" = "$(cat /root/fingerprint)" ] || fail "the certificate changed across the upgrade"
    ok "same certificate fingerprint as before the upgrade"
    [ ! -e "$INITIAL_PASSWORD" ] || fail "the upgrade wrote a new one-time admin password"
    out=$(parleyctl --server "$admin" --fingerprint "$fingerprint" login admin --password-file /root/admin-password) ||
        fail "parleyctl login with the chosen password after the upgrade: $out"
    echo "$out" | grep -q "^logged in until" || fail "unexpected login answer: $out"
    parleyctl status > /dev/null || fail "parleyctl status after the upgrade"
    ok "admin logs in with the password chosen before the upgrade"
    as_tester parley --profile /home/tester/bob receive --json > /tmp/bob.json || fail "parley receive"
    grep -q "queued before the upgrade" /tmp/bob.json || fail "bob did not get the message queued before the upgrade"
    ok "bob received the message queued before the upgrade"
    as_tester parley --profile /home/tester/bob send alice "reply after the upgrade" || fail "parley send"
    as_tester parley --profile /home/tester/alice receive --json --wait 2 > /tmp/alice.json || fail "parley receive"
    grep -q "reply after the upgrade" /tmp/alice.json || fail "alice did not get bob's reply"
    ok "alice received bob's reply"
    ;;
*) fail "unknown phase $phase" ;;
esac

kill -TERM $pid
status=0
wait $pid || status=$?
[ $status -eq 0 ] || fail "parleyd exited with status $status after SIGTERM"
ok "parleyd stopped cleanly on SIGTERM"
