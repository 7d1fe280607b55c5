# triton_dsl.from_fx: torch.nn models captured into the ternary dialect.
# Each model's generated PyTorch module is compared with an independent
# reference: the original model with its Linear/Conv2d weights replaced by
# trits * scale (ternarize_model), run in float64.
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import triton_dsl
from triton_dsl.fx import TernaryProgram, UnsupportedOperationError, from_fx, ternarize_model


def reference(model, x, **quantizer):
    ref = ternarize_model(model, **quantizer).double().eval()
    with torch.no_grad():
        return ref(x.double())


def assert_agrees(program: TernaryProgram, model, x, **quantizer):
    generated = program.module()
    with torch.no_grad():
        y = generated(x)
    expected = reference(model, x, **quantizer)
    assert y.shape == expected.shape
    scale = max(expected.abs().max().item(), 1e-6)
    err = (y.double() - expected).abs().max().item() / scale
    assert err < 1e-5, f"relative error {err}"
    return generated


def mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)).eval()


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 4, 3, stride=2, padding=1)
        self.fc = nn.Linear(4 * 4 * 4, 10)
        self.norm = nn.LayerNorm(10)
        with torch.no_grad():  # non-trivial running statistics
            self.bn.running_mean.uniform_(-0.5, 0.5)
            self.bn.running_var.uniform_(0.5, 2.0)
            self.bn.weight.uniform_(0.5, 1.5)
            self.bn.bias.uniform_(-0.2, 0.2)

    def forward(self, x):
        h = F.relu(self.bn(self.conv1(x)))
        h = F.gelu(self.conv2(h))
        h = torch.flatten(h, 1)
        return torch.softmax(self.norm(self.fc(h)), dim=-1)


def test_mlp_matches_the_ternarized_model_at_any_batch():
    model = mlp()
    program = from_fx(model, (torch.randn(4, 784),))
    assert program.dynamic_batch
    assert "fn forward(input_1: Tensor[N, 784]) -> Tensor[N, 10]" in program.source
    for batch in (1, 4, 9):
        assert_agrees(program, model, torch.randn(batch, 784))


def test_mlp_output_differs_from_the_float_model():
    # The comparison above is meaningful: ternarization changes the outputs.
    model = mlp()
    x = torch.randn(4, 784)
    with torch.no_grad():
        assert (from_fx(model, (x,)).module()(x) - model(x)).abs().max() > 1e-2


def test_small_cnn_matches_the_ternarized_model():
    torch.manual_seed(1)
    model = SmallCNN().eval()
    program = from_fx(model, (torch.randn(2, 3, 8, 8),))
    for batch in (1, 3):
        assert_agrees(program, model, torch.randn(batch, 3, 8, 8))
    assert "conv2d(" in program.source and "layer_norm(" in program.source


def test_the_capture_is_the_ternary_dialect():
    program = from_fx(mlp(), (torch.randn(2, 784),))
    mlir = program.compile("mlir")
    assert "ternary.param @m0_weight : !ternary.packed<784x256>" in mlir
    assert "ternary.param @m2_weight : !ternary.packed<256x10>" in mlir
    assert mlir.count("ternary.matmul") == 2
    optimized = program.compile("opt-mlir", opt_level=2)
    assert "ternary.matmul" in optimized
    assert "tensor<784x256xf32>" not in optimized  # no float copy of the weights


def test_weights_stay_at_two_bits():
    module = from_fx(mlp(), (torch.randn(2, 784),)).module()
    state = module.state_dict()
    assert state["m0_weight"].dtype == torch.uint8
    assert state["m0_weight"].numel() == 784 * 256 // 4
    assert state["m2_weight"].numel() == 256 * 10 // 4
    assert state["m0_weight_scale"].shape == ()


@pytest.mark.parametrize("quantizer", [
    dict(quantizer="absmean"),
    dict(quantizer="absmean", per_channel=True),
    dict(quantizer="threshold", threshold=0.02),
    dict(quantizer="stochastic", seed=7),
])
def test_quantizers(quantizer):
    torch.manual_seed(2)
    model = SmallCNN().eval()
    x = torch.randn(2, 3, 8, 8)
    assert_agrees(from_fx(model, (x,), **quantizer), model, x, **quantizer)


