# Proves that TernaryTensor stores exactly the C library's bytes and scales
# (from_float = C tri_quantize + C tri_pack_tensor), that to_float() equals an
# independent float64 trits * scale, that nbytes and compression_report() give
# the byte counts the format implies (a 784x256 layer, both encodings, per
# tensor and per channel), and that bad buffers are refused.
import math

import numpy as np
import pytest
import torch

import triton_dsl as td


@pytest.mark.parametrize("encoding", ["offset2", "base3"])
@pytest.mark.parametrize("method", ["threshold", "absmean", "stochastic"])
@pytest.mark.parametrize("axis,channel_axis", [(0, None), (0, 1), (1, 0), (1, None), (0, 0)])
def test_from_float_matches_c(clib, encoding, method, axis, channel_axis):
    rng = np.random.default_rng(17)
    w = rng.normal(0, 0.1, size=(37, 11)).astype(np.float32)
    tt = td.TernaryTensor.from_float(torch.from_numpy(w), method, encoding, axis, channel_axis,
                                     threshold=0.05, seed=9)
    _, c_trits, c_scales = clib.quantize(w, method, channel_axis, 0.05, 9)
    _, c_bytes, _ = clib.pack(c_trits, encoding, axis)
    assert tt.packed.dtype == torch.uint8
    np.testing.assert_array_equal(tt.packed.numpy(), c_bytes)
    np.testing.assert_array_equal(tt.scale.numpy(), c_scales)
    np.testing.assert_array_equal(tt.trits().numpy(), c_trits)
    # to_float against float64 numpy (exact: every value is +-scale or 0).
    scale64 = c_scales.astype(np.float64)
    if channel_axis is not None:
        scale64 = np.expand_dims(scale64, 1 - channel_axis)
    expected = c_trits.astype(np.float64) * scale64
    out = tt.to_float()
    assert out.dtype == torch.float32 and tuple(out.shape) == w.shape
    np.testing.assert_array_equal(out.numpy().astype(np.float64), expected)
    assert tt.to_float(torch.float64).dtype == torch.float64
    # numpy input gives the same tensor.
    np.testing.assert_array_equal(
        td.TernaryTensor.from_float(w, method, encoding, axis, channel_axis, 0.05, 9).packed.numpy(),
        c_bytes)


@pytest.mark.parametrize("encoding,per", [("offset2", 4), ("base3", 5)])
@pytest.mark.parametrize("per_channel", [False, True])
def test_compression_report_784x256(encoding, per, per_channel):
    # W[K=784, N=256] packed along K: N rows of ceil(K / per) bytes each.
    K, N = 784, 256
    expected_packed = N * (-(-K // per))  # offset2: 256 * 196, base3: 256 * 157
    expected_scales = 4 * (N if per_channel else 1)
    w = torch.randn(K, N, generator=torch.Generator().manual_seed(0))
    tt = td.TernaryTensor.from_float(w, "absmean", encoding, axis=0,
                                     channel_axis=1 if per_channel else None)
    assert tt.nbytes == expected_packed == tt.packed.numel()
    report = tt.compression_report()
    assert report.elements == K * N == 200704
    assert report.packed_bytes == expected_packed
    assert report.scale_bytes == expected_scales
    assert report.total_bytes == expected_packed + expected_scales
    assert report.fp32_bytes == 4 * K * N == 802816
    assert report.fp16_bytes == 2 * K * N == 401408
    assert report.bits_per_weight == 8 * expected_packed / (K * N)
    assert report.bits_per_weight_with_scales == 8 * (expected_packed + expected_scales) / (K * N)
    assert report.ratio_vs_fp32 == 4 * K * N / (expected_packed + expected_scales)
    assert report.ratio_vs_fp16 == 2 * K * N / (expected_packed + expected_scales)
    if encoding == "offset2":
        assert expected_packed == 50176 and report.bits_per_weight == 2.0
    else:
        assert expected_packed == 40192 and math.isclose(report.bits_per_weight, 1.6020408163265305)
    text = str(report)
    assert str(expected_packed) in text and "802816" in text and "bits/weight" in text
    d = report.as_dict()
    assert d["total_bytes"] == expected_packed + expected_scales and d["shape"] == (K, N)
    # The nn.Linear layout [N, K] packed along axis 1 has the same bytes.
    tl = td.TernaryTensor.from_float(w.t().contiguous(), "absmean", encoding, axis=1,
                                     channel_axis=0 if per_channel else None)
    assert torch.equal(tl.packed, tt.packed)


def test_constructor_checks():
    trits = torch.tensor([[1, 0, -1], [0, 1, 1]], dtype=torch.int8)
    tt = td.TernaryTensor.from_trits(trits, scale=0.5)
    assert tt.shape == (2, 3) and tt.axis == 0 and tt.nbytes == 3 and tt.scale.item() == 0.5
    assert torch.equal(tt.to_float(), trits.float() * 0.5)
    with pytest.raises(ValueError, match="expected 3"):
        td.TernaryTensor(torch.full((4,), 0x55, dtype=torch.uint8), (2, 3))
    with pytest.raises(td.PackingError) as info:
        td.TernaryTensor(torch.tensor([0x55, 0xFF, 0x55], dtype=torch.uint8), (2, 3))
    assert info.value.index == 1
    with pytest.raises(ValueError, match="scale has shape"):
        td.TernaryTensor(tt.packed, (2, 3), scale=torch.ones(2))
    with pytest.raises(ValueError, match="scale has shape"):
        td.TernaryTensor(tt.packed, (2, 3), scale=torch.ones(2), channel_axis=1)
    with pytest.raises(TypeError):
        td.TernaryTensor(tt.packed.to(torch.int8), (2, 3))
    with pytest.raises(TypeError):
        td.TernaryTensor(tt.packed.numpy().astype(np.int8), (2, 3))
    from_numpy = td.TernaryTensor(tt.packed.numpy(), (2, 3), scale=0.5)
    assert torch.equal(from_numpy.to_float(), tt.to_float())
    pc = td.TernaryTensor(tt.packed, (2, 3), scale=np.array([1.0, 2.0, 4.0]), channel_axis=-1)
    assert pc.channel_axis == 1
    assert pc.to_float().tolist() == [[1.0, 0.0, -4.0], [0.0, 2.0, 4.0]]
    assert "TernaryTensor(shape=(2, 3)" in repr(pc)
    assert pc.to("cpu").packed.data_ptr() == pc.packed.data_ptr()
