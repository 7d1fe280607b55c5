#!/usr/bin/env python3
"""Compiles the DSL examples with tritonc --target=acalsim, builds each
directory with riscv64-unknown-elf-gcc and runs it on qemu-system-riscv64
-machine virt -bios none with the test harness of runtime/acalsim/qemu (a
machine-mode trap handler emulating the ACALSim devices), then checks:

* the outputs against a float64 numpy reference written here from the DSL
  semantics with the target's int8-activation semantics for ternary matmuls
  of f32 activations (docs/targets/acalsim.md: per row s = 127 / max|x| in
  f32, q = x*s rounded half away from zero, the integer sum of q times the
  trits, times max|x|/127): |got - ref| <= tol * max(1, |ref|);
* int8-activation programs exactly against an integer reference;
* that the emulated device performed exactly sum(nonzero trits x tokens)
  operations over the ternary matmuls (ADD for +1, SUB for -1) with
  --acalsim-offload=device, and none with host;
* that device and host offload print the same bits.

Weights are random (trits as int8 in a safetensors file, floats as f32);
inputs are written into {name}_input.bin through the manifest. Prints one
line per run; exits non-zero on any mismatch.
"""
import argparse
import dataclasses
import os
import subprocess
import sys
from typing import Callable, Dict, List

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def f64(a):
    return np.asarray(a, dtype=np.float64)


def relu(x):
    return np.maximum(x, 0.0)


def softmax(x, dim):
    shifted = np.exp(x - x.max(axis=dim, keepdims=True))
    return shifted / shifted.sum(axis=dim, keepdims=True)


def layer_norm(x, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps)


def quantize_rows(x):
    """int8 codes and step of each row of f32 activations, as the target
    defines them (exact: f32 products and an exact fraction test)."""
    x32 = np.asarray(x, dtype=np.float32)
    q = np.zeros(x32.shape, dtype=np.int64)
    step = np.zeros(x32.shape[0], dtype=np.float64)
    for row in range(x32.shape[0]):
        absmax = np.float32(np.abs(x32[row]).max())
        if absmax == 0:
            continue
        s = np.float32(127) / absmax
        v = (x32[row] * s).astype(np.float32)
        t = np.trunc(v)
        fraction = (v - t).astype(np.float32)
        t = t + (fraction >= 0.5) - (fraction <= -0.5)
        q[row] = np.clip(t, -127, 127).astype(np.int64)
        step[row] = float(np.float32(absmax / np.float32(127)))
    return q, step


class Counter:
    """Device operations the reference expects: nonzero trits x tokens."""

    def __init__(self):
        self.add = 0
        self.sub = 0

    def count(self, tokens, trits):
        self.add += int((trits == 1).sum()) * tokens
        self.sub += int((trits == -1).sum()) * tokens


def ternary_matmul(x, trits, counter, scale=None, bias=None):
    q, step = quantize_rows(x)
    counter.count(q.shape[0], trits)
    y = (q @ trits.astype(np.int64)).astype(np.float64) * step[:, None]
    if scale is not None:
        y = y * f64(scale)
    if bias is not None:
        y = y + f64(bias)
    return y


def trits_of(rng, shape):
    return rng.integers(-1, 2, size=shape).astype(np.int8)


