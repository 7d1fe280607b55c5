# Proves that triton_dsl.quantize gives the very same trits and float32
# scales as the C library's tri_quantize (built by the `clib` fixture) for
# threshold, absmean and stochastic, per tensor and per channel on every axis,
# on random inputs including a wide dynamic range where the summation order
# matters; that stochastic_uniform is C's splitmix64 variate; that the
# documented examples hold; and that bad input raises with the flat index.
import zlib

import numpy as np
import pytest
import torch

import triton_dsl as td

METHODS = ["threshold", "absmean", "stochastic"]


def random_input(rng, shape, kind):
    if kind == "normal":
        return rng.normal(0.0, 0.05, size=shape).astype(np.float32)
    if kind == "wide":  # |x| from 1e-30 to 1e30: sums are inexact in double
        mag = np.exp(rng.uniform(-69, 69, size=shape))
        return (mag * rng.choice([-1.0, 1.0], size=shape)).astype(np.float32)
    if kind == "ties":  # many values on rounding boundaries of x / gamma
        return rng.choice([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5], size=shape).astype(np.float32)
    raise AssertionError(kind)


def assert_same_as_c(clib, x, method, channel_axis, threshold=0.0, seed=0):
    status, c_trits, c_scales = clib.quantize(x, method, channel_axis, threshold, seed)
    assert status == "ok"
    trits, scales = td.quantize(x, method, channel_axis,
                                threshold if method == "threshold" else None, seed)
    assert trits.dtype == np.int8 and scales.dtype == np.float32
    assert trits.shape == x.shape and scales.shape == c_scales.shape
    np.testing.assert_array_equal(trits, c_trits,
                                  err_msg=f"{method} {x.shape} channel_axis={channel_axis}")
    # Bitwise identical scales (no tolerance).
    np.testing.assert_array_equal(scales.view(np.uint32), c_scales.view(np.uint32))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind", ["normal", "wide", "ties"])
def test_quantize_matches_c(clib, method, kind):
    rng = np.random.default_rng(zlib.crc32(f"{method}-{kind}".encode()))
    cases = 0
    for _ in range(25):
        rank = int(rng.integers(1, 4))
        shape = tuple(int(d) for d in rng.integers(1, 9, size=rank))
        x = random_input(rng, shape, kind)
        threshold = float(rng.choice([0.0, 0.03, 0.5, float(np.abs(x).mean())]))
        seed = int(rng.integers(0, 2**63)) * 2 + 1
        for channel_axis in [None, *range(rank)]:
            assert_same_as_c(clib, x, method, channel_axis, threshold, seed)
            cases += 1
    assert cases >= 50


@pytest.mark.parametrize("method", METHODS)
def test_quantize_matches_c_on_a_layer(clib, method):
    # A real layer size, per tensor and per output channel of W[K, N].
    x = random_input(np.random.default_rng(11), (784, 256), "normal")
    for channel_axis in (None, 0, 1):
        assert_same_as_c(clib, x, method, channel_axis, threshold=0.04, seed=2024)


def test_summation_order_is_the_c_loop(clib):
    # Crafted so that the order of the double sum shows in the float32 scale:
    # 1 + 2**-24 is a float32 rounding midpoint (ties to even -> 1.0). C adds
    # the 1022 values 2**-60 one by one to ~1 and loses every one of them;
    # a pairwise sum (numpy's np.sum) adds them up first (~2**-50) and lands
    # above the midpoint. quantize must follow C.
    x = np.full(1024, 2.0**-60, dtype=np.float32)
    x[0], x[1] = 1.0, 2.0**-24
    a = x.astype(np.float64)
    sequential = 0.0
    for v in a:
        sequential += v
    assert sequential == 1.0 + 2.0**-24
    assert np.float32(np.sum(a) / 1024) != np.float32(sequential / 1024)
    for method, threshold in [("absmean", None), ("threshold", 0.0)]:
        t, s = td.quantize(x, method, threshold=threshold)
        assert s == np.float32(sequential / 1024)  # all 1024 kept by threshold 0
        assert_same_as_c(clib, x, method, None, threshold=0.0)
    # The same per channel (channel 1 of a [1024, 2] tensor holds x).
    x2 = np.stack([np.ones(1024, dtype=np.float32), x], axis=1)
    assert_same_as_c(clib, x2, "absmean", 1)
    assert td.quantize(x2, "absmean", channel_axis=1)[1][1] == np.float32(sequential / 1024)


def test_documented_examples():
    x = np.array([1.5, -0.25, 0.125, -0.75, 0.75, 0, 0.3, -0.3], dtype=np.float32)
    t, s = td.quantize(x, "threshold", threshold=0.3)
    assert t.tolist() == [1, 0, 0, -1, 1, 0, 0, 0] and s == np.float32(1.0)
    # absmean: ties round half to even (0.5 -> 0, 1.5 -> 2 -> clamped to 1).
    t, s = td.quantize(np.array([0.5, -0.5, 1.5, -1.5, 1, -1], dtype=np.float32), "absmean")
    assert t.tolist() == [0, 0, 1, -1, 1, -1] and s == np.float32(1.0)
    # all zeros
    zeros = np.zeros((3, 2), dtype=np.float32)
    t, s = td.quantize(zeros, "absmean")
    assert not t.any() and s == np.float32(1e-5)
    t, s = td.quantize(zeros, "threshold", threshold=0.1)
    assert not t.any() and s == np.float32(1.0)
    t, s = td.quantize(zeros, "stochastic", channel_axis=1)
    assert not t.any() and s.tolist() == [1.0, 1.0]


