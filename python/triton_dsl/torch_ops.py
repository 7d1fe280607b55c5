"""The LibTorch op torch.ops.triton_dsl.ternary_matmul and its pure-PyTorch twin.

The op (runtime/torch/ternary_matmul_op.cpp over the CPU micro-kernels) is
built by CMake as `_torch_ops.so` (python/CMakeLists.txt: in the wheel,
inside the package; in a checkout, in build/python_packages/triton_dsl/) and
`import triton_dsl` loads it (`load_prebuilt()`), so the modules the compiler
generates call it with no build at run time. `_torch_ops.torch_version`
beside it names the torch it was compiled for; with another torch, or
without the file, nothing is loaded and `load_error` says why: the generated
modules then take their pure-PyTorch path.

`load()` does the same and, where no prebuilt op loads, builds one with
torch.utils.cpp_extension against the CMake build's static runtime libraries
(build/lib/libTritonTernaryUkernels.a, libTritonTernaryRuntime.a), a
developer's fallback; it returns False, without raising, when torch or the
libraries are missing, so callers fall back to `ternary_matmul_reference`.

Loading also registers, in Python, the op's fake kernel (output shape and
dtype, so torch.compile and FakeTensorMode can trace it). Its autograd
formula is C++ (an Autograd kernel in ternary_matmul_op.cpp, so that no
Python runs on a call): gradients for x, scale and bias; none for the
packed uint8 weights, which are not differentiable. With activations="int8" the gradient for x is
straight-through: the per-token quantization counts as the identity.

`ternary_matmul_reference` is the pure-PyTorch path (unpack the packed bytes
with tensor ops, then torch.matmul). It computes the same numbers: bit for bit
for activations="int8"; for "f32" the op sums in a different (fixed) order,
so results agree to float rounding.
"""

from __future__ import annotations

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
OP_SOURCE = ROOT / "runtime" / "torch" / "ternary_matmul_op.cpp"


def _libraries(build_dir: pathlib.Path) -> list[pathlib.Path]:
    lib = build_dir / "lib"
    return [lib / "libTritonTernaryUkernels.a", lib / "libTritonTernaryRuntime.a"]


PREBUILT = "_torch_ops.so"
#: Why load_prebuilt() loaded nothing (None once the op is registered).
load_error: str | None = "not tried yet"


def _registered() -> bool:
    import torch

    try:
        torch.ops.triton_dsl.ternary_matmul  # noqa: B018 - resolves the op
        return True
    except (AttributeError, RuntimeError):
        return False


def _prebuilt_candidates(build_dir=None) -> list[pathlib.Path]:
    """_torch_ops.so inside the package (a wheel), then in the CMake build."""
    here = pathlib.Path(__file__).resolve().parent
    candidates = [here / PREBUILT]
    build = build_dir or os.environ.get("TRITON_BUILD_DIR")
    if build is None and (ROOT / "CMakeLists.txt").exists():
        build = ROOT / "build"
    if build is not None:
        candidates.append(pathlib.Path(build).resolve() / "python_packages" / "triton_dsl" / PREBUILT)
    return candidates


def load_prebuilt(build_dir: str | os.PathLike | None = None) -> bool:
    """Registers the CMake-built op if there is one for this torch (no
    compiler runs). True when the op is registered; else `load_error` says
    why not. Called by `import triton_dsl`."""
    global load_error
    try:
        import torch
    except ImportError:
        load_error = "torch is not installed"
        return False
    if _registered():
        _register_python_kernels()
        load_error = None
        return True
    reasons = []
    for path in _prebuilt_candidates(build_dir):
        if not path.exists():
            reasons.append(f"no {path}")
            continue
        stamp = path.with_name(path.stem + ".torch_version")
        built_for = stamp.read_text().strip() if stamp.exists() else None
        if built_for != torch.__version__:
            reasons.append(f"{path} was built for torch {built_for}, this is {torch.__version__}")
            continue
        try:
            torch.ops.load_library(str(path))
        except (OSError, RuntimeError) as error:
            reasons.append(f"{path}: {error}")
            continue
        if _registered():
            _register_python_kernels()
            load_error = None
            return True
    load_error = "; ".join(reasons) or "no prebuilt op"
    return False


