#!/usr/bin/env python3
"""Does a UINT2 form of a ternary matmul run in onnxruntime, and is it faster
than the ONNX target's two profiles? (issue: ONNX >= 1.20 has UINT2 tensors
with DequantizeLinear; Debian's libonnx 1.12 .proto predates them.)

Builds, with the PyPI onnx package, `DequantizeLinear(W: UINT2 [K, N],
scale 1, zero point 1) -> MatMul` for random trits (codes t + 1, four a byte,
low bits first: 2.0 bits a weight), checks the dequantized weights against
the trits (onnxruntime and onnx.reference), then times the matmul at batch 1
with onnxruntime's session option session.qdq_matmulnbits_accuracy_level at
0 and 4: onnxruntime 1.32 fuses DequantizeLinear + MatMul into MatMulNBits,
so the form runs the same kernels as the `ort` profile.

  onnx_uint2_probe.py [K N]   (default 4096 4096)
"""
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator


def model(k, n, trits, with_matmul):
    codes = np.concatenate([(trits + 1).astype(np.uint8).reshape(-1),
                            np.ones((-trits.size) % 4, np.uint8)]).reshape(-1, 4)
    raw = (codes[:, 0] | codes[:, 1] << 2 | codes[:, 2] << 4 | codes[:, 3] << 6)
    inits = [helper.make_tensor("W", TensorProto.UINT2, [k, n], raw.astype(np.uint8).tobytes(),
                                raw=True),
             helper.make_tensor("zp", TensorProto.UINT2, [], bytes([1]), raw=True),
             numpy_helper.from_array(np.array(1.0, np.float32), "scale")]
    nodes = [helper.make_node("DequantizeLinear", ["W", "scale", "zp"], ["Wf"])]
    inputs, out = [], helper.make_tensor_value_info("Wf", TensorProto.FLOAT, [k, n])
    if with_matmul:
        nodes.append(helper.make_node("MatMul", ["A", "Wf"], ["Y"]))
        inputs = [helper.make_tensor_value_info("A", TensorProto.FLOAT, ["M", k])]
        out = helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["M", n])
    graph = helper.make_graph(nodes, "uint2", inputs, [out], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 25)], ir_version=12)
    onnx.checker.check_model(m, full_check=True)
    return m


def main():
    k, n = (int(v) for v in sys.argv[1:3]) if len(sys.argv) > 2 else (4096, 4096)
    rng = np.random.default_rng(0)
    trits = rng.integers(-1, 2, size=(k, n)).astype(np.int8)
    dq = model(k, n, trits, False)
    session = ort.InferenceSession(dq.SerializeToString(), providers=["CPUExecutionProvider"])
    print(f"onnxruntime {ort.__version__}, onnx {onnx.__version__}, K={k} N={n}")
    print("DequantizeLinear(UINT2) == trits: onnxruntime",
          np.array_equal(session.run(None, {})[0], trits), "onnx.reference",
          np.array_equal(ReferenceEvaluator(dq).run(None, {})[0], trits))
    mm = model(k, n, trits, True)
    print(f"file: {len(mm.SerializeToString()) * 8 / (k * n):.4f} bits a weight")
    x = (rng.integers(0, 256, size=(1, k)) / 256).astype(np.float32)
    want = x.astype(np.float64) @ trits
    for level in ("0", "4"):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.add_session_config_entry("session.qdq_matmulnbits_accuracy_level", level)
        session = ort.InferenceSession(mm.SerializeToString(), options,
                                       providers=["CPUExecutionProvider"])
        y = session.run(None, {"A": x})[0]
        session.run(None, {"A": x})
        start = time.perf_counter()
        for _ in range(5):
            session.run(None, {"A": x})
        ms = (time.perf_counter() - start) / 5 * 1e3
        error = np.abs(y - want).max() / max(1.0, np.abs(want).max())
        print(f"accuracy_level {level}: {ms:.3f} ms at batch 1, one thread; "
              f"max error {error:.2g} of the largest |output|")


if __name__ == "__main__":
    main()
