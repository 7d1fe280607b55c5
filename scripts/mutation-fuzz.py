#!/usr/bin/env python3
"""Mutation fuzzing of triton-opt on the lit corpus.

Takes the .mlir files under test/, applies random token insertions,
deletions and duplications, runs `triton-opt -canonicalize` (and a CSE +
bytecode variant) on each mutant and reports any crash (signal, stack dump
or LLVM ERROR) whose trace involves the ternary dialect; such inputs are
saved for a regression test. Usage:

    scripts/mutation-fuzz.py [--seconds 300] [--seed 1] [--build build]
"""
import argparse
import glob
import os
import random
import subprocess
import time

TOKENS = [
    "ternary.pack", "ternary.unpack", "ternary.relayout", "ternary.constant",
    "ternary.matmul", "ternary.quantize", "ternary.dequantize",
    "ternary.layer", "ternary.param", "ternary.get_param", "ternary.call",
    "!ternary.packed<", "#ternary.layout<base3, axis = 1>", "?", "0", "-1",
    "255", "x0", "axis 5", "scale", "dense<>", "dense<[1,2]>",
    "tensor<0xi8>", "<", ">", "(", ")", "{", "}", ":", ",", "@", "%0", "i8",
    "f32", "ui8", "9999999999999",
]


def mutate(text, rng):
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(text) + 1)
        r = rng.random()
        if r < 0.4:
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif r < 0.7:
            text = text[:i] + text[min(len(text), i + rng.randint(1, 20)):]
        else:
            j = rng.randrange(len(text) + 1)
            text = text[:i] + text[j:min(len(text), j + rng.randint(1, 40))] + text[i:]
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build", default="build")
    parser.add_argument("--out", default="fuzz-crashes")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    opt = os.path.join(root, args.build, "bin", "triton-opt")
    corpus = [open(f).read() for f in
              glob.glob(os.path.join(root, "test", "**", "*.mlir"), recursive=True)]
    rng = random.Random(args.seed)
    deadline = time.time() + args.seconds
    runs = crashes = 0
    while time.time() < deadline:
        text = mutate(rng.choice(corpus), rng)
        for extra in (["-canonicalize"], ["-cse", "-canonicalize", "-emit-bytecode"]):
            proc = subprocess.run([opt, "-split-input-file", "-", "-o", os.devnull] + extra,
                                  input=text.encode(), capture_output=True, timeout=60)
            runs += 1
            crashed = (proc.returncode < 0 or proc.returncode > 1 or
                       b"Stack dump" in proc.stderr or b"LLVM ERROR" in proc.stderr)
            if crashed and b"ternary" in proc.stderr:
                crashes += 1
                os.makedirs(args.out, exist_ok=True)
                path = os.path.join(args.out, f"crash-{crashes}.mlir")
                with open(path, "w") as f:
                    f.write(text)
                print(f"crash saved to {path}:\n{proc.stderr.decode()[-800:]}")
    print(f"mutation-fuzz: {runs} runs, {crashes} crashes in the ternary dialect")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
