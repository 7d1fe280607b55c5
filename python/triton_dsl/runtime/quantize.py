"""Quantizers float -> trits + scale, numerically identical to tri_quantize.

The definitions are those of runtime/include/ternary_packing.h and
docs/packing.md section 8:

* ``threshold`` (Ternary Weight Networks): t = +1 if x > d, -1 if x < -d,
  else 0; scale = mean |x| over the kept elements (1 if none).
* ``absmean`` (BitNet b1.58): gamma = max(mean |x|, 1e-5);
  t = clamp(round_half_even(x / gamma), -1, 1); scale = gamma.
* ``stochastic``: scale = max |x| (1 if all zero); t = sign(x) when
  u(seed, flat) < |x| / scale, where u is the splitmix64 counter-based uniform
  variate of the element's flat row-major index.

To give the very same trits and scales as the C library, the inputs are
first rounded to float32 (the C API takes ``float``), all arithmetic is in
float64, and the sums run sequentially in the C loop order (``np.cumsum`` is a
left-to-right accumulation), not pairwise: with a wide dynamic range a pairwise
sum can differ from C's in the last bit, and so can a trit next to a rounding
boundary. Only the stored scale is rounded to float32.
"""

from __future__ import annotations

from typing import Optional, Tuple, Union

import numpy as np
import torch

__all__ = ["METHODS", "quantize", "stochastic_uniform", "splitmix64"]

ArrayLike = Union[np.ndarray, torch.Tensor]

# Method names and their tri_quant_method values in the C header.
METHODS = {"threshold": 0, "absmean": 1, "stochastic": 2}

_U64 = np.uint64
_MASK64 = (1 << 64) - 1
_ABSMEAN_EPS = 1e-5


