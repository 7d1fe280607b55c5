#!/usr/bin/env python3
"""Compiles the DSL examples (examples/*.tri) for the CPU with tritonc and
checks every layer's forward entry against a float64 numpy reference.

  tritonc EXAMPLE.tri --target=cpu -O<n> [--use-microkernels] -o model.o
  cc -shared model.o -o model.so -lm [libtriton_runtime.so]

then calls `_mlir_ciface_<Layer>_forward` through ctypes (docs/targets/cpu.md:
params without a value are leading arguments in module order, ternary params
as their packed bytes, int8 [rows, row_bytes]) with fixed random inputs and
weights (random trits packed by the project's Python packing,
triton_dsl.pack), and compares with a reference written here from the DSL
semantics of docs/language.md and docs/dialect.md: within 1e-5 relative
(|got - ref| <= 1e-5 * max(1, |ref|)). Prints one line per entry, whether the
library calls the runtime micro-kernels, and the worst relative error; exits
non-zero on any mismatch.
"""
import argparse
import dataclasses
import os
import sys
from typing import Callable, Dict, List

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from memref_abi import call_entry, compare, run  # noqa: E402


@dataclasses.dataclass
class Entry:
    """One C entry: `_mlir_ciface_<name>(result, params..., inputs...)`."""
    name: str
    params: List[str]               # "Layer.param", in the entry's order
    inputs: List[np.ndarray]
    reference: Callable[[], np.ndarray]
    result_rank: int


@dataclasses.dataclass
class Example:
    source: str                     # file name in examples/
    arguments: Dict[str, np.ndarray]  # "Layer.param" -> what the C ABI takes
    entries: List[Entry]


# --- Weights ---------------------------------------------------------------

def random_trits(rng, shape):
    return rng.integers(-1, 2, size=shape).astype(np.int8)


@dataclasses.dataclass
class Ternary:
    """The trits of a TernaryTensor param."""
    trits: np.ndarray


def packed_argument(trits):
    return Ternary(trits)


def abi_argument(value):
    """A param as the C ABI takes it: a TernaryTensor packed offset2 along
    axis 0 by the project's packing, as int8 [rows, row_bytes] with one row
    per fiber along axis 0, rows in row-major order of the other axes; any
    other param as it is."""
    if not isinstance(value, Ternary):
        return value
    import triton_dsl
    packed = np.asarray(triton_dsl.pack(value.trits, encoding="offset2", axis=0))
    rows = int(np.prod(value.trits.shape[1:]))
    return packed.reshape(rows, -1).view(np.int8)


def floats(rng, shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def pixels(rng, shape):
    """Inputs in [0, 1) with 8 bits: image pixels (the 784 inputs of the
    MNIST models) or activations after a relu. Sums of up to 2^16 of them
    are exact in f32, so a ternary matmul must match float64 to the last
    bit; with N(0, 1) or full-precision inputs, f32 accumulation in k order
    over 784 terms can differ from float64 by more than 1e-5 of a result
    near 1 (the compiled code equals an in-order f32 emulation bit for bit
    there, which is not what this test is about)."""
    return (rng.integers(0, 256, size=shape) / 256.0).astype(np.float32)


# --- Reference semantics in float64 ----------------------------------------

def f64(array):
    return np.asarray(array, dtype=np.float64)


def relu(x):
    return np.maximum(x, 0.0)


def softmax(x, dim):
    shifted = np.exp(x - x.max(axis=dim, keepdims=True))
    return shifted / shifted.sum(axis=dim, keepdims=True)


def layer_norm(x, eps=1e-5):
    """Over the last dim, biased variance, no weight or bias."""
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps)