def test_absmean_reference_in_float64():
    # An independent float64 reference of BitNet b1.58 per output column.
    rng = np.random.default_rng(5)
    x = rng.normal(size=(64, 16)).astype(np.float32)
    xd = x.astype(np.float64)
    gamma = np.maximum(np.abs(xd).mean(axis=0), 1e-5)
    ratio = xd / gamma
    assert np.all(np.abs(np.abs(ratio - np.floor(ratio)) - 0.5) > 1e-9)  # no ties here
    expected = np.clip(np.floor(ratio + 0.5), -1, 1)
    t, s = td.quantize(x, "absmean", channel_axis=1)
    np.testing.assert_array_equal(t, expected)
    np.testing.assert_allclose(s, gamma, rtol=1e-7)


def test_stochastic_uniform_matches_c(clib):
    assert td.stochastic_uniform(0, 0) == 0.65244848637403219  # docs/packing.md
    rng = np.random.default_rng(8)
    seeds = [0, 1, 2**64 - 1, 2**63, *rng.integers(0, 2**63, size=5).tolist()]
    indices = np.array([0, 1, 2**32, 2**63 + 5, *rng.integers(0, 2**40, size=50)], dtype=np.uint64)
    for seed in seeds:
        ours = td.stochastic_uniform(seed, indices)
        theirs = [clib.stochastic_uniform(seed, int(i)) for i in indices]
        np.testing.assert_array_equal(ours, np.array(theirs))
        assert td.stochastic_uniform(seed, int(indices[3])) == theirs[3]
    # A negative seed is taken modulo 2**64, like the C uint64_t parameter.
    assert td.stochastic_uniform(-1, 7) == clib.stochastic_uniform(2**64 - 1, 7)


def test_stochastic_is_deterministic_and_unbiased(clib):
    x = np.full(20000, 0.25, dtype=np.float32)
    x[0] = 1.0  # scale = max |x| = 1, so P(t = 1) = 0.25 elsewhere
    t1, s = td.quantize(x, "stochastic", seed=42)
    t2, _ = td.quantize(x, "stochastic", seed=42)
    t3, _ = td.quantize(x, "stochastic", seed=43)
    np.testing.assert_array_equal(t1, t2)
    assert not np.array_equal(t1, t3)
    assert s == 1.0 and t1[0] == 1
    assert abs(t1[1:].mean() - 0.25) < 0.02
    assert_same_as_c(clib, x, "stochastic", None, seed=42)


def test_other_dtypes_round_to_float32_first(clib):
    rng = np.random.default_rng(6)
    x64 = rng.normal(size=(10, 7))
    t, s = td.quantize(x64, "absmean", channel_axis=0)
    status, c_t, c_s = clib.quantize(x64.astype(np.float32), "absmean", 0)
    np.testing.assert_array_equal(t, c_t)
    np.testing.assert_array_equal(s, c_s)
    x16 = torch.from_numpy(x64).to(torch.float16)
    t, s = td.quantize(x16, "absmean")
    status, c_t, c_s = clib.quantize(x16.float().numpy(), "absmean")
    assert isinstance(t, torch.Tensor) and t.dtype == torch.int8 and s.dtype == torch.float32
    np.testing.assert_array_equal(t.numpy(), c_t)
    assert s.item() == c_s


def test_empty_and_rank0(clib):
    t, s = td.quantize(np.zeros((0, 3), dtype=np.float32), "absmean", channel_axis=1)
    assert t.shape == (0, 3) and s.tolist() == [np.float32(1e-5)] * 3
    status, _, c_s = clib.quantize(np.zeros((0, 3), dtype=np.float32), "absmean", 1)
    np.testing.assert_array_equal(s, c_s)
    t, s = td.quantize(np.float32(-3.0), "absmean")
    assert t.shape == () and t == -1 and s == 3.0


def test_errors():
    x = np.ones((2, 3), dtype=np.float32)
    x[1, 1] = np.nan
    with pytest.raises(ValueError, match="flat index 4"):
        td.quantize(x, "absmean")
    x[1, 1] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        td.quantize(x, "stochastic")
    x[1, 1] = 0
    with pytest.raises(ValueError, match="threshold"):
        td.quantize(x, "threshold")
    with pytest.raises(ValueError, match=">= 0"):
        td.quantize(x, "threshold", threshold=-0.1)
    with pytest.raises(ValueError, match=">= 0"):
        td.quantize(x, "threshold", threshold=float("nan"))
    with pytest.raises(ValueError, match="method"):
        td.quantize(x, "round")
    with pytest.raises(ValueError, match="channel_axis"):
        td.quantize(x, "absmean", channel_axis=2)
    # Negative channel axes count from the end.
    np.testing.assert_array_equal(td.quantize(x, "absmean", channel_axis=-1)[1],
                                  td.quantize(x, "absmean", channel_axis=1)[1])
