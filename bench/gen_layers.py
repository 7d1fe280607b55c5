#!/usr/bin/env python3
"""Writes a .tri program of N layers (default 10,000) to stdout.

    bench/gen_layers.py [N] [--weights FILE]

Layer i has a ternary weight, a bias and a forward function that calls
layer i-1 and applies a ternary dense block, so the program exercises
parsing, name resolution across layers, shape unification at calls, the
recursion check over a 10,000-deep call chain, and MLIRGen of every layer.

With --weights FILE it also writes a safetensors file with a value for every
param (int8 trits for `w`, f32 for `b`, from a fixed seed), for
`tritonc --weights FILE`: the params are then constants of the output, not
arguments, which is how a deployed model is compiled.
"""
import argparse
import sys


def write_weights(n, path):
    import numpy as np
    from safetensors.numpy import save_file
    rng = np.random.default_rng(0)
    tensors = {}
    for i in range(n):
        tensors["L%d.w" % i] = rng.integers(-1, 2, size=(64, 64), dtype=np.int8)
        tensors["L%d.b" % i] = rng.standard_normal(64).astype(np.float32)
    save_file(tensors, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10000)
    parser.add_argument("--weights", help="also write a safetensors file")
    args = parser.parse_args()
    n = args.n
    out = sys.stdout
    out.write("# %d generated layers (bench/gen_layers.py)\n" % n)
    for i in range(n):
        out.write("layer L%d {\n" % i)
        out.write("    param w: TernaryTensor[64, 64]\n")
        out.write("    param b: Tensor[64]\n")
        out.write("    fn forward(x: Tensor[N, 64]) -> Tensor[N, 64] {\n")
        if i == 0:
            out.write("        return relu(x @ w + b)\n")
        else:
            out.write("        let h = L%d(x)\n" % (i - 1))
            out.write("        return relu(h @ w + b)\n")
        out.write("    }\n}\n")
    if args.weights:
        write_weights(n, args.weights)


if __name__ == "__main__":
    main()
