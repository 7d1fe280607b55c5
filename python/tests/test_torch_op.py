"""Proves that the LibTorch op torch.ops.triton_dsl.ternary_matmul (runtime/
torch/ternary_matmul_op.cpp over the CPU micro-kernels) matches the
pure-PyTorch path (python/triton_dsl/torch_ops.py: unpack with tensor ops, then
torch.matmul): bit for bit with int8 activations, to f32 rounding with f32
activations; for offset2 and base3, K not a multiple of 4 or 5, 1x1, batched
3-D inputs, one token and batches of several token tiles, every scale mode
and bias, any thread count; and that bad arguments (wrong sizes, scale or
bias of the right element count in the wrong shape, integer scales) raise
instead of reading out of bounds or being reinterpreted. It also checks the packing
against the C library's (ctypes on libtriton_runtime.so) so that both paths
read the same bytes.

Runs as a script (ctest) or under pytest. Exits 77 (skipped) without torch or
without a CMake build of the runtime.
"""

import ctypes
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

try:
    import torch
except ImportError:  # pragma: no cover - the skip path
    torch = None

from triton_dsl import torch_ops  # noqa: E402

BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()


def pack_with_c_library(trits, encoding):
    """Packs W[k, n] (int8 trits) along k with the C runtime, via ctypes."""
    lib = ctypes.CDLL(str(BUILD / "lib" / "libtriton_runtime.so"))
    k, n = trits.shape
    shape = (ctypes.c_int64 * 2)(k, n)
    enc = 0 if encoding == "offset2" else 1
    lib.tri_packed_size.restype = ctypes.c_size_t
    size = lib.tri_packed_size(enc, shape, 2, 0)
    out = torch.empty(size, dtype=torch.uint8)
    src = trits.to(torch.int8).contiguous()
    st = lib.tri_pack_tensor(enc, ctypes.c_void_p(src.data_ptr()), shape, 2, 0,
                             ctypes.c_void_p(out.data_ptr()), None)
    assert st == 0, st
    return out


def cases():
    g = torch.Generator().manual_seed(0)
    shapes = [((1,), 1, 1), ((3,), 5, 4), ((2,), 7, 9), ((4,), 64, 3),
              ((1,), 129, 17), ((5,), 784, 10), ((2, 3), 130, 6), ((8,), 333, 33),
              ((40,), 301, 64), ((2, 20), 77, 50)]
    for lead, k, n in shapes:
        for encoding in ("offset2", "base3"):
            trits = torch.randint(-1, 2, (k, n), generator=g)
            x = torch.randn(*lead, k, generator=g)
            yield encoding, trits, x, g


def check_all():
    passed = 0
    for encoding, trits, x, g in cases():
        k, n = trits.shape
        w = pack_with_c_library(trits, encoding)
        # Both paths decode the same bytes to the same trits.
        assert torch.equal(torch_ops.unpack_reference(w, k, n, encoding),
                           trits.to(torch.float32))
        scales = [None, torch.rand(1, generator=g) + 0.5, torch.rand(n, generator=g) + 0.5]
        for scale in scales:
            for bias in (None, torch.randn(n, generator=g)):
                for activations in ("int8", "f32"):
                    got = torch.ops.triton_dsl.ternary_matmul(
                        x, w, k, n, scale, bias, encoding, activations)
                    ref = torch_ops.ternary_matmul_reference(
                        x, w, k, n, scale, bias, encoding, activations)
                    assert got.shape == ref.shape == (*x.shape[:-1], n)
                    if activations == "int8":
                        assert torch.equal(got, ref), (encoding, k, n, (got - ref).abs().max())
                    else:
                        s = 1.0 if scale is None else scale.abs().max().item()
                        tol = 1e-6 * k * (x.abs().amax() * s).item() + 1e-6
                        assert torch.allclose(got, ref, rtol=1e-5, atol=tol), (
                            encoding, k, n, (got - ref).abs().max())
                    passed += 1
    return passed


def check_threads():
    g = torch.Generator().manual_seed(1)
    k, n = 1000, 700
    w = pack_with_c_library(torch.randint(-1, 2, (k, n), generator=g), "offset2")
    old = torch.get_num_threads()
    checks = 0
    for batch in (3, 40):  # one tile of tokens, several
        x = torch.randn(batch, k, generator=g)
        for activations in ("f32", "int8"):
            outs = []
            for threads in (1, 2, 4):
                torch.set_num_threads(threads)
                outs.append(torch.ops.triton_dsl.ternary_matmul(
                    x, w, k, n, None, None, "offset2", activations))
            assert all(torch.equal(outs[0], o) for o in outs[1:])
            checks += 1
    torch.set_num_threads(old)
    return checks


def check_errors():
    w = torch.full((4,), 0x55, dtype=torch.uint8)
    x = torch.randn(2, 16)
    bad = [
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 16, 2),        # 4 bytes, need 8
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 15, 1),        # x has 16 columns
        lambda: torch.ops.triton_dsl.ternary_matmul(x.double(), w, 16, 1),
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w.to(torch.int32), 16, 1),
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 16, 1, None, None, "base4"),
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 16, 1, None, None, "offset2", "f16"),
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 16, 1, torch.ones(3)),
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 16, 1, None, torch.ones(3)),
        # The right element count in the wrong shape, and integer scales.
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 16, 1, None, torch.ones(1, 1)),
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 16, 1, torch.ones(1, 1)),
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 16, 1, torch.ones(1, dtype=torch.int32)),
        lambda: torch.ops.triton_dsl.ternary_matmul(x, w, 16, 1, None, torch.ones(1, dtype=torch.int64)),
    ]
    for fn in bad:
        try:
            fn()
        except RuntimeError:
            continue
        raise AssertionError("bad arguments were accepted")
    # Non-finite input to the int8 path is an error, not garbage.
    xi = x.clone()
    xi[0, 0] = float("inf")
    try:
        torch.ops.triton_dsl.ternary_matmul(xi, w, 16, 1, None, None, "offset2", "int8")
    except RuntimeError:
        return len(bad) + 1
    raise AssertionError("inf accepted by the int8 path")


def _ready():
    return torch is not None and torch_ops.load(BUILD) and \
        (BUILD / "lib" / "libtriton_runtime.so").exists()


def test_torch_op_matches_pure_pytorch():  # pytest entry point
    import pytest

    if not _ready():
        pytest.skip("torch or the runtime build is missing")
    check_all()
    check_threads()
    check_errors()


if __name__ == "__main__":
    if not _ready():
        print("torch op test: skipped (torch or the runtime build is missing)")
        sys.exit(77)
    count = check_all() + check_threads() + check_errors()
    print(f"torch op (ukernel isa {torch.ops.triton_dsl.ukernel_isa()}): "
          f"{count} checks passed")
