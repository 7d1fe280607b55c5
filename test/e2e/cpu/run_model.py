#!/usr/bin/env python3
"""Compiles a model of models.py for the CPU through the LLVM path and checks
its results against the float64 numpy reference.

  triton-opt -ternary-cpu=opt-level=N[ use-microkernels]   -> LLVM dialect
  mlir-translate --mlir-to-llvmir                          -> LLVM IR
  llc -O2 -filetype=obj -relocation-model=pic              -> object file
    (or, with --emitter emit-object-file, the project's own
     triton-translate --ternary-to-cpu-object in one step)
  cc -shared (+ libtriton_runtime.so for micro-kernels)    -> model.so

then calls the C entry point `_mlir_ciface_<Layer>_<fn>` through ctypes with
memref descriptors (docs/targets/cpu.md) and compares: within 1e-5 relative
(|got - ref| <= 1e-5 * max(1, |ref|)) for floats, exactly for integers.
Prints one line per model and exits non-zero on any mismatch.
"""
import argparse
import ctypes
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

CTYPES = {np.dtype(np.float32): ctypes.c_float,
          np.dtype(np.int32): ctypes.c_int32,
          np.dtype(np.int8): ctypes.c_int8}


def memref_class(ctype, rank):
    """The MLIR memref descriptor {allocated, aligned, offset, sizes[rank],
    strides[rank]} as a ctypes structure."""
    class MemRef(ctypes.Structure):
        _fields_ = [("allocated", ctypes.POINTER(ctype)),
                    ("aligned", ctypes.POINTER(ctype)),
                    ("offset", ctypes.c_int64),
                    ("sizes", ctypes.c_int64 * rank),
                    ("strides", ctypes.c_int64 * rank)]
    return MemRef


def to_memref(array):
    array = np.ascontiguousarray(array)
    ctype = CTYPES[array.dtype]
    descriptor = memref_class(ctype, array.ndim)()
    pointer = array.ctypes.data_as(ctypes.POINTER(ctype))
    descriptor.allocated = pointer
    descriptor.aligned = pointer
    descriptor.offset = 0
    for dim, size in enumerate(array.shape):
        descriptor.sizes[dim] = size
        descriptor.strides[dim] = array.strides[dim] // array.itemsize
    return descriptor, array


def from_memref(descriptor, dtype, rank):
    """Copies the result out and frees its buffer (results are owned by the
    caller and allocated with malloc)."""
    shape = tuple(descriptor.sizes[d] for d in range(rank))
    strides = tuple(descriptor.strides[d] for d in range(rank))
    itemsize = np.dtype(dtype).itemsize
    base = ctypes.addressof(descriptor.aligned.contents) + \
        descriptor.offset * itemsize
    count = 1 + sum((s - 1) * st for s, st in zip(shape, strides)) \
        if all(shape) else 0
    flat = np.ctypeslib.as_array(
        (CTYPES[np.dtype(dtype)] * max(count, 1)).from_address(base))
    view = np.lib.stride_tricks.as_strided(
        flat, shape=shape, strides=tuple(st * itemsize for st in strides))
    result = np.array(view, dtype=dtype)
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [ctypes.c_void_p]
    libc.free(ctypes.cast(descriptor.allocated, ctypes.c_void_p))
    return result


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.stderr.write("command failed: " + " ".join(command) + "\n" +
                         result.stderr)
        sys.exit(1)
    return result.stdout


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
        run([args.triton_translate, "--ternary-to-cpu-object", llvm_dialect,
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
    lib = ctypes.CDLL(library)
    entry = getattr(lib, "_mlir_ciface_" + model.entry)
    keep = []
    descriptors = []
    for argument in model.arguments:
        descriptor, array = to_memref(argument.array)
        keep.append(array)
        descriptors.append(descriptor)
    result = memref_class(CTYPES[np.dtype(model.result_dtype)],
                          model.result_rank)()
    entry.restype = None
    entry(ctypes.byref(result), *[ctypes.byref(d) for d in descriptors])
    got = from_memref(result, model.result_dtype, model.result_rank)
    want = model.reference()
    if got.shape != want.shape:
        return False, "shape %s, want %s" % (got.shape, want.shape)
    if model.exact:
        mismatches = int(np.count_nonzero(got.astype(np.int64) != want))
        return mismatches == 0, "exact, %d mismatches of %d" % (
            mismatches, want.size)
    error = np.abs(got.astype(np.float64) - want) / np.maximum(1.0, np.abs(want))
    worst = float(error.max()) if error.size else 0.0
    return worst <= 1e-5, "max relative error %.3g (limit 1e-5)" % worst


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
