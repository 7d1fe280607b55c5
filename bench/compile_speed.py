"""Compile throughput, side by side in one run: small programs per second
through the one-shot ``triton_dsl.compile`` (a new compiler each call: MLIR
context, dialects, pass pipeline) and through one reusable
``triton_dsl.Compiler`` (contexts and pipelines kept), on one thread, for the
front end's MLIR, the optimized MLIR and PyTorch source; and the wall time of
one ``tritonc`` process. The goals of the library issue: >= 5,000 programs/s
to MLIR and >= 2,000/s to optimized MLIR with the reusable compiler, tritonc
under 20 ms a process.

    python bench/compile_speed.py [--markdown out.md] [--min-time 2]
"""
import argparse
import os
import pathlib
import subprocess
import time

import numpy as np

import triton_dsl

ROOT = pathlib.Path(__file__).resolve().parents[1]


def rate(fn, min_time):
    """Calls per second of fn(): the median of 5 batches of >= min_time/5 s."""
    fn()
    rates = []
    for _ in range(5):
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < min_time / 5:
            fn()
            count += 1
        rates.append(count / (time.perf_counter() - start))
    return float(np.median(rates))


def process_ms(command, runs=20):
    """Median wall milliseconds of one process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        # close_fds=False lets Python spawn with posix_spawn/vfork, so the
        # time is tritonc's, not that of forking this (large) process.
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, close_fds=False)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default=str(ROOT / "examples" / "mlp.tri"))
    parser.add_argument("--min-time", type=float, default=2.0)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    source = pathlib.Path(args.source).read_text()
    build = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()
    compiler = triton_dsl.Compiler()
    rows = []
    for target, goal in (("mlir", 5000), ("opt-mlir", 2000), ("pytorch", None)):
        one_shot = rate(lambda: triton_dsl.compile(source, target), args.min_time)
        reused = rate(lambda: compiler.compile(source, target), args.min_time)
        rows.append((target, one_shot, reused, goal))
    tritonc = build / "bin" / "tritonc"
    process = {label: process_ms([str(tritonc), *flags])
               for label, flags in (("`--version` (start-up only)", ["--version"]),
                                    ("`--emit=mlir`", [args.source, "--emit=mlir"]),
                                    ("`--target=pytorch`", [args.source, "--target=pytorch"]))}

    lines = [f"Compile throughput of {pathlib.Path(args.source).name}, one thread "
             f"(programs per second; median of 5 batches):", "",
             "| output | one-shot `compile` | reusable `Compiler` | ratio | goal |",
             "|---|---:|---:|---:|---:|"]
    for target, one_shot, reused, goal in rows:
        lines.append(f"| {target} | {one_shot:,.0f}/s | {reused:,.0f}/s | "
                     f"{reused / one_shot:.1f}x | {f'>= {goal:,}/s' if goal else '-'} |")
    lines += ["", "| tritonc process | median wall time |", "|---|---:|"]
    for label, ms in process.items():
        lines.append(f"| {label} | {ms:.1f} ms |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        pathlib.Path(args.markdown).write_text(text + "\n")


if __name__ == "__main__":
    main()
