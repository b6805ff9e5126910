#!/usr/bin/env bash
# Release test of Parley's Debian packages (run as root; about 10 minutes on 2 cores, most of it the two builds).
#
#  1. builds the packages twice with a generated test key: the tree as "previous" release (0.0.9) and as the
#     current version, each with its signed apt repository (installer/build-packages.sh);
#  2. lintian on the current packages: no tag at all (errors, warnings, information), overrides with reasons;
#  3. in a clean Debian 12 chroot (debootstrap, cached): trust the release key, then
#     - an unsigned repository and a repository with a tampered package are refused by apt, and a tampered
#       package is refused by debsig-verify and by dpkg with signature checking on;
#     - install the previous release from its signed repository: postinst made the certificate and the admin account
#       "admin" (one-time password in a 0600 file of the service user, never printed) and printed how to log in;
#       `admin init` again and dpkg-reconfigure change nothing; parleyd runs as its own user with the packaged
#       configuration, the admin logs in with parleyctl and changes the one-time password, parleyd answers the
#       real client (register, send), and only the documented ports listen;
#     - upgrade to the current release from its signed repository: configuration (a local change included),
#       data (a queued message), certificate and the admin's chosen password are kept;
#     - no world-writable file in any path the packages install or write; data and key files private;
#     - remove leaves no executable (configuration and data stay); purge leaves nothing: the file list after
#       purge equals the one before install, and the parleyd user is gone.
#
# Usage: installer/tests/package-lifecycle.sh [--work DIR] [--reuse] [--worktree]
#   --work DIR  where builds, keys and the chroot go (default: build-pkg/lifecycle under the source tree)
#   --reuse     reuse packages already built in DIR (skips step 1)
#   --worktree  build the work tree with its uncommitted changes instead of HEAD
# The debootstrap base is cached in $PARLEY_PKGTEST_CACHE (default /var/tmp/parley-pkgtest).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work="$root/build-pkg/lifecycle"
reuse=no
build_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --work) work=$2; shift 2 ;;
        --reuse) reuse=yes; shift ;;
        --worktree) build_args=(--worktree); shift ;;
        *) echo "unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "package-lifecycle: must run as root (debootstrap, chroot)" >&2; exit 2; }
