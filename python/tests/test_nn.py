# Proves the QAT pieces: the straight-through estimator passes the upstream
# gradient unchanged to the latent weights (non-zero, equal to the STE value);
# TernaryLinear's forward and gradients equal a float64 numpy reference built
# from the C library's quantized weights; it trains a tiny synthetic
# regression to a much lower loss; freeze() gives a PackedTernaryLinear that
# holds only C-identical packed bytes + scales + bias, computes the same
# outputs, and whose state_dict round-trips through torch.save / torch.load
# (corrupt bytes or a different layout are refused on load).
import io

import numpy as np
import pytest
import torch
from torch import nn

import triton_dsl as td


@pytest.mark.parametrize("method,channel_axis", [("absmean", None), ("absmean", 0),
                                                 ("threshold", None), ("stochastic", 1)])
def test_ste_gradient_is_identity(clib, method, channel_axis):
    torch.manual_seed(0)
    w = torch.randn(6, 9, requires_grad=True)
    q = td.ternarize(w, method, channel_axis, threshold=0.5, seed=3)
    _, c_trits, c_scales = clib.quantize(w.detach().numpy(), method, channel_axis, 0.5, 3)
    scale = c_scales if channel_axis is None else np.expand_dims(c_scales, 1 - channel_axis)
    np.testing.assert_array_equal(q.detach().numpy(), c_trits * scale)
    upstream = torch.randn(6, 9)
    (q * upstream).sum().backward()
    assert w.grad is not None and w.grad.abs().sum() > 0
    assert torch.equal(w.grad, upstream)


def test_ternary_linear_forward_and_backward_match_reference(clib):
    torch.manual_seed(1)
    layer = td.TernaryLinear(13, 5, bias=True, method="absmean", per_channel=True)
    x = torch.randn(8, 13, requires_grad=True)
    y = layer(x)
    w = layer.weight.detach().numpy()
    _, c_trits, c_scales = clib.quantize(w, "absmean", 0)
    wq = c_trits.astype(np.float64) * c_scales.astype(np.float64)[:, None]
    x64 = x.detach().numpy().astype(np.float64)
    b64 = layer.bias.detach().numpy().astype(np.float64)
    np.testing.assert_allclose(y.detach().numpy(), x64 @ wq.T + b64, rtol=1e-5, atol=1e-6)
    g = torch.randn(8, 5)
    y.backward(g)
    g64 = g.numpy().astype(np.float64)
    # STE: dL/dW = dL/dWq = g^T x; dL/dx uses the ternarized weights.
    np.testing.assert_allclose(layer.weight.grad.numpy(), g64.T @ x64, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.bias.grad.numpy(), g64.sum(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), g64 @ wq, rtol=1e-5, atol=1e-6)
    assert layer.weight.grad.abs().sum() > 0


@pytest.mark.parametrize("method,kwargs", [("absmean", {}), ("threshold", {"threshold": 0.02}),
                                           ("absmean", {"per_channel": True})])
