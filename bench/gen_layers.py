#!/usr/bin/env python3
"""Writes a .tri program of N layers (default 10,000) to stdout.

Layer i has a ternary weight, a bias and a forward function that calls
layer i-1 and applies a ternary dense block, so the program exercises
parsing, name resolution across layers, shape unification at calls, the
recursion check over a 10,000-deep call chain, and MLIRGen of every layer.
"""
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
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


if __name__ == "__main__":
    main()