class EveryOp(nn.Module):
    """The rest of the supported set, as modules, functions and methods."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(12, 6)
        self.proj = nn.Parameter(torch.randn(6, 6) * 0.3)
        self.gain = nn.Parameter(torch.rand(6) + 0.5)
        self.bn = nn.BatchNorm1d(6)
        self.drop = nn.Dropout(0.3)
        self.act = nn.GELU(approximate="tanh")
        self.ident = nn.Identity()
        with torch.no_grad():
            self.bn.running_mean.uniform_(-0.5, 0.5)
            self.bn.running_var.uniform_(0.5, 2.0)

    def forward(self, x):
        h = self.fc(x.view(x.size(0), -1))
        h = self.bn(h)
        h = torch.sigmoid(h) - torch.tanh(h) * 0.5
        h = self.act(h) @ self.proj
        h = h.matmul(self.proj) / 3 + self.gain
        h = self.ident(self.drop(-h)).reshape(x.shape[0], 2, 3)
        return F.softmax(h.flatten(1) * self.gain, dim=1) + 1.0


# Every model the FX tests capture, with an input and the from_fx quantizer
# options: the table that the target tests (ONNX, CPU) run each model of.
FX_CASES = {
    "mlp": lambda: (mlp(), torch.randn(3, 784), {}),
    "small_cnn": lambda: (SmallCNN().eval(), torch.randn(2, 3, 8, 8), {}),
    "small_cnn_per_channel": lambda: (SmallCNN().eval(), torch.randn(2, 3, 8, 8),
                                      dict(quantizer="absmean", per_channel=True)),
    "small_cnn_threshold": lambda: (SmallCNN().eval(), torch.randn(2, 3, 8, 8),
                                    dict(quantizer="threshold", threshold=0.02)),
    "small_cnn_stochastic": lambda: (SmallCNN().eval(), torch.randn(2, 3, 8, 8),
                                     dict(quantizer="stochastic", seed=7)),
    "every_op": lambda: (EveryOp().eval(), torch.randn(5, 3, 4), {}),
}



def test_every_supported_op():
    torch.manual_seed(3)
    model = EveryOp().eval()
    x = torch.randn(5, 3, 4)
    program = from_fx(model, (x,))
    generated = assert_agrees(program, model, x)
    with torch.no_grad():  # another batch size
        y = torch.randn(2, 3, 4)
        assert torch.allclose(generated(y).double(), reference(model, y), rtol=1e-5, atol=1e-6)


def test_functional_linear_on_get_attr_weights():
    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(5, 7))
            self.bias = nn.Parameter(torch.randn(5))

        def forward(self, x):
            return F.relu(F.linear(x, self.weight, self.bias))

    torch.manual_seed(4)
    model = Functional()
    x = torch.randn(3, 7)
    program = from_fx(model, (x,))
    assert "TernaryTensor[7, 5]" in program.source
    trits, scale = triton_dsl.quantize(model.weight.detach(), "absmean")
    with torch.no_grad():
        expected = F.relu(x.double() @ (trits.double() * scale.double()).t() + model.bias.double())
        assert torch.allclose(program.module()(x).double(), expected, rtol=1e-5, atol=1e-6)


def test_unsupported_op_is_named():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Softplus(), nn.Softsign())
    with pytest.raises(UnsupportedOperationError) as info:
        from_fx(model, (torch.randn(1, 1, 10, 10),))
    err = info.value
    assert err.node == "_2"
    assert err.operation == "module Softplus ('2')"
    assert "Softplus" in str(err) and "Softsign" not in str(err)


@pytest.mark.filterwarnings("ignore:Implicit dimension choice for softmax")
@pytest.mark.parametrize("model, fragment", [
    (nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4)).train(), "eval mode"),
    (nn.Sequential(nn.Conv2d(2, 2, 3, padding_mode="reflect")), "padding_mode='reflect'"),
    (nn.Sequential(nn.Conv2d(2, 2, 3, stride=(1, 2))), "only equal strides"),
    (nn.Sequential(nn.LayerNorm([2, 4])), r"normalized_shape=\[2, 4\]"),
    (nn.Sequential(nn.Softmax()), "explicit dim"),
])
def test_unsupported_arguments(model, fragment):
    shape = (2, 2, 4) if isinstance(model[0], nn.LayerNorm) else (
        (2, 2, 8, 8) if isinstance(model[0], nn.Conv2d) else (2, 4))
    with pytest.raises(UnsupportedOperationError, match=fragment):
        from_fx(model, (torch.randn(*shape),))


def test_in_place_relu():
    torch.manual_seed(6)
    model = nn.Sequential(nn.Linear(6, 6), nn.ReLU(inplace=True), nn.Linear(6, 2)).eval()
    x = torch.randn(3, 6)
    assert_agrees(from_fx(model, (x,)), model, x)

    class Aliased(nn.Module):
        def forward(self, x):
            y = torch.relu(x * 2)
            return torch.nn.functional.relu(y, inplace=True) + y  # y changes under torch

    with pytest.raises(UnsupportedOperationError, match="in-place relu"):
        from_fx(Aliased(), (torch.randn(2, 3),))


def test_untraceable_model_and_bad_arguments():
    class Branchy(nn.Module):
        def forward(self, x):
            return x if x.sum() > 0 else -x

    with pytest.raises(UnsupportedOperationError, match="torch.fx cannot trace it"):
        from_fx(Branchy(), (torch.randn(2),))
    with pytest.raises(ValueError, match="unknown quantizer"):
        from_fx(mlp(), (torch.randn(1, 784),), quantizer="round")
    with pytest.raises(ValueError, match="1 inputs, 2 example inputs"):
        from_fx(mlp(), (torch.randn(1, 784), torch.randn(1, 784)))
    with pytest.raises(UnsupportedOperationError, match="torch.int64"):
        from_fx(nn.Sequential(nn.ReLU()), (torch.ones(2, 3, dtype=torch.int64),))


def test_batch_tied_models_stay_static():
    class Tied(nn.Module):
        def forward(self, x):
            return x.view(2, -1)  # the example's batch size is baked in

    program = from_fx(Tied(), (torch.randn(2, 6),))
    assert not program.dynamic_batch
    assert "Tensor[2, 6]" in program.source
    x = torch.randn(2, 6)
    assert torch.equal(program.module()(x), x.view(2, -1))


def test_names_are_valid_identifiers():
    # Module paths with dots, digits and DSL keywords become distinct names.
    model = nn.Sequential()
    model.add_module("layer", nn.Linear(3, 3))
    model.add_module("fn", nn.Sequential(nn.Linear(3, 3)))
    x = torch.randn(2, 3)
    program = from_fx(model, (x,))
    assert "param layer_weight" in program.source
    assert "param fn_0_weight" in program.source
    assert_agrees(program, model, x)
    assert math.isfinite(program.module()(x).sum().item())
