#!/usr/bin/env bash
# Builds Parley's Debian packages, checks their hardening, signs them (debsigs) and publishes them in a signed apt
# repository.
#
# Usage: installer/build-packages.sh (--key-id ID | --generate-test-key DIR) [--out DIR] [--version V] [--worktree]
#
#   --key-id ID              sign with this OpenPGP key from the caller's keyring ($GNUPGHOME or ~/.gnupg)
#   --generate-test-key DIR  create (or reuse) a throw-away signing key in the GnuPG home DIR and sign with it;
#                            for tests only, never for a release
#   --out DIR                where the results go (default: build-pkg/dist under the source tree)
#   --version V              package version (default: project(VERSION) of CMakeLists.txt); the binaries report
#                            the same version. Tests use it to build an older release of the same tree.
#   --worktree               build the work tree as it is (uncommitted changes included) instead of HEAD
#
# Results in DIR: *.deb (each signed with debsigs), repo/ (apt repository: dists/bookworm/{Release,InRelease,
# Release.gpg}, pool/main/*.deb), parley-archive-keyring.gpg (the public key, for apt's Signed-By) and
# hardening.txt (hardening-check of every ELF file shipped).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
key_id=""
test_key_dir=""
out=""
version=""
from_worktree=no

die() { echo "build-packages: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --key-id) [ $# -ge 2 ] || die "--key-id needs a key ID"; key_id=$2; shift 2 ;;
        --generate-test-key) [ $# -ge 2 ] || die "--generate-test-key needs a directory"; test_key_dir=$2; shift 2 ;;
        --out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
        --version) [ $# -ge 2 ] || die "--version needs a version"; version=$2; shift 2 ;;
        --worktree) from_worktree=yes; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[ -n "$key_id" ] || [ -n "$test_key_dir" ] || die "a signing key is required: --key-id ID or --generate-test-key DIR"
[ -z "$key_id" ] || [ -z "$test_key_dir" ] || die "--key-id and --generate-test-key exclude each other"

