"""Weights files end to end: examples/mlp.tri (a TernaryTensor, float params)
compiled with `tritonc --weights FILE` to a CPU object whose entry point takes
only the input, and to a PyTorch module that starts with the weights, both
checked against an independent float64 numpy reference.

The float master weight of the ternary param is ternarized by the compiler
(absmean: gamma = max(mean |w|, 1e-5), t = clamp(round_half_even(w / gamma),
-1, 1)); the reference computes the same trits in numpy. A second file gives
the ternary weight as packed offset2 bytes (what triton_dsl.save_weights
writes), which must give the same numbers.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from memref_abi import compare  # noqa: E402


def absmean_trits(w):
    gamma = max(np.abs(w.astype(np.float64)).mean(), 1e-5)
    return np.clip(np.round(w.astype(np.float64) / gamma), -1, 1).astype(np.int8)


def pack_offset2_along_k(trits):
    """[K, N] trits -> offset2 bytes, one row of ceil(K/4) bytes per column n
    (docs/packing.md), written independently of the project's packers."""
    k, n = trits.shape
    row = (k + 3) // 4
    out = [[0x55] * row for _ in range(n)]
    for col in range(n):
        for i in range(k):
            byte, shift = divmod(i, 4)
            code = int(trits[i, col]) + 1
            out[col][byte] = (out[col][byte] & ~(3 << (2 * shift)) & 0xFF) | (code << (2 * shift))
    return np.array(out, dtype=np.uint8).reshape(-1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tritonc", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--cc", default="cc")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    import torch
    from safetensors.torch import save_file

    rng = np.random.default_rng(7)
    w1 = rng.standard_normal((784, 256)).astype(np.float32)
    b1 = rng.standard_normal(256).astype(np.float32)
    w2 = (rng.standard_normal((256, 10)) * 0.1).astype(np.float32)
    b2 = rng.standard_normal(10).astype(np.float32)
    # Inputs of magnitude 0.1 keep float32 sums of 784 terms within 1e-5.
    x = (rng.standard_normal((5, 784)) * 0.1).astype(np.float32)
    t1 = absmean_trits(w1)
    want = np.maximum(x.astype(np.float64) @ t1 + b1, 0) @ w2.astype(np.float64) + b2

    floats = os.path.join(args.work, "float.safetensors")
    save_file({"MLP.w1": torch.from_numpy(w1), "MLP.b1": torch.from_numpy(b1),
               "MLP.w2": torch.from_numpy(w2), "MLP.b2": torch.from_numpy(b2)}, floats)
    packed = os.path.join(args.work, "packed.safetensors")
    save_file({"MLP.w1": torch.from_numpy(pack_offset2_along_k(t1)),
               "MLP.b1": torch.from_numpy(b1), "MLP.w2": torch.from_numpy(w2),
               "MLP.b2": torch.from_numpy(b2.astype(np.float64))}, packed,
              metadata={"MLP.w1.encoding": "offset2", "MLP.w1.axis": "0"})

    ok = True
    for name, weights in (("float", floats), ("packed", packed)):
        obj = os.path.join(args.work, name + ".o")
        subprocess.run([args.tritonc, args.source, "--target=cpu", "--weights", weights,
                        "-o", obj], check=True)
        # The object calls the runtime kernels (the default at -O2):
        # triton_dsl.cpu.load links it with libtriton_runtime.so.
        import triton_dsl.cpu
        got = triton_dsl.cpu.load(obj).MLP.forward(x)
        passed, detail, _ = compare(got, want, False)
        print("%s cpu %s weights, input only: %s" % ("PASS" if passed else "FAIL", name, detail))
        ok &= passed

        code = subprocess.run([args.tritonc, args.source, "--target=pytorch", "--weights",
                               weights], check=True, capture_output=True, text=True).stdout
        namespace = {}
        exec(compile(code, "<generated>", "exec"), namespace)
        module = namespace["MLP"]()
        with torch.no_grad():
            got = module(torch.from_numpy(x)).numpy()
        passed, detail, _ = compare(got, want, False)
        print("%s pytorch %s weights, no load_state_dict: %s" % (
            "PASS" if passed else "FAIL", name, detail))
        ok &= passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