def _splitmix64_scalar(z: int) -> int:
    z = (z + 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def splitmix64(z: np.ndarray) -> np.ndarray:
    """The splitmix64 finalizer on a uint64 array (wrapping arithmetic)."""
    with np.errstate(over="ignore"):  # 0-d arrays warn on the intended wrap
        z = np.asarray(z, dtype=_U64) + _U64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
        return z ^ (z >> _U64(31))


def stochastic_uniform(seed: int, index) -> np.ndarray:
    """u(seed, index) in [0, 1) of TRI_QUANT_STOCHASTIC (tri_stochastic_uniform).

    ``index`` may be an int or an integer array; ``seed`` is reduced modulo
    2**64 as the C ``uint64_t`` parameter would be. Returns float64.
    """
    key = _U64(_splitmix64_scalar(int(seed) & _MASK64))
    bits = splitmix64(np.asarray(index, dtype=_U64) ^ key)
    return (bits >> _U64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def _to_float32_numpy(x: ArrayLike) -> Tuple[np.ndarray, Optional[torch.device]]:
    if isinstance(x, torch.Tensor):
        return x.detach().to("cpu", torch.float32).numpy(), x.device
    if isinstance(x, np.ndarray) or np.isscalar(x):
        return np.asarray(x, dtype=np.float32), None
    raise TypeError(f"x must be a numpy array or a torch tensor, got {type(x).__name__}")


def _sequential_sum(a: np.ndarray) -> np.ndarray:
    """Row sums of a 2-D float64 array, accumulated left to right as in C."""
    if a.shape[1] == 0:
        return np.zeros(a.shape[0], dtype=np.float64)
    return np.cumsum(a, axis=1)[:, -1]


def quantize(x: ArrayLike, method: str = "absmean", channel_axis: Optional[int] = None,
             threshold: Optional[float] = None, seed: int = 0):
    """Quantizes ``x`` to (trits, scales) exactly as ``tri_quantize`` does.

    Args:
        x: float tensor (numpy or torch, any float dtype; rounded to float32).
        method: ``"threshold"``, ``"absmean"`` or ``"stochastic"``.
        channel_axis: ``None`` for one scale over the whole tensor, or an axis
            (negative counts from the end) for one scale per index of it,
            computed over all other elements.
        threshold: the threshold ``d >= 0`` of the ``threshold`` method
            (required there, ignored otherwise).
        seed: the key of the ``stochastic`` method (ignored otherwise).

    Returns:
        ``(trits, scales)``: int8 trits of ``x``'s shape and float32 scales of
        shape ``()`` (per tensor) or ``(x.shape[channel_axis],)``. numpy in,
        numpy out; torch in, torch out on ``x``'s device.

    Raises:
        ValueError: unknown method, bad axis or threshold, or a NaN/infinite
            input (the message names the flat index of the first one).
    """
    if method not in METHODS:
        raise ValueError(f"unknown quantization method {method!r}; expected one of {sorted(METHODS)}")
    xf, device = _to_float32_numpy(x)
    shape = xf.shape
    rank = xf.ndim
    if method == "threshold":
        if threshold is None:
            raise ValueError("the threshold method needs threshold=d (d >= 0)")
        d = float(np.float32(threshold))  # the C parameter is a float
        if not d >= 0.0:
            raise ValueError(f"threshold must be >= 0, got {threshold!r}")
    else:
        d = 0.0
    nonfinite = ~np.isfinite(xf)
    if nonfinite.any():
        flat = int(np.flatnonzero(nonfinite)[0])
        raise ValueError(
            f"cannot quantize {xf.reshape(-1)[flat]} at flat index {flat}: "
            "value to quantize is NaN or infinite")

    # groups[c] lists the elements of channel c in the C loop order (outer,
    # then inner); flat[c] their flat row-major indices.
    xd = xf.astype(np.float64)
    flat = np.arange(xd.size, dtype=np.int64).reshape(shape)
    if channel_axis is None:
        groups = xd.reshape(1, -1)
        flat_groups = flat.reshape(1, -1)
    else:
        if not -rank <= channel_axis < rank:
            raise ValueError(f"channel_axis {channel_axis} is out of range for a rank-{rank} tensor")
        ca = channel_axis % rank
        outer = int(np.prod(shape[:ca], dtype=np.int64))
        channels = shape[ca]
        inner = int(np.prod(shape[ca + 1:], dtype=np.int64))
        def by_channel(a):
            return a.reshape(outer, channels, inner).transpose(1, 0, 2).reshape(channels, outer * inner)
        groups = by_channel(xd)
        flat_groups = by_channel(flat)

    a = np.abs(groups)
    count = groups.shape[1]
    if method == "threshold":
        kept = a > d
        n_kept = kept.sum(axis=1)
        sum_kept = _sequential_sum(np.where(kept, a, 0.0))  # + 0.0 changes no sum
        scale = np.where(n_kept > 0, sum_kept / np.maximum(n_kept, 1), 1.0)
        t = np.where(groups > d, 1, np.where(groups < -d, -1, 0))
    elif method == "absmean":
        scale = _sequential_sum(a) / count if count else np.zeros(groups.shape[0])
        scale = np.where(scale < _ABSMEAN_EPS, _ABSMEAN_EPS, scale)
        # np.rint rounds half to even, like the C round_half_even.
        t = np.clip(np.rint(groups / scale[:, None]), -1.0, 1.0)
    else:
        max_abs = a.max(axis=1) if count else np.zeros(groups.shape[0])
        scale = np.where(max_abs > 0.0, max_abs, 1.0)
        u = stochastic_uniform(seed, flat_groups)
        t = np.where(u < a / scale[:, None], np.sign(groups), 0.0)

    trits = np.empty(xd.size, dtype=np.int8)
    trits[flat_groups.reshape(-1)] = t.reshape(-1).astype(np.int8)
    trits = trits.reshape(shape)
    scales = scale.astype(np.float32)
    scales = scales.reshape(()) if channel_axis is None else scales
    if device is None:
        return trits, scales
    return torch.from_numpy(trits).to(device), torch.from_numpy(scales).to(device)
