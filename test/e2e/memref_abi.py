"""Calling compiled models from Python: the MLIR memref descriptors of the C
calling convention (docs/targets/cpu.md) as ctypes structures, and a runner
for the build commands. Shared by the end-to-end drivers
(test/e2e/cpu/run_model.py, test/e2e/examples/run_examples.py).
"""
import ctypes
import subprocess
import sys

import numpy as np

CTYPES = {np.dtype(np.float32): ctypes.c_float,
          np.dtype(np.int32): ctypes.c_int32,
          np.dtype(np.int8): ctypes.c_int8,
          np.dtype(np.uint8): ctypes.c_uint8}


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
    """A descriptor of a C-contiguous copy of `array` (returned too: it must
    stay alive while the descriptor is used)."""
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


def call_entry(library, entry, arguments, result_dtype, result_rank):
    """Calls `_mlir_ciface_<entry>(result*, arg0*, ...)` of the shared
    library with numpy arrays and returns its (only) result as an array."""
    function = getattr(ctypes.CDLL(library), "_mlir_ciface_" + entry)
    keep = []
    descriptors = []
    for argument in arguments:
        descriptor, array = to_memref(argument)
        keep.append(array)
        descriptors.append(descriptor)
    result = memref_class(CTYPES[np.dtype(result_dtype)], result_rank)()
    function.restype = None
    function(ctypes.byref(result), *[ctypes.byref(d) for d in descriptors])
    return from_memref(result, result_dtype, result_rank)


def compare(got, want, exact):
    """(passed, detail, worst relative error): exactly for integers, else
    |got - want| <= 1e-5 * max(1, |want|)."""
    if got.shape != want.shape:
        return False, "shape %s, want %s" % (got.shape, want.shape), None
    if exact:
        mismatches = int(np.count_nonzero(got.astype(np.int64) != want))
        return mismatches == 0, "exact, %d mismatches of %d" % (
            mismatches, want.size), 0.0
    error = np.abs(got.astype(np.float64) - want) / np.maximum(1.0, np.abs(want))
    worst = float(error.max()) if error.size else 0.0
    return (worst <= 1e-5,
            "max relative error %.3g (limit 1e-5)" % worst, worst)


def run(command, **kwargs):
    """Runs a build command; prints it with its stderr and exits on failure."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.stderr.write("command failed: " + " ".join(command) + "\n" +
                         result.stderr)
        sys.exit(1)
    return result.stdout
