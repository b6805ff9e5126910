#!/usr/bin/env bash
# Turns bench/run.sh's raw.txt into results.csv, table.md (printed) and chart.png.
#   bench/report.sh RAW_FILE OUT_DIR [MESSAGE_BYTES]
set -eEuo pipefail
failed() { echo "report.sh: \"$2\" failed with status $1 (line $3)" >&2; }
trap 'failed $? "$BASH_COMMAND" $LINENO' ERR
RAW=$1; OUT=$2; BYTES=${3:-?}

# label metric value, one per line
awk '{ label = $1; for (i = 3; i <= NF; i++) { split($i, kv, "="); print label, kv[1], kv[2] } }' "$RAW" \
    | sort -k1,1 -k2,2 -k3,3g > "$OUT/values.txt"

# min / median / max per (label, metric)
awk '
    function flush() { if (n) { printf "%s,%s,%d,%s,%s,%s\n", key1, key2, n, v[1], v[int((n + 1) / 2)], v[n] } }
    { k = $1 "," $2; if (k != cur) { flush(); cur = k; key1 = $1; key2 = $2; n = 0 } v[++n] = $3 }
    END { flush() }
' "$OUT/values.txt" | { echo "figure,metric,runs,min,median,max"; cat; } > "$OUT/results.csv"
rm -f "$OUT/values.txt"

cell() {   # label metric -> "median (min–max)"
    awk -F, -v l="$1" -v m="$2" '$1 == l && $2 == m { printf "%s (%s–%s)", $5, $4, $6; found = 1 } END { if (!found) printf "not measured" }' "$OUT/results.csv"
}
med() {    # label metric -> median, or nothing
    awk -F, -v l="$1" -v m="$2" '$1 == l && $2 == m { print $5 }' "$OUT/results.csv"
}
ratio() {  # a b -> a / b to two significant places, or —
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "—"; else { r = a / b; printf (r >= 10 ? "%.0f×\n" : "%.2f×\n"), r } }'
}
# The fan-out figures from bench_room_fanout's summary lines: median of the whole send, of the server's part.
fanout_all="" fanout_server="" fanout_cpu=""
if [ -f "$OUT/fanout.txt" ]; then
    fanout_all=$(sed -n 's/^time until the last member device received the message: min \(.*\) ms, median \(.*\) ms, max \(.*\) ms$/\2/p' "$OUT/fanout.txt")
    fanout_server=$(sed -n 's/^server part, .*: min \(.*\) ms, median \(.*\) ms, max \(.*\) ms$/\2/p' "$OUT/fanout.txt")
    fanout_cpu=$(sed -n 's/^server CPU for the fan-out: min \(.*\) ms, median \(.*\) ms, max \(.*\) ms$/\2/p' "$OUT/fanout.txt")
