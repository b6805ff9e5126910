#!/usr/bin/env bash
# Evaluation activities on the built programs and the sources (docs/security.md names the claims):
#  FPT_LIB_EXT.1   the shared libraries the shipped programs load (ELF NEEDED entries) are exactly the ones listed in
#                  docs/security.md ("Third-party libraries"); a new dependency fails until it is documented;
#  FPT_API_EXT.1   only documented platform interfaces: no imported symbol of glibc's or Qt's private versions
#                  (GLIBC_PRIVATE, Qt_6_PRIVATE_API) and no include of a Qt private header;
#  FPT_AEX_EXT.1.1 no request to map memory at a fixed address (MAP_FIXED) in Parley's sources;
#  FPT_AEX_EXT.1.5 every shipped program and library is built with the stack protector (imports __stack_chk_fail);
#  FCS_RBG_EXT.1   no random bit generator of Parley's own: keys, nonces, tokens and ticket keys come from OpenSSL's
#                  RAND_bytes/RAND_priv_bytes; any other source of randomness in the code is an allow-listed
#                  non-secret use (retry jitter).
# Usage: tst_platformuse.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
section_failures=0
ok() { [ "$failures" -gt "$section_failures" ] || echo "ok: $*"; section_failures=$failures; }

elfs=()
for f in "$build/server/daemon/parleyd" "$build/tools/parley/parley" "$build/tools/parleyctl/parleyctl" \
         "$build/admin-gui/parley-admin" "$build"/shared/libparley.so.*.*.*; do
    [ -f "$f" ] && elfs+=("$f")
done
[ "${#elfs[@]}" -ge 4 ] || { echo "FAIL: the shipped programs are not built in $build" >&2; exit 1; }

# FPT_LIB_EXT.1: NEEDED entries against the documented list (the lines between the markers: "| `soname` | ...").
# shellcheck disable=SC2016  # (the backquotes are Markdown, not shell)
documented=$(sed -n '/<!-- libraries-begin -->/,/<!-- libraries-end -->/p' "$src/docs/security.md" |
    sed -n -E 's/^\| `([^`]+)` \|.*/\1/p' | sort -u)
[ -n "$documented" ] || fail "docs/security.md lists no libraries between <!-- libraries-begin --> and <!-- libraries-end -->"
needed=$(for f in "${elfs[@]}"; do readelf -dW "$f" | sed -n -E 's/.*\(NEEDED\).*\[(.*)\]/\1/p'; done | sort -u)
undocumented=$(comm -23 <(echo "$needed") <(echo "$documented"))
unused=$(comm -13 <(echo "$needed") <(echo "$documented"))
[ -z "$undocumented" ] || fail "loaded but not listed in docs/security.md: $(tr '\n' ' ' <<< "$undocumented")"
[ -z "$unused" ] || [ ! -f "$build/admin-gui/parley-admin" ] || fail "listed in docs/security.md but loaded by no shipped program: $(tr '\n' ' ' <<< "$unused")"
ok "the $(echo "$needed" | wc -l) libraries loaded are exactly the documented ones"

# FPT_API_EXT.1: private symbol versions and private headers.
for f in "${elfs[@]}"; do
    private=$(readelf --dyn-syms -W "$f" | awk '$7 == "UND"' | grep -E '@(GLIBC_PRIVATE|Qt_[0-9]+_PRIVATE_API)' || true)
    [ -z "$private" ] || fail "$(basename "$f") imports private interfaces: $private"
done
private_includes=$(grep -rnE '#include *<(Qt[A-Za-z]*/)?private/|#include *<[^>]*_p\.h>' \
    "$src/server" "$src/shared" "$src/tools" "$src/admin-gui" --include='*.cpp' --include='*.h' || true)
[ -z "$private_includes" ] || fail "Qt private headers included: $private_includes"
ok "no private glibc or Qt symbol imported, no Qt private header included"

# FPT_AEX_EXT.1.1: no fixed-address mapping requested by Parley's code.
fixed=$(grep -rnE 'MAP_FIXED|MAP_FIXED_NOREPLACE' "$src/server" "$src/shared" "$src/tools" "$src/admin-gui" \
    --include='*.cpp' --include='*.h' || true)
[ -z "$fixed" ] || fail "memory mapped at a fixed address: $fixed"
ok "no MAP_FIXED in the sources"

# FPT_AEX_EXT.1.5: stack protector in every shipped ELF.
for f in "${elfs[@]}"; do
    symbols=$(readelf --dyn-syms -W "$f")       # (not piped into grep -q: under pipefail its early exit fails the pipe)
    grep -q ' __stack_chk_fail@' <<< "$symbols" || fail "$(basename "$f") is not built with the stack protector"
done
ok "every shipped ELF calls __stack_chk_fail (stack protector)"

# FCS_RBG_EXT.1: every use of a random source, against the allow list.
pattern='QRandomGenerator|std::(mt19937|minstd_rand|default_random_engine|random_device)|\b(s?rand|random|srandom|drand48|arc4random)\(|RAND_(priv_)?bytes|getrandom\(|/dev/u?random'
allowed='^(shared/crypto/primitives\.cpp|server/relay/tlscontext\.cpp):[0-9]+:.*RAND_(priv_)?bytes|^server/push/pushservice\.cpp:[0-9]+:.*QRandomGenerator::global\(\)->bounded'
uses=$(cd "$src" || exit 1; grep -rnE "$pattern" server shared tools admin-gui --include='*.cpp' --include='*.h' || true)
checked=0
while IFS= read -r use; do
    [ -n "$use" ] || continue
    location=${use%%:*}:$(cut -d: -f2 <<< "$use")
    code=$(cut -d: -f3- <<< "$use" | sed -e 's#//.*##')      # the code on the line, without its comment
    grep -qE "$pattern" <<< "$code" || continue
    [[ "$code" =~ ^[[:space:]]*#include ]] && continue
    checked=$((checked + 1))
    [[ "$location:$code" =~ $allowed ]] || fail "a random source outside the allow list: $location:$code"
done <<< "$uses"
[ "$checked" -gt 0 ] || fail "no use of RAND_bytes found: the scan is broken"
ok "randomness comes from OpenSSL (and retry jitter only from QRandomGenerator)"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "PASS: platform use"
