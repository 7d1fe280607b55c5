#!/usr/bin/env python3
"""Turns ukernel-bench's JSON (Google Benchmark) into the Markdown tables of
bench/RESULTS.md: per shape, batch and thread count the time of every method,
the weight bytes read per second, that rate as % of the copy bandwidth
measured in the same run at the same thread count, and speed-ups of our
kernels over fp32 dense BLAS and over the naive unpack + BLAS path.

  python3 bench/report.py build/bench/ukernel_bench.json > table.md
"""
import json
import sys


def main(path):
    data = json.load(open(path))
    ctx = data["context"]
    copy, runs = {}, {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        name = b["name"]
        if name.startswith("copy/"):
            copy[int(b["threads"])] = b["copy_GBps"] / 1e9 if b["copy_GBps"] > 1e6 else b["copy_GBps"]
            continue
        parts = name.split("/")
        method = parts[0]
        fields = dict(p.split(":") for p in parts[1:5])
        key = (int(fields["K"]), int(fields["N"]), int(fields["M"]), int(fields["threads"]))
        gbps = b["weight_GBps"]
        runs.setdefault(key, {})[method] = (b["real_time"], b["time_unit"], gbps / 1e9 if gbps > 1e6 else gbps)
    out = []
    out.append(f"Host: {ctx.get('host_name', '?')}, {ctx.get('num_cpus')} CPUs at "
               f"{ctx.get('mhz_per_cpu')} MHz; ukernel ISA {ctx.get('ukernel_isa')}; "
               f"BLAS {ctx.get('blas', '?').strip()}; {ctx.get('date')}")
    out.append("")
    out.append("Copy bandwidth (memcpy of 512 MiB, read + write): " + ", ".join(
        f"{t} thread(s) {g:.1f} GB/s" for t, g in sorted(copy.items())))
    out.append("")
    out.append("| K x N | M | thr | ours_i8 us | GB/s | % copy | ours_f32 us | i8_base3 us | f32_base3 us "
               "| BLAS f32 us | naive us | i8 vs BLAS | i8 vs naive | f32 vs BLAS | f32 vs naive |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")

    def t(r, m):
        return r[m][0] if m in r else float("nan")

    for key in sorted(runs, key=lambda k: (k[0] * k[1], k[0], k[2], k[3])):
        k, n, m, thr = key
        r = runs[key]
        i8, f32 = t(r, "ours_i8"), t(r, "ours_f32")
        dense, naive = t(r, "dense_f32_blas"), t(r, "naive_unpack_blas")
        gb = r["ours_i8"][2] if "ours_i8" in r else float("nan")
        pct = 100 * gb / copy[thr] if thr in copy else float("nan")
        b3 = t(r, "ours_i8_base3")
        f3 = t(r, "ours_f32_base3")
        fmt = lambda v: "-" if v != v else f"{v:.1f}"  # noqa: E731
        out.append(f"| {k}x{n} | {m} | {thr} | {i8:.1f} | {gb:.1f} | {pct:.0f}% | {f32:.1f} | {fmt(b3)} | {fmt(f3)} "
                   f"| {dense:.1f} | {naive:.0f} | {dense / i8:.1f}x | {naive / i8:.0f}x | "
                   f"{dense / f32:.2f}x | {naive / f32:.0f}x |")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
