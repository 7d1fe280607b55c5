# QAT capture: a model trained with TernaryConv2d / TernaryLinear, and its
# frozen form (PackedTernaryConv2d / PackedTernaryLinear), is captured by
# from_fx (leaf modules), the torch.compile backend and torch.export
# (the custom ops triton_dsl::ternarize / packed_linear / packed_conv2d)
# with each layer's own trits and scale: the captured trits are the C-exact
# quantizer's for that layer's settings (not from_fx's quantizer), and the
# generated module matches the trained model's own forward pass run in
# float64 to 1e-5 of the largest output.
import pytest
import torch
from torch import nn

import triton_dsl as td
from_exported = td.from_exported


class QATNet(nn.Module):
    """Conv (per-channel absmean) -> Linear (threshold) -> float Linear."""

    def __init__(self):
        super().__init__()
        self.conv = td.TernaryConv2d(1, 4, 3, padding=1, per_channel=True)
        self.fc1 = td.TernaryLinear(4 * 6 * 6, 16, method="threshold", threshold=0.02)
        self.fc2 = td.TernaryLinear(16, 3)

    def forward(self, x):
        h = torch.relu(self.conv(x))
        return self.fc2(torch.relu(self.fc1(torch.flatten(h, 1))))


def trained_net():
    torch.manual_seed(0)
    net = QATNet()
    x = torch.randn(64, 1, 6, 6)
    y = (x.sum(dim=(1, 2, 3)) > 0).long() + (x[:, 0, 0, 0] > 1).long()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(30):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
    return net.eval()


def float64_forward(model, x):
    import copy
    reference = copy.deepcopy(model).double()
    with torch.no_grad():
        return reference(x.double())


def assert_close(y, expected):
    assert y.shape == expected.shape
    scale = max(expected.abs().max().item(), 1e-6)
    err = (y.double() - expected).abs().max().item() / scale
    assert err < 1e-5, f"relative error {err}"


def own_trits(layer):
    trits, _ = td.quantize(layer.weight.detach(), layer.method, layer.channel_axis,
                           layer.threshold, layer.seed)
    return trits


def test_training_moved_the_weights_and_the_program_has_the_layers_trits():
    net = trained_net()
    x = torch.randn(5, 1, 6, 6)
    program = td.from_fx(net, (x,))
    # Each layer is one ternary param with its own quantizer's trits.
    assert torch.equal(program.ternary_params["conv_weight"], own_trits(net.conv))
    assert torch.equal(program.ternary_params["fc1_weight"], own_trits(net.fc1).t())
    assert program.float_params["conv_weight_scale"].shape == (4, 1, 1)  # per channel
    # from_fx's own quantizer (absmean) would give other trits for fc1 (threshold):
    absmean, _ = td.quantize(net.fc1.weight.detach(), "absmean")
    assert not torch.equal(program.ternary_params["fc1_weight"], absmean.t())
    assert_close(program.module()(x), float64_forward(net, x))


def test_torch_compile_backend_captures_qat_layers():
    net = trained_net()
    x = torch.randn(5, 1, 6, 6)
    torch._dynamo.reset()
    backend = td.backend()
    with torch.no_grad():
        y = torch.compile(net, backend=backend)(x)
    assert_close(y, float64_forward(net, x))
    [graph] = backend.graphs
    # Three ternary params with the layers' own trits, no float weight matrix left.
    assert len(graph.program.ternary_params) == 3
    assert all(p.dim() <= 3 and p.numel() <= 16 for p in graph.program.float_params.values())
    trits = list(graph.program.ternary_params.values())
    assert torch.equal(trits[1], own_trits(net.fc1).t())


def test_torch_export_captures_qat_layers_with_a_dynamic_batch():
    net = trained_net()
    x = torch.randn(5, 1, 6, 6)
    batch = torch.export.Dim("batch")
    program = from_exported(torch.export.export(net, (x,), dynamic_shapes=({0: batch},)))
    assert program.dynamic_batch
    module = program.module()
    for n in (1, 7):
        xn = torch.randn(n, 1, 6, 6)
        with torch.no_grad():
            assert_close(module(xn), float64_forward(net, xn))


@pytest.mark.parametrize("capture", ["from_fx", "torch.compile", "torch.export"])
def test_frozen_layers_are_captured_from_their_packed_bytes(capture):
    net = trained_net()
    frozen = nn.Sequential(net.conv.freeze(), nn.ReLU(), nn.Flatten(), net.fc1.freeze(), nn.ReLU(),
                           net.fc2.freeze()).eval()
    x = torch.randn(4, 1, 6, 6)
    expected = float64_forward(net, x)
    with torch.no_grad():
        assert_close(frozen(x), expected)  # freezing changed nothing
    if capture == "from_fx":
        program = td.from_fx(frozen, (x,))
    elif capture == "torch.export":
        program = from_exported(torch.export.export(frozen, (x,)))
    else:
        torch._dynamo.reset()
        backend = td.backend()
        with torch.no_grad():
            torch.compile(frozen, backend=backend)(x)
        program = backend.graphs[0].program
    trits = list(program.ternary_params.values())
    assert torch.equal(trits[0], own_trits(net.conv))
    assert torch.equal(trits[1], own_trits(net.fc1).t())
    with torch.no_grad():
        assert_close(program.module()(x), expected)


def test_ternary_conv2d_freeze_and_gradients():
    torch.manual_seed(3)
    conv = td.TernaryConv2d(4, 6, 3, stride=2, padding=1, groups=2, method="absmean",
                            per_channel=True)
    x = torch.randn(2, 4, 9, 9, requires_grad=True)
    y = conv(x)
    trits, scales = td.quantize(conv.weight.detach(), "absmean", 0)
    expected = nn.functional.conv2d(x.double(), (trits.double() * scales.double()[:, None, None, None]),
                                    conv.bias.double(), 2, 1, 1, 2)
    assert_close(y.detach(), expected.detach())
    y.sum().backward()
    assert conv.weight.grad is not None and conv.weight.grad.abs().sum() > 0  # STE
    frozen = conv.freeze()
    assert frozen.packed_weight.numel() == 6 * 5  # rows of 2*3*3 = 18 trits -> 5 bytes
    x2 = x.detach().clone().requires_grad_()
    assert torch.equal(frozen(x2), conv(x2))
    frozen(x2).sum().backward()
    assert torch.allclose(x2.grad, x.grad, atol=1e-6)  # packed_conv2d's backward
    restored = td.PackedTernaryConv2d(4, 6, 3, 2, 1, groups=2, per_channel=True)
    restored.load_state_dict(frozen.state_dict())
    assert torch.equal(restored(x2), frozen(x2))
    bad = frozen.state_dict()
    bad["packed_weight"] = bad["packed_weight"].clone()
    bad["packed_weight"][0] = 0xFF
    with pytest.raises(td.PackingError):
        restored.load_state_dict(bad)


def test_ternary_conv2d_refusals():
    with pytest.raises(ValueError, match="threshold"):
        td.TernaryConv2d(1, 1, 3, method="threshold")
    with pytest.raises(ValueError, match="padding_mode"):
        td.TernaryConv2d(1, 1, 3, padding=1, padding_mode="reflect").freeze()
    with pytest.raises(ValueError, match="unevenly"):
        td.TernaryConv2d(1, 1, 2, padding="same").freeze()


def test_ternarize_model_keeps_qat_layers():
    net = trained_net()
    reference = td.ternarize_model(net)
    assert torch.equal(reference.fc1.weight, net.fc1.weight)  # not quantized twice
