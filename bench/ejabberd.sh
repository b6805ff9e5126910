#!/usr/bin/env bash
# The peer of the benchmark: ejabberd from Debian's package, with its own configuration in a private directory,
# listening on loopback only (XMPP over WebSocket over TLS on /ws, plus /api for registering the bench users).
# The configuration is Debian's shipped ejabberd.yml with the changes of the peer baseline: one loopback HTTPS
# listener, c2s shaper off, max_fsm_queue raised; Mnesia and mod_offline as shipped.
#
#   bench/ejabberd.sh install                  apt-get install ejabberd when it is missing (needs root)
#   bench/ejabberd.sh start DIR PORT           writes the configuration into DIR and starts a node
#   bench/ejabberd.sh register DIR PORT N      registers users b000000 ... (password bench-password)
#   bench/ejabberd.sh pid DIR                  prints the pid of the node's beam.smp
#   bench/ejabberd.sh stop DIR                 stops the node (and the epmd it started)
set -eEuo pipefail
step=${1:-}
failed() { echo "ejabberd.sh $step: \"$2\" failed with status $1 (line $3)" >&2; }
trap 'failed $? "$BASH_COMMAND" $LINENO' ERR

NODE=parleybench@localhost
# Debian's hook that keeps apt-get from starting services; BENCH_POLICY_RC_D names another file for the tests.
POLICY_RC_D=${BENCH_POLICY_RC_D:-/usr/sbin/policy-rc.d}
# Run as the ejabberd user directly (setpriv, not su: su goes through PAM, which resets the descriptor limit).
ctl() {
    local dir=$1; shift
    ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    # BENCH_SERVER_CPUS (a taskset CPU list) pins the Erlang VM, which then starts one scheduler per CPU it has.
    local pin=()
    [ -n "${BENCH_SERVER_CPUS:-}" ] && pin=(taskset -c "$BENCH_SERVER_CPUS")
    HOME=/var/lib/ejabberd "${pin[@]}" setpriv --reuid ejabberd --regid ejabberd --init-groups ejabberdctl --config-dir "$dir" --config "$dir/ejabberd.yml" --ctl-config "$dir/ejabberdctl.cfg" \
        --spool "$dir/spool" --logs "$dir/logs" --node "$NODE" "$@"
}

case "${1:-}" in
install)
    if ! command -v ejabberdctl >/dev/null; then
        # Debian starts the packaged service on install unless policy-rc.d says no: the bench runs its own node.
        # An existing policy-rc.d is left as it is; one written here goes again, also when apt-get fails.
        if [ ! -e "$POLICY_RC_D" ]; then
            trap 'rm -f "$POLICY_RC_D"' EXIT
            printf '#!/bin/sh\nexit 101\n' > "$POLICY_RC_D"
            chmod 755 "$POLICY_RC_D"
        fi
        echo "ejabberd.sh: installing ejabberd (apt-get install ejabberd)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ejabberd
    fi
    ;;
start)
    dir=$2; port=$3
    mkdir -p "$dir/spool" "$dir/logs"
    cp /etc/ejabberd/inetrc "$dir/inetrc"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    cat "$dir/cert.pem" "$dir/key.pem" > "$dir/bench.pem"
    # Shipped configuration minus its listeners and certificate list; c2s shaper off.
    awk '
        /^[a-z_]+:/ { section = $1 }
        section == "listen:" || section == "certfiles:" || section == "api_permissions:" { next }
        section == "shaper_rules:" && /^  c2s_shaper:/ { print "  c2s_shaper: none"; skip = 1; next }
        skip && /^    / { next }
        { skip = 0; print }
    ' /etc/ejabberd/ejabberd.yml > "$dir/ejabberd.yml"
    sed -i 's/^loglevel: .*/loglevel: warning/' "$dir/ejabberd.yml"
    cat >> "$dir/ejabberd.yml" <<YAML

certfiles:
  - "$dir/bench.pem"

listen:
  -
    port: $port
    ip: "127.0.0.1"
    backlog: 1024
    module: ejabberd_http
    tls: true
    protocol_options: 'TLS_OPTIONS'
    request_handlers:
      /api: mod_http_api
      /ws: ejabberd_http_ws

api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
  "bench registration from loopback":
    from:
      - mod_http_api
    who:
      ip: 127.0.0.1/8
    what:
      - register

## raised from the default 10000
max_fsm_queue: 1000000
YAML
    # The shipped file names /etc paths for the configuration and pid file: drop them, ours come below.
    grep -v -E '^(EJABBERD_CONFIG_PATH|EJABBERD_PID_PATH|CONTRIB_MODULES_CONF_DIR)=' /etc/ejabberd/ejabberdctl.cfg \
        > "$dir/ejabberdctl.cfg"
    cat >> "$dir/ejabberdctl.cfg" <<CFG
EJABBERD_CONFIG_PATH=$dir/ejabberd.yml
INET_DIST_INTERFACE=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
EJABBERD_PID_PATH=$dir/ejabberd.pid
CONTRIB_MODULES_CONF_DIR=$dir/modules.d
ulimit -n 65536 2>/dev/null || ulimit -n "\$(ulimit -Hn)"
CFG
    mkdir -p "$dir/modules.d"
    if pgrep -x epmd >/dev/null; then : > "$dir/epmd-was-running"; fi
    chown -R ejabberd:ejabberd "$dir"
    ctl "$dir" start
    ctl "$dir" started
    ;;
register)
    dir=$2; port=$3; n=$4
    cfg="$dir/register.curl"
    : > "$cfg"
    for ((i = 0; i < n; i++)); do
        [ "$i" -gt 0 ] && echo next >> "$cfg"
        printf 'url = "https://127.0.0.1:%s/api/register"\ndata = "{\\"user\\":\\"b%06d\\",\\"host\\":\\"localhost\\",\\"password\\":\\"bench-password\\"}"\noutput = "/dev/null"\ninsecure\nsilent\n' \
            "$port" "$i" >> "$cfg"
    done
    curl -sSk --no-progress-meter --parallel --parallel-max 16 -K "$cfg"
    ctl "$dir" registered_users localhost | wc -l
    ;;
pid)
    dir=$2
    pgrep -f "beam.smp.*$NODE" | head -1
    ;;
stop)
    dir=$2
    ctl "$dir" stop >/dev/null || true
    ctl "$dir" stopped >/dev/null 2>&1 || true
    if [ ! -e "$dir/epmd-was-running" ]; then epmd -kill >/dev/null 2>&1 || true; fi
    ;;
*)
    sed -n '2,12p' "$0"; exit 2 ;;
esac
