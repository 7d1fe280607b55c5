# The operations issue 14 adds to the FX front end, one small model each,
# compared with the float64 reference (ternarize_model) on the PyTorch
# target; and the refusals: what the front end cannot translate raises
# UnsupportedOperationError naming the node and the reason.
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import triton_dsl
from triton_dsl.fx import UnsupportedOperationError, from_fx, ternarize_model


def check(model, *inputs, tolerance=1e-5):
    model = model.eval()
    program = from_fx(model, inputs)
    with torch.no_grad():
        y = program.module()(*inputs)
        expected = ternarize_model(model).double()(
            *(x.double() if x.is_floating_point() else x for x in inputs))
    assert y.shape == expected.shape
    err = ((y.double() - expected).abs().max() / expected.abs().max().clamp(min=1e-6)).item()
    assert err <= tolerance, f"relative error {err}\n{program.source}"
    return program


class Lambda(nn.Module):
    """forward(x) = fn(self, x): traced by torch.fx (a *args forward is not)."""

    def __init__(self, fn, *modules):
        super().__init__()
        self.fn = fn
        self.layers = nn.ModuleList(modules)

    def forward(self, x):
        return self.fn(self, x)


class Lambda2(Lambda):
    def forward(self, x, y):
        return self.fn(self, x, y)


class Lambda3(Lambda):
    def forward(self, x, y, z):
        return self.fn(self, x, y, z)


def image(n=2, c=4, h=8, w=8):
    torch.manual_seed(1)
    return torch.randn(n, c, h, w)


@pytest.mark.parametrize("module", [
    nn.MaxPool2d(2), nn.MaxPool2d(3, stride=2, padding=1), nn.AvgPool2d(2),
    nn.AvgPool2d(3, stride=1, padding=1), nn.AdaptiveAvgPool2d(1), nn.AdaptiveAvgPool2d((2, 2)),
    nn.ReLU6(), nn.Hardtanh(-0.5, 0.25), nn.Hardswish(), nn.Hardsigmoid(), nn.SiLU(),
])
def test_pooling_and_activation_modules(module):
    program = check(nn.Sequential(nn.Conv2d(4, 4, 1), module), image())
    assert "conv2d" in program.source


def test_functional_forms():
    def forward(self, x):
        x = F.max_pool2d(x, 2, 2)
        x = F.avg_pool2d(F.relu6(x), kernel_size=2, stride=1, padding=1)
        x = F.hardswish(F.silu(x)) + torch.clamp(x, -0.1, 0.2) + F.hardtanh(x)
        return F.adaptive_avg_pool2d(x, (1, 1)).flatten(1).mean(dim=-1, keepdim=True)

    check(Lambda(forward), image())


@pytest.mark.parametrize("groups, dilation, padding", [(2, 1, 1), (4, 1, 1), (1, 2, 2), (2, 2, 0)])
def test_grouped_depthwise_and_dilated_conv(groups, dilation, padding):
    conv = nn.Conv2d(4, 8, 3, groups=groups, dilation=dilation, padding=padding)
    program = check(nn.Sequential(conv), image())
    if groups > 1:
        assert f"groups={groups}" in program.source
    if dilation > 1:
        assert f"dilation={dilation}" in program.source


def test_layout_operations():
    def forward(self, x):  # x: [N, 4, 6]
        a = x.permute(0, 2, 1)                      # [N, 6, 4]
        b = torch.transpose(a, 1, 2) + x            # [N, 4, 6]
        first, second = torch.split(b, [1, 3], dim=1)
        c, d = b.chunk(2, dim=2)
        e = torch.cat([second, first], dim=1) * torch.cat((d, c), 2)
        f = e[:, 1:3, ::1] @ e.transpose(-1, -2)     # [N, 2, 6] @ [N, 6, 4]
        g = torch.bmm(f, e[:, :, 2:])                # [N, 2, 4] @ [N, 4, 4]
        h = g.unsqueeze(1).expand(-1, 3, -1, -1)     # [N, 3, 2, 4]
        return h.mean((1, 2)) + self.layers[0](x[:, 0])

    torch.manual_seed(2)
    check(Lambda(forward, nn.Linear(6, 4)), torch.randn(3, 4, 6))


