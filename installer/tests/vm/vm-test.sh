#!/usr/bin/env bash
# Release test of Parley's Debian packages on a real Debian 12 system: systemd as PID 1 and AppArmor in enforce mode,
# which a chroot or a container cannot give. Run as root; about 25 minutes on 2 cores the first time (package builds
# and the image), then the VM part alone (see docs/packaging.md for the last result).
#
#  1. the packages: 0.0.9 and the current version with their signed repositories, as installer/tests/
#     package-lifecycle.sh builds them (the same directory, so either test reuses the other's builds);
#  2. a Debian 12 disk image made with debootstrap from the Debian archive (systemd, AppArmor, the Debian kernel and
#     the packages Parley depends on), cached in $PARLEY_VM_CACHE (default /var/tmp/parley-vm) and rebuilt when this
#     script's image recipe or the packages' dependencies change; every run boots a copy-on-write overlay of it;
#  3. a payload disk: the signed repositories, the release key, guest-test.sh and a Web Push receiver;
#  4. boots the image with the Debian kernel under qemu (TCG: KVM is not required; "apparmor=1 security=apparmor"),
#     serial consoles only, user-mode networking that reaches nothing outside (restrict=on) with the device port
#     forwarded to a loopback port of this host; parley-vmtest.service runs guest-test.sh (install, confinement,
#     systemd-analyze security, client session without AppArmor denials, journald fields, an out-of-profile read
#     denied, restart after SIGKILL, clean stop, upgrade, remove, purge) and powers the VM off;
#  5. while the VM runs, this host reads the daemon's certificate through the forwarded port and compares its
#     fingerprint with the one the guest printed.
#
# Usage: installer/tests/vm/vm-test.sh [--packages DIR] [--reuse] [--worktree] [--timeout SECONDS] [--rebuild-image]
#   --packages DIR   where the package builds go (default: build-pkg/lifecycle, shared with package-lifecycle.sh)
#   --reuse          reuse the packages in DIR when both builds are there
#   --worktree       build the work tree with its uncommitted changes instead of HEAD
#   --timeout S      stop the VM after S seconds (default 2400)
#   --rebuild-image  make the cached image again
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$root/installer/tests/vm
packages=$root/build-pkg/lifecycle
reuse=no
rebuild=no
timeout=2400
build_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --packages) packages=$2; shift 2 ;;
        --reuse) reuse=yes; shift ;;
        --worktree) build_args=(--worktree); shift ;;
        --timeout) timeout=$2; shift 2 ;;
        --rebuild-image) rebuild=yes; shift ;;
        *) echo "unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "vm-test: must run as root (debootstrap, chroot)" >&2; exit 2; }
for tool in qemu-system-x86_64 qemu-img debootstrap mkfs.ext4 openssl; do
    command -v "$tool" > /dev/null ||
        { echo "vm-test: $tool missing (apt-get install qemu-system-x86 qemu-utils debootstrap e2fsprogs openssl)" >&2; exit 2; }
