# gnuplot: revocation latency against live MRs, from the .dat file that
# tests/bench/rdma-mr-bench.sh writes (MRs, median, min, max in ms).
# Call with -e "dat='...'; out='...'; kernel='...'".
set terminal svg size 720,480 dynamic
set output out
set title "rxe dma-buf MRs: time of the revoking call (".kernel.")"
set xlabel "mapped MRs on one dma-buf"
set ylabel "ms (median, min..max)"
set logscale xy
set grid
set key top left
plot dat using 1:2:3:4 with yerrorlines title "memory decode off", \
     50 with lines dashtype 2 title "target: 50 ms at 1,000 MRs"
