#!/usr/bin/env python3
"""Inputs and float64 reference of examples/mlp.tri for the installed-toolchain
test (scripts/test-install-toolchain.sh, mlp_main.c).

  mlp_reference.py inputs DIR   writes fixed random weights and inputs to DIR
                                (raw arrays: w1_trits.i8 [784, 256] trits,
                                b1.f32, w2.f32 [256, 10], b2.f32, x.f32 [3, 784];
                                the same params as weights.safetensors, for
                                tritonc --weights: MLP.w1 as I8 trits)
  mlp_reference.py check DIR    compares DIR/y.f32 with relu(x @ w1 + b1) @ w2
                                + b2 in float64 numpy, within 1e-5 relative
                                (|got - ref| <= 1e-5 * max(1, |ref|))

The reference is the DSL semantics written out here; it shares no code with
the compiler or the runtime. The inputs are 8-bit pixels in [0, 1), so the
ternary layer's f32 sums are exact (test/e2e/examples/run_examples.py).
"""
import json
import os
import struct
import sys

import numpy as np

BATCH, IN, HIDDEN, OUT = 3, 784, 256, 10


def make_inputs(rng):
    return {
        "w1_trits.i8": rng.integers(-1, 2, size=(IN, HIDDEN)).astype(np.int8),
        "b1.f32": rng.standard_normal(HIDDEN).astype(np.float32),
        "w2.f32": (rng.standard_normal((HIDDEN, OUT)) * 0.1).astype(np.float32),
        "b2.f32": rng.standard_normal(OUT).astype(np.float32),
        "x.f32": (rng.integers(0, 256, size=(BATCH, IN)) / 256.0).astype(np.float32),
    }


def safetensors(tensors):
    """The safetensors encoding: an 8-byte little-endian header size, the JSON
    header (dtype, shape, data_offsets of each tensor), then the data."""
    dtypes = {np.dtype(np.int8): "I8", np.dtype(np.float32): "F32"}
    header, data = {}, b""
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": dtypes[array.dtype], "shape": list(array.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def reference(arrays):
    f64 = {name: array.astype(np.float64) for name, array in arrays.items()}
    hidden = np.maximum(f64["x.f32"] @ f64["w1_trits.i8"] + f64["b1.f32"], 0.0)
    return hidden @ f64["w2.f32"] + f64["b2.f32"]


def main():
    command, directory = sys.argv[1], sys.argv[2]
    arrays = make_inputs(np.random.default_rng(2026))
    if command == "inputs":
        for name, array in arrays.items():
            array.tofile(os.path.join(directory, name))
        params = {"MLP.w1": "w1_trits.i8", "MLP.b1": "b1.f32", "MLP.w2": "w2.f32",
                  "MLP.b2": "b2.f32"}
        with open(os.path.join(directory, "weights.safetensors"), "wb") as f:
            f.write(safetensors({param: arrays[name] for param, name in params.items()}))
        return 0
    got = np.fromfile(os.path.join(directory, "y.f32"), dtype=np.float32)
    want = reference(arrays)
    if got.size != want.size:
        print("FAIL MLP_forward: %d values, want %d" % (got.size, want.size))
        return 1
    error = np.abs(got.reshape(want.shape) - want) / np.maximum(1.0, np.abs(want))
    worst = float(error.max())
    passed = worst <= 1e-5
    print("%s MLP_forward [%d, %d]: max relative error %.3g (limit 1e-5)" % (
        "PASS" if passed else "FAIL", BATCH, OUT, worst))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