def floats(rng, shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


@dataclasses.dataclass
class Case:
    source: str                        # a file of examples/ or of Inputs/
    weights: Dict[str, np.ndarray]     # Layer.param -> trits (int8) or f32
    batch: int
    inputs: List[np.ndarray]
    reference: Callable[[Counter], np.ndarray]
    exact: bool = False
    tolerance: float = 1e-4


def linear_classifier(rng):
    t, b = trits_of(rng, (784, 10)), floats(rng, 10)
    x = floats(rng, (3, 784))
    return Case("linear_classifier.tri",
                {"LinearClassifier.weights": t, "LinearClassifier.bias": b}, 3, [x],
                lambda c: ternary_matmul(x, t, c, bias=b))


def mlp(rng):
    t1, b1 = trits_of(rng, (784, 256)), floats(rng, 256)
    w2, b2 = floats(rng, (256, 10), 0.1), floats(rng, 10)
    x = floats(rng, (2, 784))
    return Case("mlp.tri", {"MLP.w1": t1, "MLP.b1": b1, "MLP.w2": w2, "MLP.b2": b2}, 2,
                [x], lambda c: relu(ternary_matmul(x, t1, c, bias=b1)) @ f64(w2) + f64(b2))


def ternary_mlp3(rng):
    t1, b1 = trits_of(rng, (784, 256)), floats(rng, 256, 0.1)
    t2, b2 = trits_of(rng, (256, 128)), floats(rng, 128, 0.1)
    t3, b3 = trits_of(rng, (128, 10)), floats(rng, 10, 0.1)
    x = floats(rng, (2, 784), 0.02)

    def reference(c):
        h1 = relu(ternary_matmul(x, t1, c, bias=b1))
        h2 = relu(ternary_matmul(h1, t2, c, bias=b2))
        return softmax(ternary_matmul(h2, t3, c, bias=b3), 1)

    return Case("ternary_mlp3.tri",
                {"Dense1.w": t1, "Dense1.b": b1, "Dense2.w": t2, "Dense2.b": b2,
                 "Classifier.w": t3, "Classifier.b": b3}, 2, [x], reference)


def qat_linear(rng):
    w, b = floats(rng, (784, 10), 0.05), floats(rng, 10)
    x = floats(rng, (2, 784))
    threshold = np.float32(0.05)
    trits = np.where(w > threshold, 1, np.where(w < -threshold, -1, 0)).astype(np.int8)
    kept = np.abs(f64(w))[trits != 0]
    scale = float(np.float32(kept.mean()))
    return Case("qat_linear.tri", {"QATLinear.w": w, "QATLinear.b": b}, 2, [x],
                lambda c: ternary_matmul(x, trits, c, scale=scale, bias=b))


def attention(rng):
    tq, tk, tv, to = (trits_of(rng, (64, 64)) for _ in range(4))
    x = floats(rng, (4, 64), 0.25)

    def reference(c):
        q, k, v = (ternary_matmul(x, t, c) for t in (tq, tk, tv))
        scores = softmax(q @ k.T / 8.0, 1)
        return layer_norm(f64(x) + ternary_matmul(scores @ v, to, c))

    names = ["Attention.wq", "Attention.wk", "Attention.wv", "Attention.wo"]
    return Case("attention.tri", dict(zip(names, (tq, tk, tv, to))), 4, [x], reference)


def conv_block(rng):
    t = trits_of(rng, (16, 16, 3, 3))
    bias = floats(rng, (16, 1, 1))
    x = floats(rng, (1, 16, 8, 8))

    def reference(c):
        xd = f64(x)
        n, ch, h, w = xd.shape
        padded = np.zeros((n, ch, h + 2, w + 2))
        padded[:, :, 1:h + 1, 1:w + 1] = xd
        out = np.zeros((n, 16, h, w))
        for i in range(3):
            for j in range(3):
                out += np.einsum("nchw,fc->nfhw", padded[:, :, i:i + h, j:j + w], f64(t[:, :, i, j]))
        return relu(out + f64(bias)) + xd

    return Case("conv_block_8x8.tri", {"ConvBlock.w": t, "ConvBlock.bias": bias}, 1, [x],
                reference)


def int8_linear(rng):
    """Tensor<i8> @ TernaryTensor: an exact int32 accumulation."""
    t = trits_of(rng, (96, 24))
    b = rng.integers(-1000, 1000, size=24).astype(np.int32)
    x = rng.integers(-128, 128, size=(3, 96)).astype(np.int8)

    def reference(c):
        c.count(3, t)
        return x.astype(np.int64) @ t.astype(np.int64) + b

    return Case("int8_linear.tri", {"Int8Linear.w": t, "Int8Linear.b": b}, 3, [x],
                reference, exact=True)


CASES = {"linear_classifier": linear_classifier, "mlp": mlp, "ternary_mlp3": ternary_mlp3,
         "qat_linear": qat_linear, "attention": attention, "conv_block": conv_block,
         "int8_linear": int8_linear}


def save_weights(path, weights):
    from safetensors.numpy import save_file
    save_file({name: np.ascontiguousarray(value) for name, value in weights.items()}, path)


def compile_case(args, name, case, offload):
    source = os.path.join(args.examples, case.source)
    if not os.path.exists(source):
        source = os.path.join(HERE, "Inputs", case.source)
    weights = os.path.join(args.work, name + ".safetensors")
    save_weights(weights, case.weights)
    directory = os.path.join(args.work, "%s-%s" % (name, offload))
    command = [args.tritonc, source, "--target=acalsim", "--weights", weights,
               "--acalsim-offload=" + offload, "--acalsim-batch=%d" % case.batch,
               "-o", directory]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("tritonc failed:\n" + done.stdout + done.stderr)
    return directory


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", action="append", required=True, choices=sorted(CASES))
    parser.add_argument("--tritonc", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--python-package", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sys.path.insert(0, args.python_package)
    from triton_dsl import acalsim

    ok = True
    for name in args.case:
        case = CASES[name](np.random.default_rng(args.seed))
        counter = Counter()
        want = case.reference(counter)
        results = {}
        for offload in ("device", "host"):
            directory = compile_case(args, name, case, offload)
            result = acalsim.simulate(directory, case.inputs)
            got = result.outputs[0]
            results[offload] = got
            if case.exact:
                passed = got.shape == want.shape and np.array_equal(got.astype(np.int64), want)
                detail = "exact" if passed else "differs at %s" % (
                    np.argwhere(got.astype(np.int64) != want)[:3].tolist(),)
            else:
                error = np.abs(f64(got) - want) / np.maximum(1.0, np.abs(want))
                passed = got.shape == want.shape and bool(np.all(error <= case.tolerance))
                detail = "max relative error %.2g" % float(error.max())
            expected = (counter.add, counter.sub) if offload == "device" else (0, 0)
            seen = (result.device.get("add"), result.device.get("sub"))
            ops_ok = seen == expected and result.device.get("errors") == 0
            print("%s %s offload=%s: %s; device ADD/SUB %d/%d (expected %d/%d)" % (
                "PASS" if passed and ops_ok else "FAIL", name, offload, detail,
                seen[0], seen[1], expected[0], expected[1]))
            ok &= passed and ops_ok
        same = np.array_equal(results["device"].view(np.uint8), results["host"].view(np.uint8))
        print("%s %s: device and host outputs %s" % ("PASS" if same else "FAIL", name,
                                                      "identical" if same else "differ"))
        ok &= same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
