#!/usr/bin/env python3
"""Whole-model CPU benchmark (issue 15, point 7): our CPU object, loaded with
``triton_dsl.cpu.load``, against torch eager float and onnxruntime float on
the same model, side by side in one process.

Models (random init, eval mode):
  digits-mlp    64 -> 128 -> 10, relu, both layers ternary (the digits QAT shape)
  mlp.tri       examples/mlp.tri: 784 -> 256 ternary, relu, 256 -> 10 float
  lenet         LeNet-style CNN on 1x28x28 (conv 5x5 pad 2, conv 5x5 stride 2,
                three linears; strided conv instead of pooling), all ternary
  mlp-4096x3    4096 -> 4096 -> 4096 -> 4096, relu, all ternary (weight-bound)
  ffn-64x1024   a pre-norm transformer FFN block on [batch, 64 tokens, 1024]:
                layer_norm, 1024 -> 4096, relu, 4096 -> 1024, residual; both
                linears ternary on rank-3 activations

Ours: ``from_fx(model).cpu()`` (tritonc --target=cpu -O2, the default
micro-kernels, weights embedded), f32 activations (exact, the DSL's
semantics); for mlp.tri the .tri source compiled with a weights file.
torch: eager float32 on the ternarized model (its weights are trit * scale,
so all three compute the same function). onnxruntime: torch.onnx.export of
that float model, CPU provider. Threads: torch.set_num_threads,
intra_op_num_threads and tri_uk_set_num_threads of the runtime library.

Every timed call is also checked once against the float model (float64) so a
fast wrong answer cannot show up as a win. Prints a Markdown table of ms per
call (median of at least 3 calls and 0.3 s) and the speed-ups; --json writes
the raw numbers.
"""
import argparse
import ctypes
import json
import pathlib
import statistics
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))


def timed(call, min_calls=3, min_seconds=0.3, max_calls=200):
    call()  # warm-up
    times = []
    start = time.perf_counter()
    while len(times) < min_calls or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
        if len(times) >= max_calls:
            break
    return statistics.median(times) * 1e3


def build_models(torch):
    nn = torch.nn

    class DigitsMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(64, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            return self.fc2(torch.relu(self.fc1(x)))

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
            self.conv2 = nn.Conv2d(6, 16, 5, stride=2)
            self.fc1 = nn.Linear(16 * 12 * 12, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            h = torch.relu(self.conv1(x))
            h = torch.relu(self.conv2(h))
            h = torch.flatten(h, 1)
            h = torch.relu(self.fc1(h))
            h = torch.relu(self.fc2(h))
            return self.fc3(h)

    class MLP4096(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4096, 4096)
            self.fc2 = nn.Linear(4096, 4096)
            self.fc3 = nn.Linear(4096, 4096)

        def forward(self, x):
            return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))

    class FFN(nn.Module):
        """A pre-norm transformer feed-forward block on 64 tokens of 1024:
        rank-3 activations [batch, tokens, features]."""

        def __init__(self):
            super().__init__()
            self.norm = nn.LayerNorm(1024)
            self.fc1 = nn.Linear(1024, 4096)
            self.fc2 = nn.Linear(4096, 1024)

        def forward(self, x):
            return x + self.fc2(torch.relu(self.fc1(self.norm(x))))

    return {"digits-mlp": (DigitsMLP, (64,)), "lenet": (LeNet, (1, 28, 28)),
            "mlp-4096x3": (MLP4096, (4096,)), "ffn-64x1024": (FFN, (64, 1024))}


def mlp_tri(torch, work, rng):
    """examples/mlp.tri with random weights: (cpu library, float module)."""
    from safetensors.numpy import save_file

    import triton_dsl
    from triton_dsl.cpu import load as load_cpu
    from triton_dsl.runtime.packing import pack

    trits = rng.integers(-1, 2, size=(784, 256)).astype(np.int8)
    b1 = rng.standard_normal(256).astype(np.float32)
    w2 = (rng.standard_normal((256, 10)) * 0.1).astype(np.float32)
    b2 = rng.standard_normal(10).astype(np.float32)
    weights = work / "mlp.safetensors"
    save_file({"MLP.w1": np.asarray(pack(trits, encoding="offset2", axis=0)).reshape(-1),
               "MLP.b1": b1, "MLP.w2": w2, "MLP.b2": b2}, str(weights),
              metadata={"MLP.w1.encoding": "offset2", "MLP.w1.axis": "0"})
    source = (ROOT / "examples" / "mlp.tri").read_text()
    obj = triton_dsl.compile(source, target="cpu", opt_level=2, weights=str(weights),
                             filename="examples/mlp.tri")
    path = work / "mlp.o"
    path.write_bytes(obj)
    module = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                 torch.nn.Linear(256, 10)).eval()
    with torch.no_grad():
        module[0].weight.copy_(torch.from_numpy(trits.T.astype(np.float32)))
        module[0].bias.copy_(torch.from_numpy(b1))
        module[2].weight.copy_(torch.from_numpy(w2.T.copy()))
        module[2].bias.copy_(torch.from_numpy(b2))
    return load_cpu(path).MLP.forward, module, (784,)


