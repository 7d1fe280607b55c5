#!/usr/bin/env python3
"""The generated PyTorch module of examples/mlp.tri (784 -> 256 -> 10) with
and without the runtime op, side by side in one run.

Generates the module with `tritonc --target=pytorch`, loads random packed
weights, and times forward() at batch 1, 8 and 64, with 1 and all threads,
with
USE_RUNTIME_OP = True (torch.ops.triton_dsl.ternary_matmul, the packed
micro-kernels) and False (the pure-PyTorch unpack path). Both paths get the
same weights and inputs; their outputs are checked to agree before timing.

    TRITON_BUILD_DIR=build .venv/bin/python bench/pytorch_module_bench.py
"""
import argparse
import importlib.util
import pathlib
import subprocess
import tempfile

import numpy as np
import torch

import triton_dsl
from module_timing import ROOT, build_with_runtime_op, median_time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-time", type=float, default=1.0)
    parser.add_argument("--threads", type=int, nargs="+",
                        default=sorted({1, torch.get_num_threads()}),
                        help="thread counts (default: 1 and all)")
    parser.add_argument("--markdown", help="also write the table here")
    args = parser.parse_args()
    build = build_with_runtime_op()
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "mlp.py"
        subprocess.run([str(build / "bin" / "tritonc"), str(ROOT / "examples" / "mlp.tri"),
                        "--target=pytorch", "-O2", "-o", str(path)], check=True)
        spec = importlib.util.spec_from_file_location("generated_mlp", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    rng = np.random.default_rng(0)
    model = module.MLP()
    trits = rng.integers(-1, 2, size=(784, 256)).astype(np.int8)
    state = model.state_dict()
    state["w1"] = torch.from_numpy(triton_dsl.pack(trits, "offset2", axis=0))
    state["b1"] = torch.randn(256)
    state["w2"] = torch.randn(256, 10) * 0.05
    state["b2"] = torch.randn(10)
    model.load_state_dict(state)
    model.eval()
    lines = [f"generated MLP 784->256->10, torch {torch.__version__}, "
             f"ukernel ISA {torch.ops.triton_dsl.ukernel_isa()}", "",
             "| batch | threads | with op (ms) | pure PyTorch (ms) | speed-up |",
             "|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for batch in (1, 8, 64):
        x = torch.randn(batch, 784)
        for threads in args.threads:
            torch.set_num_threads(threads)
            with torch.no_grad():
                module.USE_RUNTIME_OP = True
                y_op = model(x)
                module.USE_RUNTIME_OP = False
                y_ref = model(x)
                torch.testing.assert_close(y_op, y_ref, rtol=1e-4, atol=1e-4)

                def run(flag):
                    module.USE_RUNTIME_OP = flag
                    return median_time(lambda: model(x), args.min_time)

                with_op = run(True)
                without = run(False)
            lines.append(f"| {batch} | {threads} | {with_op * 1e3:.3f} | "
                         f"{without * 1e3:.3f} | {without / with_op:.1f}x |")
            print(lines[-1], flush=True)
    if args.markdown:
        pathlib.Path(args.markdown).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
