# Shared set-up of the triton_dsl tests: they import this checkout's
# python/triton_dsl (not whatever the venv has installed), and `clib`
# compiles the C packing library (runtime/src/ternary_packing.c, the single
# source of truth of the format) into a temporary shared library with the
# system C compiler and exposes it through ctypes, so the tests compare Python
# and C on the same bytes.
import ctypes
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))
C_SOURCE = REPO / "runtime" / "src" / "ternary_packing.c"
C_INCLUDE = REPO / "runtime" / "include"

ENC = {"offset2": 0, "base3": 1}
METHOD = {"threshold": 0, "absmean": 1, "stochastic": 2}
STATUS = {0: "ok", 1: "invalid_trit", 2: "invalid_code", 3: "bad_padding",
          4: "invalid_argument", 5: "non_finite"}

_i64p = ctypes.POINTER(ctypes.c_int64)
_u8p = ctypes.POINTER(ctypes.c_uint8)
_i8p = ctypes.POINTER(ctypes.c_int8)
_f32p = ctypes.POINTER(ctypes.c_float)
_sizep = ctypes.POINTER(ctypes.c_size_t)


def _ptr(array, ctype):
    return array.ctypes.data_as(ctype)


class CPacking:
    """Thin numpy wrappers over the C functions; each returns the C status."""

    def __init__(self, path):
        lib = ctypes.CDLL(str(path))
        lib.tri_packed_size.restype = ctypes.c_size_t
        lib.tri_packed_size.argtypes = [ctypes.c_int, _i64p, ctypes.c_uint, ctypes.c_uint]
        lib.tri_pack_tensor.restype = ctypes.c_int
        lib.tri_pack_tensor.argtypes = [ctypes.c_int, _i8p, _i64p, ctypes.c_uint, ctypes.c_uint,
                                        _u8p, _sizep]
        lib.tri_unpack_tensor.restype = ctypes.c_int
        lib.tri_unpack_tensor.argtypes = [ctypes.c_int, _u8p, _i64p, ctypes.c_uint, ctypes.c_uint,
                                          _i8p, _sizep]
        lib.tri_quantize.restype = ctypes.c_int
        lib.tri_quantize.argtypes = [ctypes.c_int, _f32p, _i64p, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_float, ctypes.c_uint64, _i8p, _f32p]
        lib.tri_stochastic_uniform.restype = ctypes.c_double
        lib.tri_stochastic_uniform.argtypes = [ctypes.c_uint64, ctypes.c_uint64]
        self.lib = lib

    @staticmethod
    def _shape(shape):
        return np.array(shape if len(shape) else [0], dtype=np.int64)

    def packed_size(self, shape, encoding, axis):
        s = self._shape(shape)
        return self.lib.tri_packed_size(ENC[encoding], _ptr(s, _i64p), len(shape), axis)

    def pack(self, trits, encoding, axis):
        """(status, packed uint8 bytes, error_index)."""
        trits = np.ascontiguousarray(trits, dtype=np.int8)
        s = self._shape(trits.shape)
        out = np.zeros(max(self.packed_size(trits.shape, encoding, axis), 1), dtype=np.uint8)
        err = ctypes.c_size_t(0)
        status = self.lib.tri_pack_tensor(ENC[encoding], _ptr(trits, _i8p), _ptr(s, _i64p),
                                          trits.ndim, axis, _ptr(out, _u8p), ctypes.byref(err))
        n = self.packed_size(trits.shape, encoding, axis)
        return STATUS[status], out[:n], err.value

    def unpack(self, packed, shape, encoding, axis):
        """(status, int8 trits, error_index)."""
        packed = np.ascontiguousarray(packed, dtype=np.uint8)
        if packed.size == 0:
            packed = np.zeros(1, dtype=np.uint8)
        s = self._shape(shape)
        out = np.zeros(max(int(np.prod(shape)), 1), dtype=np.int8)
        err = ctypes.c_size_t(0)
        status = self.lib.tri_unpack_tensor(ENC[encoding], _ptr(packed, _u8p), _ptr(s, _i64p),
                                            len(shape), axis, _ptr(out, _i8p), ctypes.byref(err))
        return STATUS[status], out[:int(np.prod(shape))].reshape(shape), err.value

    def quantize(self, x, method, channel_axis=None, threshold=0.0, seed=0):
        """(status, int8 trits, float32 scales); scales has shape () per tensor."""
        x = np.ascontiguousarray(x, dtype=np.float32)
        s = self._shape(x.shape)
        trits = np.zeros(max(x.size, 1), dtype=np.int8)
        nscales = 1 if channel_axis is None else x.shape[channel_axis]
        scales = np.zeros(max(nscales, 1), dtype=np.float32)
        status = self.lib.tri_quantize(METHOD[method], _ptr(x, _f32p), _ptr(s, _i64p), x.ndim,
                                       -1 if channel_axis is None else channel_axis,
                                       threshold, seed, _ptr(trits, _i8p), _ptr(scales, _f32p))
        scales = scales[:nscales]
        return (STATUS[status], trits[:x.size].reshape(x.shape),
                scales.reshape(()) if channel_axis is None else scales)

    def stochastic_uniform(self, seed, index):
        return self.lib.tri_stochastic_uniform(seed, index)


@pytest.fixture(scope="session")
def clib(tmp_path_factory):
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.fail("no C compiler (cc/gcc) to build the reference packing library")
    out = tmp_path_factory.mktemp("clib") / "libternary_packing.so"
    subprocess.run([compiler, "-std=c99", "-O2", "-shared", "-fPIC", f"-I{C_INCLUDE}",
                    str(C_SOURCE), "-o", str(out), "-lm"], check=True)
    return CPacking(out)
