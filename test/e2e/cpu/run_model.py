#!/usr/bin/env python3
"""Compiles a model of models.py for the CPU through the LLVM path and checks
its results against the float64 numpy reference.

  triton-opt -ternary-cpu=opt-level=N[ use-microkernels]   -> LLVM dialect
  mlir-translate --mlir-to-llvmir                          -> LLVM IR
  llc -O2 -filetype=obj -relocation-model=pic              -> object file
    (or, with --emitter emit-object-file, the project's own
     triton-translate --to-cpu in one step)
  cc -shared (+ libtriton_runtime.so for micro-kernels)    -> model.so

then calls the C entry point `_mlir_ciface_<Layer>_<fn>` through ctypes with
memref descriptors (docs/targets/cpu.md) and compares: within 1e-5 relative
(|got - ref| <= 1e-5 * max(1, |ref|)) for floats, exactly for integers.
Prints one line per model and exits non-zero on any mismatch.
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import models  # noqa: E402
from memref_abi import call_entry, compare, run  # noqa: E402


def build(model, args, work):
    source = os.path.join(work, model.name + ".mlir")
    with open(source, "w") as f:
        f.write(model.mlir)
    pipeline = "opt-level=%d" % args.opt
    if args.microkernels:
        pipeline += " use-microkernels"
    llvm_dialect = os.path.join(work, model.name + ".llvm.mlir")
    run([args.triton_opt, source, "-ternary-cpu=" + pipeline, "-o",
         llvm_dialect])
    obj = os.path.join(work, model.name + ".o")
    if args.emitter == "emit-object-file":
        run([args.triton_translate, "--to-cpu", llvm_dialect,
             "-o", obj])
    else:
        llvm_ir = os.path.join(work, model.name + ".ll")
        run([os.path.join(args.llvm_tools, "mlir-translate"),
             "--mlir-to-llvmir", llvm_dialect, "-o", llvm_ir])
        run([os.path.join(args.llvm_tools, "llc"), "-O2", "-filetype=obj",
             "-relocation-model=pic", llvm_ir, "-o", obj])
    library = os.path.join(work, model.name + ".so")
    link = [args.cc, "-shared", "-o", library, obj, "-lm"]
    if args.microkernels:
        link += [args.runtime, "-Wl,-rpath," + os.path.dirname(args.runtime)]
    run(link)
    return library


def check(model, library):
    got = call_entry(library, model.entry,
                     [argument.array for argument in model.arguments],
                     model.result_dtype, model.result_rank)
    passed, detail, _ = compare(got, model.reference(), model.exact)
    return passed, detail


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", action="append", required=True,
                        choices=sorted(models.MODELS))
    parser.add_argument("--opt", type=int, choices=[0, 1, 2], required=True)
    parser.add_argument("--microkernels", action="store_true")
    parser.add_argument("--triton-opt", required=True)
    parser.add_argument("--triton-translate",
                        help="needed with --emitter emit-object-file")
    parser.add_argument("--emitter", choices=["llc", "emit-object-file"],
                        default="llc")
    parser.add_argument("--llvm-tools", required=True)
    parser.add_argument("--runtime", required=True,
                        help="path of libtriton_runtime.so")
    parser.add_argument("--cc", default="cc")
    parser.add_argument("--work", required=True)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    ok = True
    for name in args.model:
        model = models.MODELS[name](np.random.default_rng(args.seed))
        library = build(model, args, args.work)
        passed, detail = check(model, library)
        print("%s %s -O%d%s%s: %s" % (
            "PASS" if passed else "FAIL", name, args.opt,
            " micro-kernels" if args.microkernels else "",
            " emitObjectFile" if args.emitter == "emit-object-file" else "",
            detail))
        ok &= passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
