#!/bin/bash
# Runs inside the test VM (installer/tests/vm/vm-test.sh) as root, started by parley-vmtest.service once the system
# is up: systemd is PID 1 and the kernel runs AppArmor. Installs the packages from the signed repositories on the
# payload disk (/payload), checks the daemon under its real unit and profile, runs a client session, and goes
# through upgrade, restart after SIGKILL, stop, remove and purge. Writes "ok: ..." per check and ends with
# "VMTEST PASS" or "FAIL: ..."; the result file of the host is this script's output (the VM's second serial port).
set -euo pipefail

P=/payload
CONF=/etc/parleyd/parleyd.conf
INITIAL=/var/lib/parleyd/initial-admin-password
ADDR=10.0.2.15          # the VM's own address (user-mode networking); clients connect through it, not loopback
export HOME=/root PARLEY_PASSPHRASE=correct-horse-battery-staple LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive
unset XDG_CONFIG_HOME
checks=0
start=$SECONDS
fail() {
    echo "FAIL: $*"
    echo "--- systemctl status parleyd"; systemctl status --no-pager parleyd 2>&1 | tail -n 20 || true
    echo "--- journal of parleyd"; journalctl -u parleyd --no-pager -n 40 2>&1 || true
    echo "--- AppArmor records"; journalctl --no-pager 2>/dev/null | grep 'apparmor="' | tail -n 20 || true
    exit 1
}
ok() { checks=$((checks + 1)); echo "ok: $* [$((SECONDS - start))s]"; }
as_tester() { runuser -u tester -- env PARLEY_PASSPHRASE="$PARLEY_PASSPHRASE" HOME=/home/tester "$@"; }
apt_get() { apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }
use_repo() {
    echo "deb [signed-by=/etc/apt/keyrings/parley-archive-keyring.gpg] file:$P/$1 bookworm main" \
        > /etc/apt/sources.list.d/parley.list
    apt_get update > /dev/null
}
main_pid() { systemctl show -p MainPID --value parleyd; }
wait_active() { # wait_active SECONDS: parleyd active and its listener answering
    local i=0
    until [ "$(systemctl is-active parleyd)" = active ] && [ "$(ss -lntH '( sport = :8443 or sport = :8444 )' |
        awk '{ n = split($4, a, ":"); print a[n] }' | sort -u | tr '\n' ' ')" = "8443 8444 " ]; do
        i=$((i + 1))
        [ $i -le $(($1 * 2)) ] || fail "parleyd not active with both listeners (8443, 8444) within $1 s"
        sleep 0.5
    done
}
set_conf() { # set_conf SECTION KEY VALUE: sets (or adds) KEY in SECTION of the configuration
    if sed -n "/^\[$1\]/,/^\[/p" "$CONF" | grep -q "^;\?$2="; then
        sed -i "/^\[$1\]/,/^\[/{s|^;\?$2=.*|$2=$3|}" "$CONF"
    else
        sed -i "/^\[$1\]/a $2=$3" "$CONF"
    fi
}

echo "VMTEST START $(uname -r) $(systemctl --version | head -n 1)"
[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm), not systemd"
[ "$(cat /sys/module/apparmor/parameters/enabled)" = Y ] || fail "AppArmor is not enabled in the kernel"
aa-status --enabled || fail "aa-status: AppArmor not enabled"
ok "PID 1 is systemd; the kernel runs AppArmor ($(aa-status --profiled) profiles loaded)"
getent passwd tester > /dev/null || useradd --create-home tester
# The VM reaches no archive (its network is qemu's, restricted): only Parley's repositories on the payload disk.
: > /etc/apt/sources.list
mkdir -p /etc/apt/keyrings
cp "$P/parley-archive-keyring.gpg" /etc/apt/keyrings/parley-archive-keyring.gpg

# --- install the previous release: the unit starts it ------------------------------------------------------------
use_repo previous
apt_get install parleyd parley-client > /root/install.log 2>&1 || { cat /root/install.log; fail "install"; }
previous=$(parleyd --version)
wait_active 120
[ "$(systemctl is-enabled parleyd)" = enabled ] || fail "parleyd.service is not enabled after install"
[ "$(ps -o user= -p "$(main_pid)")" = parleyd ] || fail "parleyd does not run as parleyd"
ok "installed $previous from the signed repository; systemd started parleyd.service (enabled, active, user parleyd)"

fingerprint=$(runuser -u parleyd -- parleyd --config "$CONF" fingerprint)
parleyctl --server 127.0.0.1:8444 --fingerprint "$fingerprint" login admin --password-file "$INITIAL" > /root/login.txt ||
    fail "admin login with the one-time password"
