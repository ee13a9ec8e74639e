# Plots bench/results/scaling.csv: wall time and peak RSS against N.
#   gnuplot bench/plot_scaling.gp   (from the repository root)
set datafile separator ","
set terminal png size 1100,450 font ",10"
set output "docs/performance_scaling.png"
set multiplot layout 1,2 title "plumsim at scale (2-core VM; docs/performance.md)"
set logscale xy
set xrange [10:3000000]
set grid
set key top left Left reverse font ",9"
set xlabel "nodes (N)"
set ylabel "wall seconds"
set title "Wall time"
set yrange [0.01:1e6]
plot "bench/results/scaling.csv" using ((strcol(1) eq "convergence" && strcol(2) eq "full") ? $3 : 1/0):5 with linespoints pt 7 title "heartbeat convergence, full membership (2 rounds)", \
     "" using ((strcol(1) eq "convergence" && strcol(2) eq "hyparview") ? $3 : 1/0):5 with linespoints pt 5 title "heartbeat convergence, HyParView (10 rounds; 2 at N=10,000)", \
     "" using ((strcol(1) eq "convergence_v0.4") ? $3 : 1/0):5 with points pt 4 ps 1.5 title "heartbeat convergence, HyParView, 0.4.0", \
     "" using ((strcol(1) eq "broadcast") ? $3 : 1/0):5 with linespoints pt 9 title "broadcast phase, 100 messages, HyParView (0.3.0)", \
     "" using ((strcol(1) eq "broadcast_v0.4") ? $3 : 1/0):5 with linespoints pt 11 title "the same, 0.4.0", \
     "" using ((strcol(1) eq "broadcast_10msgs_v0.4") ? $3 : 1/0):5 with points pt 13 ps 1.5 title "broadcast phase, 10 messages, 0.4.0", \
     "" using ((strcol(1) eq "convergence_issue25b") ? $3 : 1/0):5 with points pt 6 ps 2 lw 2 title "heartbeat convergence, HyParView, issue 25 (2026-12-06)", \
     "" using ((strcol(1) eq "broadcast_10msgs_issue25") ? $3 : 1/0):5 with points pt 12 ps 2 lw 2 title "broadcast phase, 10 messages, issue 25", \
     "" using ((strcol(1) eq "convergence_issue25d") ? $3 : 1/0):5 with points pt 7 ps 2 lw 2 title "heartbeat convergence, HyParView, issue 25 end (2026-12-07, alone)", \
     "" using ((strcol(1) eq "broadcast_10msgs_issue25d") ? $3 : 1/0):5 with points pt 13 ps 2 lw 2 title "broadcast phase, 10 messages, issue 25 end"
set ylabel "peak RSS (MB)"
set title "Peak resident memory"
set yrange [10:1e6]
plot "bench/results/scaling.csv" using ((strcol(1) eq "convergence" && strcol(2) eq "full") ? $3 : 1/0):6 with linespoints pt 7 title "heartbeat convergence, full membership", \
     "" using ((strcol(1) eq "convergence" && strcol(2) eq "hyparview") ? $3 : 1/0):6 with linespoints pt 5 title "heartbeat convergence, HyParView (10 rounds; 2 at N=10,000)", \
     "" using ((strcol(1) eq "convergence_v0.4") ? $3 : 1/0):6 with points pt 4 ps 1.5 title "heartbeat convergence, HyParView, 0.4.0", \
     "" using ((strcol(1) eq "broadcast") ? $3 : 1/0):6 with linespoints pt 9 title "broadcast, HyParView (0.3.0)", \
     "" using ((strcol(1) eq "broadcast_v0.4") ? $3 : 1/0):6 with linespoints pt 11 title "the same, 0.4.0", \
     "" using ((strcol(1) eq "broadcast_10msgs_v0.4") ? $3 : 1/0):6 with points pt 13 ps 1.5 title "broadcast, 10 messages, 0.4.0", \
     "" using ((strcol(1) eq "convergence_issue25b") ? $3 : 1/0):6 with points pt 6 ps 2 lw 2 title "heartbeat convergence, HyParView, issue 25", \
     "" using ((strcol(1) eq "broadcast_10msgs_issue25") ? $3 : 1/0):6 with points pt 12 ps 2 lw 2 title "broadcast, 10 messages, issue 25", \
     "" using ((strcol(1) eq "convergence_issue25d") ? $3 : 1/0):6 with points pt 7 ps 2 lw 2 title "heartbeat convergence, HyParView, issue 25 end", \
     "" using ((strcol(1) eq "broadcast_10msgs_issue25d") ? $3 : 1/0):6 with points pt 13 ps 2 lw 2 title "broadcast, 10 messages, issue 25 end"
unset multiplot