project_version=$(sed -n 's/^project([a-z]* VERSION \([0-9][0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
[ -n "$project_version" ] || die "cannot read project(VERSION) from CMakeLists.txt"
version=${version:-$project_version}
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "version '$version' is not MAJOR.MINOR.PATCH"

work="$root/build-pkg"
out=${out:-$work/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# shellcheck source=../scripts/deps.sh
source "$root/scripts/deps.sh"
parley_install_deps package

# --- signing key ---------------------------------------------------------------------------------------------
if [ -n "$test_key_dir" ]; then
    mkdir -p "$test_key_dir"
    chmod 0700 "$test_key_dir"
    export GNUPGHOME
    GNUPGHOME=$(cd "$test_key_dir" && pwd)
    if ! gpg --batch --list-secret-keys parley-test-release@parley.invalid >/dev/null 2>&1; then
        echo "Generating a test signing key in $GNUPGHOME (never use it for a release)"
        gpg --batch --quiet --passphrase '' --quick-generate-key \
            "Parley test release key <parley-test-release@parley.invalid>" ed25519 sign 1y
    fi
    key_id=parley-test-release@parley.invalid
fi
fingerprint=$(gpg --batch --with-colons --list-secret-keys "$key_id" 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
[ -n "$fingerprint" ] || die "no secret key '$key_id' in ${GNUPGHOME:-~/.gnupg}"
long_id=${fingerprint: -16}
echo "Signing with key $fingerprint"

# --- staged source tree ------------------------------------------------------------------------------------------
stage="$work/src"
src="$stage/parley-$version"
rm -rf "$stage"
mkdir -p "$src"
if [ "$from_worktree" = yes ]; then
    # Tracked and new (not ignored) files as they are in the work tree, uncommitted changes included.
    (cd "$root" && git ls-files -z --cached --others --exclude-standard |
        tar --null --no-recursion --ignore-failed-read -cf - -T - 2>/dev/null) | tar -xf - -C "$src"
else
    # The committed tree (HEAD): what a clean clone builds.
    git -C "$root" archive --format=tar HEAD | tar -xf - -C "$src"
fi
cp -a "$root/installer/debian" "$src/debian"
if [ "$version" != "$project_version" ]; then
    sed -i "s/^\(project([a-z]* VERSION \)$project_version/\1$version/" "$src/CMakeLists.txt"
    grep -q "VERSION $version" "$src/CMakeLists.txt" || die "could not set the version in the staged CMakeLists.txt"
fi
cat > "$src/debian/changelog" <<EOF
parley ($version) bookworm; urgency=medium

  * Parley $version.

 -- Parley maintainers <maintainers@parley.invalid>  $(date -R)
EOF

mkdir -p "$src/debian/keyring"
gpg --batch --export "$fingerprint" > "$src/debian/keyring/parley-archive-keyring.gpg"
cp "$src/debian/keyring/parley-archive-keyring.gpg" "$src/debian/keyring/debsig.gpg"
echo "$long_id" > "$src/debian/keyring/key-id"
sed "s/@KEYID@/$long_id/g" "$root/installer/debsig/parley.pol.in" > "$src/debian/keyring/parley.pol"

# parley-admin is packaged only when the tree builds it.
profiles=()
if [ -f "$src/admin-gui/CMakeLists.txt" ] && grep -qs 'add_subdirectory(admin-gui)' "$src/CMakeLists.txt"; then
    echo "Packaging parley-admin from admin-gui/"
else
    echo "NOTE: parley-admin is not packaged: admin-gui/ has no CMake build yet (no empty package is produced)."
    profiles=(-Ppkg.parley.noadmin)
fi

# --- build -------------------------------------------------------------------------------------------------------
echo "Building Parley $version packages in $src"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc) noautodbgsym ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -b -us -uc "${profiles[@]}") > "$work/dpkg-buildpackage.log" 2>&1 ||
    { tail -n 60 "$work/dpkg-buildpackage.log" >&2; die "dpkg-buildpackage failed (log: $work/dpkg-buildpackage.log)"; }

rm -f "$out"/*.deb
debs=()
while IFS= read -r deb; do
    debs+=("$deb")
done < <(find "$stage" -maxdepth 1 -name "*_${version}_*.deb" | sort)
[ ${#debs[@]} -gt 0 ] || die "dpkg-buildpackage produced no .deb"
cp "${debs[@]}" "$out/"
cp "$stage"/parley_"${version}"_*.changes "$out/" 2>/dev/null || true

# --- hardening of every ELF file shipped ---------------------------------------------------------------------------
"$root/installer/check-hardening.sh" --build-log "$work/dpkg-buildpackage.log" "$out"/*.deb > "$out/hardening.txt" ||
    { cat "$out/hardening.txt" >&2; die "hardening check failed"; }
echo "Hardening: $(grep -c '^ELF ' "$out/hardening.txt") ELF files pass (details: $out/hardening.txt)"

# --- sign the packages (debsigs origin signature) ------------------------------------------------------------------
policies=$(mktemp -d)
trap 'rm -rf "$policies"' EXIT
mkdir -p "$policies/policies/$long_id" "$policies/keyrings/$long_id"
cp "$src/debian/keyring/parley.pol" "$policies/policies/$long_id/"
cp "$src/debian/keyring/debsig.gpg" "$policies/keyrings/$long_id/"
for deb in "$out"/*.deb; do
    debsigs --sign=origin --default-key="$fingerprint" "$deb"
    debsig-verify --policies-dir "$policies/policies" --keyrings-dir "$policies/keyrings" "$deb" >/dev/null ||
        die "debsig-verify rejects the freshly signed $(basename "$deb")"
done
echo "Signed $(ls "$out"/*.deb | wc -l) packages with debsigs; debsig-verify accepts them"

# --- signed apt repository ---------------------------------------------------------------------------------------
repo="$out/repo"
rm -rf "$repo"
arch=$(dpkg --print-architecture)
mkdir -p "$repo/pool/main" "$repo/dists/bookworm/main/binary-$arch"
cp "$out"/*.deb "$repo/pool/main/"
(cd "$repo" && apt-ftparchive packages pool/main > "dists/bookworm/main/binary-$arch/Packages")
gzip -9nk "$repo/dists/bookworm/main/binary-$arch/Packages"
(cd "$repo/dists/bookworm" && apt-ftparchive \
    -o APT::FTPArchive::Release::Origin=Parley \
    -o APT::FTPArchive::Release::Label=Parley \
    -o APT::FTPArchive::Release::Suite=bookworm \
    -o APT::FTPArchive::Release::Codename=bookworm \
    -o APT::FTPArchive::Release::Architectures="$arch" \
    -o APT::FTPArchive::Release::Components=main \
    -o APT::FTPArchive::Release::Description="Parley $version" \
    release . > Release.tmp && mv Release.tmp Release)
gpg --batch --yes --local-user "$fingerprint" --clearsign -o "$repo/dists/bookworm/InRelease" "$repo/dists/bookworm/Release"
gpg --batch --yes --local-user "$fingerprint" --armor --detach-sign -o "$repo/dists/bookworm/Release.gpg" \
    "$repo/dists/bookworm/Release"
cp "$src/debian/keyring/parley-archive-keyring.gpg" "$out/parley-archive-keyring.gpg"

echo
echo "Packages ($version) in $out:"
(cd "$out" && ls -1 ./*.deb | sed 's|^\./|  |')
echo "Signed apt repository: $repo  (key $fingerprint)"
echo "  deb [signed-by=/etc/apt/keyrings/parley-archive-keyring.gpg] file:$repo bookworm main"