echo 'Chosen admin passphrase 2026' > /root/admin-password
parleyctl passwd --password-file "$INITIAL" --new-password-file /root/admin-password > /dev/null || fail "parleyctl passwd"
[ ! -e "$INITIAL" ] || fail "the one-time password file is still there"
ok "admin logged in with the one-time password and chose a new one"

# Serve other hosts: the administrator's change to the configuration, kept by the upgrade.
set_conf server listen "0.0.0.0:8443"
systemctl restart parleyd
wait_active 120
url=wss://$ADDR:8443
for who in alice bob; do
    code=$(runuser -u parleyd -- parleyd --config "$CONF" enroll "$who") || fail "enroll $who"
    echo "$code" >> /root/secrets
    as_tester parley --profile "/home/tester/$who" register "$url" "$who" "$code" --fingerprint "$fingerprint" \
        > /dev/null || fail "parley register $who"
done
as_tester parley --profile /home/tester/alice send bob "queued before the upgrade" > /dev/null || fail "parley send"
ok "alice and bob registered over $url; alice queued a message for bob"
echo "PROBE fingerprint=$fingerprint"

# --- upgrade -----------------------------------------------------------------------------------------------------
use_repo current
apt_get upgrade > /root/upgrade.log 2>&1 || { cat /root/upgrade.log; fail "upgrade"; }
current=$(parleyd --version)
[ "$current" != "$previous" ] || fail "the upgrade did not change the version ($current)"
wait_active 120
grep -q '^listen=0.0.0.0:8443$' "$CONF" || fail "the upgrade lost the local configuration change"
as_tester parley --profile /home/tester/bob receive --json > /root/bob.json || fail "bob receive after the upgrade"
grep -q "queued before the upgrade" /root/bob.json || fail "the message queued before the upgrade was lost"
ok "upgraded $previous -> $current; the unit restarted it; configuration change and queued message kept"

# --- confinement ---------------------------------------------------------------------------------------------------
pid=$(main_pid)
label=$(cat "/proc/$pid/attr/current")
[ "$label" = "parleyd (enforce)" ] || fail "parleyd runs as '$label', not confined by its profile in enforce mode"
aa-status > /root/aa-status.txt 2>&1
sed -n '/profiles are in enforce mode/,/profiles are in complain mode/p' /root/aa-status.txt | grep -qx '   parleyd' ||
    fail "aa-status does not list parleyd in enforce mode: $(cat /root/aa-status.txt)"
sed -n '/processes are in enforce mode/,/processes are in complain mode/p' /root/aa-status.txt |
    grep -q "/usr/sbin/parleyd ($pid) parleyd" || fail "aa-status does not list process $pid as confined"
ok "aa-status: profile parleyd in enforce mode, process $pid confined by it ($label)"

exposure=$(systemd-analyze security --no-pager parleyd.service 2>&1 | sed -n 's/.*Overall exposure level for parleyd.service: //p')
echo "EXPOSURE $exposure"
awk -v e="${exposure%% *}" 'BEGIN { exit !(e != "" && e + 0 <= 2.0) }' ||
    fail "systemd-analyze security: exposure '$exposure' above 2.0"
ok "systemd-analyze security parleyd.service (running): $exposure"

# --- a full client session under the profile -----------------------------------------------------------------------
# AppArmor's records reach the journal as kernel and as audit records: the whole journal is read after this cursor.
cursor=$(journalctl -n 1 --show-cursor --no-pager -o cat | sed -n 's/^-- cursor: //p')
denials() { journalctl --no-pager --after-cursor "$cursor" | grep 'apparmor="DENIED"' || true; }
parleyctl --server 127.0.0.1:8444 --fingerprint "$fingerprint" login admin --password-file /root/admin-password \
    > /dev/null || fail "admin login with the chosen password"
echo 'Second admin passphrase 2026' > /root/admin-password-2
parleyctl passwd --password-file /root/admin-password --new-password-file /root/admin-password-2 > /dev/null ||
    fail "parleyctl passwd under $current"
parleyctl --server 127.0.0.1:8444 --fingerprint "$fingerprint" login admin --password-file /root/admin-password-2 \
    > /dev/null || fail "admin login with the changed password"
parleyctl status > /dev/null || fail "parleyctl status"
ok "admin login, password change and login with the new password"

