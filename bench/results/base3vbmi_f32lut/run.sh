#!/bin/sh
# ukernel-bench of this branch ("after") and of ee8ed12 ("before"), back to back,
# GEMV shapes, median of 5 repetitions, default ISA then TRI_UK_ISA=avx2.
OUT=${1:-/work/wt-kern/bench/results/base3vbmi_f32lut/run}; mkdir -p $OUT
NEW=/work/wt-kern/build/bin/ukernel-bench
# OLD: bench/ukernel_bench.cpp and runtime/ of ee8ed12 (git archive), compiled
# with the runtime's flags (-O3 -ffp-contract=off -fno-math-errno, the AVX
# files with their -m flags) and linked with -lbenchmark -lopenblas.
OLD=${OLD:-/tmp/kq/before/ukernel-bench-before}
F='^(copy|ours_(i8|f32|i8_base3|f32_base3)/K:(4096/N:4096|8192/N:28672)/M:1/)'
A="--benchmark_filter=$F --benchmark_repetitions=5 --benchmark_format=json"
{ uptime; lscpu | grep -E "Model name|Flags"; } > $OUT/machine.txt
cd /work/wt-kern
$NEW $A > $OUT/new.json 2> $OUT/new.err
$OLD $A > $OUT/old.json 2> $OUT/old.err
TRI_UK_ISA=avx2 $NEW $A > $OUT/new_avx2.json 2> $OUT/new_avx2.err
TRI_UK_ISA=avx2 $OLD $A > $OUT/old_avx2.json 2> $OUT/old_avx2.err
uptime >> $OUT/machine.txt
echo done