def test_in_place_additions_and_shape_assertions():
    def forward(self, x):
        n, c, h, w = x.shape
        torch._assert(h == 8, "height")
        torch._assert(x.dim() == 4, "rank")
        out = self.layers[0](x)
        out += x
        out = out.reshape(n, c, (h * w) // 2, 2)
        return out.add_(1.0)

    check(Lambda(forward, nn.Conv2d(4, 4, 3, padding=1)), image())


def test_scaled_dot_product_attention_and_multihead_attention():
    torch.manual_seed(3)

    def forward(self, q, k, v):
        return F.scaled_dot_product_attention(q, k, v)

    q, k, v = torch.randn(2, 2, 5, 4), torch.randn(2, 2, 7, 4), torch.randn(2, 2, 7, 4)
    check(Lambda3(forward), q, k, v)
    attention = nn.MultiheadAttention(8, 2)  # sequence first
    x = torch.randn(5, 2, 8)
    program = check(Lambda(lambda self, x: self.layers[0](x, x, x, need_weights=False)[0],
                           attention), x)
    assert "in_proj_q_weight: TernaryTensor[8, 8]" in program.source
    memory = torch.randn(3, 2, 8)
    check(Lambda2(lambda self, x, m: self.layers[0](x, m, m)[0], attention), x, memory)


@pytest.mark.parametrize("norm_first, activation", [(False, "relu"), (True, "gelu")])
def test_transformer_encoder_layer(norm_first, activation):
    torch.manual_seed(4)
    layer = nn.TransformerEncoderLayer(8, 2, 16, activation=activation, norm_first=norm_first)
    check(layer, torch.randn(5, 2, 8))
    torch._dynamo.reset()
    with torch.no_grad():
        x = torch.randn(5, 2, 8)
        y = torch.compile(layer.eval(), backend=triton_dsl.backend())(x)
        expected = ternarize_model(layer).double()(x.double())
    assert ((y.double() - expected).abs().max() / expected.abs().max()).item() <= 1e-5


def test_embedding_with_integer_and_constant_indices():
    torch.manual_seed(5)
    table = nn.Embedding(10, 4)
    positions = torch.arange(6).unsqueeze(0)

    def forward(self, tokens):
        return self.layers[0](tokens) + self.layers[0](positions[:, :tokens.shape[1]])

    check(Lambda(forward, table), torch.randint(0, 10, (3, 6)))  # captured by Dynamo
    check(Lambda(lambda self, t: self.layers[0](t) * 2, table), torch.randint(0, 10, (3, 6)))
    check(Lambda(lambda self, t: F.embedding(t, self.layers[0].weight), table),
          torch.randint(0, 10, (2, 3, 4), dtype=torch.int32))


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("model, shape, fragment", [
    (nn.MaxPool2d(2, ceil_mode=True), (1, 2, 7, 7), "ceil_mode=True"),
    (nn.MaxPool2d((2, 3)), (1, 2, 8, 8), "only square windows"),
    (nn.MaxPool2d(2, dilation=2), (1, 2, 8, 8), "dilation=2"),
    (nn.AvgPool2d(3, padding=1, count_include_pad=False), (1, 2, 8, 8), "count_include_pad"),
    (nn.AdaptiveAvgPool2d(3), (1, 2, 8, 8), "equal square windows"),
    (nn.Conv2d(2, 2, 3, padding_mode="reflect"), (1, 2, 8, 8), "padding_mode='reflect'"),
    (nn.Conv2d(2, 2, 3, dilation=(1, 2)), (1, 2, 8, 8), "equal dilations"),
    (nn.PixelShuffle(2), (1, 4, 4, 4), "module PixelShuffle"),
])
def test_unsupported_arguments_are_named(model, shape, fragment):
    with pytest.raises(UnsupportedOperationError, match=fragment):
        from_fx(nn.Sequential(model), (torch.randn(*shape),))


def test_in_place_update_read_again_is_refused():
    def forward(self, x):
        y = x * 2
        z = y.add_(1)
        return z + y  # y is read after its update: as a pure program it would be the old y

    with pytest.raises(UnsupportedOperationError, match="read again later"):
        from_fx(Lambda(forward), (torch.randn(2, 3),))


def test_failing_shape_assertion_is_reported():
    def forward(self, x):
        torch._assert(x.shape[1] == 5, "expected 5 features")
        return x * 2

    with pytest.raises(UnsupportedOperationError, match="expected 5 features"):
        from_fx(Lambda(forward), (torch.randn(2, 3),))


def test_attention_masks_and_integer_arithmetic_are_refused():
    attention = nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(2, 5, 8)
    mask = torch.zeros(5, 5, dtype=torch.bool)
    with pytest.raises(UnsupportedOperationError, match="attention masks"):
        from_fx(Lambda(lambda self, x: self.layers[0](x, x, x, attn_mask=mask)[0], attention),
                (x,))
    with pytest.raises(UnsupportedOperationError, match="integer tensors can only index"):
        from_fx(Lambda(lambda self, t: t * 2), (torch.ones(2, 3, dtype=torch.int64),))
    with pytest.raises(UnsupportedOperationError, match="max_norm"):
        from_fx(nn.Sequential(nn.Embedding(4, 2, max_norm=1.0)),
                (torch.zeros(2, 3, dtype=torch.int64),))


def test_floor_division_of_tensors_is_refused():
    with pytest.raises(UnsupportedOperationError, match="floor division of tensors"):
        from_fx(Lambda(lambda self, x: x // 2), (torch.randn(2, 3),))


def test_pieces_passed_on_whole():
    torch.manual_seed(7)
    check(Lambda(lambda self, x: torch.cat(torch.chunk(x, 3, dim=1)[::-1], dim=1) * 2),
          torch.randn(2, 6))
    check(Lambda(lambda self, x: torch.cat(torch.split(x, 2, dim=-1), dim=0)),
          torch.randn(2, 6))
