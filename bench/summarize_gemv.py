#!/usr/bin/env python3
"""GEMV tables of bench/RESULTS.md ("base3 at memory speed, f32 column
lookups"): two ukernel-bench JSON files (this version and a previous one,
each run with --benchmark_repetitions) -> per ISA, shape and thread count
the median times of offset2 and base3 (int8 and f32), base3 / offset2 of
the same run, offset2's weight GB/s and % of the copy bandwidth measured in
that run, and the speed-ups over the previous version.

  python3 bench/summarize_gemv.py avx512 new.json old.json
"""
import json
import sys
import statistics
def load(path):
    d = json.load(open(path))
    runs, copy = {}, {}
    for b in d["benchmarks"]:
        if b.get("run_type") != "iteration" or b.get("error_occurred"):
            continue
        name = b["name"]
        if name.startswith("copy/"):
            copy.setdefault(int(b["threads"]), []).append(b["copy_GBps"] / (1e9 if b["copy_GBps"] > 1e6 else 1))
            continue
        parts = name.split("/")
        f = dict(p.split(":") for p in parts[1:5])
        key = (parts[0], int(f["K"]), int(f["N"]), int(f["threads"]))
        runs.setdefault(key, []).append(b["real_time"])
    med = {k: statistics.median(v) for k, v in runs.items()}
    cp = {t: statistics.median(v) for t, v in copy.items()}
    return med, cp, d["context"]
def wbytes(enc, k, n):
    return (k + 3) // 4 * n if enc == "o2" else (k + 4) // 5 * n
isa = sys.argv[1]
new, cpn, ctx = load(sys.argv[2])
old, cpo, _ = load(sys.argv[3])
print(f"copy GB/s (r+w, median) after run: {cpn}; before run: {cpo}")
print("| ISA | K x N | thr | act | offset2 us | base3 us | **base3 / offset2** | offset2 GB/s | % copy | before: offset2 us | base3 us | ratio | offset2 speed-up | base3 speed-up |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (k, n) in [(4096, 4096), (8192, 28672)]:
    for t in (1, 2):
        for act, mo, mb in (("int8", "ours_i8", "ours_i8_base3"), ("f32", "ours_f32", "ours_f32_base3")):
            o, b = new.get((mo, k, n, t)), new.get((mb, k, n, t))
            oo, bo = old.get((mo, k, n, t)), old.get((mb, k, n, t))
            if o is None:
                continue
            gb = wbytes("o2", k, n) / o / 1e3
            pc = 100 * gb / cpn[t]
            print(f"| {isa} | {k}x{n} | {t} | {act} | {o:.0f} | {b:.0f} | **{b/o:.2f}x** | {gb:.1f} | {pc:.0f}% | {oo:.0f} | {bo:.0f} | {bo/oo:.2f}x | {oo/o:.2f}x | {bo/b:.2f}x |")
