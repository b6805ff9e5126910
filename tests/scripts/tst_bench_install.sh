#!/usr/bin/env bash
# bench/ejabberd.sh install on a machine without ejabberd, with a stand-in apt-get and policy-rc.d path: it
# succeeds whether or not a policy-rc.d existed, keeps an existing one, removes the one it wrote (also when apt-get
# fails), and says what failed.
#   tst_bench_install.sh SOURCE_DIR
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir "$work/bin"
# The stand-in records whether policy-rc.d forbade starting services while it ran, and fails on request.
cat > "$work/bin/apt-get" <<'SH'
#!/bin/sh
if [ -x "$BENCH_POLICY_RC_D" ] && ! "$BENCH_POLICY_RC_D"; then echo denied >> "$APT_LOG"; else echo allowed >> "$APT_LOG"; fi
[ -z "${APT_FAIL:-}" ] || { echo "E: no network" >&2; exit 100; }
SH
chmod 755 "$work/bin/apt-get"
export PATH="$work/bin:/usr/bin:/bin" APT_LOG=$work/apt.log BENCH_POLICY_RC_D=$work/policy-rc.d
if command -v ejabberdctl >/dev/null; then echo "ejabberd is installed here: the install branch does nothing"; exit 77; fi

# No policy-rc.d: one is written for apt-get and removed afterwards.
"$src/bench/ejabberd.sh" install 2> "$work/err" || fail "install without policy-rc.d failed: $(cat "$work/err")"
[ "$(cat "$APT_LOG")" = denied ] || fail "apt-get ran without a policy-rc.d that denies starting services"
[ ! -e "$BENCH_POLICY_RC_D" ] || fail "the policy-rc.d written for the install was left behind"

# An existing policy-rc.d (here one that allows everything): kept as it was, and the install still succeeds.
printf '#!/bin/sh\nexit 0\n' > "$BENCH_POLICY_RC_D"
chmod 755 "$BENCH_POLICY_RC_D"
: > "$APT_LOG"
"$src/bench/ejabberd.sh" install 2> "$work/err" || fail "install with an existing policy-rc.d failed: $(cat "$work/err")"
[ "$(cat "$APT_LOG")" = allowed ] || fail "apt-get did not run, or the existing policy-rc.d was replaced"
grep -qx 'exit 0' "$BENCH_POLICY_RC_D" || fail "the existing policy-rc.d was changed or removed"
rm "$BENCH_POLICY_RC_D"

# apt-get fails: the status is passed on, the failure is named, and the written policy-rc.d still goes.
: > "$APT_LOG"
if APT_FAIL=1 "$src/bench/ejabberd.sh" install 2> "$work/err"; then fail "a failed apt-get was not reported"; fi
grep -q 'ejabberd.sh install: .*apt-get install.* failed with status 100' "$work/err" \
    || fail "the failure was not named: $(cat "$work/err")"
[ ! -e "$BENCH_POLICY_RC_D" ] || fail "the policy-rc.d written for the install was left behind after a failure"
echo "PASS: bench/ejabberd.sh install"
