#!/usr/bin/env python3
"""Compiles examples/mlp.tri with a weights file to ONNX in both profiles
(and the ort profile with int8 activations) and to PyTorch, and checks that
the ONNX models embed every param as an initializer (no graph input but the
activations; the ternary one packed, 2 bits a weight) and compute what the
PyTorch target computes with the same weights, in onnxruntime, to 1e-5
relative (int8 activations: 5e-2 of the largest output).

  check_weights.py TRITONC MLP_TRI WEIGHTS WORK_DIR
"""
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch

import triton_dsl


def main():
    tritonc, source, weights, work = sys.argv[1:5]
    # 8-bit inputs (pixels): sums of them times trits are exact in f32.
    x = (np.random.default_rng(0).integers(0, 256, (5, 784)) / 256).astype(np.float32)
    module = triton_dsl.load(open(source).read(), weights=weights).MLP()
    want = module(torch.from_numpy(x)).detach().numpy().astype(np.float64)
    # ort-int8 (accuracy_level=4) rounds the activations to int8 per block:
    # it agrees only to about 1e-2.
    for profile, emit, limit in (("ort", "onnx", 1e-5), ("standard", "onnx-standard", 1e-5),
                                 ("ort-int8", "onnx-int8", 5e-2)):
        path = "%s/mlp.%s.onnx" % (work, profile)
        subprocess.run([tritonc, source, "--target=onnx", "--emit=" + emit,
                        "--weights", weights, "-o", path], check=True)
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        inputs = [value.name for value in model.graph.input]
        inits = {t.name: t for t in model.graph.initializer}
        w1 = inits["MLP.w1"]
        print("%s: inputs %s; MLP.w1 %s %s; initializers %s" % (
            profile, " ".join(inputs), onnx.TensorProto.DataType.Name(w1.data_type),
            list(w1.dims), " ".join(sorted(n for n in inits if n.startswith("MLP.")))))
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        got = session.run(None, {"input0": x})[0].astype(np.float64)
        if limit == 1e-5:
            error = float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want))))
            what = "max relative error"
        else:  # rounding errors of int8 activations: against the largest output
            error = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
            what = "max error / largest |output|"
        print("%s %s: %s vs the PyTorch target %.3g (limit %g)" % (
            "PASS" if error <= limit else "FAIL", profile, what, error, limit))
        if error > limit:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
