#!/usr/bin/env python3
"""A float nn.Sequential MLP (784 -> 256 -> 10) against what triton_dsl makes
of it, side by side in one run.

Three callables on the same inputs, timed at batch 1, 8 and 64 with 1 and
all threads:
  * float: the original fp32 model (torch.matmul/addmm, MKL);
  * from_fx: ``triton_dsl.from_fx(model, x).module()``, the generated module
    with 2-bit weights (the runtime op torch.ops.triton_dsl.ternary_matmul);
  * torch.compile: ``torch.compile(model, backend=triton_dsl.backend())``.
Also: the time from_fx + compile + load take, and the weight bytes of each.
The ternary outputs are checked against the ternarized model first.

    TRITON_BUILD_DIR=build .venv/bin/python bench/from_fx_bench.py
"""
import argparse
import pathlib
import time

import torch

import triton_dsl
from module_timing import build_with_runtime_op, median_time


def state_bytes(module):
    return sum(t.numel() * t.element_size() for t in module.state_dict().values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-time", type=float, default=1.0)
    parser.add_argument("--threads", type=int, nargs="+",
                        default=sorted({1, torch.get_num_threads()}))
    parser.add_argument("--markdown", help="also write the table here")
    args = parser.parse_args()
    build_with_runtime_op()

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 10)).eval()
    example = torch.randn(8, 784)
    t0 = time.perf_counter()
    program = triton_dsl.from_fx(model, (example,))
    ternary = program.module()
    capture_ms = (time.perf_counter() - t0) * 1e3
    compiled = torch.compile(model, backend=triton_dsl.backend(mode="compile"))
    reference = triton_dsl.ternarize_model(model)

    lines = [f"nn.Sequential MLP 784->256->10, torch {torch.__version__}, "
             f"ukernel ISA {torch.ops.triton_dsl.ukernel_isa()}",
             f"from_fx + compile + load: {capture_ms:.0f} ms; state_dict bytes: float "
             f"{state_bytes(model)}, ternary {state_bytes(ternary)}", "",
             "| batch | threads | float (ms) | from_fx module (ms) | torch.compile backend (ms) "
             "| from_fx vs float | backend vs float |",
             "|---|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for batch in (1, 8, 64):
        x = torch.randn(batch, 784)
        for threads in args.threads:
            torch.set_num_threads(threads)
            with torch.no_grad():
                expected = reference(x)
                for candidate in (ternary(x), compiled(x)):
                    torch.testing.assert_close(candidate, expected, rtol=1e-4, atol=1e-4)
                t_float = median_time(lambda: model(x), args.min_time)
                t_fx = median_time(lambda: ternary(x), args.min_time)
                t_backend = median_time(lambda: compiled(x), args.min_time)
            lines.append(f"| {batch} | {threads} | {t_float * 1e3:.3f} | {t_fx * 1e3:.3f} | "
                         f"{t_backend * 1e3:.3f} | {t_float / t_fx:.2f}x | "
                         f"{t_float / t_backend:.2f}x |")
            print(lines[-1], flush=True)
    if args.markdown:
        pathlib.Path(args.markdown).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
