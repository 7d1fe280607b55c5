"""triton_dsl: the Python side of the Triton DSL ternary-network compiler.

The compiler (``triton_dsl.compiler``): ``compile`` a ``.tri`` program to
MLIR, PyTorch source or a host object file, ``load`` it as a module of
``nn.Module`` classes; errors raise ``CompileError``. The pure-Python runtime
(``triton_dsl.runtime``): packing bit-exact with
runtime/include/ternary_packing.h, the quantizers, ``TernaryTensor`` and the
QAT layer ``TernaryLinear``. Their public names are re-exported here::

    import triton_dsl as td
    model = td.load(pathlib.Path("examples/mlp.tri")).MLP()
    packed = td.pack(trits, encoding="offset2", axis=0)
"""

from .compiler import *  # noqa: F401,F403  (compile, load, CompileError, ...)
from .compiler import __all__ as _compiler_all
from .runtime import *  # noqa: F401,F403  (the runtime's public API)
from .runtime import __all__ as _runtime_all

from . import cpu  # noqa: E402,F401  (triton_dsl.cpu.load: CPU objects from Python)
from .backend import backend  # noqa: E402  (torch.compile backend)
from .weights import save_weights, weights_of  # noqa: E402  (weights files)
from .fx import TernaryProgram, UnsupportedOperationError, from_fx, ternarize_model  # noqa: E402
from .export import from_exported  # noqa: E402  (torch.export programs)
from . import torch_ops as _torch_ops  # noqa: E402

# The CMake-built LibTorch op (torch.ops.triton_dsl.ternary_matmul), where it
# exists for this torch: generated modules call it; no build at run time.
_torch_ops.load_prebuilt()

__version__ = "0.1.0"
__all__ = list(_compiler_all) + list(_runtime_all) + [
    "TernaryProgram",
    "UnsupportedOperationError",
    "backend",
    "save_weights",
    "weights_of",
    "from_exported",
    "from_fx",
    "ternarize_model",
]