def export_onnx(torch, module, example, path):
    torch.onnx.export(module, (example,), str(path), input_names=["x"],
                      dynamic_axes={"x": {0: "N"}}, dynamo=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", default="1,32,512")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--models", default="digits-mlp,mlp.tri,lenet,mlp-4096x3,ffn-64x1024")
    parser.add_argument("--json")
    args = parser.parse_args()

    import torch

    import triton_dsl
    from triton_dsl.cpu import _runtime_library
    from triton_dsl.fx import from_fx, ternarize_model

    try:
        import onnxruntime as ort
    except ImportError:
        ort = None
    batches = [int(b) for b in args.batches.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    wanted = args.models.split(",")
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    work = pathlib.Path(tempfile.mkdtemp(prefix="cpu_models_"))
    runtime = ctypes.CDLL(str(_runtime_library()))
    runtime.tri_uk_set_num_threads.argtypes = [ctypes.c_uint]

    models = {}
    classes = build_models(torch)
    for name in wanted:
        t0 = time.perf_counter()
        if name == "mlp.tri":
            ours, module, shape = mlp_tri(torch, work, rng)
        else:
            cls, shape = classes[name]
            float_model = cls().eval()
            example = torch.randn(2, *shape)
            program = from_fx(float_model, (example,), name=name.replace("-", "_").replace(".", "_"))
            module = ternarize_model(float_model).eval()
            library = program.cpu(opt_level=2)
            ours = getattr(library, program.layer_name).forward
        compile_s = time.perf_counter() - t0
        entry = dict(ours=ours, module=module, shape=shape, compile_s=compile_s)
        if ort is not None:
            onnx_path = work / f"{name}.onnx"
            export_onnx(torch, module, torch.randn(1, *shape), onnx_path)
            entry["onnx"] = onnx_path
        models[name] = entry
        print(f"{name}: captured and compiled in {compile_s:.1f} s", file=sys.stderr)

    print(f"torch {torch.__version__}"
          + (f", onnxruntime {ort.__version__}" if ort else ", onnxruntime not installed")
          + f", triton_dsl {getattr(triton_dsl, '__version__', '?')}")
    print()
    print("ms per call (median); speed-up = torch eager float time / ours")
    print()
    print("| model | batch | threads | ours | torch float | onnxruntime float | vs torch | vs ort | max rel err |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for name, model in models.items():
        for n_threads in threads:
            torch.set_num_threads(n_threads)
            runtime.tri_uk_set_num_threads(n_threads)
            session = None
            if ort is not None:
                options = ort.SessionOptions()
                options.intra_op_num_threads = n_threads
                options.inter_op_num_threads = 1
                session = ort.InferenceSession(str(model["onnx"]), options,
                                               providers=["CPUExecutionProvider"])
            for batch in batches:
                x = torch.randn(batch, *model["shape"])
                xn = x.numpy()
                with torch.no_grad():
                    want = model["module"].double()(x.double()).numpy()
                    model["module"].float()
                got = np.asarray(model["ours"](xn))
                error = float(np.abs(got - want).max() / max(1.0, np.abs(want).max()))
                assert error < 1e-4, (name, batch, error)
                times = {"ours": timed(lambda: model["ours"](xn))}
                with torch.no_grad():
                    times["torch"] = timed(lambda: model["module"](x))
                if session is not None:
                    feed = {"x": xn}
                    times["ort"] = timed(lambda: session.run(None, feed))
                ort_cell = f"{times['ort']:.3f}" if "ort" in times else "-"
                vs_ort = f"{times['ort'] / times['ours']:.2f}x" if "ort" in times else "-"
                print(f"| {name} | {batch} | {n_threads} | {times['ours']:.3f} | "
                      f"{times['torch']:.3f} | {ort_cell} | "
                      f"{times['torch'] / times['ours']:.2f}x | {vs_ort} | {error:.1e} |",
                      flush=True)
                rows.append(dict(model=name, batch=batch, threads=n_threads, ms=times,
                                 error=error))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(
            {"rows": rows, "compile_s": {n: m["compile_s"] for n, m in models.items()}},
            indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
