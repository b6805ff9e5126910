# The soak's plot (parley-soak calls it): gnuplot -e "csv='soak.csv'; png='soak.png'; judged=MIN; heading='...'" plot.gp
# Columns of soak.csv: 1 t_s, 3 rss_kb, 4 fds, 5 queued_messages, 6 write_queue, 12 delivered_per_s, 14 errors,
# 20 p50_ms, 21 p99_ms, 23 server_cpu_pct, 24 load_cpu_pct, 25 others_pct. The dashed line is where the judged
# window (the second half of the timed part) begins; rows after the timed part are the drain.
set terminal pngcairo size 1400,1050 font "sans,10"
set output png
set datafile separator ","
set key below horizontal
set grid
set xlabel "minutes"
set multiplot layout 3,2 title heading font "sans,13"
set arrow 1 from judged, graph 0 to judged, graph 1 nohead dashtype 2 linecolor rgb "#888888"
set yrange [0:*]

set title "parleyd RSS (MB)"
plot csv using ($1/60):($3/1024) skip 1 with lines linewidth 2 title "RSS"

set title "parleyd open descriptors"
plot csv using ($1/60):4 skip 1 with lines linewidth 2 title "fds"

set title "queues (admin status)"
plot csv using ($1/60):5 skip 1 with lines linewidth 2 title "queued messages", \
     csv using ($1/60):6 skip 1 with lines linewidth 2 title "store write queue"

set title "end-to-end latency per interval (ms)"
plot csv using ($1/60):20 skip 1 with lines linewidth 2 title "p50", \
     csv using ($1/60):21 skip 1 with lines linewidth 2 title "p99"

set title "delivered messages per second, errors per interval"
plot csv using ($1/60):12 skip 1 with lines linewidth 2 title "delivered/s", \
     csv using ($1/60):14 skip 1 with impulses linewidth 3 linecolor rgb "red" title "errors"

set title "CPU (% of one CPU; others: % of the machine)"
plot csv using ($1/60):23 skip 1 with lines linewidth 2 title "parleyd", \
     csv using ($1/60):24 skip 1 with lines linewidth 2 title "clients", \
     csv using ($1/60):25 skip 1 with lines linewidth 2 title "other processes"

unset multiplot