fi
{
    echo "| figure | Parley (durable) | floor (bare Qt TLS relay) | ejabberd 23.01 | Parley ÷ floor | Parley ÷ ejabberd |"
    echo "|---|---|---|---|---|---|"
    row() {
        echo "| $1 | $(cell "parley.$2" "$3") | $(cell "floor.$2" "$3") | $(cell "xmpp.$2" "$3") |" \
             "$(ratio "$(med "parley.$2" "$3")" "$(med "floor.$2" "$3")") | $(ratio "$(med "parley.$2" "$3")" "$(med "xmpp.$2" "$3")") |"
    }
    row "delivered msgs/s, free pipelining" free per_second
    row "server CPU µs per delivered msg, free pipelining" free cpu_us_per_msg
    row "delivered msgs/s, window of 10" window10 per_second
    row "server CPU µs per delivered msg, window of 10" window10 cpu_us_per_msg
    row "highest paced rate sustained (msgs/s; p99 ≤ 20 ms, ≥ 97 % delivered)" pacedpeak per_second
    row "delivered rate in the half-of-peak runs (msgs/s)" halfpeak per_second
    row "server CPU µs per delivered msg at half of peak" halfpeak cpu_us_per_msg
    row "p50 latency at half of peak (ms)" halfpeak p50_ms
    row "p99 latency at half of peak (ms)" halfpeak p99_ms
    row "p99.9 latency at half of peak (ms)" halfpeak p999_ms
    for n in $(awk -F, '$1 ~ /^[a-z]+\.scale[0-9]+$/ { sub(/^[a-z]+\.scale/, "", $1); print $1 }' "$OUT/results.csv" | sort -un); do
        row "server CPU µs per delivered msg, $n connections" "scale$n" cpu_us_per_msg
    done
    row "RSS per idle authenticated connection, $(med parley.idle connections) connections (KB)" idle kb_per_conn
    row "RSS per idle authenticated connection, $(med parley.idle_large connections) connections (KB)" idle_large kb_per_conn
    row "new TLS+login sessions per second (full login)" sessions per_second
    row "server CPU µs per full login (TLS + login)" sessions cpu_us_per_msg
    row "p99 TLS+login time (ms)" sessions p99_ms
    row "resumed sessions per second (TLS resumption + resumed login)" resumed per_second
    row "server CPU µs per resumed login (TLS + login)" resumed cpu_us_per_msg
    row "offline drain, msgs/s" drain per_second
    row "offline drain, server CPU µs per msg" drain cpu_us_per_msg
    echo "| 1,000-member room fan-out, whole send (ms) | ${fanout_all:-not measured} | — | — | — | — |"
    echo "| 1,000-member room fan-out, server part (ms) | ${fanout_server:-not measured} | — | — | — | — |"
    echo "| 1,000-member room fan-out, server CPU (ms) | ${fanout_cpu:-not measured} | — | — | — | — |"
    echo
    echo "Medians with (min–max) over the runs; messages of $BYTES bytes on the wire (one Parley \`send\` frame with a 256-byte plaintext; the floor and ejabberd send messages of the same size)."
    echo
    others=$(awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^others_pct=/) { split($i, kv, "="); n++; if (kv[2] + 0 > m) m = kv[2] + 0 } } END { if (n) printf "%.1f", m }' "$RAW")
    if [ -n "$others" ]; then
        echo "**Machine load during the runs:** in the busiest run, processes other than the server and the load generator used $others % of the machine's CPU (\`others_pct\` in raw.txt, per run; \`machine_busy_pct\` and \`loadavg\` beside it)."
    else
        echo "**Machine load during the runs:** not recorded by this run."
    fi
    floor_p99=$(med floor.halfpeak p99_ms)
    echo
    if [ -n "$floor_p99" ] && awk -v p="$floor_p99" 'BEGIN { exit !(p < 20) }'; then
        echo "**Pacing check:** the floor's p99 at half of its highest sustained paced rate is $floor_p99 ms (milliseconds, as an unloaded relay should be): the paced load is trustworthy."
    else
        echo "**Pacing check FAILED:** the floor's p99 at half of its peak is ${floor_p99:-not measured} ms; an idle bare relay answers in milliseconds, so the load generator or the machine is the bottleneck and the latency figures are not trustworthy."
    fi
    echo
    echo "## Targets"
    echo
    echo "| target | measured | |"
    echo "|---|---|---|"
    target() {   # text measured-text condition(awk expression over a, b) a [b]
        local verdict="not measured"
        if [ -n "$4" ] && { [ $# -lt 5 ] || [ -n "$5" ]; }; then
            if awk -v a="$4" -v b="${5:-0}" "BEGIN { exit !($3) }"; then verdict="met"; else verdict="**not met**"; fi
        fi
        echo "| $1 | $2 | $verdict |"
    }
    pc=$(med parley.free cpu_us_per_msg); xc=$(med xmpp.free cpu_us_per_msg); fc=$(med floor.free cpu_us_per_msg)
    target "server CPU per message ≤ 1/8 of ejabberd's" "${pc:-?} µs vs ${xc:-?} µs ($(ratio "$pc" "$xc"))" "a <= b / 8" "$pc" "$xc"
    target "server CPU per message within 5× of the floor" "${pc:-?} µs vs ${fc:-?} µs ($(ratio "$pc" "$fc"))" "a <= b * 5" "$pc" "$fc"
    pr=$(med parley.free per_second); xr=$(med xmpp.free per_second)
    target "delivered msgs/s ≥ 5× ejabberd" "${pr:-?} vs ${xr:-?} ($(ratio "$pr" "$xr"))" "a >= b * 5" "$pr" "$xr"
    p99=$(med parley.halfpeak p99_ms)
    target "p99 ≤ 10 ms at half of Parley's peak (its highest sustained paced rate)" "${p99:-?} ms at $(med parley.halfpeak per_second) msgs/s" "a <= 10" "$p99"
    for l in idle idle_large; do
        kb=$(med parley.$l kb_per_conn)
        target "≤ 40 KB per idle connection ($(med parley.$l connections) connections)" "${kb:-?} KB" "a <= 40" "$kb"
    done
    rc=$(med parley.resumed cpu_us_per_msg)
    target "resumed login ≤ 0.2 ms of server CPU" "${rc:-?} µs" "a <= 200" "$rc"
    rs=$(med parley.resumed per_second)
    target "≥ 3,000 resumed sessions/s" "${rs:-?}/s" "a >= 3000" "$rs"
    dr=$(med parley.drain per_second)
    target "offline drain ≥ 100,000 msgs/s" "${dr:-?}/s" "a >= 100000" "$dr"
    target "1,000-device fan-out, server part ≤ 100 ms" "${fanout_server:-?} ms until the last member has it (server CPU ${fanout_cpu:-?} ms)" "a <= 100" "$fanout_server"
} > "$OUT/table.md"
cat "$OUT/table.md"

# Chart: median msgs/s and server CPU per message, per system.
medz() { local v; v=$(med "$1" "$2"); echo "${v:-0}"; }
{
    echo "# system free window10 cpu_free cpu_window10"
    for s in parley floor xmpp; do
        echo "$s $(medz $s.free per_second) $(medz $s.window10 per_second) $(medz $s.free cpu_us_per_msg) $(medz $s.window10 cpu_us_per_msg)"
    done
} > "$OUT/chart.dat"
# CPU per message against the number of connections: one line per system.
for s in parley floor xmpp; do
    echo "# $s"
    awk -F, -v s="$s" '$1 ~ "^" s "\\.scale[0-9]+$" && $2 == "cpu_us_per_msg" { n = $1; sub(/^[a-z]+\.scale/, "", n); print n, $5 }' "$OUT/results.csv" | sort -n
    echo; echo
done > "$OUT/scale.dat"
gnuplot <<GP
set terminal pngcairo size 1500,450 font ",10"
set output "$OUT/chart.png"
set multiplot layout 1,3 title "Parley benchmark (medians; 1,000 TLS WebSocket connections, 500 pairs, $BYTES-byte messages)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set key top right
set grid ytics
set title "delivered messages per second"
plot "$OUT/chart.dat" using 2:xtic(1) title "free pipelining", "" using 3 title "window of 10"
set title "server CPU per delivered message (µs, log scale)"
set logscale y
plot "$OUT/chart.dat" using 4:xtic(1) title "free pipelining", "" using 5 title "window of 10"
set title "server CPU per message (µs) against connections"
set style data linespoints
set logscale x
set xlabel "connections"
plot "$OUT/scale.dat" index 0 title "Parley", "" index 1 title "floor", "" index 2 title "ejabberd"
unset multiplot
GP
echo "results: $OUT (results.csv, table.md, chart.png, raw.txt)"