mid=$(as_tester parley --profile /home/tester/alice send bob "first secret words 7f3a") || fail "alice send"
as_tester parley --profile /home/tester/bob receive --json > /root/bob.json || fail "bob receive"
grep -q "first secret words 7f3a" /root/bob.json || fail "bob did not receive alice's message"
as_tester parley --profile /home/tester/alice room create ops > /dev/null || fail "room create"
as_tester parley --profile /home/tester/alice room add ops bob > /dev/null || fail "room add"
as_tester parley --profile /home/tester/alice send --room ops "room secret words 91c2" > /dev/null || fail "room send"
as_tester parley --profile /home/tester/bob receive --json > /root/bob-room.json || fail "bob receive (room)"
grep -q "room secret words 91c2" /root/bob-room.json || fail "bob did not receive the room message"
ok "1:1 message ($mid) and room message delivered and verified"

parleyctl cert reload > /dev/null || fail "parleyctl cert reload"
ok "certificate reload"

# Push: a Web Push receiver on loopback (HTTPS with a CA of its own), the VAPID key generated by the server.
mkdir -p /etc/parleyd/push /root/receiver
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -addext basicConstraints=critical,CA:TRUE \
    -keyout /root/receiver/key.pem -out /root/receiver/cert.pem 2> /dev/null
install -m 0644 /root/receiver/cert.pem /etc/parleyd/push/receiver-ca.pem
set_conf push ca_file /etc/parleyd/push/receiver-ca.pem
set_conf push webpush_allow_private_endpoints true
set_conf push coalesce_ms 0
set_conf push min_interval_seconds 0
systemctl restart parleyd
wait_active 120
parleyctl push webpush generate --subject mailto:ops@example.org > /dev/null || fail "parleyctl push webpush generate"
python3 "$P/push-receiver.py" 127.0.0.1 9443 /root/receiver > /root/receiver/log 2>&1 &
receiver=$!
openssl ecparam -name prime256v1 -genkey -noout -out /root/receiver/sub.pem 2> /dev/null
p256dh=$(openssl ec -in /root/receiver/sub.pem -pubout -outform DER 2> /dev/null | tail -c 65 | base64 -w0 | tr '+/' '-_' | tr -d '=')
auth=$(head -c 16 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
as_tester parley --profile /home/tester/bob push register webpush https://127.0.0.1:9443/push/bob "$p256dh" "$auth" \
    > /dev/null || fail "bob push register"
as_tester parley --profile /home/tester/alice send bob "woken secret words 5d18" > /dev/null || fail "alice send (push)"
i=0
until [ -s /root/receiver/requests ]; do
    i=$((i + 1)); [ $i -le 120 ] || fail "no push request reached the receiver in 60 s: $(cat /root/receiver/log)"
    sleep 0.5
done
kill "$receiver"
request=$(head -n 1 /root/receiver/requests)
case "$request" in
    "POST /push/bob aes128gcm "*) ;;
    *) fail "unexpected push request: $request" ;;
esac
grep -q "woken secret words" /root/receiver/bodies && fail "the push request carried the message"
ok "push wake-up to the loopback receiver: $request (encrypted, content-free)"
as_tester parley --profile /home/tester/bob receive --json > /dev/null || fail "bob receive after push"

parleyctl proxy set http 127.0.0.1 3128 > /dev/null || fail "parleyctl proxy set"
parleyctl proxy show | grep -q "127.0.0.1" || fail "parleyctl proxy show does not show the proxy"
parleyctl proxy set none > /dev/null || fail "parleyctl proxy set none"
ok "messaging proxy set, shown and cleared"

[ -z "$(denials)" ] || fail "AppArmor denials during the session: $(denials)"
ok "no AppArmor denial during the session"

# --- the journal ---------------------------------------------------------------------------------------------------
journalctl -u parleyd -o export --no-pager > /root/journal.export
grep -aq '^_TRANSPORT=journal$' /root/journal.export || fail "no record of parleyd came in the journal's native protocol"
grep -aq '^PARLEY_SUBSYSTEM=server$' /root/journal.export || fail "no record with PARLEY_SUBSYSTEM=server in the journal"
grep -aq '^PRIORITY=6$' /root/journal.export || fail "no record with PRIORITY=6 in the journal"
journalctl -u parleyd PARLEY_SUBSYSTEM=server -p info --no-pager -o cat | grep -q . ||
    fail "journalctl cannot select parleyd's records by subsystem"
for secret in "first secret words" "room secret words" "woken secret words" "queued before the upgrade" "$ADDR" \
              "$(cat /root/admin-password)" "$(cat /root/admin-password-2)" "$PARLEY_PASSPHRASE" $(cat /root/secrets); do
    ! grep -aqF -- "$secret" /root/journal.export || fail "the journal holds '$secret'"
done
ok "journal: records with PRIORITY and PARLEY_SUBSYSTEM fields; no message, client address, password or enrollment code"

