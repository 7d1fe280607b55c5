#!/usr/bin/env python3
"""Ternary matmuls on rank-3 activations ([batch, tokens, features], as a
transformer's linears see them) against the same rows as a rank-2 input and
against torch float, side by side in one process.

Each tritonc given (--tritonc LABEL=PATH, repeatable; default: this build's)
compiles one program, --target=cpu -O2, with a layer per rank:

    Three: x: Tensor[B, T, K] -> x @ w        Two: x: Tensor[N, K] -> x @ w

The objects are loaded with triton_dsl.cpu.load (weights given at load time)
and timed on the same x (the rank-2 call gets x viewed as [B*T, K]), then
torch.matmul of x by the float trits. Every result is checked against a
float64 reference first. Prints a Markdown table of ms per call (median of
at least 3 calls and 0.3 s) and each time relative to torch float.

    .venv/bin/python bench/rank_inputs.py --tritonc before=/path/to/old/tritonc \\
        --tritonc after=build/bin/tritonc
"""
import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))


def timed(call, min_calls=3, min_seconds=0.3, max_calls=200):
    call()
    times = []
    start = time.perf_counter()
    while len(times) < min_calls or (time.perf_counter() - start < min_seconds
                                     and len(times) < max_calls):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tritonc", action="append", default=[],
                        help="LABEL=PATH of a tritonc (default: after=build/bin/tritonc)")
    parser.add_argument("--shapes", default="4x64x1024x4096,1x64x4096x1024",
                        help="BxTxKxN, comma-separated")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import torch

    from triton_dsl.cpu import load

    compilers = [entry.split("=", 1) for entry in args.tritonc] or [
        ("after", str(ROOT / "build" / "bin" / "tritonc"))]
    torch.set_num_threads(args.threads)
    work = pathlib.Path(tempfile.mkdtemp(prefix="rank_inputs_"))
    rng = np.random.default_rng(0)
    print(f"torch {torch.__version__}, {args.threads} thread(s); ms per call (median); "
          "'vs torch' = torch float time / this time")
    print()
    print("| B×T×K → N | tritonc | input | ms | vs torch |")
    print("|---|---|---|---:|---:|")
    for shape in args.shapes.split(","):
        b, t, k, n = (int(v) for v in shape.split("x"))
        program = work / f"ranks_{shape}.tri"
        program.write_text(
            f"layer Three {{\n    param w: TernaryTensor[{k}, {n}]\n"
            f"    fn forward(x: Tensor[B, T, {k}]) -> Tensor[B, T, {n}] {{ return x @ w }}\n}}\n"
            f"layer Two {{\n    param w: TernaryTensor[{k}, {n}]\n"
            f"    fn forward(x: Tensor[N, {k}]) -> Tensor[N, {n}] {{ return x @ w }}\n}}\n")
        trits = rng.integers(-1, 2, size=(k, n)).astype(np.int8)
        weights = {"Three.w": torch.from_numpy(trits.copy()),
                   "Two.w": torch.from_numpy(trits.copy())}
        x = rng.standard_normal((b, t, k)).astype(np.float32)
        want = x.astype(np.float64) @ trits.astype(np.float64)
        xt = torch.from_numpy(x)
        wf = torch.from_numpy(trits.astype(np.float32))
        torch_ms = timed(lambda: torch.matmul(xt, wf))
        rows = [("torch float", "rank 3", torch_ms)]
        for label, tritonc in compilers:
            obj = work / f"{label}_{shape}.o"
            subprocess.run([tritonc, str(program), "--target=cpu", "-O2", "-o", str(obj)],
                           check=True)
            library = load(obj, weights=weights)
            for name, layer, arg in [("rank 3", library.Three, x),
                                     ("rank 2 (same rows)", library.Two, x.reshape(b * t, k))]:
                got = np.asarray(layer.forward(arg)).reshape(want.shape)
                error = float(np.abs(got - want).max() / np.abs(want).max())
                assert error < 1e-5, (label, name, error)
                rows.append((label, name, timed(lambda: layer.forward(arg))))
        for label, name, ms in rows:
            print(f"| {b}×{t}×{k} → {n} | {label} | {name} | {ms:.3f} | {torch_ms / ms:.2f}x |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
