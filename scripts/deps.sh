#!/usr/bin/env bash
# Installs what Parley needs on Debian 12. Sourced by quickstart.sh and test.sh; safe to run on its own.
# Usage: deps.sh [build|test]
set -euo pipefail

parley_packages_build=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-websockets-dev libqt6sql6-sqlite libqt6sql6-psql qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qtkeychain-qt6-dev libqrencode-dev libgl-dev libssl-dev libargon2-dev libldap-dev openssl iproute2
    qt6-charts-dev libqt6opengl6-dev            # parley-admin's charts; Qt6Charts' CMake package needs Qt6OpenGL's
)
parley_packages_test=(
    "${parley_packages_build[@]}"
    sqlite3 procps iproute2 groff-base          # groff-base: tests/scripts/tst_manpages.sh
    nghttp2-proxy apparmor shellcheck systemd
    dbus-daemon gnome-keyring libsecret-1-0     # tests/gui: the keychain behind "remember the password"
    dante-server                                 # tests/push: a real SOCKS5 proxy for the managed messaging proxy
    coturn                                       # tests/calls: a real TURN relay for the credentials parleyd issues
    slapd ldap-utils                             # tests/directory: a real OpenLDAP server, and ldapadd to fill it
    postgresql-15                                # the store's tests on PostgreSQL (initdb, pg_ctl: postgresfixture.h)
    haproxy                                      # tests/assurance/tst_cluster: nodes behind a real TCP load balancer
    tcpdump python3                              # tests/assurance: the capture of tst_datainflight, the privacy helpers
    prometheus                                   # promtool: tst_metrics and tst_parleydmetrics check the scrape's format
    clang libclang-rt-14-dev llvm                # scripts/fuzz.sh: libFuzzer, the sanitizer runtimes, llvm-symbolizer
    nodejs                                       # tests/sso: a real OpenID provider (oidc-provider, installed by npm ci)
)
parley_packages_bench=("${parley_packages_build[@]}" gnuplot-nox curl util-linux)   # bench/run.sh (ejabberd: bench/ejabberd.sh)
parley_packages_package=("${parley_packages_build[@]}" git debhelper dh-apparmor apparmor devscripts lintian blhc debsigs debsig-verify apt-utils gnupg fakeroot debootstrap)

parley_install_deps() {
    local kind=${1:-build} missing=() pkg
    local -n wanted="parley_packages_${kind}"
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    # npm: Debian ships it as a package of its own, other builds of nodejs bring it along; installed only when missing.
    if [ "$kind" = test ] && ! command -v npm > /dev/null; then
        missing+=(npm)
    fi
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    echo "Installing: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "error: need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    parley_install_deps "${1:-build}"
fi
