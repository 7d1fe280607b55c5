"""What the tests that run fuzz/random_programs.py programs on a target and
compare them with the PyTorch target share (test_gpu.py, test_acalsim.py):
writing a program with its random weights, the PyTorch target's module of
it, and replacing that module's ternary matmuls by a reference of the
target's arithmetic (W1.58A8)."""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "fuzz"), str(ROOT / "test" / "e2e" / "gpu")]

from gpu_bundle import random_weights  # noqa: E402
from random_programs import Generator  # noqa: E402


def write_random_program(folder, rng, values, width=4):
    """folder/random.tri, a --differential program of `rng` (a
    random.Random) with rows and matrices of `width`, and its random
    weights folder/w.safetensors drawn from `values` (a numpy Generator):
    (program, weights)."""
    folder.mkdir()
    program = folder / "random.tri"
    program.write_text(Generator(rng, 0.0, differential=True, width=width).program())
    weights = folder / "w.safetensors"
    random_weights(weights, program, values)
    return program, weights


def pytorch_namespace(program, weights):
    """The namespace of the PyTorch target's module of `program` with
    `weights` bound (its layer classes, its helpers)."""
    import triton_dsl
    namespace = {}
    exec(compile(triton_dsl.compile(program, target="pytorch", weights=weights),
                 str(program), "exec"), namespace)
    return namespace


def patch_ternary_matmuls(namespace, matmul):
    """Replaces the ternary matmuls of a PyTorch target module's namespace,
    those of packed weights (_ternary_matmul unpacks them) and of trits
    quantized at run time (_matmul_trits), by `matmul(x, trits, scale,
    bias, original)`, `original` being the module's own _matmul_trits."""
    original, unpack = namespace["_matmul_trits"], namespace["_unpack"]

    def matmul_trits(x, trits, scale, bias):
        return matmul(x, trits, scale, bias, original)

    def ternary_matmul(x, packed, shape, encoding, axis, scale, bias):
        return matmul_trits(x, unpack(packed, shape, encoding, axis), scale, bias)

    namespace["_matmul_trits"] = matmul_trits
    namespace["_ternary_matmul"] = ternary_matmul