def conv2d(x, weight, stride, padding):
    """x [N, C, H, W], weight [F, C, KH, KW] -> [N, F, OH, OW], zero padding,
    cross-correlation (no kernel flip)."""
    n, c, h, w = x.shape
    f, _, kh, kw = weight.shape
    padded = np.zeros((n, c, h + 2 * padding, w + 2 * padding))
    padded[:, :, padding:padding + h, padding:padding + w] = x
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(kh):
        for j in range(kw):
            window = padded[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out += np.einsum("nchw,fc->nfhw", window, weight[:, :, i, j])
    return out


def quantize_threshold_fake(w, threshold):
    """quantize_ternary(w, T): ternary.quantize threshold(T) per tensor then
    ternary.dequantize: t = +1 if w > T, -1 if w < -T, else 0; scale = mean
    |w| over the non-zero trits (1 if none), an f32; result t * scale."""
    w32 = np.asarray(w, dtype=np.float32)
    t32 = np.float32(threshold)
    trits = np.where(w32 > t32, 1.0, np.where(w32 < -t32, -1.0, 0.0))
    kept = np.abs(f64(w32))[trits != 0]
    scale = float(np.float32(kept.mean())) if kept.size else 1.0
    return trits * scale


# --- The examples ------------------------------------------------------------

def linear_classifier(rng):
    n = 3
    trits = random_trits(rng, (784, 10))
    bias = floats(rng, 10)
    x = pixels(rng, (n, 784))
    return Example("linear_classifier.tri",
                   {"LinearClassifier.weights": packed_argument(trits),
                    "LinearClassifier.bias": bias},
                   [Entry("LinearClassifier_forward",
                          ["LinearClassifier.weights", "LinearClassifier.bias"],
                          [x], lambda: f64(x) @ f64(trits) + f64(bias), 2)])


def mlp(rng):
    n = 3
    t1 = random_trits(rng, (784, 256))
    b1 = floats(rng, 256)
    w2 = floats(rng, (256, 10), 0.1)
    b2 = floats(rng, 10)
    x = pixels(rng, (n, 784))
    return Example("mlp.tri",
                   {"MLP.w1": packed_argument(t1), "MLP.b1": b1,
                    "MLP.w2": w2, "MLP.b2": b2},
                   [Entry("MLP_forward", ["MLP.w1", "MLP.b1", "MLP.w2", "MLP.b2"],
                          [x],
                          lambda: relu(f64(x) @ f64(t1) + f64(b1)) @ f64(w2)
                          + f64(b2), 2)])


def ternary_mlp3(rng):
    n = 3
    # Small biases and (below) a dim network input keep the logits of
    # unscaled ternary layers within about 20 of each other, so that the
    # softmax of TernaryMLP is not one-hot.
    t1, b1 = random_trits(rng, (784, 256)), floats(rng, 256, 0.1)
    t2, b2 = random_trits(rng, (256, 128)), floats(rng, 128, 0.1)
    t3, b3 = random_trits(rng, (128, 10)), floats(rng, 10, 0.1)
    x1 = pixels(rng, (n, 784))
    x2 = pixels(rng, (n, 256))
    x3 = pixels(rng, (n, 128))

    def dense1(x):
        return relu(f64(x) @ f64(t1) + f64(b1))

    def dense2(x):
        return relu(f64(x) @ f64(t2) + f64(b2))

    def classifier(x):
        return f64(x) @ f64(t3) + f64(b3)

    x = pixels(rng, (n, 784)) / np.float32(64)
    return Example(
        "ternary_mlp3.tri",
        {"Dense1.w": packed_argument(t1), "Dense1.b": b1,
         "Dense2.w": packed_argument(t2), "Dense2.b": b2,
         "Classifier.w": packed_argument(t3), "Classifier.b": b3},
        [Entry("Dense1_forward", ["Dense1.w", "Dense1.b"], [x1],
               lambda: dense1(x1), 2),
         Entry("Dense2_forward", ["Dense2.w", "Dense2.b"], [x2],
               lambda: dense2(x2), 2),
         Entry("Classifier_forward", ["Classifier.w", "Classifier.b"], [x3],
               lambda: classifier(x3), 2),
         Entry("TernaryMLP_forward",
               ["Dense1.w", "Dense1.b", "Dense2.w", "Dense2.b",
                "Classifier.w", "Classifier.b"], [x],
               lambda: softmax(classifier(dense2(dense1(x))), 1), 2)])


def qat_linear(rng):
    n = 3
    w = floats(rng, (784, 10), 0.05)
    b = floats(rng, 10)
    x = pixels(rng, (n, 784))
    return Example("qat_linear.tri", {"QATLinear.w": w, "QATLinear.b": b},
                   [Entry("QATLinear_forward", ["QATLinear.w", "QATLinear.b"],
                          [x],
                          lambda: f64(x) @ quantize_threshold_fake(w, 0.05)
                          + f64(b), 2)])


def conv_block(rng):
    n = 2
    trits = random_trits(rng, (16, 16, 3, 3))
    bias = floats(rng, (16, 1, 1))
    x = floats(rng, (n, 16, 32, 32))
    return Example("conv_block.tri",
                   {"ConvBlock.w": packed_argument(trits), "ConvBlock.bias": bias},
                   [Entry("ConvBlock_forward", ["ConvBlock.w", "ConvBlock.bias"],
                          [x],
                          lambda: relu(conv2d(f64(x), f64(trits), 1, 1)
                                       + f64(bias)) + f64(x), 4)])


def attention(rng):
    s = 5
    tq, tk, tv, to = (random_trits(rng, (64, 64)) for _ in range(4))
    x = floats(rng, (s, 64), 0.25)

    def reference():
        xd = f64(x)
        q, k, v = xd @ f64(tq), xd @ f64(tk), xd @ f64(tv)
        scores = softmax(q @ k.T / 8.0, 1)
        return layer_norm(xd + (scores @ v) @ f64(to))

    names = ["Attention.wq", "Attention.wk", "Attention.wv", "Attention.wo"]
    return Example("attention.tri",
                   dict(zip(names, (packed_argument(t) for t in (tq, tk, tv, to)))),
                   [Entry("Attention_forward", names, [x], reference, 2)])


EXAMPLES = {"linear_classifier": linear_classifier, "mlp": mlp,
            "ternary_mlp3": ternary_mlp3, "qat_linear": qat_linear,
            "conv_block": conv_block, "attention": attention}


# --- Build and check ---------------------------------------------------------

def build(name, example, args):
    source = os.path.join(args.examples, example.source)
    suffix = "O%d%s" % (args.opt, "-ukernels" if args.microkernels else "")
    obj = os.path.join(args.work, "%s.%s.o" % (name, suffix))
    command = [args.tritonc, source, "--target=cpu", "-O%d" % args.opt,
               "-o", obj]
    # From -O1 on tritonc calls the kernels by default: without
    # --microkernels this driver checks the loop lowering.
    command.append("--use-microkernels" if args.microkernels else "--no-microkernels")
    run(command)
    undefined = run([os.path.join(args.llvm_tools, "llvm-nm"), "-u", obj])
    calls = sorted({line.split()[-1] for line in undefined.splitlines()
                    if "tri_mlir_gemm" in line})
    if args.loader == "cpu-load":
        return obj, calls
    library = os.path.join(args.work, "%s.%s.so" % (name, suffix))
    link = [args.cc, "-shared", obj, "-o", library, "-lm"]
    if args.microkernels:
        link += [args.runtime, "-Wl,-rpath," + os.path.dirname(args.runtime)]
    run(link)
    return library, calls


def call_with_loader(obj, example, entry):
    """The entry through triton_dsl.cpu.load, weights as a mapping of
    logical values (trits for TernaryTensor params)."""
    import triton_dsl.cpu
    weights = {name: value.trits if isinstance(value, Ternary) else value
               for name, value in example.arguments.items()}
    library = triton_dsl.cpu.load(obj, weights=weights)
    layer, function = entry.name.rsplit("_", 1)
    return getattr(getattr(library, layer), function)(*entry.inputs)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--example", action="append", required=True,
                        choices=sorted(EXAMPLES))
    parser.add_argument("--opt", type=int, choices=[0, 1, 2], required=True)
    parser.add_argument("--microkernels", action="store_true")
    parser.add_argument("--tritonc", required=True)
    parser.add_argument("--examples", required=True,
                        help="the examples/ folder")
    parser.add_argument("--python-package", required=True,
                        help="the folder holding triton_dsl (python/)")
    parser.add_argument("--llvm-tools", required=True)
    parser.add_argument("--runtime", required=True,
                        help="path of libtriton_runtime.so")
    parser.add_argument("--cc", default="cc")
    parser.add_argument("--work", required=True)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--loader", choices=["ctypes", "cpu-load"],
                        default="ctypes",
                        help="call the entries through this file's ctypes "
                        "code (the C ABI as documented) or triton_dsl.cpu.load")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sys.path.insert(0, args.python_package)

    ok = True
    worst = 0.0
    for name in args.example:
        example = EXAMPLES[name](np.random.default_rng(args.seed))
        library, calls = build(name, example, args)
        print("%s -O%d%s: %s" % (
            name, args.opt, " --use-microkernels" if args.microkernels else "",
            "calls " + ", ".join(calls) if calls else "no micro-kernel calls"))
        for entry in example.entries:
            if args.loader == "cpu-load":
                got = call_with_loader(library, example, entry)
            else:
                inputs = [abi_argument(example.arguments[p])
                          for p in entry.params] + entry.inputs
                got = call_entry(library, entry.name, inputs, np.float32,
                                 entry.result_rank)
            passed, detail, error = compare(got, entry.reference(), False)
            print("%s %s %s -O%d: %s" % ("PASS" if passed else "FAIL", name,
                                        entry.name, args.opt, detail))
            ok &= passed
            worst = max(worst, error if error is not None else float("inf"))
    print("worst relative error %.3g" % worst)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
