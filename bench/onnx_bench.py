#!/usr/bin/env python3
"""ONNX target benchmark: onnxruntime on our graphs vs onnxruntime on the
float model exported by torch.onnx.export vs our LibTorch op, side by side in
one process.

Models: examples/mlp.tri (784 -> 256 -> 10, relu; ternary first layer) and a
single ternary layer 8192 x 28672 (`x @ w`), random trits (and, for the MLP,
random float params) from one weights file, compiled by tritonc
--target=onnx --weights in both profiles:

  ort       MatMulNBits bits=2, accuracy_level=0 (exact f32 activations):
            what the compiler emits for f32 programs;
  ort-int8  --emit=onnx-int8: MatMulNBits accuracy_level=4, blocks of 64
            or 128, scales/zero points as initializers (onnxruntime's int8
            path: activations quantized to int8 per block, W1.58A8, not the
            DSL's exact f32 semantics; see the error table);
  standard  default-domain decode; onnxruntime folds the decode of constant
            weights at session start, so it runs a float MatMul;
  fp32      torch.onnx.export of the float model whose weights are the trits
            (what a user gets without our target);
  libtorch  torch.ops.triton_dsl.ternary_matmul (runtime/ micro-kernels) on
            the packed bytes, f32 activations.

Batches 1, 8, 64 at 1 and 2 threads; the median of at least 3 calls and
0.5 s. Prints a Markdown table (ms per call, and each row's speed-up over
fp32) plus file sizes in bits per weight; --json writes the raw numbers.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

BIG_SOURCE = """layer Big {
    param w: TernaryTensor[%d, %d]
    fn forward(x: Tensor[N, %d]) -> Tensor[N, %d] {
        return x @ w
    }
}
"""


def random_packed(rng, k, n):
    """offset2 bytes of random trits, packed along K (one row per column),
    and the trits [K, N] as int8."""
    rows = (k + 3) // 4
    codes = rng.integers(0, 3, size=(n, rows * 4), dtype=np.uint8)
    codes[:, k:] = 1
    c = codes.reshape(n, rows, 4)
    packed = (c[..., 0] | (c[..., 1] << 2) | (c[..., 2] << 4) | (c[..., 3] << 6)).astype(np.uint8)
    trits = (codes[:, :k].astype(np.int8) - 1).T
    return packed.reshape(-1), trits


def save(path, tensors, metadata):
    from safetensors.numpy import save_file
    save_file(tensors, str(path), metadata=metadata)


def compile_onnx(tritonc, source, weights, out, emit):
    subprocess.run([tritonc, str(source), "--target=onnx", "--emit=" + emit,
                    "--weights", str(weights), "-o", str(out)], check=True)
    return out


def export_fp32(module, x, out):
    import torch
    try:
        torch.onnx.export(module, (x,), str(out), input_names=["input0"],
                          dynamic_axes={"input0": {0: "N"}}, dynamo=False)
        return "torch.onnx.export (TorchScript exporter)"
    except Exception as error:  # noqa: BLE001 - report which path was used
        raise SystemExit(f"torch.onnx.export failed: {error}")


def timed(call, min_calls=3, min_seconds=0.5):
    call()  # warm-up
    times = []
    start = time.perf_counter()
    while len(times) < min_calls or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
        if len(times) >= 50:
            break
    return statistics.median(times) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tritonc", default=str(ROOT / "build" / "bin" / "tritonc"))
    parser.add_argument("--big", default="8192x28672", help="KxN of the single layer")
    parser.add_argument("--batches", default="1,8,64")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--json")
    args = parser.parse_args()

    import onnxruntime as ort
    import torch
    from triton_dsl import torch_ops

    have_op = torch_ops.load()
    batches = [int(b) for b in args.batches.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    k_big, n_big = (int(v) for v in args.big.split("x"))
    rng = np.random.default_rng(0)
    work = pathlib.Path(tempfile.mkdtemp(prefix="onnx_bench_"))
    results = {"models": {}, "rows": []}
    errors = {}

    models = {}
    # MLP 784 -> 256 -> 10.
    w1, t1 = random_packed(rng, 784, 256)
    b1 = rng.standard_normal(256).astype(np.float32)
    w2 = (rng.standard_normal((256, 10)) * 0.1).astype(np.float32)
    b2 = rng.standard_normal(10).astype(np.float32)
    save(work / "mlp.safetensors", {"MLP.w1": w1, "MLP.b1": b1, "MLP.w2": w2, "MLP.b2": b2},
         {"MLP.w1.encoding": "offset2", "MLP.w1.axis": "0"})
    mlp = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                              torch.nn.Linear(256, 10)).eval()
    with torch.no_grad():
        mlp[0].weight.copy_(torch.from_numpy(t1.T.astype(np.float32)))
        mlp[0].bias.copy_(torch.from_numpy(b1))
        mlp[2].weight.copy_(torch.from_numpy(w2.T.copy()))
        mlp[2].bias.copy_(torch.from_numpy(b2))
    w1_t, b1_t = torch.from_numpy(w1), torch.from_numpy(b1)
    w2_t, b2_t = torch.from_numpy(w2), torch.from_numpy(b2)

    def mlp_op(x):
        h = torch.relu(torch.ops.triton_dsl.ternary_matmul(x, w1_t, 784, 256, None, b1_t))
        return h @ w2_t + b2_t

    models["mlp 784-256-10"] = dict(source=ROOT / "examples" / "mlp.tri",
                                   weights=work / "mlp.safetensors", k=784, module=mlp,
                                   op=mlp_op, weights_count=784 * 256)
    # One big layer.
    wb, tb = random_packed(rng, k_big, n_big)
    (work / "big.tri").write_text(BIG_SOURCE % (k_big, n_big, k_big, n_big))
    save(work / "big.safetensors", {"Big.w": wb}, {"Big.w.encoding": "offset2", "Big.w.axis": "0"})
    big = torch.nn.Linear(k_big, n_big, bias=False).eval()
    with torch.no_grad():
        big.weight.copy_(torch.from_numpy(tb.T.astype(np.float32)))
    del tb
    wb_t = torch.from_numpy(wb)

    def big_op(x):
        return torch.ops.triton_dsl.ternary_matmul(x, wb_t, k_big, n_big)

    models[f"layer {k_big}x{n_big}"] = dict(source=work / "big.tri",
                                           weights=work / "big.safetensors", k=k_big,
                                           module=big, op=big_op, weights_count=k_big * n_big)

    print(f"onnxruntime {ort.__version__}, torch {torch.__version__}, LibTorch op: "
          f"{'yes' if have_op else 'no (not built)'}")
    print()
    print("| model | file | bytes | bits/weight |")
    print("|---|---|---:|---:|")
    for name, model in models.items():
        files = {}
        for kind, emit in (("ort", "onnx"), ("ort-int8", "onnx-int8"),
                           ("standard", "onnx-standard")):
            files[kind] = compile_onnx(args.tritonc, model["source"], model["weights"],
                                       work / f"{name.split()[0]}.{kind}.onnx", emit)
        x = torch.rand(1, model["k"])
        files["fp32"] = work / f"{name.split()[0]}.fp32.onnx"
        exporter = export_fp32(model["module"], x, files["fp32"])
        model["files"] = files
        sizes = {}
        for kind in ("ort", "ort-int8", "standard", "fp32"):
            size = os.path.getsize(files[kind])
            sizes[kind] = size
            print(f"| {name} | {kind} | {size:,} | {size * 8 / model['weights_count']:.3f} |")
        results["models"][name] = {"sizes": sizes, "exporter": exporter}
    print()
    print("ms per call (median); x = fp32 time / this time")
    print()
    print("| model | batch | threads | ort | ort-int8 | standard | fp32 | libtorch |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, model in models.items():
        for n_threads in threads:
            torch.set_num_threads(n_threads)
            sessions = {}
            for kind in ("ort", "ort-int8", "standard", "fp32"):
                options = ort.SessionOptions()
                options.intra_op_num_threads = n_threads
                options.inter_op_num_threads = 1
                sessions[kind] = ort.InferenceSession(str(model["files"][kind]), options,
                                                      providers=["CPUExecutionProvider"])
            for batch in batches:
                x = (torch.randint(0, 256, (batch, model["k"])) / 256).float()
                feed = {"input0": x.numpy()}
                times = {kind: timed(lambda s=session: s.run(None, feed))
                         for kind, session in sessions.items()}
                if have_op:
                    with torch.no_grad():
                        times["libtorch"] = timed(lambda: model["op"](x))
                    with torch.no_grad():
                        want = model["module"](x).double().numpy()
                else:
                    want = None
                cells = []
                for kind in ("ort", "ort-int8", "standard", "fp32", "libtorch"):
                    if kind not in times:
                        cells.append("-")
                        continue
                    cells.append(f"{times[kind]:.3f} ({times['fp32'] / times[kind]:.2f}x)")
                print(f"| {name} | {batch} | {n_threads} | " + " | ".join(cells) + " |")
                results["rows"].append(dict(model=name, batch=batch, threads=n_threads, ms=times))
                if want is not None:  # the exact forms agree with the float model
                    for kind in ("ort", "ort-int8", "standard"):
                        got = sessions[kind].run(None, feed)[0]
                        error = float(np.abs(got - want).max() / max(1.0, np.abs(want).max()))
                        errors.setdefault((name, kind), []).append(error)
                        assert kind == "ort-int8" or error < 1e-4, (name, kind, batch, error)
            del sessions
    print()
    print("Worst error against the float model (float64), relative to its largest |value|:")
    print()
    print("| model | ort | ort-int8 | standard |")
    print("|---|---:|---:|---:|")
    for name in models:
        cells = [f"{max(errors[(name, kind)]):.2g}" if (name, kind) in errors else "-"
                 for kind in ("ort", "ort-int8", "standard")]
        print(f"| {name} | " + " | ".join(cells) + " |")
    results["errors"] = {f"{name}/{kind}": max(v) for (name, kind), v in errors.items()}
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
