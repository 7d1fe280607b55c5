"""Layers that repeat the same code share one compiled copy of it on the CPU
target (triton-share-repeated-code), and compute what they computed before:
each layer of a call chain against numpy float64, with the weights embedded
(the shared code takes them as arguments) and passed at load time."""
import pathlib
import subprocess

import numpy as np
import pytest
import torch

import triton_dsl
import triton_dsl.cpu

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRITONC = ROOT / "build" / "bin" / "tritonc"

# L1, L2 and L4 repeat one tail (call, then relu of a ternary dense layer);
# L3 ends in tanh instead and L0 calls nothing: both keep their own code.
SOURCE = """
layer L0 {
    param w: TernaryTensor[12, 8]
    param b: Tensor[8]
    fn forward(x: Tensor[N, 12]) -> Tensor[N, 8] { return relu(x @ w + b) }
}
"""
for i, act in [(1, "relu"), (2, "relu"), (3, "tanh"), (4, "relu")]:
    SOURCE += """
layer L%d {
    param w: TernaryTensor[8, 8]
    param b: Tensor[8]
    fn forward(x: Tensor[N, 12]) -> Tensor[N, 8] {
        let h = L%d(x)
        return %s(h @ w + b)
    }
}
""" % (i, i - 1, act)


@pytest.fixture(scope="module")
def weights():
    rng = np.random.default_rng(7)
    out = {"L0.w": rng.integers(-1, 2, size=(12, 8)).astype(np.int8),
           "L0.b": rng.standard_normal(8).astype(np.float32)}
    for i in range(1, 5):
        out["L%d.w" % i] = rng.integers(-1, 2, size=(8, 8)).astype(np.int8)
        out["L%d.b" % i] = rng.standard_normal(8).astype(np.float32)
    return out


def reference(weights, x, last):
    f64 = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731
    h = np.maximum(f64(x) @ f64(weights["L0.w"]) + f64(weights["L0.b"]), 0)
    for i in range(1, last + 1):
        y = h @ f64(weights["L%d.w" % i]) + f64(weights["L%d.b" % i])
        h = np.tanh(y) if i == 3 else np.maximum(y, 0)
    return h


def test_the_repeated_tail_is_compiled_once(tmp_path):
    src = tmp_path / "chain.tri"
    src.write_text(SOURCE)
    llvm = triton_dsl.compile(src, target="cpu", emit="llvm-mlir")
    assert llvm.count("llvm.func internal @L1_forward_tail(") == 1
    # L2 and L4 call it; L0 and L3 keep their own code.
    assert llvm.count("llvm.call @L1_forward_tail(") == 3
    assert "L3_forward_tail" not in llvm and "L0_forward_tail" not in llvm
    if TRITONC.exists():
        alone = subprocess.run([str(TRITONC), str(src), "--target=cpu",
                                "--emit=llvm-mlir", "--no-share-code", "-o", "-"],
                               capture_output=True, text=True, check=True).stdout
        assert "_tail" not in alone


@pytest.mark.parametrize("embedded", [True, False], ids=["embedded", "at-load"])
def test_every_layer_matches_float64(tmp_path, weights, embedded):
    src = tmp_path / "chain.tri"
    src.write_text(SOURCE)
    obj = tmp_path / "chain.o"
    if embedded:
        path = tmp_path / "w.safetensors"
        triton_dsl.save_weights(path, {k: torch.as_tensor(v) for k, v in weights.items()})
        obj.write_bytes(triton_dsl.compile(src, target="cpu", weights=path))
        library = triton_dsl.cpu.load(obj)
    else:
        obj.write_bytes(triton_dsl.compile(src, target="cpu"))
        library = triton_dsl.cpu.load(obj, weights=weights)
    x = np.random.default_rng(3).standard_normal((5, 12)).astype(np.float32)
    for i in range(5):
        got = getattr(library, "L%d" % i).forward(x)
        want = reference(weights, x, i)
        err = np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-30)
        assert err < 1e-5, (i, err)


# A stack of equal layers: after sharing, L2..L23 are the same short
# function as L1 up to the symbols they use (the layer below, their weight
# globals); triton-fold-function-instances lowers L1 alone and
# triton-expand-function-instances copies it, as call glue that LLVM
# compiles without optimization (optnone) from 16 copies on.
DEPTH = 24
STACK = """
layer L0 {
    param w: TernaryTensor[12, 8]
    param b: Tensor[8]
    fn forward(x: Tensor[N, 12]) -> Tensor[N, 8] { return relu(x @ w + b) }
}
""" + "".join("""
layer L%d {
    param w: TernaryTensor[8, 8]
    param b: Tensor[8]
    fn forward(x: Tensor[N, 12]) -> Tensor[N, 8] {
        let h = L%d(x)
        return relu(h @ w + b)
    }
}
""" % (i, i - 1) for i in range(1, DEPTH))


@pytest.fixture(scope="module")
def stack_weights():
    rng = np.random.default_rng(11)
    out = {"L0.w": rng.integers(-1, 2, size=(12, 8)).astype(np.int8),
           "L0.b": rng.standard_normal(8).astype(np.float32)}
    for i in range(1, DEPTH):
        out["L%d.w" % i] = rng.integers(-1, 2, size=(8, 8)).astype(np.int8)
        # Small biases keep the activations away from 0 for long chains.
        out["L%d.b" % i] = (0.5 + 0.1 * rng.standard_normal(8)).astype(np.float32)
    return out


def stack_reference(weights, x, last):
    f64 = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731
    h = f64(x)
    for i in range(last + 1):
        h = np.maximum(h @ f64(weights["L%d.w" % i]) + f64(weights["L%d.b" % i]), 0)
    return h


def test_a_stack_of_equal_layers_lowers_one_copy(tmp_path, stack_weights):
    src = tmp_path / "stack.tri"
    src.write_text(STACK)
    path = tmp_path / "w.safetensors"
    triton_dsl.save_weights(path, {k: torch.as_tensor(v) for k, v in stack_weights.items()})
    llvm = triton_dsl.compile(src, target="cpu", emit="llvm-mlir", weights=path)
    # Every layer and its C entry is there, with its own weights; the glue
    # of L1..L23 (22 copies) is optnone, the shared tail is not.
    for i in range(DEPTH):
        assert "llvm.func @L%d_forward(" % i in llvm
        assert "llvm.func @_mlir_ciface_L%d_forward(" % i in llvm
    assert "ternary.instances" not in llvm
    glue = [line for line in llvm.splitlines() if "optimize_none" in line]
    assert len(glue) == 2 * (DEPTH - 1), len(glue)
    assert all("@L0_forward(" not in line and "_tail(" not in line for line in glue)
    if TRITONC.exists():
        alone = subprocess.run([str(TRITONC), str(src), "--target=cpu", "--weights", str(path),
                                "--emit=llvm-mlir", "--no-share-code", "-o", "-"],
                               capture_output=True, text=True, check=True).stdout
        assert "optimize_none" not in alone

    obj = tmp_path / "stack.o"
    obj.write_bytes(triton_dsl.compile(src, target="cpu", weights=path))
    library = triton_dsl.cpu.load(obj)
    x = np.random.default_rng(5).standard_normal((3, 12)).astype(np.float32)
    for i in range(DEPTH):
        got = getattr(library, "L%d" % i).forward(x)
        want = stack_reference(stack_weights, x, i)
        err = np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-30)
        assert err < 1e-5, (i, err)
