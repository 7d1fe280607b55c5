"""Proves that gradients flow through ternary.matmul on both PyTorch paths and
agree: the pure-PyTorch fallback of generated modules (_ternary_matmul with
USE_RUNTIME_OP = False) passes torch.autograd.gradcheck in float64; the
LibTorch op torch.ops.triton_dsl.ternary_matmul gives the same gradients for
x, scale (per tensor and per column) and bias as the pure path, and none for
the packed uint8 weights; a module that triton_dsl.load generates from
examples/mlp.tri gets x.grad and every float param's grad from the op,
matching the fallback; and the op traces: torch.library.opcheck (schema,
autograd registration, fake kernel, AOT dispatch), FakeTensorMode and
torch.compile(fullgraph=True).
"""

import os
import pathlib

import pytest
import torch

import triton_dsl
from triton_dsl import pack, torch_ops
from triton_dsl.compiler import import_generated

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()


@pytest.fixture(scope="module")
def op():
    try:
        available = torch_ops.load(BUILD)
    except Exception as error:  # no C++ compiler for the extension here
        pytest.skip(f"the runtime op does not build here: {error}")
    if not available:
        pytest.skip("the runtime op is not available (no runtime libraries)")
    return torch.ops.triton_dsl.ternary_matmul


def mlp_module():
    """A fresh import of examples/mlp.tri (resolves the op if it is loaded)."""
    return import_generated(triton_dsl.compile((ROOT / "examples" / "mlp.tri").read_text(),
                                               "pytorch"))


def random_packed(k, n, encoding, seed):
    g = torch.Generator().manual_seed(seed)
    return pack(torch.randint(-1, 2, (k, n), generator=g), encoding, 0)


@pytest.mark.parametrize("encoding", ["offset2", "base3"])
@pytest.mark.parametrize("scale_shape", [None, (), (5,)])
def test_pure_path_gradcheck_float64(encoding, scale_shape):
    module = mlp_module()
    module.USE_RUNTIME_OP = False
    k, n = 7, 5
    packed = random_packed(k, n, encoding, 0)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(3, k, dtype=torch.float64, generator=g, requires_grad=True)
    bias = torch.randn(n, dtype=torch.float64, generator=g, requires_grad=True)
    inputs = [x, bias]
    if scale_shape is not None:
        scale = torch.rand(scale_shape, dtype=torch.float64, generator=g) + 0.5
        inputs.append(scale.requires_grad_())

    def f(x, bias, scale=None):
        return module._ternary_matmul(x, packed, (k, n), encoding, 0, scale, bias)

    assert torch.autograd.gradcheck(f, inputs)


@pytest.mark.parametrize("encoding", ["offset2", "base3"])
@pytest.mark.parametrize("scale_shape", [None, (), (1,), (6,)])
def test_op_gradients_match_pure_path(op, encoding, scale_shape):
    k, n = 13, 6
    packed = random_packed(k, n, encoding, 2)
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 3, k, generator=g)
    bias = torch.randn(n, generator=g)
    scale = None if scale_shape is None else torch.rand(scale_shape, generator=g) + 0.5
    grad_y = torch.randn(2, 3, n, generator=g)

    def grads(fn):
        leaves = [t.clone().requires_grad_() for t in (x, bias, scale) if t is not None]
        xs, bs = leaves[0], leaves[1]
        ss = leaves[2] if scale is not None else None
        y = fn(xs, packed, k, n, ss, bs, encoding, "f32")
        return y, torch.autograd.grad(y, leaves, grad_y)

    y_op, got = grads(op)
    y_ref, want = grads(torch_ops.ternary_matmul_reference)
    torch.testing.assert_close(y_op, y_ref)
    for g_op, g_ref in zip(got, want):
        assert g_op.shape == g_ref.shape
        torch.testing.assert_close(g_op, g_ref, rtol=1e-5, atol=1e-5)


def test_op_int8_activations_gradient_is_straight_through(op):
    """With activations="int8", x's gradient treats the quantization as the
    identity: it is the f32 path's."""
    k, n = 10, 4
    packed = random_packed(k, n, "offset2", 4)
    x = torch.randn(3, k, requires_grad=True)
    op(x, packed, k, n, None, None, "offset2", "int8").sum().backward()
    x_ref = x.detach().clone().requires_grad_()
    torch_ops.ternary_matmul_reference(x_ref, packed, k, n).sum().backward()
    torch.testing.assert_close(x.grad, x_ref.grad)


def test_packed_weights_get_no_gradient(op):
    packed = random_packed(4, 2, "offset2", 5)
    x = torch.randn(1, 4, requires_grad=True)
    op(x, packed, 4, 2).sum().backward()
    assert x.grad is not None
    assert not packed.requires_grad and packed.grad is None


def test_generated_module_gradients_match_fallback(op):
    module = mlp_module()
    assert module._TERNARY_MATMUL_OP is not None
    model = module.MLP()
    g = torch.Generator().manual_seed(6)
    state = {
        "w1": random_packed(784, 256, "offset2", 7),
        "b1": torch.randn(256, generator=g),
        "w2": torch.randn(256, 10, generator=g) * 0.1,
        "b2": torch.randn(10, generator=g),
    }
    model.load_state_dict(state)
    x = torch.randn(4, 784, generator=g)

    def run(use_op):
        module.USE_RUNTIME_OP = use_op
        model.zero_grad(set_to_none=True)
        xs = x.clone().requires_grad_()
        model(xs).sum().backward()
        return [xs.grad] + [p.grad for p in model.parameters()]

    with_op = run(True)
    fallback = run(False)
    assert all(grad is not None for grad in with_op)
    for got, want in zip(with_op, fallback):
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)


def test_op_passes_opcheck(op):
    packed = random_packed(9, 3, "base3", 8)
    samples = [
        (torch.randn(2, 9), packed, 9, 3, None, None, "base3", "f32"),
        (torch.randn(2, 9, requires_grad=True), packed, 9, 3,
         torch.rand(3).requires_grad_(), torch.randn(3, requires_grad=True), "base3", "f32"),
        (torch.randn(4, 2, 9, requires_grad=True), packed, 9, 3,
         torch.tensor(0.5, requires_grad=True), None, "base3", "int8"),
    ]
    for args in samples:
        torch.library.opcheck(op.default, args)


def test_op_traces_with_fake_tensors(op):
    from torch._subclasses.fake_tensor import FakeTensorMode

    with FakeTensorMode():
        x = torch.empty(5, 2, 13)
        packed = torch.empty(4 * 6, dtype=torch.uint8)
        y = op(x, packed, 13, 6, torch.empty(6), torch.empty(6))
    assert y.shape == (5, 2, 6) and y.dtype == torch.float32


def test_generated_module_compiles_fullgraph(op):
    module = mlp_module()
    module.USE_RUNTIME_OP = True
    model = module.MLP()
    model.load_state_dict({"w1": random_packed(784, 256, "offset2", 9),
                           "b1": torch.randn(256), "w2": torch.randn(256, 10) * 0.1,
                           "b2": torch.randn(10)})
    compiled = torch.compile(model, fullgraph=True, backend="aot_eager")
    x = torch.randn(3, 784, requires_grad=True)
    compiled(x).sum().backward()
    x_ref = x.detach().clone().requires_grad_()
    model(x_ref).sum().backward()
    torch.testing.assert_close(x.grad, x_ref.grad, rtol=1e-4, atol=1e-4)
