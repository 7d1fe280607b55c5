#!/usr/bin/env python3
"""Float PyTorch models against what triton_dsl makes of them, side by side
in one run (issue 14: fast by default).

For each model, on the same inputs at batch 1 and 32 (torch's default
threads unless --threads):
  * float: the original fp32 model (MKL / oneDNN);
  * module: ``triton_dsl.from_fx(model, x).module()``, the generated module
    with 2-bit weights as a user gets it: nothing loaded by hand, the
    CMake-built LibTorch op registered by ``import triton_dsl``;
  * pure path: the same module with ``USE_RUNTIME_OP = False`` (what runs
    without the op: trits decoded once and cached);
  * backend: ``torch.compile(model, backend=triton_dsl.backend())``.
Each output is checked against ternarize_model first (1e-4). The four are
timed interleaved (module_timing.interleaved_median_times: rounds of a
~10 ms block of calls of each, the median per call over the rounds), so a
burst of load on a shared machine hits every column alike. Also the time
from_fx + compile + load take and the state bytes.

    .venv/bin/python bench/from_fx_bench.py [--markdown bench/results/from_fx.md]
"""
import argparse
import pathlib
import sys
import time

import torch
from torch import nn

# This checkout's package (and so its build/), not whichever triton_dsl the
# venv has installed: a venv shared between worktrees would otherwise time
# another checkout's generated code.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
import triton_dsl  # noqa: E402
from module_timing import interleaved_median_times  # noqa: E402


class SmallCNN(nn.Module):
    """Convolutions (no pooling: the FX front end of this version has none)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(64, 64, 3, stride=2, padding=1)
        self.fc = nn.Linear(64 * 8 * 8, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.conv2(x))
        x = torch.relu(self.conv3(x))
        return self.fc(torch.flatten(x, 1))


def models():
    """name -> (float model, input shape without the batch)."""
    torch.manual_seed(0)
    return {
        "digits MLP 64-128-10": (nn.Sequential(nn.Linear(64, 128), nn.ReLU(),
                                               nn.Linear(128, 10)), (64,)),
        "MLP 784-256-10": (nn.Sequential(nn.Linear(784, 256), nn.ReLU(),
                                         nn.Linear(256, 10)), (784,)),
        "MLP 4096-4096-4096": (nn.Sequential(nn.Linear(4096, 4096), nn.ReLU(),
                                             nn.Linear(4096, 4096)), (4096,)),
        "CNN 3x32x32 (3 convs + linear)": (SmallCNN(), (3, 32, 32)),
    }


def state_bytes(module):
    return sum(t.numel() * t.element_size() for t in module.state_dict().values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-time", type=float, default=0.5)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--markdown", help="also write the table here")
    parser.add_argument("--only", help="only the models whose name contains this")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    op = triton_dsl.torch_ops.load_error is None
    lines = [f"triton_dsl from {pathlib.Path(triton_dsl.__file__).parent}; "
             f"torch {torch.__version__}, {torch.get_num_threads()} threads; LibTorch op "
             + (f"registered by import triton_dsl (ukernel ISA {torch.ops.triton_dsl.ukernel_isa()})"
                if op else f"NOT loaded: {triton_dsl.torch_ops.load_error}"), "",
             "| model | batch | float (ms) | module (ms) | pure path (ms) | backend (ms) "
             "| module vs float | pure vs float | backend vs float |",
             "|---|---|---|---|---|---|---|---|---|"]
    notes = []
    print("\n".join(lines), flush=True)
    for name, (model, shape) in models().items():
        if args.only and args.only not in name:
            continue
        model.eval()
        example = torch.randn(2, *shape)
        t0 = time.perf_counter()
        module = triton_dsl.from_fx(model, (example,)).module()
        capture_ms = (time.perf_counter() - t0) * 1e3
        generated = sys.modules[type(module).__module__]
        torch._dynamo.reset()
        compiled = torch.compile(model, backend=triton_dsl.backend(mode="compile"))
        reference = triton_dsl.ternarize_model(model)
        notes.append(f"- {name}: from_fx + compile + load {capture_ms:.0f} ms; state bytes "
                     f"float {state_bytes(model):,}, ternary {state_bytes(module):,}")

        def pure(x):
            generated.USE_RUNTIME_OP = False
            try:
                return module(x)
            finally:
                generated.USE_RUNTIME_OP = True

        for batch in args.batches:
            x = torch.randn(batch, *shape)
            with torch.no_grad():
                expected = reference(x)
                for candidate in (module(x), pure(x), compiled(x)):
                    torch.testing.assert_close(candidate, expected, rtol=1e-4, atol=1e-4)
                t_float, t_module, t_pure, t_backend = interleaved_median_times(
                    [lambda: model(x), lambda: module(x), lambda: pure(x), lambda: compiled(x)],
                    args.min_time)
            lines.append(f"| {name} | {batch} | {t_float * 1e3:.3f} | {t_module * 1e3:.3f} | "
                         f"{t_pure * 1e3:.3f} | {t_backend * 1e3:.3f} | "
                         f"{t_float / t_module:.2f}x | {t_float / t_pure:.2f}x | "
                         f"{t_float / t_backend:.2f}x |")
            print(lines[-1], flush=True)
    print("\n".join(notes))
    if args.markdown:
        pathlib.Path(args.markdown).write_text("\n".join(lines + [""] + notes) + "\n")


if __name__ == "__main__":
    main()
