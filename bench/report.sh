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
{
    echo "| figure | Parley (durable) | floor (bare Qt TLS relay) | ejabberd 23.01 |"
    echo "|---|---|---|---|"
    row() { echo "| $1 | $(cell "parley.$2" "$3") | $(cell "floor.$2" "$3") | $(cell "xmpp.$2" "$3") |"; }
    row "delivered msgs/s, free pipelining" free per_second
    row "server CPU µs per delivered msg, free pipelining" free cpu_us_per_msg
    row "delivered msgs/s, window of 10" window10 per_second
    row "server CPU µs per delivered msg, window of 10" window10 cpu_us_per_msg
    row "delivered rate in the half-of-peak runs (msgs/s)" halfpeak per_second
    row "p50 latency at half of peak (ms)" halfpeak p50_ms
    row "p99 latency at half of peak (ms)" halfpeak p99_ms
    row "p99.9 latency at half of peak (ms)" halfpeak p999_ms
    row "RSS per idle authenticated connection (KB)" idle kb_per_conn
    row "new TLS+login sessions per second" sessions per_second
    row "p99 TLS+login time (ms)" sessions p99_ms
    row "offline drain, msgs/s" drain per_second
    row "offline drain, server CPU µs per msg" drain cpu_us_per_msg
    fanout="not measured"
    if [ -f "$OUT/fanout.txt" ]; then
        fanout=$(sed -n 's/^time until the last member device received the message: min \(.*\), median \(.*\), max \(.*\)$/\2 (\1–\3)/p' "$OUT/fanout.txt")
        fanout=${fanout:-not measured}
    fi
    echo "| 1,000-member room fan-out: time until the last device has the message | $fanout | — | — |"
    echo
    echo "Medians with (min–max) over the runs; messages of $BYTES bytes on the wire (one Parley \`send\` frame with a 256-byte plaintext; the floor and ejabberd send messages of the same size)."
} > "$OUT/table.md"
cat "$OUT/table.md"

# Chart: median msgs/s and server CPU per message, per system.
med() { awk -F, -v l="$1" -v m="$2" '$1 == l && $2 == m { print $5; f = 1 } END { if (!f) print 0 }' "$OUT/results.csv"; }
{
    echo "# system free window10 cpu_free cpu_window10"
    for s in parley floor xmpp; do
        echo "$s $(med $s.free per_second) $(med $s.window10 per_second) $(med $s.free cpu_us_per_msg) $(med $s.window10 cpu_us_per_msg)"
    done
} > "$OUT/chart.dat"
gnuplot <<GP
set terminal pngcairo size 1100,450 font ",10"
set output "$OUT/chart.png"
set multiplot layout 1,2 title "Parley benchmark (medians; 1,000 TLS WebSocket connections, 500 pairs, $BYTES-byte messages)"
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
unset multiplot
GP
echo "results: $OUT (results.csv, table.md, chart.png, raw.txt)"
