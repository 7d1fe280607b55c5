#!/usr/bin/env python3
"""Compile time and peak memory of big programs, one tritonc process each.

    bench/big_programs.py [BUILD_DIR] [--layers 1000,10000,100000]
                          [--cpu-layers 1000,10000,100000] [--unshared-layers 1000]
                          [--timeout S] [--markdown]

Programs come from bench/gen_layers.py: N layers, each with a packed 64x64
weight and a bias, each forward calling the previous layer (a call chain N
deep). For every N: `tritonc` to the ternary MLIR (`--emit=mlir`), to
optimized MLIR (`--emit=opt-mlir`, -O2 for the CPU), to the PyTorch module
(`--target=pytorch`), and, for the N of --cpu-layers, to a CPU object
(`--target=cpu -O2 --weights`, the default micro-kernel calls and shared
repeated code, and, for the N of --unshared-layers, right after it with
`--no-share-code`: every layer's code compiled separately; the weights of
gen_layers.py --weights: a
deployed model has its weights bound, so its entry points take only the
input; without weights every function takes the params of all the layers it
reaches as arguments, which a chain N deep makes quadratic in N by the
calling convention itself). Wall time and the peak resident memory of the
tritonc process (wait4's ru_maxrss) are reported; a run past --timeout is
reported as such.
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def measure(command, timeout):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            return None, None, "timeout"
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        return elapsed, usage.ru_maxrss, "failed: " + process.stderr.read().decode()[-300:]
    return elapsed, usage.ru_maxrss, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", nargs="?", default="build")
    parser.add_argument("--layers", default="1000,10000,100000")
    parser.add_argument("--cpu-layers", default="1000,10000,100000")
    parser.add_argument("--unshared-layers", default="1000")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    tritonc = str(pathlib.Path(args.build) / "bin" / "tritonc")
    layers = [int(n) for n in args.layers.split(",") if n]
    cpu_layers = {int(n) for n in args.cpu_layers.split(",") if n}
    unshared_layers = {int(n) for n in args.unshared_layers.split(",") if n}
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for n in layers:
            source = os.path.join(work, f"layers{n}.tri")
            weights = os.path.join(work, f"layers{n}.safetensors")
            generate = [sys.executable, str(ROOT / "bench" / "gen_layers.py"), str(n)]
            if n in cpu_layers or n in unshared_layers:
                generate += ["--weights", weights]
            with open(source, "w") as out:
                subprocess.run(generate, stdout=out, check=True)
            outputs = [("MLIR", ["--emit=mlir"]),
                       ("optimized MLIR", ["--target=cpu", "--emit=opt-mlir", "-O2"]),
                       ("PyTorch", ["--target=pytorch", "-O2"])]
            if n in cpu_layers:
                outputs.append(("CPU object (weights bound)",
                                ["--target=cpu", "-O2", "--weights", weights]))
            if n in unshared_layers:
                outputs.append(("CPU object (weights bound, --no-share-code)",
                                ["--target=cpu", "-O2", "--no-share-code",
                                 "--weights", weights]))
            for label, options in outputs:
                out = os.path.join(work, "out")
                seconds, rss_kb, problem = measure([tritonc, source, *options, "-o", out],
                                                   args.timeout)
                size = os.path.getsize(out) if problem is None and os.path.exists(out) else None
                rows.append((n, label, seconds, rss_kb, size, problem))
                if os.path.exists(out):
                    os.unlink(out)
                print(f"# {n} layers, {label}: "
                      + (problem or f"{seconds:.2f} s, {rss_kb / 1024:.0f} MiB"),
                      file=sys.stderr, flush=True)
    print("| layers | output | time | per layer | peak memory | output size |")
    print("|---:|---|---:|---:|---:|---:|")
    for n, label, seconds, rss_kb, size, problem in rows:
        if problem:
            print(f"| {n:,} | {label} | {problem} | | | |")
            continue
        print(f"| {n:,} | {label} | {seconds:.2f} s | {seconds / n * 1e3:.2f} ms "
              f"| {rss_kb / 1024:.0f} MiB | {size / 1e6:.1f} MB |")


if __name__ == "__main__":
    main()