def test_ternary_linear_trains_on_regression(method, kwargs):
    # Teacher: y = x @ (0.3 * T)^T + b with ternary T; the student starts random.
    gen = torch.Generator().manual_seed(42)
    teacher = torch.randint(-1, 2, (4, 16), generator=gen).float() * 0.3
    x = torch.randn(512, 16, generator=gen)
    y = x @ teacher.T + 0.1 + 0.01 * torch.randn(512, 4, generator=gen)
    torch.manual_seed(0)
    layer = td.TernaryLinear(16, 4, method=method, **kwargs)
    opt = torch.optim.Adam(layer.parameters(), lr=0.01)
    losses = []
    for _ in range(300):
        opt.zero_grad()
        loss = nn.functional.mse_loss(layer(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    first, last = losses[0], sum(losses[-10:]) / 10
    assert last < 0.2 * first, (first, last)
    # The trained layer, frozen, keeps the low loss.
    frozen = layer.freeze()
    assert nn.functional.mse_loss(frozen(x), y).item() < 0.2 * first


def test_freeze_stores_c_bytes_and_matches_outputs(clib):
    torch.manual_seed(2)
    for encoding in ("offset2", "base3"):
        for per_channel in (False, True):
            layer = td.TernaryLinear(30, 7, method="absmean", per_channel=per_channel,
                                     encoding=encoding)
            frozen = layer.freeze()
            assert isinstance(frozen, td.PackedTernaryLinear)
            w = layer.weight.detach().numpy()
            _, c_trits, c_scales = clib.quantize(w, "absmean", 0 if per_channel else None)
            _, c_bytes, _ = clib.pack(c_trits, encoding, 1)
            # [out, in] along axis 1 == W[K, N] = weight.T along axis 0.
            _, c_bytes_kn, _ = clib.pack(np.ascontiguousarray(c_trits.T), encoding, 0)
            np.testing.assert_array_equal(c_bytes, c_bytes_kn)
            np.testing.assert_array_equal(frozen.packed_weight.numpy(), c_bytes)
            np.testing.assert_array_equal(frozen.weight_scale.numpy(), c_scales)
            x = torch.randn(4, 30)
            with torch.no_grad():
                assert torch.equal(frozen(x), layer(x))


@pytest.mark.parametrize("encoding,per_channel,bias", [("offset2", False, True),
                                                       ("base3", True, True),
                                                       ("offset2", True, False)])
def test_state_dict_round_trip(tmp_path, encoding, per_channel, bias):
    torch.manual_seed(3)
    frozen = td.TernaryLinear(50, 9, bias=bias, per_channel=per_channel,
                              encoding=encoding).freeze()
    sd = frozen.state_dict()
    expected_keys = {"packed_weight", "weight_scale", "_extra_state"} | ({"bias"} if bias else set())
    assert set(sd) == expected_keys
    assert sd["packed_weight"].dtype == torch.uint8
    assert sd["packed_weight"].numel() == 9 * -(-50 // (4 if encoding == "offset2" else 5))
    assert all(v.dtype != torch.float32 or v.numel() <= 9 for k, v in sd.items()
               if isinstance(v, torch.Tensor))  # no float weight matrix stored
    path = tmp_path / "layer.pt"
    torch.save(sd, path)
    loaded = torch.load(path, weights_only=True)
    fresh = td.PackedTernaryLinear(50, 9, bias=bias, encoding=encoding, per_channel=per_channel)
    x = torch.randn(3, 50)
    assert not torch.equal(fresh(x), frozen(x))
    fresh.load_state_dict(loaded)
    assert torch.equal(fresh.packed_weight, frozen.packed_weight)
    assert torch.equal(fresh.weight_scale, frozen.weight_scale)
    assert torch.equal(fresh(x), frozen(x))


def test_load_refuses_corrupt_bytes_and_other_layouts():
    torch.manual_seed(4)
    frozen = td.TernaryLinear(10, 3).freeze()
    buf = io.BytesIO()
    torch.save(frozen.state_dict(), buf)
    buf.seek(0)
    sd = torch.load(buf, weights_only=True)
    bad = dict(sd)
    bad["packed_weight"] = sd["packed_weight"].clone()
    bad["packed_weight"][5] = 0xFF  # row 1 (bytes 3..5), an invalid code
    with pytest.raises(td.PackingError) as info:
        td.PackedTernaryLinear(10, 3).load_state_dict(bad)
    assert info.value.index == 5 and info.value.status == "invalid_code"
    with pytest.raises(ValueError, match="layout"):
        td.PackedTernaryLinear(10, 3, encoding="base3").load_state_dict(sd)
    # Also when the layer is a sub-module of the model being loaded.
    model = nn.Sequential(td.PackedTernaryLinear(10, 3), nn.ReLU())
    with pytest.raises(td.PackingError):
        model.load_state_dict({f"0.{k}": v for k, v in bad.items()})
    model.load_state_dict({f"0.{k}": v for k, v in sd.items()})
    assert torch.equal(model[0].packed_weight, frozen.packed_weight)


def test_post_training_quantization_of_nn_linear(clib):
    torch.manual_seed(5)
    linear = nn.Linear(20, 6)
    packed = td.PackedTernaryLinear.from_float(linear, method="threshold", threshold=0.05,
                                               per_channel=True)
    _, c_trits, c_scales = clib.quantize(linear.weight.detach().numpy(), "threshold", 0, 0.05)
    np.testing.assert_array_equal(packed.ternary_weight().trits().numpy(), c_trits)
    np.testing.assert_array_equal(packed.weight_scale.numpy(), c_scales)
    x = torch.randn(2, 20)
    ref = x.double() @ torch.from_numpy(c_trits * c_scales[:, None]).double().T + linear.bias.double()
    torch.testing.assert_close(packed(x).double(), ref.detach(), rtol=1e-5, atol=1e-6)


def test_ternary_linear_arguments():
    with pytest.raises(ValueError, match="threshold"):
        td.TernaryLinear(4, 2, method="threshold")
    with pytest.raises(ValueError, match="method"):
        td.TernaryLinear(4, 2, method="sign")
    with pytest.raises(ValueError, match="encoding"):
        td.TernaryLinear(4, 2, encoding="base4")
    layer = td.TernaryLinear(4, 2, bias=False)
    assert layer.bias is None and layer.freeze().bias is None
    assert "method='absmean'" in repr(layer)