def load(build_dir: str | os.PathLike | None = None, verbose: bool = False) -> bool:
    """Registers the op: the CMake-built one (load_prebuilt), else one built
    now with torch.utils.cpp_extension (once, cached by torch). True when usable."""
    try:
        import torch  # noqa: F401
        from torch.utils import cpp_extension
    except ImportError:
        return False
    if load_prebuilt(build_dir):
        return True
    build = pathlib.Path(build_dir or os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()
    libs = _libraries(build)
    if not OP_SOURCE.exists() or not all(p.exists() for p in libs):
        return False
    # torch rebuilds when sources or flags change; the stamp of the static
    # libraries in the flags makes a rebuilt runtime relink the op too.
    stamp = "_".join(f"{p.stat().st_size}_{p.stat().st_mtime_ns}" for p in libs)
    out_dir = build / "torch_op"
    out_dir.mkdir(parents=True, exist_ok=True)
    # -fopenmp: at::parallel_for (torch's intra-op pool, OpenMP in the
    # wheels) is inline code that runs serially without it; the OpenMP
    # runtime it links resolves to the libgomp.so.1 torch has loaded.
    cpp_extension.load(
        name="triton_dsl_ternary_ops",
        sources=[str(OP_SOURCE)],
        extra_include_paths=[str(ROOT / "runtime" / "include")],
        extra_cflags=["-O2", "-fopenmp", f"-DTRITON_RUNTIME_STAMP={stamp}"],
        build_directory=str(out_dir),
        extra_ldflags=[str(p) for p in libs] + ["-fopenmp", "-lpthread", "-lm"],
        is_python_module=False,
        verbose=verbose,
    )
    _register_python_kernels()
    return True


_OP_NAME = "triton_dsl::ternary_matmul"
_python_kernels_registered = False


def _register_python_kernels() -> None:
    """The op's fake kernel, once per process (its autograd formula is the
    C++ Autograd kernel of ternary_matmul_op.cpp)."""
    global _python_kernels_registered
    if _python_kernels_registered:
        return
    import torch

    torch.library.register_fake(_OP_NAME, _fake_ternary_matmul)
    _python_kernels_registered = True


def _fake_ternary_matmul(x, w_packed, k, n, scale=None, bias=None, encoding="offset2",
                         activations="f32"):
    """Output metadata of the op, with the argument checks that depend only on
    metadata (the C++ kernel makes the same ones)."""
    import torch

    torch._check(x.dtype == torch.float32, lambda: "ternary_matmul: x must be float32")
    torch._check(w_packed.dtype == torch.uint8, lambda: "ternary_matmul: w_packed must be uint8")
    torch._check(x.dim() >= 1 and x.shape[-1] == k,
                 lambda: f"ternary_matmul: x's last dimension must be k = {k}")
    if scale is not None:
        torch._check(scale.is_floating_point(),
                     lambda: f"ternary_matmul: scale must be floating point, got {scale.dtype}")
        torch._check(scale.dim() == 0 or (scale.dim() == 1 and scale.shape[0] in (1, n)),
                     lambda: f"ternary_matmul: scale must have shape (), (1,) or (n,) = ({n},)")
    if bias is not None:
        torch._check(bias.is_floating_point(),
                     lambda: f"ternary_matmul: bias must be floating point, got {bias.dtype}")
        torch._check(bias.dim() == 1 and bias.shape[0] == n,
                     lambda: f"ternary_matmul: bias must have shape (n,) = ({n},)")
    return x.new_empty((*x.shape[:-1], n))


def unpack_reference(w_packed, k: int, n: int, encoding: str = "offset2"):
    """Trits W[k, n] (float32) from the packed bytes, with tensor ops only."""
    import torch

    w = w_packed.reshape(n, -1).to(torch.int64)
    if encoding == "offset2":
        shifts = torch.tensor([0, 2, 4, 6], dtype=torch.int64)
        codes = (w.unsqueeze(-1) >> shifts) & 3
    elif encoding == "base3":
        powers = torch.tensor([1, 3, 9, 27, 81], dtype=torch.int64)
        codes = (w.unsqueeze(-1) // powers) % 3
    else:
        raise ValueError(f"unknown encoding {encoding!r}")
    trits = codes.reshape(n, -1)[:, :k] - 1
    return trits.t().to(torch.float32)


def quantize_activations_reference(x):
    """Per-token absmax int8 quantization as the runtime defines it."""
    import torch

    amax = x.abs().amax(dim=-1, keepdim=True)
    inv = torch.where(amax > 0, torch.tensor(127.0) / amax, torch.zeros_like(amax))
    q = torch.round(x * inv).clamp(-127, 127)  # round half to even
    return q, amax / 127.0


def ternary_matmul_reference(x, w_packed, k: int, n: int, scale=None, bias=None,
                             encoding: str = "offset2", activations: str = "f32"):
    """The pure-PyTorch path: same contract as torch.ops.triton_dsl.ternary_matmul."""
    w = unpack_reference(w_packed, k, n, encoding)
    if activations == "int8":
        q, xscale = quantize_activations_reference(x)
        y = torch_matmul(q, w) * xscale  # integer sums are exact in float32 here
    elif activations == "f32":
        y = torch_matmul(x, w)
    else:
        raise ValueError(f"unknown activations {activations!r}")
    if scale is not None:
        y = y * (scale.reshape(()) if scale.numel() == 1 else scale)
    if bias is not None:
        y = y + bias
    return y


def torch_matmul(a, b):
    import torch

    return torch.matmul(a, b)