done
cache=${PARLEY_VM_CACHE:-/var/tmp/parley-vm}
mirror=${PARLEY_PKGTEST_MIRROR:-http://deb.debian.org/debian}
work=$root/build-pkg/vm
mkdir -p "$packages" "$cache" "$work"
packages=$(cd "$packages" && pwd)

step() { echo; echo "=== $* (at ${SECONDS}s)"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- 1. packages ---------------------------------------------------------------------------------------------------
# shellcheck source=installer/tests/test-packages.sh
source "$root/installer/tests/test-packages.sh"
test_packages "$packages" "$reuse" "${build_args[@]}"

# --- 2. the image --------------------------------------------------------------------------------------------------
# What the image holds besides a minimal Debian: the init system, AppArmor, the kernel, and what the test uses.
image_packages=systemd,systemd-sysv,udev,dbus,apparmor,linux-image-amd64,initramfs-tools,kmod,iproute2,procps,adduser
image_packages+=,python3,openssl,ca-certificates,gpgv,debsig-verify,less
# The Debian packages Parley's packages depend on are installed into the image (the VM reaches no archive).
depends=$(for deb in "$packages"/current/repo/pool/main/*.deb; do dpkg-deb -f "$deb" Depends; done | sort -u)
recipe=$( { sed -n '/^# --- 2. the image/,/^# --- 3\./p' "$0"; echo "$image_packages"; echo "$depends"; } | sha256sum | cut -c1-16)
if [ "$rebuild" = yes ] || [ ! -f "$cache/$recipe/base.raw" ]; then
    step "Debian 12 image (recipe $recipe)"
    rm -rf "${cache:?}/$recipe" "${cache:?}/build"
    mkdir -p "$cache/build"
    rootfs=$cache/build/rootfs
    debootstrap --variant=minbase --include="$image_packages" bookworm "$rootfs" "$mirror" \
        > "$cache/build/debootstrap.log" 2>&1 || { tail -n 30 "$cache/build/debootstrap.log" >&2; fail "debootstrap"; }
    in_root() { chroot "$rootfs" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
    mount -t proc proc "$rootfs/proc"
    trap 'umount "$rootfs/proc" 2>/dev/null || true' EXIT
    echo "deb $mirror bookworm main" > "$rootfs/etc/apt/sources.list"
    cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
    # Parley's dependencies, read from its repository (then the repository is taken out again).
    cp -a "$packages/current/repo" "$rootfs/srv/parley"
    echo "deb [trusted=yes] file:/srv/parley bookworm main" > "$rootfs/etc/apt/sources.list.d/parley.list"
    in_root apt-get -q update > /dev/null
    deps=$(in_root apt-get install -s --no-install-recommends parleyd parley-client | awk '/^Inst / { print $2 }' |
        grep -vx -e parleyd -e parley-client -e libparley0 -e parley-archive-keyring | tr '\n' ' ')
    # shellcheck disable=SC2086
    in_root apt-get -q -y install --no-install-recommends $deps > "$cache/build/deps.log" 2>&1 ||
        { tail -n 30 "$cache/build/deps.log" >&2; fail "installing Parley's dependencies into the image"; }
    rm -rf "$rootfs/srv/parley" "$rootfs/etc/apt/sources.list.d/parley.list"
    in_root apt-get -q update > /dev/null
    in_root apt-get clean
    echo parley-vm > "$rootfs/etc/hostname"
    printf '127.0.0.1 localhost\n127.0.1.1 parley-vm\n' > "$rootfs/etc/hosts"
    printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n/dev/vdb /payload ext4 ro,nofail,x-systemd.device-timeout=30s 0 0\n' \
        > "$rootfs/etc/fstab"
    mkdir -p "$rootfs/payload"
    # The VM's address in qemu's user-mode network, fixed (no DHCP wait).
    printf '[Match]\nName=en* eth*\n\n[Network]\nAddress=10.0.2.15/24\nGateway=10.0.2.2\n' \
        > "$rootfs/etc/systemd/network/10-vm.network"
    in_root systemctl enable systemd-networkd > /dev/null 2>&1
    # The test: runs once the system is up, writes to the second serial port, powers the VM off.
    cat > "$rootfs/etc/systemd/system/parley-vmtest.service" <<'UNIT'
[Unit]
Description=Parley package test (payload disk)
RequiresMountsFor=/payload
ConditionPathExists=/payload/guest-test.sh
After=multi-user.target network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'bash /payload/guest-test.sh > /dev/ttyS1 2>&1; echo "VMTEST EXIT $?" > /dev/ttyS1'
ExecStartPost=/bin/systemctl --no-block poweroff
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT
    in_root systemctl enable parley-vmtest.service > /dev/null 2>&1
    # Timers that would only add noise to a short-lived test system.
    in_root systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer > /dev/null 2>&1 || true
    # A root shell on the first serial console, for looking into a failed run by hand (-serial stdio).
    mkdir -p "$rootfs/etc/systemd/system/serial-getty@ttyS0.service.d"
    printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear %%I 115200 linux\n' \
        > "$rootfs/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf"
    rm -f "$rootfs/etc/resolv.conf"
    umount "$rootfs/proc"
    trap - EXIT
    kernel=$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -n 1)
    initrd=$(ls "$rootfs"/boot/initrd.img-* | sort -V | tail -n 1)
    mkdir -p "$cache/build/out"
    cp "$kernel" "$cache/build/out/vmlinuz"
    cp "$initrd" "$cache/build/out/initrd.img"
    mkfs.ext4 -q -L parley-root -d "$rootfs" "$cache/build/out/base.raw" 4G || fail "mkfs.ext4 of the image"
    mv "$cache/build/out" "$cache/$recipe"
    rm -rf "$cache/build"
    echo "image: $(du -sh --apparent-size "$cache/$recipe/base.raw" | cut -f1) (sparse $(du -sh "$cache/$recipe/base.raw" | cut -f1)), kernel $(basename "$kernel")"
fi
image=$cache/$recipe

# --- 3. payload ----------------------------------------------------------------------------------------------------
step "Payload disk"
rm -rf "$work/payload" "$work/payload.img"
mkdir -p "$work/payload"
cp -a "$packages/previous/repo" "$work/payload/previous"
cp -a "$packages/current/repo" "$work/payload/current"
cp "$packages/current/parley-archive-keyring.gpg" "$work/payload/"
cp "$here/guest-test.sh" "$here/push-receiver.py" "$work/payload/"
size=$(( $(du -sm "$work/payload" | cut -f1) + 64 ))
mkfs.ext4 -q -L payload -d "$work/payload" "$work/payload.img" "${size}M" || fail "mkfs.ext4 of the payload"

# --- 4. boot -------------------------------------------------------------------------------------------------------
step "Booting Debian 12 under qemu (TCG), AppArmor on"
rm -f "$work/overlay.qcow2" "$work/console.log" "$work/results.log"
qemu-img create -q -f qcow2 -b "$image/base.raw" -F raw "$work/overlay.qcow2"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
: > "$work/results.log"
timeout --signal=KILL "$timeout" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 2048 \
    -display none -monitor none -no-reboot \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 apparmor=1 security=apparmor panic=-1 systemd.show_status=1" \
    -drive "file=$work/overlay.qcow2,if=virtio,format=qcow2" \
    -drive "file=$work/payload.img,if=virtio,format=raw,readonly=on" \
    -netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:8443" -device virtio-net-pci,netdev=n0 \
    -serial "file:$work/console.log" -serial "file:$work/results.log" &
qemu=$!
cleanup() { kill -KILL "$qemu" 2> /dev/null || true; }
trap cleanup EXIT

# --- 5. the host's view through the forwarded port, while the guest's test runs -------------------------------------
probed=no
while kill -0 "$qemu" 2> /dev/null; do
    if [ "$probed" = no ] && expected=$(tr -d '\r' < "$work/results.log" | sed -n 's/^PROBE fingerprint=//p' | head -n 1) &&
        [ -n "$expected" ]; then
        # (Retried until a certificate comes back: the guest may be restarting the daemon.)
        der=$(openssl s_client -connect "127.0.0.1:$port" -servername parley-vm < /dev/null 2> /dev/null |
            openssl x509 -outform DER 2> /dev/null | base64 -w0 || true)
        if [ -n "$der" ]; then
            seen=$(echo "$der" | base64 -d | sha256sum | cut -d' ' -f1)
            probed=$([ "$seen" = "$expected" ] && echo yes || echo "no (saw '$seen', expected '$expected')")
            echo "host probe through 127.0.0.1:$port: $probed"
        fi
    fi
    sleep 2
done
wait "$qemu" || true
trap - EXIT
sed 's/^/  | /' "$work/results.log" | tr -d '\r'
grep -q '^VMTEST PASS' "$work/results.log" || {
    echo "--- last lines of the console ($work/console.log):"; tail -n 30 "$work/console.log" | tr -d '\r'
    fail "the test in the VM did not pass (after ${SECONDS}s)"
}
[ "$probed" = yes ] || fail "the host did not see the daemon's certificate through the forwarded port: $probed"
echo
echo "PASS: packages on Debian 12 with systemd and AppArmor ($(grep -c '^ok:' "$work/results.log") checks in the VM," \
    "host probe through the forwarded port); whole test ${SECONDS}s"