cache=${PARLEY_PKGTEST_CACHE:-/var/tmp/parley-pkgtest}
mirror=${PARLEY_PKGTEST_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$work" "$cache"
work=$(cd "$work" && pwd)

step_start=$SECONDS
step() { echo; echo "=== $* (at ${SECONDS}s)"; }
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*" >&2; exit 1; }
passed=0

current=$(sed -n 's/^project([a-z]* VERSION \([0-9][0-9.]*\).*/\1/p' "$root/CMakeLists.txt")

# --- 1. builds --------------------------------------------------------------------------------------------------
# shellcheck source=installer/tests/test-packages.sh
source "$root/installer/tests/test-packages.sh"
test_packages "$work" "$reuse" "${build_args[@]}"
previous=$parley_previous_version
export GNUPGHOME="$work/gnupg"
build_time=$((SECONDS - step_start))

# --- 2. lintian -------------------------------------------------------------------------------------------------
step "lintian"
# On the packages as dpkg-buildpackage made them: lintian does not know the debsigs signature member (_gpgorigin,
# appended after data.tar) and reports it as misplaced; dpkg and debsig-verify expect it there.
rm -rf "$work/unsigned"
mkdir -p "$work/unsigned"
cp "$work/current"/*.deb "$work/unsigned/"
for deb in "$work/unsigned"/*.deb; do
    ar d "$deb" _gpgorigin
done
# Errors and warnings fail; each remaining tag (information level included) is overridden in installer/debian/
# *.lintian-overrides with its reason.
lintian_status=0
lintian --fail-on error,warning --display-info "$work/unsigned"/*.deb > "$work/lintian.raw" 2>&1 || lintian_status=$?
grep -v 'running with root privileges' "$work/lintian.raw" > "$work/lintian.txt" || true   # (empty when clean)
cat "$work/lintian.txt"
[ "$lintian_status" -eq 0 ] || fail "lintian reports errors or warnings"
[ -z "$(grep '^[EWI]:' "$work/lintian.txt")" ] || fail "lintian reports tags that are not overridden"
pass "lintian: no tag, warnings and information included (overrides with reasons in installer/debian)"

# --- 3. chroot --------------------------------------------------------------------------------------------------
step "Clean Debian 12 chroot"
if [ ! -x "$cache/base/usr/bin/apt-get" ]; then
    rm -rf "$cache/base.new"
    debootstrap --variant=minbase --include=iproute2,debsig-verify,procps,gpgv,ca-certificates \
        bookworm "$cache/base.new" "$mirror" > "$cache/debootstrap.log" 2>&1 ||
        { tail -n 20 "$cache/debootstrap.log" >&2; fail "debootstrap"; }
    mv "$cache/base.new" "$cache/base"
fi
chroot_dir="$work/chroot"
cleanup() {
    if [ -d "$chroot_dir/proc" ] && mountpoint -q "$chroot_dir/proc"; then umount "$chroot_dir/proc"; fi
    if [ -d "$chroot_dir/dev/pts" ] && mountpoint -q "$chroot_dir/dev/pts"; then umount "$chroot_dir/dev/pts"; fi
}
trap cleanup EXIT
cleanup
rm -rf "$chroot_dir"
cp -a "$cache/base" "$chroot_dir"
mount -t proc proc "$chroot_dir/proc"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$chroot_dir/dev/pts"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
echo "deb $mirror bookworm main" > "$chroot_dir/etc/apt/sources.list"
in_chroot() { chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
apt_get() { in_chroot apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }

# Repositories as an administrator would get them: the signed ones, an unsigned copy and a tampered copy.
mkdir -p "$chroot_dir/srv"
cp -a "$work/previous/repo" "$chroot_dir/srv/previous"
cp -a "$work/current/repo" "$chroot_dir/srv/current"
cp -a "$work/current/repo" "$chroot_dir/srv/unsigned"
rm "$chroot_dir/srv/unsigned/dists/bookworm/InRelease" "$chroot_dir/srv/unsigned/dists/bookworm/Release.gpg"
cp -a "$work/current/repo" "$chroot_dir/srv/tampered"
tampered_deb=$(ls "$chroot_dir"/srv/tampered/pool/main/parleyd_*.deb)
tamper() { # tamper DEB: replace /usr/sbin/parleyd inside the package, keeping the debsigs signature member
    local t; t=$(mktemp -d)
    (cd "$t" && ar x "$1" && mkdir data && tar -xf data.tar.* -C data &&
        printf 'tampered' >> data/usr/sbin/parleyd && rm data.tar.* &&
        tar -C data -cJf data.tar.xz . && ar r "$1" data.tar.xz)
    rm -rf "$t"
}
tamper "$tampered_deb"
cp "$tampered_deb" "$chroot_dir/root/parleyd-tampered.deb"
# The administrator's bootstrap copy of the release key (the parley-archive-keyring package later installs its own
# copy under /usr/share/keyrings).
mkdir -p "$chroot_dir/etc/apt/keyrings"
cp "$work/current/parley-archive-keyring.gpg" "$chroot_dir/etc/apt/keyrings/parley-archive-keyring.gpg"
sources="$chroot_dir/etc/apt/sources.list.d/parley.list"
use_repo() { echo "deb [signed-by=/etc/apt/keyrings/parley-archive-keyring.gpg] file:/srv/$1 bookworm main" > "$sources"; }

# Platform packages the Parley packages depend on come from Debian and are installed first, so that the file
# lists before install and after purge compare Parley's own traces only.
use_repo previous
apt_get update > /dev/null
deps=$(apt_get install -s --no-install-recommends parleyd parley-client | awk '/^Inst / { print $2 }' |
    grep -vx -e parleyd -e parley-client -e libparley0 -e parley-archive-keyring | tr '\n' ' ')
apt_get install --no-install-recommends $deps > "$work/deps.log" || fail "installing the dependencies"
pass "chroot ready; Debian dependencies installed: $deps"

snapshot() { # every path in the chroot with type, mode and owner, except apt's and dpkg's own bookkeeping
    (cd "$chroot_dir" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./sys -o -path ./tmp -o -path ./srv \
        -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache -o -path ./var/log -o -path ./root \
        -o -path ./run \) -prune -o -print0 | xargs -0 stat -c '%n %F %a %U:%G' | sort)
}
snapshot > "$work/files-before.txt"

step "Refusals"
use_repo unsigned
if out=$(apt_get update 2>&1); then
    echo "$out" | grep -q "not signed" || fail "apt accepted an unsigned repository: $out"
fi
echo "$out" | grep -q "not signed" || fail "apt did not report the unsigned repository: $out"
apt_get install parleyd > /dev/null 2>&1 && fail "apt installed from an unsigned repository"
pass "unsigned repository refused by apt ($(echo "$out" | grep -m1 -o 'is not signed'))"

use_repo tampered
apt_get update > /dev/null 2>&1 || fail "apt update of the (correctly signed) tampered repository"
if out=$(apt_get install --no-install-recommends parleyd 2>&1); then
    fail "apt installed a tampered package"
fi
echo "$out" | grep -qi "hash sum mismatch\|size mismatch\|unexpected size" || fail "tampered package refused for another reason: $out"
[ ! -e "$chroot_dir/usr/sbin/parleyd" ] || fail "tampered parleyd was unpacked"
pass "tampered package refused by apt (hash sum mismatch against the signed index)"

use_repo current
apt_get update > /dev/null
apt_get install --no-install-recommends parley-archive-keyring > /dev/null
good_deb=$(ls "$chroot_dir"/srv/current/pool/main/parleyd_*.deb)
in_chroot debsig-verify "/srv/current/pool/main/$(basename "$good_deb")" > /dev/null ||
    fail "debsig-verify rejects the signed package with the shipped policy"
if in_chroot debsig-verify /root/parleyd-tampered.deb > "$work/debsig-tampered.txt" 2>&1; then
    fail "debsig-verify accepted a tampered package"
fi
sed -i 's/^no-debsig/#no-debsig/' "$chroot_dir/etc/dpkg/dpkg.cfg"
if in_chroot dpkg -i /root/parleyd-tampered.deb > "$work/dpkg-tampered.txt" 2>&1; then
    fail "dpkg with signature checking installed a tampered package"
fi
sed -i 's/^#no-debsig/no-debsig/' "$chroot_dir/etc/dpkg/dpkg.cfg"
grep -qi "verification on package .* failed" "$work/dpkg-tampered.txt" || { cat "$work/dpkg-tampered.txt"; fail "dpkg refused the tampered package for another reason"; }
[ ! -e "$chroot_dir/usr/sbin/parleyd" ] || fail "tampered parleyd was unpacked"
apt_get purge parley-archive-keyring > /dev/null
pass "debsig-verify (shipped policy) accepts the signed package and refuses the tampered one; so does dpkg with debsig on"

# --- install the previous release, run it --------------------------------------------------------------------------
step "Install $previous from its signed repository"
use_repo previous
apt_get update > /dev/null
apt_get install parleyd parley-client > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "install $previous"; }
sed -n '/^parleyd is installed/,/From another machine/p' "$work/install.log" | sed 's/^/  | /'
[ "$(in_chroot parleyd --version)" = "$previous" ] || fail "parleyd --version is not $previous"
in_chroot dpkg -s parley-archive-keyring > /dev/null || fail "parley-archive-keyring (Recommends) not installed"
pass "parleyd $previous, parley-client, libparley0 and parley-archive-keyring installed from the signed repository"
# Owners are looked up in the chroot's account database (stat on the host would show the host's names).
[ "$(in_chroot stat -c '%a %U:%G' /var/lib/parleyd)" = "700 parleyd:parleyd" ] || fail "data directory mode/owner"
[ "$(in_chroot stat -c '%a %U:%G' /etc/parleyd/parleyd.conf)" = "640 root:parleyd" ] || fail "configuration mode/owner"
in_chroot dpkg-query --control-show parleyd conffiles | grep -qx '/etc/parleyd/parleyd.conf' || fail "not a conffile"
[ "$(in_chroot stat -c '%a %U:%G' /var/lib/parleyd/tls/server.key)" = "600 parleyd:parleyd" ] &&
    [ "$(in_chroot stat -c '%U:%G' /var/lib/parleyd/tls/server.crt)" = "parleyd:parleyd" ] ||
    fail "postinst generated no certificate and key owned by parleyd"
fingerprint=$(in_chroot runuser -u parleyd -- parleyd fingerprint)
grep -qx "Certificate SHA-256 fingerprint: $fingerprint" "$work/install.log" || fail "postinst did not print the fingerprint"
pass "user parleyd, /var/lib/parleyd 0700, /etc/parleyd/parleyd.conf conffile 0640 root:parleyd, certificate generated, fingerprint printed"

# The first admin account, made by postinst before the first start.
initial=/var/lib/parleyd/initial-admin-password
[ "$(in_chroot stat -c '%a %U:%G' $initial)" = "600 parleyd:parleyd" ] || fail "initial admin password file mode/owner"
password=$(cat "$chroot_dir$initial")
[ ${#password} -ge 20 ] || fail "the one-time admin password is too short"
grep -qF "Administration: the admin API listens on 127.0.0.1:8444 (the same certificate)." "$work/install.log" &&
    grep -qF "Admin account: admin. Its one-time password is in $initial" "$work/install.log" &&
    grep -qF "parleyctl --server 127.0.0.1:8444 --fingerprint $fingerprint login admin --password-file $initial" \
        "$work/install.log" &&
    grep -qF "parley-admin, server 127.0.0.1:8444, name admin" "$work/install.log" ||
    fail "postinst did not print how to connect the admin app"
if grep -rqF -- "$password" "$work/install.log" "$chroot_dir/var/log"; then
    fail "the one-time admin password appears in the installation output or a log"
fi
before=$(sha256sum < "$chroot_dir$initial")
out=$(in_chroot runuser -u parleyd -- parleyd admin init 2>&1) || fail "admin init a second time: $out"
echo "$out" | grep -qx "accounts 1 existing, none created" || fail "admin init a second time: $out"
in_chroot dpkg-reconfigure parleyd > "$work/reconfigure.log" 2>&1 || { cat "$work/reconfigure.log"; fail "dpkg-reconfigure"; }
! grep -q "Admin account" "$work/reconfigure.log" || fail "dpkg-reconfigure printed the first-install message"
[ "$(sha256sum < "$chroot_dir$initial")" = "$before" ] || fail "the one-time password changed after admin init or reconfigure"
pass "postinst created admin (password in a 0600 parleyd file, not in apt's output or logs) and printed the admin API address, fingerprint and login commands; admin init again and dpkg-reconfigure change nothing"

cp "$root/installer/tests/smoke-in-chroot.sh" "$chroot_dir/root/smoke.sh"
unshare --net chroot "$chroot_dir" /bin/sh /root/smoke.sh first || fail "smoke test of $previous"
pass "parleyd $previous: admin logs in with parleyctl and changes the one-time password; the real client works; only documented ports listen"

# A local configuration change that the upgrade must keep.
sed -i 's/^send_rate=500$/send_rate=400/' "$chroot_dir/etc/parleyd/parleyd.conf"
grep -q '^send_rate=400$' "$chroot_dir/etc/parleyd/parleyd.conf" || fail "could not change the configuration"

# --- upgrade -----------------------------------------------------------------------------------------------------
step "Upgrade to $current from its signed repository"
use_repo current
apt_get update > /dev/null
apt_get upgrade > "$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; fail "upgrade"; }
[ "$(in_chroot parleyd --version)" = "$current" ] || fail "parleyd --version is not $current after the upgrade"
[ "$(in_chroot dpkg-query -W -f '${Version}' parley-client)" = "$current" ] || fail "parley-client not upgraded"
grep -q '^send_rate=400$' "$chroot_dir/etc/parleyd/parleyd.conf" || fail "the upgrade lost the local configuration change"
[ "$(in_chroot stat -c '%a %U:%G' /etc/parleyd/parleyd.conf)" = "640 root:parleyd" ] || fail "configuration mode after upgrade"
! grep -q "Admin account" "$work/upgrade.log" || fail "the upgrade printed the first-install message"
pass "upgraded $previous -> $current; configuration kept (local change, 0640 root:parleyd)"
unshare --net chroot "$chroot_dir" /bin/sh /root/smoke.sh again || fail "smoke test after the upgrade"
pass "after the upgrade: data kept (queued message delivered, admin password), same certificate, client works, documented ports only"

# --- permissions -------------------------------------------------------------------------------------------------
step "File permissions"
paths=$(in_chroot dpkg -L parleyd parley-client libparley0 parley-archive-keyring | sort -u)
paths="$paths
/var/lib/parleyd
/etc/parleyd"
writable=$(echo "$paths" | while read -r p; do
    [ -e "$chroot_dir$p" ] || continue
    find "$chroot_dir$p" -maxdepth 0 -perm -o+w ! -type l
    [ -d "$chroot_dir$p" ] && case "$p" in /var/lib/parleyd|/etc/parleyd) find "$chroot_dir$p" -perm -o+w ! -type l ;; esac
    true
done | sort -u)
[ -z "$writable" ] || fail "world-writable: $writable"
# The certificate is public (0644) but sits in the 0700 directory like everything else; all other files are private.
[ "$(in_chroot stat -c '%a' /var/lib/parleyd)" = 700 ] || fail "data directory is not 0700"
readable=$(find "$chroot_dir/var/lib/parleyd" -perm /o+rwx ! -name '*.crt')
[ -z "$readable" ] || fail "data files accessible to others: $readable"
key_modes=$(in_chroot find /var/lib/parleyd/tls -name '*.key' -printf '%m %u\n' | sort -u)
[ -n "$key_modes" ] && [ "$key_modes" = "600 parleyd" ] || fail "private key modes: $key_modes"
pass "no world-writable file in $(echo "$paths" | wc -l) packaged or written paths; data dir 0700, nothing but the public certificate in it readable by others; key 0600 parleyd"

# --- remove, purge -----------------------------------------------------------------------------------------------
step "Remove and purge"
apt_get remove parleyd parley-client libparley0 > "$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "remove"; }
# (dpkg keeps the maintainer scripts of a removed package under /var/lib/dpkg/info until it is purged.)
leftover=$(cd "$chroot_dir" && find . -xdev \( -path ./proc -o -path ./srv -o -path ./root -o -path ./var/lib/dpkg \) -prune -o \
    -type f -perm /111 -iname '*parley*' -print)
[ -z "$leftover" ] || fail "remove left executables: $leftover"
[ -f "$chroot_dir/etc/parleyd/parleyd.conf" ] && [ -d "$chroot_dir/var/lib/parleyd" ] ||
    fail "remove deleted configuration or data"
pass "remove: no executable left; configuration and data kept"
apt_get purge parleyd parley-client libparley0 parley-archive-keyring > "$work/purge.log" 2>&1 ||
    { cat "$work/purge.log"; fail "purge"; }
in_chroot getent passwd parleyd > /dev/null && fail "purge left the parleyd user"
in_chroot getent group parleyd > /dev/null && fail "purge left the parleyd group"
in_chroot userdel tester > /dev/null 2>&1 || true
rm -rf "$chroot_dir/home/tester"
snapshot > "$work/files-after.txt"
# The account databases' backup copies (passwd-, group-, ...) are rewritten by adduser/deluser and by this test's
# own tester account; their contents are checked through getent above.
if ! diff <(grep -v -e '^\./etc/\(passwd\|group\|shadow\|gshadow\|subuid\|subgid\)' "$work/files-before.txt") \
          <(grep -v -e '^\./etc/\(passwd\|group\|shadow\|gshadow\|subuid\|subgid\)' "$work/files-after.txt") \
          > "$work/files-diff.txt"; then
    cat "$work/files-diff.txt" >&2
    fail "purge left traces (file list after purge differs from before install)"
fi
pass "purge: file list identical to before install ($(wc -l < "$work/files-before.txt") paths); user and group gone"

echo
echo "Package builds: ${build_time}s; whole test: ${SECONDS}s"
echo "$passed passed, 0 failed"