# --- out of profile: denied ---------------------------------------------------------------------------------------
mkdir -p /srv/outside
cp /var/lib/parleyd/tls/server.crt /var/lib/parleyd/tls/server.key /srv/outside/
chown -R parleyd:parleyd /srv/outside
sed -e 's|^;\?certificate=.*|certificate=/srv/outside/server.crt|' \
    -e 's|^;\?private_key=.*|private_key=/srv/outside/server.key|' "$CONF" > /etc/parleyd/outside.conf
chmod 0644 /etc/parleyd/outside.conf
if out=$(runuser -u parleyd -- parleyd --config /etc/parleyd/outside.conf fingerprint 2>&1); then
    fail "parleyd read a certificate outside its profile's paths: $out"
fi
i=0
until denials | grep -q 'name="/srv/outside/'; do
    i=$((i + 1)); [ $i -le 20 ] || fail "no AppArmor denial recorded for /srv/outside (parleyd said: $out)"
    sleep 0.5
done
rm -rf /srv/outside /etc/parleyd/outside.conf
ok "a test-only configuration naming a file outside the profile: refused by AppArmor ($(echo "$out" | tail -n 1))"

# --- restart on failure: nothing accepted is lost ------------------------------------------------------------------
: > /root/accepted
for n in $(seq 1 20); do
    as_tester parley --profile /home/tester/alice send bob "before the kill $n" >> /root/accepted || fail "send $n"
done
old=$(main_pid)
kill -KILL "$old"
i=0
until [ "$(main_pid)" != 0 ] && [ "$(main_pid)" != "$old" ]; do
    i=$((i + 1)); [ $i -le 120 ] || fail "systemd did not restart parleyd within 60 s of SIGKILL"
    sleep 0.5
done
wait_active 120
[ "$(systemctl show -p NRestarts --value parleyd)" -ge 1 ] || fail "NRestarts did not count the restart"
as_tester parley --profile /home/tester/bob receive --json > /root/bob-kill.json || fail "bob receive after the kill"
for n in $(seq 1 20); do
    grep -q "\"before the kill $n\"" /root/bob-kill.json ||
        fail "message $n, accepted before SIGKILL, was lost"
done
ok "SIGKILL of $old: systemd restarted parleyd ($(main_pid)); all 20 messages accepted before the kill delivered"

# --- clean stop ----------------------------------------------------------------------------------------------------
t0=$(date +%s%N)
systemctl stop parleyd
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$(systemctl show -p Result --value parleyd)" = success ] || fail "stop: Result=$(systemctl show -p Result --value parleyd)"
[ "$(systemctl show -p ExecMainStatus --value parleyd)" = 0 ] || fail "stop: exit status $(systemctl show -p ExecMainStatus --value parleyd)"
[ "$ms" -lt 30000 ] || fail "stop took $ms ms (TimeoutStopSec is 30 s)"
ok "systemctl stop: clean exit (status 0, Result=success) in $ms ms"
systemctl start parleyd
wait_active 120

# --- remove, purge -------------------------------------------------------------------------------------------------
apt_get remove parleyd parley-client libparley0 > /root/remove.log 2>&1 || { cat /root/remove.log; fail "remove"; }
[ "$(systemctl is-active parleyd || true)" != active ] || fail "parleyd still runs after remove"
[ ! -e /usr/sbin/parleyd ] && [ ! -e /usr/bin/parley ] || fail "remove left the programs"
[ -f "$CONF" ] && [ -d /var/lib/parleyd ] || fail "remove deleted configuration or data"
! aa-status 2>/dev/null | grep -qx "   parleyd" || fail "remove left the AppArmor profile loaded"
ok "remove: the unit stopped, programs gone, profile unloaded, configuration and data kept"
# The administrator's own file under /etc/parleyd (the receiver's CA) is theirs to delete; dpkg keeps a directory
# that still holds files no package owns.
rm -rf /etc/parleyd/push
apt_get purge parleyd parley-client libparley0 parley-archive-keyring > /root/purge.log 2>&1 ||
    { cat /root/purge.log; fail "purge"; }
! getent passwd parleyd > /dev/null || fail "purge left the parleyd user"
[ ! -e /etc/parleyd ] || fail "purge left /etc/parleyd: $(find /etc/parleyd)"
[ ! -e /var/lib/parleyd ] || fail "purge left /var/lib/parleyd"
[ -z "$(systemctl list-unit-files --no-legend parleyd.service)" ] || fail "purge left the unit file"
! aa-status 2>/dev/null | grep -qx "   parleyd" || fail "the AppArmor profile stayed loaded after remove and purge"
ok "purge: user, configuration, data, unit and AppArmor profile gone"

echo "VMTEST PASS $checks checks in $((SECONDS - start)) s"
